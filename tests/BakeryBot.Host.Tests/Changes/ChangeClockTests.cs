using System.Globalization;
using BakeryBot.Core.Changes;
using BakeryBot.Core.Jobs;
using BakeryBot.Core.Tests.Infrastructure;
using BakeryBot.Host.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace BakeryBot.Host.Tests.Changes;

/// <summary>The release-reminders job: release reminders and expiries without anyone asking.</summary>
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

        Assert.Equal(JobOutcome.Ok, (await bot.RunJobAsync(JobNames.ReleaseReminders)).Outcome);
        Assert.Equal(JobOutcome.Ok, (await bot.RunJobAsync(JobNames.ReleaseReminders)).Outcome);
        await bot.DrainOutboxAsync();

        Assert.Equal(ChangeState.Approved, await bot.QueryAsync(db => db.Changes.Select(c => c.State).SingleAsync()));
        var reminder = Assert.Single(slack.Messages, m => m.Text.StartsWith("⏰ CHG-1 swap the seal", StringComparison.Ordinal));
        Assert.Contains("release.start", reminder.Attachments!.ToJsonString(), StringComparison.Ordinal);
    }
}
