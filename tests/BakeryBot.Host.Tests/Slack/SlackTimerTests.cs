using System.Net;
using System.Text.Json.Nodes;
using BakeryBot.Core.Tests.Infrastructure;
using BakeryBot.Core.TimeTracking;
using BakeryBot.Host.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace BakeryBot.Host.Tests.Slack;

/// <summary>Timers on Slack end to end: the "Start timer on this" message shortcut, and nudges by direct message.</summary>
public sealed class SlackTimerTests
{
    /// <summary>../shared/fixtures/slack/message_action.json, as the "Start timer on this" shortcut in the test workspace.</summary>
    private static JsonObject StartTimerShortcut(FakeSlack slack, string messageText)
    {
        var payload = JsonNode.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Fixtures", "slack", "message_action.json")))!.AsObject();
        payload["callback_id"] = "start_timer";
        payload["team"]!["id"] = BotFactory.Team;
        payload["user"]!["team_id"] = BotFactory.Team;
        payload["message"]!["text"] = messageText;
        payload["action_ts"] = $"1767226000.{Random.Shared.Next(100_000, 999_999)}";
        payload["response_url"] = slack.ResponseUrl("shortcut");
        return payload;
    }

    [Fact]
    public async Task The_start_timer_shortcut_runs_a_timer_on_the_record_the_message_names_linked_to_the_message()
    {
        await using var slack = await FakeSlack.StartAsync();
        await using var bot = await BotFactory.CreateAsync(DbProvider.Sqlite, slack);
        using var http = bot.CreateClient();
        await http.SendAsync(BotFactory.Signed("/slack/commands", bot.CommandBody("incident", "checkout latency")));
        var shortcut = StartTimerShortcut(slack, "ALERT: p99 checkout latency 2.4s (threshold 800ms), see INC-1\nin eu-west-1");

        var response = await http.SendAsync(BotFactory.Signed("/slack/interactions", BotFactory.Form(new() { ["payload"] = shortcut.ToJsonString() })));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var timer = await bot.QueryAsync(db => db.Set<BakeryBot.Core.TimeTracking.Timer>().SingleAsync());
        Assert.Equal("INC-1", timer.RecordKey);
        Assert.Equal("ALERT: p99 checkout latency 2.4s (threshold 800ms), see INC-1", timer.Text);
        Assert.Equal("https://acme-ops.slack.com/archives/C0ALERTS01/p1767225990000900", timer.SourceLink);
        var owner = await bot.QueryAsync(db => db.PersonIdentities.Where(i => i.PersonId == timer.PersonId).Select(i => i.ExternalId).SingleAsync());
        Assert.Equal("U0SRE00042", owner);
        var answer = await Eventually.SingleAsync(() => slack.CallsTo("response:shortcut"));
        Assert.StartsWith("Timer started on INC-1", answer["text"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_timer_left_running_a_work_day_is_nudged_by_direct_message_and_its_stop_button_logs_the_time()
    {
        await using var slack = await FakeSlack.StartAsync();
        await using var bot = await BotFactory.CreateAsync(DbProvider.Sqlite, slack);
        using var http = bot.CreateClient();
        await http.SendAsync(BotFactory.Signed("/slack/commands", bot.CommandBody("incident", "burnt-cookie")));
        await http.SendAsync(BotFactory.Signed("/slack/commands", bot.CommandBody("timer", "start INC-1")));
        // Started nine hours ago (and a minute, so the hours are whole whatever the test's pace).
        await bot.QueryAsync(db => db.Set<BakeryBot.Core.TimeTracking.Timer>().ExecuteUpdateAsync(s => s.SetProperty(t => t.StartedAt, DateTimeOffset.UtcNow.AddHours(-9).AddMinutes(-1))));
        var timerId = (await bot.QueryAsync(db => db.Set<BakeryBot.Core.TimeTracking.Timer>().Select(t => t.Id).SingleAsync())).ToString(System.Globalization.CultureInfo.InvariantCulture);

        await bot.RunJobAsync(BakeryBot.Core.Jobs.JobNames.TimerNudges);
        await bot.RunJobAsync(BakeryBot.Core.Jobs.JobNames.TimerNudges);
        await bot.DrainOutboxAsync();

        var open = Assert.Single(slack.CallsTo("conversations.open"));
        Assert.Equal("U0ALICE", open["users"]!.GetValue<string>());
        var nudge = Assert.Single(slack.Messages, m => m.Channel == FakeSlack.DirectChannel("U0ALICE"));
        Assert.StartsWith("⏰ Your timer on INC-1 has run 9 hours", nudge.Text, StringComparison.Ordinal);
        var buttons = nudge.Attachments!.ToJsonString();
        Assert.Contains($"\"action_id\":\"{TimerCommands.StopAction}\"", buttons, StringComparison.Ordinal);
        Assert.Contains($"\"action_id\":\"{TimerCommands.KeepAction}\"", buttons, StringComparison.Ordinal);

        var click = await http.SendAsync(BotFactory.Signed("/slack/interactions", Payloads.ButtonClick(slack, TimerCommands.StopAction, timerId, nudge.Ts, user: "U0ALICE", channel: nudge.Channel)));
        await bot.DrainOutboxAsync();

        Assert.Equal(HttpStatusCode.OK, click.StatusCode);
        var entry = await bot.QueryAsync(db => db.Set<TimeEntry>().SingleAsync());
        Assert.Equal("INC-1", entry.RecordKey);
        Assert.InRange(entry.Duration, TimeSpan.FromHours(9), TimeSpan.FromHours(9) + TimeSpan.FromMinutes(3));
        Assert.Equal(0, await bot.QueryAsync(db => db.Set<BakeryBot.Core.TimeTracking.Timer>().CountAsync()));
        var updated = slack.Messages.Single(m => m.Ts == nudge.Ts);
        Assert.Equal(1, updated.Edits);
        Assert.Contains("Logged 9 hours", updated.Attachments!.ToJsonString(), StringComparison.Ordinal);
        Assert.DoesNotContain(TimerCommands.StopAction, updated.Attachments!.ToJsonString(), StringComparison.Ordinal);

        var again = await http.SendAsync(BotFactory.Signed("/slack/interactions", Payloads.ButtonClick(slack, TimerCommands.StopAction, timerId, nudge.Ts, user: "U0ALICE", channel: nudge.Channel)));

        Assert.Equal(HttpStatusCode.OK, again.StatusCode);
        var answer = await Eventually.SingleAsync(() => slack.CallsTo("response:click"));
        Assert.StartsWith("That timer is not running any more", answer["text"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal(1, await bot.QueryAsync(db => db.Set<TimeEntry>().CountAsync()));
    }

    [Fact]
    public async Task The_start_timer_shortcut_on_a_message_naming_a_change_that_does_not_exist_starts_nothing_and_says_why()
    {
        await using var slack = await FakeSlack.StartAsync();
        await using var bot = await BotFactory.CreateAsync(DbProvider.Sqlite, slack);
        using var http = bot.CreateClient();
        var shortcut = StartTimerShortcut(slack, "Rolling out CHG-9 tonight");

        var response = await http.SendAsync(BotFactory.Signed("/slack/interactions", BotFactory.Form(new() { ["payload"] = shortcut.ToJsonString() })));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var answer = await Eventually.SingleAsync(() => slack.CallsTo("response:shortcut"));
        Assert.Contains("There is no CHG-9", answer["text"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal(0, await bot.QueryAsync(db => db.Set<BakeryBot.Core.TimeTracking.Timer>().CountAsync()));
    }
}
