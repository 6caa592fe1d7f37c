using BakeryBot.Core.Jobs;
using BakeryBot.Core.Tests.Infrastructure;
using BakeryBot.Host.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using static BakeryBot.Host.Tests.Jobs.JobTestBed;

namespace BakeryBot.Host.Tests.Jobs;

/// <summary>
/// Two whole bot instances on one database, each with its own Quartz scheduler (an in-memory store)
/// running every job five times a second: each reminder reaches Slack once. This is why the bot needs
/// no clustered Quartz store: the claim of each due row is what makes a reminder fire once.
/// </summary>
public sealed class TwoInstanceJobTests
{
    [SkippableTheory]
    [InlineData(DbProvider.Postgres)]
    [InlineData(DbProvider.Sqlite)]
    public async Task Two_instances_scheduling_the_same_jobs_post_each_sla_reminder_once(DbProvider provider)
    {
        // Quartz takes the host's TimeProvider too: this one runs at the real pace, and jumps forward when told.
        var clock = new JumpingClock();
        void SharedClock(IServiceCollection services) => services.AddSingleton<TimeProvider>(clock);
        await using var slack = await FakeSlack.StartAsync();
        await using var first = await BotFactory.CreateAsync(provider, slack, new() { ["Releases:CheckEvery"] = "00:00:00.200" }, SharedClock);
        using var http = first.CreateClient();
        foreach (var (command, text) in new[]
                 {
                     ("cmdb", "add service web tier:1"), ("cmdb", "add asset oven-2"), ("cmdb", "link web runs-on oven-2"),
                     ("sla", "set web ack:10m resolve:1h"), ("incident", "oven cold sev2 ci:oven-2"),
                 })
        {
            var answer = await http.SendAsync(BotFactory.Signed("/slack/commands", first.CommandBody(command, text, user: "UADMIN"), clock.GetUtcNow()));
            answer.EnsureSuccessStatusCode();
        }

        await using var second = first.AnotherInstance();
        _ = second.Services; // starts its host and scheduler

        foreach (var (minutes, kind) in new[] { (8, ReminderKind.SlaAcknowledgeWarning), (11, ReminderKind.SlaAcknowledgeBreach), (46, ReminderKind.SlaResolveWarning) })
        {
            clock.JumpTo(clock.Start.AddMinutes(minutes));
            await HandledAsync(first, kind);
        }

        // A dozen more rounds on each instance after the last claim: nothing more is posted.
        var runs = await first.QueryAsync(db => db.JobRuns.CountAsync(r => r.Job == JobNames.SlaClocks));
        await ScheduledRunsAsync(first, JobNames.SlaClocks, count: runs + 24);
        await first.DrainOutboxAsync();

        var posted = slack.Calls.Where(c => c.Method == "chat.postMessage")
            .Select(c => c.Body["text"]?.GetValue<string>() ?? "")
            .Where(t => t.StartsWith("⏳ ", StringComparison.Ordinal) || t.StartsWith("🚨 ", StringComparison.Ordinal))
            .Select(t => t[..(t.IndexOf(" after ", StringComparison.Ordinal) is > 0 and var a ? a : t.IndexOf(" for ", StringComparison.Ordinal))])
            .ToList();
        Assert.Equal(
            [
                "⏳ INC-1 (SEV2) oven cold: not acknowledged",
                "🚨 INC-1 (SEV2) oven cold breached web's time to acknowledge (10 minutes): not acknowledged",
                "⏳ INC-1 (SEV2) oven cold: open",
            ],
            posted);
        Assert.Equal(["sent", "sent", "sent", null], await first.QueryAsync(db => db.Reminders.OrderBy(r => r.DueAt).Select(r => r.Outcome).ToListAsync()));
    }

    /// <summary>The real clock's pace from a fixed start, moved forward at once by <see cref="JumpTo"/>.</summary>
    private sealed class JumpingClock : TimeProvider
    {
        private readonly DateTimeOffset _realStart = System.GetUtcNow();
        private long _jumpedTicks;

        public DateTimeOffset Start { get; } = new(2026, 11, 26, 9, 0, 0, TimeSpan.Zero);

        public void JumpTo(DateTimeOffset moment) => Volatile.Write(ref _jumpedTicks, (moment - Start - (System.GetUtcNow() - _realStart)).Ticks);

        public override DateTimeOffset GetUtcNow() => Start + TimeSpan.FromTicks(Volatile.Read(ref _jumpedTicks)) + (System.GetUtcNow() - _realStart);
    }

    private static async Task HandledAsync(BotFactory bot, ReminderKind kind)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (await bot.QueryAsync(db => db.Reminders.AnyAsync(r => r.Kind == kind && r.HandledAt == null)))
        {
            if (DateTime.UtcNow >= deadline)
            {
                var reminders = await bot.QueryAsync(db => db.Reminders.Select(r => $"{r.Kind}@{r.DueAt}:{r.Outcome}").ToListAsync());
                var runs = await bot.QueryAsync(db => db.JobRuns.Where(r => r.Job == JobNames.SlaClocks).OrderByDescending(r => r.Id).Take(3).Select(r => $"{r.Outcome} {r.Summary} {r.Error}").ToListAsync());
                Assert.Fail($"No instance handled the {kind} reminder within 30 seconds. Reminders: {string.Join("; ", reminders)}. Last runs: {string.Join("; ", runs)}");
            }

            await Task.Delay(50);
        }
    }
}
