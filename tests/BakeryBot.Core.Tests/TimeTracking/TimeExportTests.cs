using System.Text;
using System.Text.RegularExpressions;
using BakeryBot.Core.Chat;
using BakeryBot.Core.Data;
using BakeryBot.Core.Tests.Infrastructure;
using BakeryBot.Core.TimeTracking;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using static BakeryBot.Core.Tests.TimeTracking.TimeKit;

namespace BakeryBot.Core.Tests.TimeTracking;

/// <summary>
/// <c>/time export</c>'s links (hashed, for an hour, scoped to the tenant and to what the asker may
/// see) and the CSV behind them, parsed back with a CSV reader.
/// </summary>
public abstract partial class TimeExportTests(DbProvider provider)
{
    /// <summary>A note that needs every kind of CSV quoting.</summary>
    public const string AwkwardNote = "oven 2, then \"the big one\"\nand a second line";

    /// <summary>A note a spreadsheet would run as a formula.</summary>
    public const string FormulaNote = "=HYPERLINK(\"http://evil.example\",\"click\")";

    [SkippableFact]
    public async Task A_link_is_shown_once_stored_as_a_hash_and_works_for_an_hour()
    {
        await using var app = await CoreTestApp.CreateAsync(provider); // Thursday 26 November 2026, 09:00 UTC
        await InZoneAsync(app, "alice", "Europe/Paris");

        var reply = await app.SendAsync("time", "export from:2026-11-01 to:2026-11-30");
        var defaults = await app.SendAsync("time", "export");

        Assert.Equal(ReplyKind.Private, reply.Kind);
        Assert.True(reply.Sensitive);
        Assert.StartsWith("Your time export: your time entries from Sun 1 Nov 2026 to Mon 30 Nov 2026, as CSV", reply.Text, StringComparison.Ordinal);
        Assert.Contains("The link works for an hour (until 11:00 your time)", reply.Text, StringComparison.Ordinal);
        var token = TokenIn(reply.Text);
        var links = await app.QueryAsync(db => db.Set<TimeExportToken>().OrderBy(t => t.Id).ToListAsync());
        Assert.Equal(
            [
                (SecretToken.HashHex(token), CoreTestApp.Start.AddHours(1), new DateOnly(2026, 11, 1), new DateOnly(2026, 11, 30), false),
                (SecretToken.HashHex(TokenIn(defaults.Text)), CoreTestApp.Start.AddHours(1), new DateOnly(2026, 11, 1), new DateOnly(2026, 11, 26), false),
            ],
            links.Select(l => (l.TokenHash, l.ExpiresAt, l.From, l.To, l.Everyone)));
        Assert.DoesNotContain(token, await app.QueryAsync(StoredText.AllAsync), StringComparison.Ordinal);
        Assert.Equal(2, await app.QueryAsync(db => db.AuditEntries.CountAsync(a => a.RecordType == "time-export" && a.Action == "created")));

        var alice = await PersonIdAsync(app, "alice");
        var tenant = links[0].TenantId;
        Assert.Equal(new TimeExportScope(tenant, alice, new DateOnly(2026, 11, 1), new DateOnly(2026, 11, 30)), await VerifyAsync(app, token));
        app.Clock.Advance(TimeSpan.FromMinutes(59));
        Assert.NotNull(await VerifyAsync(app, token));
        app.Clock.Advance(TimeSpan.FromMinutes(1));
        Assert.Null(await VerifyAsync(app, token));
        Assert.Null(await VerifyAsync(app, null));
        Assert.Null(await VerifyAsync(app, ""));
        Assert.Null(await VerifyAsync(app, token[..^1] + (token[^1] == 'A' ? 'B' : 'A')));
        Assert.Null(await VerifyAsync(app, new string('x', 10_000)));
    }

    [SkippableFact]
    public async Task Managers_and_admins_export_everyones_entries_while_they_keep_the_role_others_only_their_own()
    {
        await using var app = await CoreTestApp.CreateAsync(provider);
        await app.SendAsync("bakery", "role add <@dana> manager", user: "admin");

        var manager = TokenIn((await app.SendAsync("time", "export", user: "dana")).Text);
        var admin = await app.SendAsync("time", "export", user: "admin");
        var own = TokenIn((await app.SendAsync("time", "export", user: "bob")).Text);

        Assert.StartsWith("Your time export: everyone's time entries", admin.Text, StringComparison.Ordinal);
        Assert.Null((await VerifyAsync(app, manager))!.PersonId);
        Assert.Null((await VerifyAsync(app, TokenIn(admin.Text)))!.PersonId);
        Assert.Equal(await PersonIdAsync(app, "bob"), (await VerifyAsync(app, own))!.PersonId);

        // A manager who is no longer one keeps a working link, to their own entries only.
        await app.SendAsync("bakery", "role remove <@dana> manager", user: "admin");
        Assert.Equal(await PersonIdAsync(app, "dana"), (await VerifyAsync(app, manager))!.PersonId);
    }

    [SkippableFact]
    public async Task Where_answers_are_seen_by_everyone_no_link_is_made()
    {
        await using var app = await CoreTestApp.CreateAsync(provider);

        var reply = await app.Router.HandleAsync(CoreTestApp.Request("alice") with { Command = "time", Text = "export", PrivateReplies = false }, CancellationToken.None);

        Assert.Equal(ReplyKind.Warning, reply.Kind);
        Assert.Contains("seen by everyone in the conversation", reply.Text, StringComparison.Ordinal);
        Assert.Equal(0, await app.QueryAsync(db => db.Set<TimeExportToken>().CountAsync()));
    }

    [SkippableFact]
    public async Task The_csv_has_a_row_per_entry_on_its_persons_local_day_with_awkward_notes_quoted_and_formulas_defused()
    {
        await using var app = await CoreTestApp.CreateAsync(provider); // Thursday 26 November 2026, 09:00 UTC
        await app.SendAsync("incident", "burnt-cookie");
        await InZoneAsync(app, "alice", "America/Los_Angeles");
        await InZoneAsync(app, "bob", "Asia/Tokyo");
        await app.SendAsync("time", "log 1h30m INC-1 triage", user: "alice"); // 01:00 on Thursday in Los Angeles: from its midnight
        await app.SendAsync("time", "log 20m on:2026-11-01", user: "bob"); // Tokyo's 1 November starts on 31 October in UTC
        await app.SendAsync("time", "log 2h on:2026-10-31", user: "bob"); // before the export's days
        await app.SendAsync("time", "log 45m on:yesterday", user: "alice");
        await app.SendAsync("drill", "new Region down scenario:region-down every:\"6 months\" rto:4h rpo:15m", user: "bob");
        await app.SendAsync("timer", "start DRL-1", user: "bob");
        app.Clock.Advance(TimeSpan.FromMinutes(10));
        await app.SendAsync("timer", "stop", user: "bob");
        await app.SendAsync("time", "log 1h other workspace", user: "alice", tenant: "T2");
        var entries = await EntriesAsync(app);
        await app.QueryAsync(async db =>
        {
            var notes = await db.Set<TimeEntry>().Where(e => e.Id == entries[3].Id || e.Id == entries[4].Id).OrderBy(e => e.Id).ToListAsync();
            notes[0].Note = AwkwardNote;
            notes[1].Note = FormulaNote;
            notes[1].SourceLink = "https://chat.example/m/1";
            return await db.SaveChangesAsync();
        });
        var tenant = entries[0].TenantId;

        var everyone = TimeCsv.Parse(await CsvAsync(app, new TimeExportScope(tenant, null, new DateOnly(2026, 11, 1), new DateOnly(2026, 11, 30))));
        var bobs = TimeCsv.Parse(await CsvAsync(app, new TimeExportScope(tenant, await PersonIdAsync(app, "bob"), new DateOnly(2026, 11, 1), new DateOnly(2026, 11, 30))));
        var none = await CsvAsync(app, new TimeExportScope(tenant, null, new DateOnly(2025, 1, 1), new DateOnly(2025, 1, 31)));

        Assert.Equal(
            [
                [entries[1].Id.ToString(), "Bob", "2026-11-01", "2026-10-31T15:00:00Z", "0.33", "1200", "", "", ""],
                [entries[3].Id.ToString(), "Alice", "2026-11-25", "2026-11-25T08:00:00Z", "0.75", "2700", "", AwkwardNote, ""],
                [entries[0].Id.ToString(), "Alice", "2026-11-26", "2026-11-26T08:00:00Z", "1.50", "5400", "INC-1", "triage", ""],
                [entries[4].Id.ToString(), "Bob", "2026-11-26", "2026-11-26T09:00:00Z", "0.17", "600", "DRL-1", "'" + FormulaNote, "https://chat.example/m/1"],
            ],
            everyone.Select(r => TimeExportService.Columns.Select(c => r[c]).ToArray()));
        Assert.Equal([entries[1].Id.ToString(), entries[4].Id.ToString()], bobs.Select(r => r["entry_id"]));
        Assert.Equal(string.Join(',', TimeExportService.Columns) + "\r\n", none);
    }

    /// <summary>The export link's token in an answer.</summary>
    public static string TokenIn(string text)
    {
        var match = LinkPattern().Match(text);
        Assert.True(match.Success, text);
        return match.Groups[1].Value;
    }

    private static Task<TimeExportScope?> VerifyAsync(CoreTestApp app, string? token) =>
        app.QueryAsync(db => new TimeExportService(db, app.Services.GetRequiredService<TimeProvider>()).VerifyAsync(token, CancellationToken.None));

    private static Task<string> CsvAsync(CoreTestApp app, TimeExportScope scope) => app.QueryAsync(async db =>
    {
        using var stream = new MemoryStream();
        await new TimeExportService(db, app.Clock).WriteCsvAsync(stream, scope, CancellationToken.None);
        return Encoding.UTF8.GetString(stream.ToArray());
    });

    [GeneratedRegex(@"http://localhost:5080/export/time\.csv\?token=([A-Za-z0-9_-]{43})\n")]
    private static partial Regex LinkPattern();
}

public sealed class SqliteTimeExportTests() : TimeExportTests(DbProvider.Sqlite);

public sealed class PostgresTimeExportTests() : TimeExportTests(DbProvider.Postgres);
