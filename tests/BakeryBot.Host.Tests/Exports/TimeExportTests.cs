using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using BakeryBot.Core.Chat;
using BakeryBot.Core.Tests.Infrastructure;
using BakeryBot.Core.Tests.TimeTracking;
using BakeryBot.Core.TimeTracking;
using BakeryBot.Host.Cli;
using BakeryBot.Host.Exports;
using BakeryBot.Host.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;
using CoreExport = BakeryBot.Core.Tests.TimeTracking.TimeExportTests;

namespace BakeryBot.Host.Tests.Exports;

/// <summary>
/// Time entries out as CSV, end to end: <c>bakerybot export time</c> on the bot's database, and the
/// link of a signed Slack <c>/time export</c> fetched over HTTP until it expires, each read back
/// with a CSV parser.
/// </summary>
public abstract class TimeExportTests(DbProvider provider)
{
    private const string OtherTeam = "T0OTHER";

    [SkippableFact]
    public async Task The_cli_writes_a_tenants_entries_as_csv_to_a_file_or_standard_output()
    {
        var clock = new FakeTimeProvider(CoreTestApp.Start); // Thursday 26 November 2026, 09:00 UTC
        await using var bot = await BotFactory.CreateAsync(provider, slack: null, services: s => s.AddSingleton<TimeProvider>(clock));
        var router = bot.Services.GetRequiredService<CommandRouter>();
        async Task SendAsync(string text, string user, string tenant = "T1") =>
            Assert.Equal(ReplyKind.Private, (await router.HandleAsync(CoreTestApp.Request(user, tenant) with { Command = "time", Text = text }, CancellationToken.None)).Kind);
        await SendAsync("log 1h30m oven repair", "alice");
        await SendAsync("log 45m on:yesterday", "bob");
        await SendAsync("log 2h on:2026-10-30", "alice");
        await SendAsync("log 3h other workspace", "alice", tenant: "T2");
        var ids = await bot.QueryAsync(db => db.Set<TimeEntry>().OrderBy(e => e.Id).Select(e => e.Id).ToListAsync());
        await bot.QueryAsync(async db =>
        {
            var bobs = await db.Set<TimeEntry>().SingleAsync(e => e.Id == ids[1]);
            bobs.Note = CoreExport.FormulaNote;
            var alices = await db.Set<TimeEntry>().SingleAsync(e => e.Id == ids[0]);
            alices.Note = CoreExport.AwkwardNote;
            return await db.SaveChangesAsync();
        });
        var file = Path.Combine(Path.GetTempPath(), $"bakerybot-time-{Guid.NewGuid():N}.csv");
        try
        {
            var (code, messages) = await RunAsync(bot, null, "time", "--from", "2026-11-01", "--to", "2026-11-30", "--tenant", "test:T1", "--out", file);
            var (stdoutCode, stdoutMessages, stdout) = await RunToStandardOutputAsync(bot, "time", "--tenant", "test:T1", "--from", "2026-11-01", "--to", "2026-11-30");

            Assert.Equal(0, code);
            Assert.Equal($"Exported 2 time entries of test:T1 from 2026-11-01 to 2026-11-30 to {file}.\n", messages);
            var written = await File.ReadAllTextAsync(file);
            var rows = TimeCsv.Parse(written);
            Assert.Equal(
                [
                    [ids[1].ToString(CultureInfo.InvariantCulture), "Bob", "2026-11-25", "2026-11-25T00:00:00Z", "0.75", "2700", "", "'" + CoreExport.FormulaNote, ""],
                    [ids[0].ToString(CultureInfo.InvariantCulture), "Alice", "2026-11-26", "2026-11-26T07:30:00Z", "1.50", "5400", "", CoreExport.AwkwardNote, ""],
                ],
                rows.Select(r => TimeExportService.Columns.Select(c => r[c]).ToArray()));
            Assert.Equal((0, "Exported 2 time entries of test:T1 from 2026-11-01 to 2026-11-30.\n"), (stdoutCode, stdoutMessages));
            Assert.Equal(written, stdout);
        }
        finally
        {
            File.Delete(file);
        }
    }

    [SkippableTheory]
    [InlineData("", "Export what? `time` or `audit`.")]
    [InlineData("cmdb --from 2026-11-01 --to 2026-11-30", "`cmdb` can't be exported; only `time` and `audit` can.")]
    [InlineData("time --from 2026-11-01 --to 2026-11-30 --format jsonl", "--format is for the audit export; time is always CSV.")]
    [InlineData("time --from 2026-11-01", "Which days? Give --from and --to.")]
    [InlineData("time --from 2026-11-01 --to", "--to needs a value.")]
    [InlineData("time --from 1/11/2026 --to 2026-11-30", "--from 1/11/2026 is not a date; write it like 2026-11-01.")]
    [InlineData("time --from 2025-01-01 --to 2026-11-30", "2025-01-01 to 2026-11-30 is 699 days; an export covers at most 366. Export it in parts.")]
    [InlineData("time --from 2026-11-30 --to 2026-11-01", "The export would end (2026-11-01) before it starts (2026-11-30).")]
    [InlineData("time --from 0001-01-01 --to 0001-12-31", "0001-01-01 is too long ago: exports start from 2000-01-01 on.")]
    [InlineData("time --from 9999-01-01 --to 9999-12-31", "9999-12-31 is too far ahead: exports end by 2099-12-31.")]
    [InlineData("time --from 2026-11-01 --to 2026-11-30 --tenant slack:T0NOBODY", "No tenant slack:T0NOBODY has used the bot yet.")]
    public async Task A_wrong_command_line_says_why_and_writes_nothing(string args, string expected)
    {
        await using var bot = await BotFactory.CreateAsync(provider, slack: null);
        var file = Path.Combine(Path.GetTempPath(), $"bakerybot-time-{Guid.NewGuid():N}.csv");

        var (code, messages) = await RunAsync(bot, null, [.. args.Split(' ', StringSplitOptions.RemoveEmptyEntries), "--out", file]);

        Assert.Equal(2, code);
        Assert.StartsWith(expected, messages, StringComparison.Ordinal);
        Assert.False(File.Exists(file));
    }

    [SkippableFact]
    public async Task A_slack_link_downloads_the_askers_csv_until_it_expires_and_then_is_a_bare_404()
    {
        var logs = new LogCapture();
        var verbose = new Dictionary<string, string?> { ["Logging:LogLevel:Default"] = "Trace", ["Logging:LogLevel:Microsoft.AspNetCore"] = "Trace" };
        var now = DateTimeOffset.UtcNow;
        var clock = new FakeTimeProvider(now.AddTicks(-(now.Ticks % TimeSpan.TicksPerSecond)));
        await using var slack = await FakeSlack.StartAsync();
        await using var bot = await BotFactory.CreateAsync(provider, slack, verbose, s =>
        {
            s.AddSingleton<TimeProvider>(clock);
            s.AddSingleton<ILoggerProvider>(logs);
        });
        using var http = bot.CreateClient();
        await LogAsync(bot, http, "U0ALICE", "log 1h30m oven repair");
        await LogAsync(bot, http, "U0ALICE", "log 45m \"thermostat, again\"");
        await LogAsync(bot, http, "U0BOB", "log 2h cake decorating");
        await LogAsync(bot, http, "U0ALICE", "log 3h their own work", team: OtherTeam);
        var range = Range(clock);

        var alices = await LinkAsync(bot, http, "U0ALICE", range);
        var admins = await LinkAsync(bot, http, "UADMIN", range);
        var theirs = await LinkAsync(bot, http, "U0ALICE", range, team: OtherTeam);

        var response = await http.GetAsync(alices);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/csv; charset=utf-8", response.Content.Headers.ContentType?.ToString());
        Assert.Equal("attachment", response.Content.Headers.ContentDisposition?.DispositionType);
        Assert.Equal(range.FileName, response.Content.Headers.ContentDisposition?.FileName);
        Assert.True(response.Headers.CacheControl?.NoStore);
        Assert.Equal(["oven repair", "thermostat, again"], Notes(await response.Content.ReadAsStringAsync()));
        Assert.Equal(["cake decorating", "oven repair", "thermostat, again"], Notes(await http.GetStringAsync(admins)).Order(StringComparer.Ordinal));
        Assert.Equal(["their own work"], Notes(await http.GetStringAsync(theirs)));

        // Not used up by a download: the link works until its hour is over.
        clock.Advance(TimeSpan.FromMinutes(59));
        Assert.Equal(["oven repair", "thermostat, again"], Notes(await http.GetStringAsync(alices)));
        clock.Advance(TimeSpan.FromMinutes(1));
        var token = alices[(alices.IndexOf('=') + 1)..];
        foreach (var refused in new[]
                 {
                     alices,
                     TimeExportEndpoints.TimePath,
                     TimeExportEndpoints.TimePath + "?token=",
                     TimeExportEndpoints.TimePath + "?token=" + token[..^2] + "xy",
                     $"{TimeExportEndpoints.TimePath}?token={token}&token={token}",
                     admins.Replace("token=", "token=x", StringComparison.Ordinal),
                 })
        {
            var gone = await http.GetAsync(refused);
            Assert.Equal(HttpStatusCode.NotFound, gone.StatusCode);
            Assert.Empty(await gone.Content.ReadAsByteArrayAsync());
            Assert.Null(gone.Content.Headers.ContentDisposition);
        }

        Assert.Contains(logs.Messages, m => m.Contains(TimeExportEndpoints.TimePath, StringComparison.Ordinal));
        Assert.DoesNotContain(logs.Messages, m => m.Contains(token, StringComparison.Ordinal));
        Assert.DoesNotContain(token, await bot.QueryAsync(StoredText.AllAsync), StringComparison.Ordinal);
    }

    private static async Task<(int Code, string Messages)> RunAsync(BotFactory bot, Stream? standardOutput, params string[] args)
    {
        var messages = new StringWriter { NewLine = "\n" };
        var code = await ExportVerb.RunAsync(bot.Services, ExportVerb.Parse(args), standardOutput ?? Stream.Null, messages, CancellationToken.None);
        return (code, messages.ToString());
    }

    private static async Task<(int Code, string Messages, string Output)> RunToStandardOutputAsync(BotFactory bot, params string[] args)
    {
        using var output = new MemoryStream();
        var (code, messages) = await RunAsync(bot, output, args);
        return (code, messages, Encoding.UTF8.GetString(output.ToArray()));
    }

    /// <summary>The days around now, wide enough for any person's today and yesterday.</summary>
    private static TimeExportScope Range(TimeProvider clock)
    {
        var today = DateOnly.FromDateTime(clock.GetUtcNow().UtcDateTime);
        return new TimeExportScope(0, null, today.AddDays(-3), today.AddDays(1));
    }

    private static async Task LogAsync(BotFactory bot, HttpClient http, string user, string text, string team = BotFactory.Team)
    {
        var response = await http.SendAsync(BotFactory.Signed("/slack/commands", TeamBody(bot, "time", text, user, team)));
        var answer = JsonNode.Parse(await response.Content.ReadAsStringAsync())!["text"]!.GetValue<string>();
        Assert.StartsWith("Logged ", answer, StringComparison.Ordinal);
    }

    /// <summary>Asks for a link the way a person does, a signed <c>/time export</c>; the path to fetch.</summary>
    private static async Task<string> LinkAsync(BotFactory bot, HttpClient http, string user, TimeExportScope range, string team = BotFactory.Team)
    {
        var text = $"export from:{range.From:yyyy-MM-dd} to:{range.To:yyyy-MM-dd}";
        var response = await http.SendAsync(BotFactory.Signed("/slack/commands", TeamBody(bot, "time", text, user, team)));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var answer = JsonNode.Parse(await response.Content.ReadAsStringAsync())!["text"]!.GetValue<string>();
        return $"/export/time.csv?token={CoreExport.TokenIn(answer)}";
    }

    private static string TeamBody(BotFactory bot, string command, string text, string user, string team) =>
        bot.CommandBody(command, text, user: user).Replace($"team_id={BotFactory.Team}", $"team_id={team}", StringComparison.Ordinal);

    private static List<string> Notes(string csv) => TimeCsv.Parse(csv).Select(r => r["note"]).ToList();
}

public sealed class SqliteTimeExportTests() : TimeExportTests(DbProvider.Sqlite);

public sealed class PostgresTimeExportTests() : TimeExportTests(DbProvider.Postgres);
