using System.Net;
using System.Text.Json.Nodes;
using BakeryBot.Core.Changes;
using BakeryBot.Core.Tests.Infrastructure;
using BakeryBot.Host.Tests.Infrastructure;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.EntityFrameworkCore;

namespace BakeryBot.Host.Tests.Slack;

/// <summary>
/// The change request modal and the reason-to-reject modal end to end: signed commands, clicks and
/// view_submissions in, views.open and the card posts out, on each database.
/// </summary>
public abstract class SlackChangeFormTests(DbProvider provider)
{
    private static readonly Dictionary<string, string?> Good = new()
    {
        ["title"] = "replace thermostat",
        ["ci"] = "oven-2",
        ["window"] = "tomorrow 22:00",
        ["duration"] = "2h",
        ["risk"] = "low",
        ["rollback"] = "refit the old one",
    };

    [SkippableFact]
    public async Task The_bare_command_opens_the_modal_a_bad_window_comes_back_under_its_field_and_a_good_submission_records_the_change()
    {
        await using var slack = await FakeSlack.StartAsync();
        await using var bot = await BotFactory.CreateAsync(provider, slack);
        using var http = bot.CreateClient();
        await http.SendAsync(BotFactory.Signed("/slack/commands", bot.CommandBody("cmdb", "add asset oven-2")));
        var command = bot.CommandBody("change", "request", channel: "C0CHANGES");

        var opened = await http.SendAsync(BotFactory.Signed("/slack/commands", command));

        Assert.Equal(HttpStatusCode.OK, opened.StatusCode);
        Assert.Equal("", await opened.Content.ReadAsStringAsync());
        var (trigger, view) = Assert.Single(slack.OpenedViews);
        Assert.Equal(QueryHelpers.ParseQuery(command)["trigger_id"].ToString(), trigger);
        Assert.Equal(("modal", ChangeForms.RequestForm), (view["type"]!.GetValue<string>(), view["callback_id"]!.GetValue<string>()));
        Assert.Equal("C0CHANGES", JsonNode.Parse(view["private_metadata"]!.GetValue<string>())!["channel"]!.GetValue<string>());
        Assert.Equal(["title", "ci", "window", "duration", "risk", "type", "rollback", "schema", "rollback-migration"], view["blocks"]!.AsArray().Where(b => b!["type"]!.GetValue<string>() == "input").Select(b => b!["block_id"]!.GetValue<string>()));

        var refused = await http.SendAsync(BotFactory.Signed("/slack/interactions", SlackForms.Submit(view, new Dictionary<string, string?>(Good) { ["window"] = "soon" })));

        Assert.Equal(HttpStatusCode.OK, refused.StatusCode);
        var errors = JsonNode.Parse(await refused.Content.ReadAsStringAsync())!;
        Assert.Equal("errors", errors["response_action"]!.GetValue<string>());
        var error = Assert.Single(errors["errors"]!.AsObject());
        Assert.Equal("window", error.Key);
        Assert.StartsWith("soon is not a window start", error.Value!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal(0, await bot.QueryAsync(db => db.Changes.CountAsync()));

        var accepted = await http.SendAsync(BotFactory.Signed("/slack/interactions", SlackForms.Submit(view, Good)));

        Assert.Equal(HttpStatusCode.OK, accepted.StatusCode);
        Assert.Equal("", await accepted.Content.ReadAsStringAsync());
        var change = await bot.QueryAsync(db => db.Changes.SingleAsync());
        Assert.Equal((1, "replace thermostat", ChangeRisk.Low, "C0CHANGES", TimeSpan.FromHours(2)), (change.Number, change.Title, change.Risk, change.ChannelId, change.WindowEnd - change.WindowStart));
        await bot.DrainOutboxAsync();
        var card = Assert.Single(slack.Messages, m => m.Channel == "C0CHANGES");
        Assert.Contains("CHG-1: replace thermostat", card.Attachments!.ToJsonString(), StringComparison.Ordinal);
        var told = Assert.Single(slack.CallsTo("chat.postEphemeral"));
        Assert.Equal(("C0CHANGES", "U0ALICE"), (told["channel"]!.GetValue<string>(), told["user"]!.GetValue<string>()));
        Assert.StartsWith("CHG-1 requested.", told["text"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    [SkippableFact]
    public async Task Reject_without_a_reason_asks_for_it_in_a_modal_that_refuses_an_empty_one_and_rejects_with_one()
    {
        await using var slack = await FakeSlack.StartAsync();
        await using var bot = await BotFactory.CreateAsync(provider, slack);
        using var http = bot.CreateClient();
        await http.SendAsync(BotFactory.Signed("/slack/commands", bot.CommandBody("bakery", "role add <@U0BOB> cab", user: "UADMIN")));
        await http.SendAsync(BotFactory.Signed("/slack/commands", bot.CommandBody("cmdb", "add asset oven-2")));
        await http.SendAsync(BotFactory.Signed("/slack/commands", bot.CommandBody("change", "request replace thermostat ci:oven-2 window:\"tomorrow 22:00+2h\" risk:low rollback:\"refit the old one\"")));
        await bot.DrainOutboxAsync();
        var card = Assert.Single(slack.Messages, m => m.Attachments!.ToJsonString().Contains("CHG-1", StringComparison.Ordinal));

        var click = await http.SendAsync(BotFactory.Signed("/slack/interactions", Payloads.ButtonClick(slack, ChangeCommands.RejectAction, "CHG-1", card.Ts, user: "U0BOB")));

        Assert.Equal(HttpStatusCode.OK, click.StatusCode);
        var (_, view) = Assert.Single(slack.OpenedViews);
        Assert.Equal((ChangeForms.RejectForm, "Reject CHG-1"), (view["callback_id"]!.GetValue<string>(), view["title"]!["text"]!.GetValue<string>()));
        var metadata = JsonNode.Parse(view["private_metadata"]!.GetValue<string>())!;
        Assert.Equal(("C0INCIDENTS", "CHG-1"), (metadata["channel"]!.GetValue<string>(), metadata["state"]!.GetValue<string>()));
        Assert.Equal(0, await bot.QueryAsync(db => db.ChangeVotes.CountAsync()));

        var empty = await http.SendAsync(BotFactory.Signed("/slack/interactions", SlackForms.Submit(view, new Dictionary<string, string?> { ["reason"] = "  " }, user: "U0BOB")));

        var errors = JsonNode.Parse(await empty.Content.ReadAsStringAsync())!;
        Assert.Equal("errors", errors["response_action"]!.GetValue<string>());
        Assert.Equal("Say why you reject it: the requester needs the reason.", errors["errors"]!["reason"]!.GetValue<string>());
        Assert.Equal(0, await bot.QueryAsync(db => db.ChangeVotes.CountAsync()));

        var rejected = await http.SendAsync(BotFactory.Signed("/slack/interactions", SlackForms.Submit(view, new Dictionary<string, string?> { ["reason"] = "not before the audit" }, user: "U0BOB")));

        Assert.Equal(HttpStatusCode.OK, rejected.StatusCode);
        Assert.Equal("", await rejected.Content.ReadAsStringAsync());
        var change = await bot.QueryAsync(db => db.Changes.SingleAsync());
        Assert.Equal(ChangeState.Rejected, change.State);
        Assert.EndsWith(": not before the audit", change.DecisionReason, StringComparison.Ordinal);
        await bot.DrainOutboxAsync();
        var updated = slack.Messages.Single(m => m.Ts == card.Ts);
        Assert.True(updated.Edits >= 1);
        Assert.Contains("not before the audit", updated.Attachments!.ToJsonString(), StringComparison.Ordinal);
        Assert.DoesNotContain(ChangeCommands.RejectAction, updated.Attachments!.ToJsonString(), StringComparison.Ordinal);
    }

    [SkippableFact]
    public async Task An_unopenable_modal_falls_back_to_the_usage_and_odd_or_unsigned_submissions_are_refused()
    {
        await using var slack = await FakeSlack.StartAsync();
        await using var bot = await BotFactory.CreateAsync(provider, slack);
        using var http = bot.CreateClient();
        slack.ViewsOpenError = "trigger_expired";

        var fallback = JsonNode.Parse(await (await http.SendAsync(BotFactory.Signed("/slack/commands", bot.CommandBody("change", "")))).Content.ReadAsStringAsync())!;

        Assert.StartsWith(":warning: The form could not be opened here. Describe the change: `/change request", fallback["text"]!.GetValue<string>(), StringComparison.Ordinal);
        var view = Assert.Single(slack.OpenedViews).View;
        var foreign = view.DeepClone().AsObject();
        foreign["private_metadata"] = "{\"source_channel\":\"C0ALERTS01\"}";
        var body = SlackForms.Submit(foreign, Good);

        Assert.Equal(HttpStatusCode.BadRequest, (await http.SendAsync(BotFactory.Signed("/slack/interactions", body))).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await http.SendAsync(BotFactory.Signed("/slack/interactions", SlackForms.Submit(view, Good), secret: "not-the-secret"))).StatusCode);
        var unknown = view.DeepClone().AsObject();
        unknown["callback_id"] = "change.gone";
        var gone = JsonNode.Parse(await (await http.SendAsync(BotFactory.Signed("/slack/interactions", SlackForms.Submit(unknown, Good)))).Content.ReadAsStringAsync())!;
        Assert.Equal("update", gone["response_action"]!.GetValue<string>());
        Assert.Contains("That form no longer does anything here", gone["view"]!["blocks"]![0]!["text"]!["text"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal(0, await bot.QueryAsync(db => db.Changes.CountAsync()));
    }
}

public sealed class SqliteSlackChangeFormTests() : SlackChangeFormTests(DbProvider.Sqlite);

public sealed class PostgresSlackChangeFormTests() : SlackChangeFormTests(DbProvider.Postgres);
