using System.Globalization;
using BakeryBot.Core.Changes;
using BakeryBot.Core.Tests.Infrastructure;
using BakeryBot.Host.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace BakeryBot.Host.Tests.Changes;

/// <summary>The change clock the host runs: release reminders and expiries without anyone asking.</summary>
public sealed class ChangeClockTests
{
    [Fact]
    public async Task A_round_posts_the_reminder_of_a_change_whose_window_opens_soon_once()
    {
        await using var slack = await FakeSlack.StartAsync();
        await using var bot = await BotFactory.CreateAsync(DbProvider.Sqlite, slack);
        using var http = bot.CreateClient();
        await http.SendAsync(BotFactory.Signed("/slack/commands", bot.CommandBody("cmdb", "add asset oven-2")));
        // The window is written in the requester's time zone, which Slack's profile gives (Europe/Paris in the fake).
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (await bot.QueryAsync(db => db.People.AnyAsync(p => p.TimeZone == "Europe/Paris")) is false && DateTime.UtcNow < deadline)
        {
            await Task.Delay(50);
        }

        var paris = TimeZoneInfo.FindSystemTimeZoneById("Europe/Paris");
        var soon = TimeZoneInfo.ConvertTime(DateTimeOffset.UtcNow.AddMinutes(20), paris).ToString("HH:mm", CultureInfo.InvariantCulture);
        await http.SendAsync(BotFactory.Signed("/slack/commands", bot.CommandBody("change", $"request swap the seal ci:oven-2 window:\"{soon}+1h\" risk:low type:standard rollback:\"refit the old seal\"")));
        var worker = bot.Services.GetRequiredService<ChangeClockWorker>();

        await worker.RunOnceAsync(CancellationToken.None);
        await worker.RunOnceAsync(CancellationToken.None);
        await bot.DrainOutboxAsync();

        Assert.Equal(ChangeState.Approved, await bot.QueryAsync(db => db.Changes.Select(c => c.State).SingleAsync()));
        var reminder = Assert.Single(slack.Messages, m => m.Text.StartsWith("⏰ CHG-1 swap the seal", StringComparison.Ordinal));
        Assert.Contains("release.start", reminder.Attachments!.ToJsonString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_step_that_fails_is_logged_and_the_rest_of_the_round_still_runs()
    {
        var logs = new LogCapture();
        // A release reminder lead of no time at all makes that step fail on every round.
        var broken = new Dictionary<string, string?> { ["Releases:RemindBefore"] = "00:00:00" };
        await using var slack = await FakeSlack.StartAsync();
        await using var bot = await BotFactory.CreateAsync(DbProvider.Sqlite, slack, broken, s => s.AddSingleton<ILoggerProvider>(logs));
        using var http = bot.CreateClient();
        await http.SendAsync(BotFactory.Signed("/slack/commands", bot.CommandBody("incident", "burnt-cookie")));
        await http.SendAsync(BotFactory.Signed("/slack/commands", bot.CommandBody("timer", "start INC-1")));
        await bot.QueryAsync(db => db.Set<BakeryBot.Core.TimeTracking.Timer>().ExecuteUpdateAsync(s => s.SetProperty(t => t.StartedAt, DateTimeOffset.UtcNow.AddHours(-9))));

        await bot.Services.GetRequiredService<ChangeClockWorker>().RunOnceAsync(CancellationToken.None);

        Assert.Contains(logs.Messages, m => m.Contains("release reminders failed", StringComparison.Ordinal));
        // The timer nudge, a later step of the same round, was still sent.
        Assert.Equal(1, await bot.QueryAsync(db => db.Outbox.CountAsync(o => o.Kind == BakeryBot.Core.Data.Outbox.OutboxKind.Direct)));
    }
}
