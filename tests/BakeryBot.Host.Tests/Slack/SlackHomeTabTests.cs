using System.Net;
using System.Text.Json.Nodes;
using BakeryBot.Core.Changes;
using BakeryBot.Core.Incidents;
using BakeryBot.Core.Tests.Infrastructure;
using BakeryBot.Host.Slack;
using BakeryBot.Host.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace BakeryBot.Host.Tests.Slack;

/// <summary>
/// The Home tab end to end: <see cref="SlackHomeTab.PublishAsync"/> to views.publish, and signed clicks in the
/// published view, against the fake Slack, on each database.
/// </summary>
public abstract class SlackHomeTabTests(DbProvider provider)
{
    private static Task PublishAsync(BotFactory bot, string user = "U0ALICE") =>
        bot.Services.GetRequiredService<SlackHomeTab>().PublishAsync(BotFactory.Team, user, CancellationToken.None);

    /// <summary>The view as JSON with its text as written (not \u-escaped).</summary>
    private static string Json(JsonObject view) => view.ToJsonString(new System.Text.Json.JsonSerializerOptions { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping });

    private static string Headers(JsonObject view) => string.Join('\n', view["blocks"]!.AsArray()
        .Where(b => b!["type"]!.GetValue<string>() == "header")
        .Select(b => b!["text"]!["text"]!.GetValue<string>()));

    private static List<(string Action, string Value)> Buttons(JsonObject view) => view["blocks"]!.AsArray()
        .Where(b => b!["type"]!.GetValue<string>() == "actions")
        .SelectMany(b => b!["elements"]!.AsArray())
        .Select(e => (e!["action_id"]!.GetValue<string>(), e["value"]!.GetValue<string>()))
        .ToList();

    private static async Task<List<JsonObject>> ViewsAsync(FakeSlack slack, string user, int count)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);
        while (slack.PublishedViews.Count(v => v.UserId == user) < count && DateTime.UtcNow < deadline)
        {
            await Task.Delay(25);
        }

        var views = slack.PublishedViews.Where(v => v.UserId == user).Select(v => v.View).ToList();
        Assert.Equal(count, views.Count);
        return views;
    }

    [SkippableFact]
    public async Task Publishing_shows_the_persons_own_incidents_in_a_home_view()
    {
        await using var slack = await FakeSlack.StartAsync();
        await using var bot = await BotFactory.CreateAsync(provider, slack);
        using var http = bot.CreateClient();
        await http.SendAsync(BotFactory.Signed("/slack/commands", bot.CommandBody("incident", "oven on fire sev1")));
        await http.SendAsync(BotFactory.Signed("/slack/commands", bot.CommandBody("incident", "till jammed sev3", user: "U0BOB")));

        await PublishAsync(bot);

        var (user, view) = Assert.Single(slack.PublishedViews);
        Assert.Equal("U0ALICE", user);
        Assert.Equal("home", view["type"]!.GetValue<string>());
        Assert.InRange(view["blocks"]!.AsArray().Count, 1, 100);
        Assert.Contains("INC-1: oven on fire", Headers(view), StringComparison.Ordinal);
        Assert.DoesNotContain("INC-2", view.ToJsonString(), StringComparison.Ordinal);
        Assert.Contains((IncidentCommands.AckAction, "INC-1"), Buttons(view));
        Assert.Contains("SEV1 · Declared · you declared it; no commander yet", Json(view), StringComparison.Ordinal);
    }

    [SkippableFact]
    public async Task A_click_in_the_home_tab_acknowledges_the_incident_updates_its_card_and_publishes_the_tab_again()
    {
        await using var slack = await FakeSlack.StartAsync();
        await using var bot = await BotFactory.CreateAsync(provider, slack);
        using var http = bot.CreateClient();
        await http.SendAsync(BotFactory.Signed("/slack/commands", bot.CommandBody("incident", "oven on fire sev1")));
        await PublishAsync(bot);
        var first = (await ViewsAsync(slack, "U0ALICE", 1))[0];

        var response = await http.SendAsync(BotFactory.Signed("/slack/interactions", SlackHome.Click(first, IncidentCommands.AckAction, "INC-1")));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(IncidentState.Acknowledged, await bot.QueryAsync(db => db.Incidents.Select(i => i.State).SingleAsync()));
        var again = (await ViewsAsync(slack, "U0ALICE", 2))[1];
        Assert.DoesNotContain((IncidentCommands.AckAction, "INC-1"), Buttons(again));
        Assert.Contains((IncidentCommands.ResolveAction, "INC-1"), Buttons(again));
        Assert.Contains("SEV1 · Acknowledged · you are commander", Json(again), StringComparison.Ordinal);
        await bot.DrainOutboxAsync();
        var card = slack.Messages.Single(m => m.Channel == "C0INCIDENTS" && m.Attachments is not null).Attachments!.ToJsonString();
        Assert.Contains("*Status*\\nAcknowledged", card, StringComparison.Ordinal);
        Assert.DoesNotContain(slack.Messages, m => m.Channel == "U0ALICE");

        // The old tab's button again: nothing changes, and the person is told so in the app's messages.
        await http.SendAsync(BotFactory.Signed("/slack/interactions", SlackHome.Click(first, IncidentCommands.AckAction, "INC-1")));
        await ViewsAsync(slack, "U0ALICE", 3);
        await bot.DrainOutboxAsync();
        Assert.Equal("INC-1 was already acknowledged.", Assert.Single(slack.Messages, m => m.Channel == "U0ALICE").Text);
    }

    [SkippableFact]
    public async Task Reject_from_the_home_tab_takes_the_reason_typed_into_that_changes_box_and_without_one_says_why_not()
    {
        await using var slack = await FakeSlack.StartAsync();
        await using var bot = await BotFactory.CreateAsync(provider, slack);
        using var http = bot.CreateClient();
        await http.SendAsync(BotFactory.Signed("/slack/commands", bot.CommandBody("bakery", "role add <@U0ALICE> cab", user: "UADMIN")));
        await http.SendAsync(BotFactory.Signed("/slack/commands", bot.CommandBody("cmdb", "add asset oven-2")));
        await http.SendAsync(BotFactory.Signed("/slack/commands", bot.CommandBody("change", "request replace thermostat ci:oven-2 window:\"tomorrow 22:00+1h\" risk:low rollback:\"refit\"", user: "U0BOB")));
        await http.SendAsync(BotFactory.Signed("/slack/commands", bot.CommandBody("change", "request clean the flue ci:oven-2 window:\"tomorrow 23:30+1h\" risk:low rollback:\"none\"", user: "U0BOB")));
        await PublishAsync(bot);
        var view = (await ViewsAsync(slack, "U0ALICE", 1))[0];
        var boxes = view["blocks"]!.AsArray().Where(b => b!["type"]!.GetValue<string>() == "input").Select(b => b!["block_id"]!.GetValue<string>()).ToList();
        Assert.Equal(2, boxes.Count);

        await http.SendAsync(BotFactory.Signed("/slack/interactions", SlackHome.Click(view, ChangeCommands.RejectAction, "CHG-2", typed: new Dictionary<string, string> { [boxes[0]] = "meant for CHG-1" })));
        await ViewsAsync(slack, "U0ALICE", 2);
        await bot.DrainOutboxAsync();

        Assert.Equal(0, await bot.QueryAsync(db => db.ChangeVotes.CountAsync()));
        Assert.Empty(slack.OpenedViews);
        Assert.StartsWith("⚠️ Say why you reject CHG-2", Assert.Single(slack.Messages, m => m.Channel == "U0ALICE").Text, StringComparison.Ordinal);

        await http.SendAsync(BotFactory.Signed("/slack/interactions", SlackHome.Click(view, ChangeCommands.RejectAction, "CHG-2", typed: new Dictionary<string, string> { [boxes[0]] = "meant for CHG-1", [boxes[1]] = "not during the night bake" })));
        var after = (await ViewsAsync(slack, "U0ALICE", 3))[2];

        var vote = await bot.QueryAsync(db => db.ChangeVotes.Select(v => new { v.Kind, v.Reason, Change = db.Changes.Where(c => c.Id == v.ChangeId).Select(c => c.Number).Single() }).SingleAsync());
        Assert.Equal((VoteKind.Reject, "not during the night bake", 2), (vote.Kind, vote.Reason, vote.Change));
        Assert.Contains("CHG-1: replace thermostat", Headers(after), StringComparison.Ordinal);
        Assert.DoesNotContain("CHG-2", Headers(after), StringComparison.Ordinal);
    }

    [SkippableFact]
    public async Task A_refused_publish_is_logged_without_the_token_and_a_click_still_does_its_work()
    {
        var logs = new LogCapture();
        await using var slack = await FakeSlack.StartAsync();
        await using var bot = await BotFactory.CreateAsync(provider, slack, services: s => s.AddSingleton<ILoggerProvider>(logs));
        using var http = bot.CreateClient();
        await http.SendAsync(BotFactory.Signed("/slack/commands", bot.CommandBody("incident", "oven on fire sev1")));
        await PublishAsync(bot);
        var view = (await ViewsAsync(slack, "U0ALICE", 1))[0];
        slack.ViewsPublishError = "not_enabled";

        await PublishAsync(bot);
        var response = await http.SendAsync(BotFactory.Signed("/slack/interactions", SlackHome.Click(view, IncidentCommands.AckAction, "INC-1")));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(IncidentState.Acknowledged, await bot.QueryAsync(db => db.Incidents.Select(i => i.State).SingleAsync()));
        await ViewsAsync(slack, "U0ALICE", 3);
        Assert.Equal(2, logs.Messages.Count(m => m.Contains("Publishing the Home tab of U0ALICE in T0BAKERY failed: not_enabled", StringComparison.Ordinal)));
        Assert.DoesNotContain(logs.Messages, m => m.Contains("xoxb-test-token", StringComparison.Ordinal));
    }
}

public sealed class SqliteSlackHomeTabTests() : SlackHomeTabTests(DbProvider.Sqlite);

public sealed class PostgresSlackHomeTabTests() : SlackHomeTabTests(DbProvider.Postgres);
