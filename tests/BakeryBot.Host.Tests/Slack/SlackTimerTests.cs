using System.Net;
using System.Text.Json.Nodes;
using BakeryBot.Core.Tests.Infrastructure;
using BakeryBot.Host.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace BakeryBot.Host.Tests.Slack;

/// <summary>Timers on Slack end to end: the "Start timer on this" message shortcut.</summary>
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
