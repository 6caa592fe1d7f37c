using System.Net;
using System.Text.Json.Nodes;
using BakeryBot.Core.Changes;
using BakeryBot.Core.Tests.Infrastructure;
using BakeryBot.Host.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace BakeryBot.Host.Tests.Changes;

/// <summary>
/// The CAB's buttons as each platform sends them: Slack block_actions through /slack/interactions
/// and Teams Action.Execute invokes through /api/messages, deciding by the same policy.
/// </summary>
public abstract class CabButtonsTests(DbProvider provider)
{
    [SkippableFact]
    public async Task On_slack_the_cab_channels_card_counts_votes_vetoes_with_a_reason_asked_in_a_modal_and_ignores_a_second_click()
    {
        await using var slack = await FakeSlack.StartAsync();
        await using var bot = await BotFactory.CreateAsync(provider, slack);
        using var http = bot.CreateClient();
        async Task SendAsync(string command, string text, string user = "U0ALICE", string channel = "C0INCIDENTS") =>
            Assert.Equal(HttpStatusCode.OK, (await http.SendAsync(BotFactory.Signed("/slack/commands", bot.CommandBody(command, text, user: user, channel: channel)))).StatusCode);
        await SendAsync("bakery", "role add <@U0BOB> cab", user: "UADMIN");
        await SendAsync("bakery", "role add <@U0CAROL> cab", user: "UADMIN");
        await SendAsync("change", "cab channel", user: "UADMIN", channel: "C0CAB");
        await SendAsync("cmdb", "add asset oven-2");
        await SendAsync("change", "request replace thermostat ci:oven-2 window:\"tomorrow 22:00+2h\" risk:medium rollback:\"refit the old one\"");
        await bot.DrainOutboxAsync();
        var cabCard = slack.Messages.Single(m => m.Channel == "C0CAB");
        Task<HttpResponseMessage> ClickAsync(string action, string user, IReadOnlyDictionary<string, string>? inputs = null) =>
            http.SendAsync(BotFactory.Signed("/slack/interactions", Payloads.ButtonClick(slack, action, "CHG-1", cabCard.Ts, user: user, channel: "C0CAB", inputs: inputs)));

        Assert.Equal(HttpStatusCode.OK, (await ClickAsync(ChangeCommands.ApproveAction, "U0BOB")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await ClickAsync(ChangeCommands.ApproveAction, "U0BOB")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await ClickAsync(ChangeCommands.RejectAction, "U0CAROL")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await ClickAsync(ChangeCommands.RejectAction, "U0CAROL", new Dictionary<string, string> { [ChangeCards.ReasonInput] = "not during the audit" })).StatusCode);
        await bot.DrainOutboxAsync();

        var change = await bot.QueryAsync(db => db.Changes.Include(c => c.Votes).SingleAsync());
        Assert.Equal((ChangeState.Rejected, 2), (change.State, change.Votes.Count));
        Assert.EndsWith(": not during the audit", change.DecisionReason, StringComparison.Ordinal);
        var card = slack.Messages.Single(m => m.Ts == cabCard.Ts).Attachments!.ToJsonString();
        Assert.Contains("not during the audit", card, StringComparison.Ordinal);
        Assert.DoesNotContain(ChangeCommands.ApproveAction, card, StringComparison.Ordinal);
        var answers = slack.CallsTo("response:click").Select(c => c["text"]!.GetValue<string>()).ToList();
        Assert.Contains(answers, t => t.Contains("a vote can't be cast twice", StringComparison.Ordinal));
        // A Reject click without a reason opens Slack's modal asking for one (the reason typed in the card went straight through).
        Assert.Single(slack.CallsTo("views.open"));
    }

    [SkippableFact]
    public async Task On_teams_action_execute_votes_answer_with_the_refreshed_card_and_a_non_member_is_told_why()
    {
        await using var bed = await TeamsTestBed.StartAsync(provider);
        await bed.SendAsync(bed.Message("bakery role add <at>Bob Baker</at> cab", mentions: new Dictionary<string, string> { ["Bob Baker"] = "29:aad-bob" }));
        await bed.SendAsync(bed.Message("bakery role add <at>Carol Cook</at> cab", mentions: new Dictionary<string, string> { ["Carol Cook"] = "29:aad-carol" }));
        await bed.SendAsync(bed.Message("cmdb add asset oven-2"));
        await bed.SendAsync(bed.Message("change request replace thermostat ci:oven-2 window:\"tomorrow 22:00+2h\" risk:medium rollback:\"refit the old one\""));

        var outsider = JsonNode.Parse(await (await bed.SendAsync(bed.CardAction(ChangeCommands.ApproveAction, "CHG-1", user: "aad-erin", name: "Erin Outsider"))).Content.ReadAsStringAsync())!;
        var first = JsonNode.Parse(await (await bed.SendAsync(bed.CardAction(ChangeCommands.ApproveAction, "CHG-1", user: "aad-bob", name: "Bob Baker"))).Content.ReadAsStringAsync())!;
        var second = JsonNode.Parse(await (await bed.SendAsync(bed.CardAction(ChangeCommands.ApproveAction, "CHG-1", user: "aad-carol", name: "Carol Cook"))).Content.ReadAsStringAsync())!;

        Assert.Contains("Only CAB members vote on changes", outsider.ToJsonString(), StringComparison.Ordinal);
        Assert.Equal("application/vnd.microsoft.card.adaptive", first["type"]!.GetValue<string>());
        Assert.Contains("1 of 2 approvals", first["value"]!.ToJsonString(), StringComparison.Ordinal);
        Assert.Contains("change.approve", first["value"]!.ToJsonString(), StringComparison.Ordinal);
        Assert.Equal("application/vnd.microsoft.card.adaptive", second["type"]!.GetValue<string>());
        Assert.DoesNotContain("change.approve", second["value"]!.ToJsonString(), StringComparison.Ordinal);
        Assert.Contains("approved by Bob Baker, Carol Cook", second["value"]!.ToJsonString(), StringComparison.Ordinal);
        Assert.Equal(ChangeState.Approved, await bed.Bot.QueryAsync(db => db.Changes.Select(c => c.State).SingleAsync()));
    }
}

public sealed class SqliteCabButtonsTests() : CabButtonsTests(DbProvider.Sqlite);

public sealed class PostgresCabButtonsTests() : CabButtonsTests(DbProvider.Postgres);
