using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using BakeryBot.Core.Chat;
using BakeryBot.Core.Data;
using BakeryBot.Core.Tests.Infrastructure;
using BakeryBot.Host.Cli;
using BakeryBot.Host.Tests.Infrastructure;
using CsvHelper;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace BakeryBot.Host.Tests.Exports;

/// <summary>
/// <c>bakerybot export audit</c>: the audit trail that commands run through the bot left, read back
/// with a CSV parser and as JSON lines, within inclusive UTC days, of one tenant or all.
/// </summary>
public abstract class AuditExportTests(DbProvider provider)
{
    private const string Formula = "=HYPERLINK(\"http://evil.example\",\"Alice\")";

    [SkippableFact]
    public async Task The_trail_of_the_days_asked_is_written_oldest_first_as_csv_and_as_json_lines()
    {
        await using var audit = await AuditBed.CreateAsync(provider);

        var (csvCode, csvMessages, csv) = await RunAsync(audit.Bot, "audit", "--from", "2026-11-27", "--to", "2026-11-27");
        var (jsonCode, jsonMessages, jsonl) = await RunAsync(audit.Bot, "audit", "--from", "2026-11-27", "--to", "2026-11-27", "--format", "jsonl");

        // Nov 26 and Nov 28 (from 00:00:00Z on) are outside; Nov 27 from 00:00:00Z to 23:59:59Z is in, both tenants.
        var expected = await audit.Bot.QueryAsync(db => db.AuditEntries.Where(a => a.At >= Day(27) && a.At < Day(28)).OrderBy(a => a.Id).ToListAsync());
        Assert.Equal((0, 0), (csvCode, jsonCode));
        Assert.Equal($"Exported {expected.Count} audit entries of every tenant from 2026-11-27 to 2026-11-27 (UTC).\n", csvMessages);
        Assert.Equal(csvMessages, jsonMessages);
        Assert.Contains(expected, a => a.At == Day(27) && a.RecordType == "incident");
        Assert.Contains(expected, a => a.At == Day(28).AddSeconds(-1) && a.RecordType == "incident");
        Assert.Contains(expected, a => a.RecordType == "incident" && a.Changes.Contains("fridge", StringComparison.Ordinal));
        var tenants = await audit.Bot.QueryAsync(db => db.Tenants.ToDictionaryAsync(t => t.Id, t => $"{t.Platform}:{t.ExternalId}"));
        var people = await audit.Bot.QueryAsync(db => db.People.ToDictionaryAsync(p => p.Id, p => p.DisplayName));

        var rows = ParseCsv(csv);
        Assert.Equal(expected.Select(a => a.Id.ToString(CultureInfo.InvariantCulture)), rows.Select(r => r["id"]));
        var lines = jsonl.Split('\n');
        Assert.Equal("", lines[^1]);
        var objects = lines[..^1].Select(l => JsonNode.Parse(l)!.AsObject()).ToList();
        Assert.Equal(expected.Select(a => a.Id), objects.Select(o => o["id"]!.GetValue<long>()));
        for (var i = 0; i < expected.Count; i++)
        {
            var a = expected[i];
            var actor = a.ActorId is { } id ? people[id] : null;
            var at = a.At.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);
            Assert.Equal(
                [at, tenants[a.TenantId], actor is null ? "" : actor.StartsWith('=') ? "'" + actor : actor, a.ActorId?.ToString(CultureInfo.InvariantCulture) ?? "", a.Platform ?? "", a.RecordType, a.RecordKey, a.Action, a.Changes],
                AuditExportService.Columns.Skip(1).Select(c => rows[i][c]));
            var o = objects[i];
            Assert.Equal(at, o["at_utc"]!.GetValue<string>());
            Assert.Equal(tenants[a.TenantId], o["tenant"]!.GetValue<string>());
            Assert.Equal(actor, o["actor"]?.GetValue<string>());
            Assert.Equal(a.ActorId, o["actor_id"]?.GetValue<int>());
            Assert.Equal((a.RecordType, a.RecordKey, a.Action), (o["record_type"]!.GetValue<string>(), o["record_key"]!.GetValue<string>(), o["action"]!.GetValue<string>()));
            Assert.True(JsonNode.DeepEquals(JsonNode.Parse(a.Changes), o["changes"]), $"changes of row {a.Id}");
        }

        // The incident Alice declared on Nov 27 at midnight, by a name a spreadsheet would run: defused in CSV, as is in JSON.
        var declared = expected.First(a => a.At == Day(27) && a.RecordType == "incident");
        var csvRow = rows.Single(r => r["id"] == declared.Id.ToString(CultureInfo.InvariantCulture));
        Assert.Equal(("'" + Formula, "test:T1", "created"), (csvRow["actor"], csvRow["tenant"], csvRow["action"]));
        Assert.Equal(Formula, objects.Single(o => o["id"]!.GetValue<long>() == declared.Id)["actor"]!.GetValue<string>());
        Assert.Contains(rows, r => r["tenant"] == "test:T2");
    }

    [SkippableFact]
    public async Task The_days_are_inclusive_and_a_tenant_filter_keeps_only_its_rows_to_a_file()
    {
        await using var audit = await AuditBed.CreateAsync(provider);
        var file = Path.Combine(Path.GetTempPath(), $"bakerybot-audit-{Guid.NewGuid():N}.csv");
        try
        {
            var (code, messages, stdout) = await RunAsync(audit.Bot, "audit", "--from", "2026-11-26", "--to", "2026-11-28", "--tenant", "test:T1", "--out", file);
            var (allCode, _, all) = await RunAsync(audit.Bot, "audit", "--from", "2026-11-26", "--to", "2026-11-28");
            var (noneCode, noneMessages, none) = await RunAsync(audit.Bot, "audit", "--from", "2026-11-29", "--to", "2026-12-31", "--format", "jsonl");

            var t1 = await audit.Bot.QueryAsync(db => db.Tenants.Where(t => t.ExternalId == "T1").Select(t => t.Id).SingleAsync());
            var everything = await audit.Bot.QueryAsync(db => db.AuditEntries.OrderBy(a => a.Id).Select(a => new { a.Id, a.TenantId, a.At }).ToListAsync());
            Assert.Equal((0, 0, 0), (code, allCode, noneCode));
            Assert.Equal("", stdout);
            var rows = ParseCsv(await File.ReadAllTextAsync(file));
            var ofT1 = everything.Where(a => a.TenantId == t1).Select(a => a.Id.ToString(CultureInfo.InvariantCulture)).ToList();
            Assert.Equal(ofT1, rows.Select(r => r["id"]));
            Assert.All(rows, r => Assert.Equal("test:T1", r["tenant"]));
            Assert.Equal($"Exported {ofT1.Count} audit entries of test:T1 from 2026-11-26 to 2026-11-28 (UTC) to {file}.\n", messages);
            Assert.Contains(everything, a => a.At == Day(28).AddSeconds(-1));
            Assert.Contains(everything, a => a.At == Day(28));
            Assert.Equal(everything.Where(a => a.At < Day(29)).Select(a => a.Id.ToString(CultureInfo.InvariantCulture)), ParseCsv(all).Select(r => r["id"]));
            Assert.True(everything.Count(a => a.At < Day(29)) > ofT1.Count);
            Assert.Equal("", none);
            Assert.Equal("Exported 0 audit entries of every tenant from 2026-11-29 to 2026-12-31 (UTC).\n", noneMessages);
        }
        finally
        {
            File.Delete(file);
        }
    }

    [SkippableTheory]
    [InlineData("audit --from 2026-11-01", "Which days? Give --from and --to.")]
    [InlineData("audit --to 2026-11-30 --from 30/11/2026", "--from 30/11/2026 is not a date; write it like 2026-11-01.")]
    [InlineData("audit --from 2026-11-01 --to 2026-11-30 --format xml", "--format xml is not a format; write csv or jsonl.")]
    [InlineData("audit --from 2026-11-01 --to 2026-11-30 --format", "--format needs a value.")]
    [InlineData("audit --from 2026-11-30 --to 2026-11-01", "The export would end (2026-11-01) before it starts (2026-11-30).")]
    [InlineData("audit --from 2026-11-01 --to 2026-11-30 --tenant slack:T0NOBODY", "No tenant slack:T0NOBODY has used the bot yet. Tenants: none.")]
    public async Task A_wrong_command_line_exits_2_says_why_and_writes_nothing(string args, string expected)
    {
        await using var bot = await BotFactory.CreateAsync(provider, slack: null);
        var file = Path.Combine(Path.GetTempPath(), $"bakerybot-audit-{Guid.NewGuid():N}.csv");

        var (code, messages, stdout) = await RunAsync(bot, [.. args.Split(' ', StringSplitOptions.RemoveEmptyEntries), "--out", file]);

        Assert.Equal(2, code);
        Assert.StartsWith(expected, messages, StringComparison.Ordinal);
        if (!args.Contains("--tenant", StringComparison.Ordinal))
        {
            Assert.Contains("Usage: bakerybot export time", messages, StringComparison.Ordinal);
            Assert.Contains("bakerybot export audit --from <yyyy-MM-dd> --to <yyyy-MM-dd> [--tenant <platform>:<id>] [--format csv|jsonl] [--out <file>]", messages, StringComparison.Ordinal);
        }

        Assert.Equal("", stdout);
        Assert.False(File.Exists(file));
    }

    private static DateTimeOffset Day(int november) => new(2026, 11, november, 0, 0, 0, TimeSpan.Zero);

    private static async Task<(int Code, string Messages, string Output)> RunAsync(BotFactory bot, params string[] args)
    {
        var messages = new StringWriter { NewLine = "\n" };
        using var output = new MemoryStream();
        var code = await ExportVerb.RunAsync(bot.Services, ExportVerb.Parse(args), output, messages, CancellationToken.None);
        return (code, messages.ToString(), Encoding.UTF8.GetString(output.ToArray()));
    }

    /// <summary>The rows by column name, read with a CSV parser; the header must be the export's columns.</summary>
    private static List<Dictionary<string, string>> ParseCsv(string text)
    {
        using var csv = CsvReader.FromText(text, new CsvReaderOptions { OnMalformedRecord = m => Assert.Fail($"Malformed CSV at line {m.LineNumber}: {m.Reason}") });
        csv.ReadHeader();
        Assert.Equal(AuditExportService.Columns, csv.Headers);
        var rows = new List<Dictionary<string, string>>();
        while (csv.Read())
        {
            rows.Add(AuditExportService.Columns.Select((name, i) => (name, value: csv.GetString(i))).ToDictionary(c => c.name, c => c.value));
        }

        return rows;
    }

    /// <summary>
    /// The bot after commands over three days: Nov 26 09:00Z (T1 and T2), Nov 27 00:00:00Z and
    /// 23:59:59Z (T1, by a person whose name looks like a formula, and T2), Nov 28 00:00:00Z (T1).
    /// </summary>
    private sealed class AuditBed(BotFactory bot) : IAsyncDisposable
    {
        public BotFactory Bot { get; } = bot;

        public static async Task<AuditBed> CreateAsync(DbProvider provider)
        {
            var clock = new FakeTimeProvider(CoreTestApp.Start);
            var bot = await BotFactory.CreateAsync(provider, slack: null, services: s => s.AddSingleton<TimeProvider>(clock));
            var router = bot.Services.GetRequiredService<CommandRouter>();
            Task SendAsync(string command, string text, string user, string tenant = "T1") =>
                router.HandleAsync(CoreTestApp.Request(user, tenant) with { Command = command, Text = text }, CancellationToken.None);
            await SendAsync("incident", "burnt-cookie sev2", "alice");
            await SendAsync("incident", "flat bread", "bob", tenant: "T2");
            await bot.QueryAsync(db => db.People.Where(p => p.DisplayName == "Alice").ExecuteUpdateAsync(s => s.SetProperty(p => p.DisplayName, Formula)));
            clock.SetUtcNow(Day(27));
            await SendAsync("incident", "oven cold sev3", "alice");
            await SendAsync("incident", "mixer noise", "bob", tenant: "T2");
            clock.SetUtcNow(Day(28).AddSeconds(-1));
            await SendAsync("incident", "fridge warm", "bob", tenant: "T2");
            clock.SetUtcNow(Day(28));
            await SendAsync("incident", "late delivery", "alice");
            return new AuditBed(bot);
        }

        public ValueTask DisposeAsync() => Bot.DisposeAsync();
    }
}

public sealed class SqliteAuditExportTests() : AuditExportTests(DbProvider.Sqlite);

public sealed class PostgresAuditExportTests() : AuditExportTests(DbProvider.Postgres);
