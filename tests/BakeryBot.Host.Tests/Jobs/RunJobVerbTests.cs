using BakeryBot.Core.Jobs;
using BakeryBot.Core.Tests.Infrastructure;
using BakeryBot.Host.Cli;
using BakeryBot.Host.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace BakeryBot.Host.Tests.Jobs;

/// <summary><c>bakerybot run-job &lt;name&gt;</c>: one run against the configured database, what it did, and its exit code.</summary>
public sealed class RunJobVerbTests
{
    private static readonly Dictionary<string, string?> QuietSchedule = new() { ["Releases:CheckEvery"] = "01:00:00" };

    private static async Task<(int Code, string Output)> RunAsync(BotFactory bot, params string[] args)
    {
        var output = new StringWriter();
        var code = await RunJobVerb.RunAsync(bot.Services, RunJobVerb.Parse(args), output, CancellationToken.None);
        return (code, output.ToString());
    }

    [Theory]
    [InlineData(new string[0], "Which job?")]
    [InlineData(new[] { "no-such-job" }, "There is no job no-such-job.")]
    [InlineData(new[] { "--verbose" }, "Which job?")]
    public async Task No_job_or_an_unknown_one_exits_2_with_the_usage_and_every_jobs_name(string[] args, string message)
    {
        var output = new StringWriter();

        var code = await RunJobVerb.UsageAsync(RunJobVerb.Parse(args), output);

        Assert.Equal(2, code);
        Assert.StartsWith(message, output.ToString(), StringComparison.Ordinal);
        Assert.Contains($"Usage: bakerybot run-job <{string.Join("|", JobNames.All)}>", output.ToString(), StringComparison.Ordinal);
        Assert.Contains($"Jobs: {string.Join(", ", JobNames.All)}", output.ToString(), StringComparison.Ordinal);
        Assert.Contains("sla-clocks", JobNames.All);
    }

    [Fact]
    public void The_job_name_is_the_first_word_and_the_rest_goes_to_the_host()
    {
        var parsed = RunJobVerb.Parse(["--Admin:Token=x", "outbox", "Urls=http://127.0.0.1:0"]);

        Assert.Equal(("outbox", (string?)null), (parsed.Job, parsed.Error));
        Assert.Equal(["--Admin:Token=x", "Urls=http://127.0.0.1:0"], parsed.HostArgs);
    }

    [Fact]
    public async Task A_job_that_runs_exits_0_and_prints_what_it_did_and_a_second_run_does_nothing_more()
    {
        await using var slack = await FakeSlack.StartAsync();
        await using var bot = await BotFactory.CreateAsync(DbProvider.Sqlite, slack, QuietSchedule);
        using var http = bot.CreateClient();
        await JobTestBed.ScheduledRunsAsync(bot, JobNames.TimerNudges);
        await http.SendAsync(BotFactory.Signed("/slack/commands", bot.CommandBody("incident", "burnt-cookie")));
        await http.SendAsync(BotFactory.Signed("/slack/commands", bot.CommandBody("timer", "start INC-1")));
        await bot.QueryAsync(db => db.Set<BakeryBot.Core.TimeTracking.Timer>().ExecuteUpdateAsync(s => s.SetProperty(t => t.StartedAt, DateTimeOffset.UtcNow.AddHours(-9))));

        var first = await RunAsync(bot, "timer-nudges");
        var second = await RunAsync(bot, "timer-nudges");

        Assert.Equal((0, 0), (first.Code, second.Code));
        Assert.Matches(@"^timer-nudges: ok \(started \d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ, finished \d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ on .+/\d+\)\. Nudged the owners of 1 timer \(1\)\.\s*$", first.Output);
        Assert.EndsWith("Nudged the owners of 0 timers.", second.Output.TrimEnd(), StringComparison.Ordinal);
        Assert.Equal(1, await bot.QueryAsync(db => db.Outbox.CountAsync(o => o.Kind == BakeryBot.Core.Data.Outbox.OutboxKind.Direct)));
        Assert.Equal(2, await bot.QueryAsync(db => db.JobRuns.CountAsync(r => r.Job == JobNames.TimerNudges && r.Manual && r.Outcome == JobOutcome.Ok)));
    }

    [Fact]
    public async Task A_job_that_fails_exits_1_and_prints_why()
    {
        var settings = new Dictionary<string, string?>(QuietSchedule) { ["Releases:RemindBefore"] = "00:00:00" };
        await using var bot = await BotFactory.CreateAsync(DbProvider.Sqlite, slack: null, settings);

        var (code, output) = await RunAsync(bot, "release-reminders");

        Assert.Equal(1, code);
        Assert.StartsWith("release-reminders: failed (started ", output, StringComparison.Ordinal);
        Assert.EndsWith("InvalidOperationException: Releases:RemindBefore must be positive.", output.TrimEnd(), StringComparison.Ordinal);
        Assert.Equal(JobOutcome.Failed, await bot.QueryAsync(db => db.JobRuns.Where(r => r.Manual).Select(r => r.Outcome).SingleAsync()));
    }
}
