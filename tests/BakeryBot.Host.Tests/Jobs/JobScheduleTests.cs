using BakeryBot.Core.Data.Outbox;
using BakeryBot.Core.Jobs;
using BakeryBot.Core.Tests.Infrastructure;
using BakeryBot.Host.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using static BakeryBot.Host.Tests.Jobs.JobTestBed;

namespace BakeryBot.Host.Tests.Jobs;

/// <summary>Quartz running the jobs on their schedule in the real host, without anyone asking.</summary>
public sealed class JobScheduleTests
{
    [Fact]
    public async Task Quartz_runs_each_reminder_job_every_Releases_CheckEvery()
    {
        await using var bot = await BotFactory.CreateAsync(DbProvider.Sqlite, slack: null, new() { ["Releases:CheckEvery"] = "00:00:01" });
        using var http = bot.CreateClient();

        // Once as the host starts, then at each tick of the schedule (the first tick may come soon
        // after a late first run: the ticks keep their pace from the start); ticks are a second apart.
        foreach (var job in new[] { JobNames.ReleaseReminders, JobNames.DrillReminders, JobNames.TimerNudges })
        {
            var runs = await ScheduledRunsAsync(bot, job, count: 3);
            Assert.All(runs, r => Assert.Equal((JobOutcome.Ok, false, JobRunner.Instance), (r.Outcome, r.Manual, r.Instance)));
            Assert.True(runs[2].StartedAt - runs[1].StartedAt >= TimeSpan.FromMilliseconds(500), $"{job}: {runs[1].StartedAt:O} then {runs[2].StartedAt:O}");
        }

        // The outbox job runs at start and every 30 seconds, waking the outbox worker that runs in the host.
        var outbox = Assert.Single(await ScheduledRunsAsync(bot, JobNames.Outbox));
        Assert.StartsWith("Woke the outbox worker", outbox.Summary, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_failing_job_is_logged_and_recorded_as_failed_while_the_other_jobs_still_run()
    {
        var logs = new LogCapture();
        // A release reminder lead of no time at all makes that job fail on every run.
        var settings = new Dictionary<string, string?> { ["Releases:CheckEvery"] = "00:00:01", ["Releases:RemindBefore"] = "00:00:00" };
        await using var slack = await FakeSlack.StartAsync();
        await using var bot = await BotFactory.CreateAsync(DbProvider.Sqlite, slack, settings, s => s.AddSingleton<ILoggerProvider>(logs));
        using var http = bot.CreateClient();
        await http.SendAsync(BotFactory.Signed("/slack/commands", bot.CommandBody("incident", "burnt-cookie")));
        await http.SendAsync(BotFactory.Signed("/slack/commands", bot.CommandBody("timer", "start INC-1")));
        var backdating = DateTimeOffset.UtcNow;
        await bot.QueryAsync(db => db.Set<BakeryBot.Core.TimeTracking.Timer>().ExecuteUpdateAsync(s => s.SetProperty(t => t.StartedAt, DateTimeOffset.UtcNow.AddHours(-9))));

        var failed = await ScheduledRunsAsync(bot, JobNames.ReleaseReminders, count: 2, JobOutcome.Failed);
        // Runs that began as the timer was made old enough or later: on a slow machine the runs at start
        // and the first ticks may all come before it (the commands above wait for a cold host).
        var nudged = await ScheduledRunsAsync(bot, JobNames.TimerNudges, count: 3, startedAfter: backdating);

        Assert.All(failed, r => Assert.Equal("InvalidOperationException: Releases:RemindBefore must be positive.", r.Error));
        Assert.Contains(logs.Messages, m => m.Contains("The release-reminders job failed (scheduled run)", StringComparison.Ordinal));
        Assert.All(nudged, r => Assert.Equal(JobOutcome.Ok, r.Outcome));
        Assert.Contains(nudged, r => r.Summary == "Nudged the owners of 1 timer (1).");
        // Nudged once, however many runs came after.
        Assert.Equal(1, await bot.QueryAsync(db => db.Outbox.CountAsync(o => o.Kind == OutboxKind.Direct)));
    }
}
