using System.Net;
using System.Text.Json.Nodes;
using BakeryBot.Core.Changes;
using BakeryBot.Core.Tests.Infrastructure;
using BakeryBot.Host.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace BakeryBot.Host.Tests.Teams;

/// <summary>The change request as an Adaptive Card form end to end, on each database.</summary>
public abstract class TeamsChangeFormTests(DbProvider provider)
{
    [SkippableFact]
    public async Task Change_request_answers_with_the_form_a_bad_submission_shows_it_again_and_a_good_one_records_the_change()
    {
        await using var bed = await TeamsTestBed.StartAsync(provider);
        await bed.SendAsync(bed.Message("cmdb add asset oven-2"));
        var asked = bed.Message("change request");

        Assert.Equal(HttpStatusCode.OK, (await bed.SendAsync(asked)).StatusCode);

        var reply = await Eventually.SingleAsync(() => bed.Connector.Activities.Where(a => a.ReplyToId == asked["id"]!.GetValue<string>()));
        var form = reply.Body["attachments"]![0]!["content"]!;
        Assert.Equal("application/vnd.microsoft.card.adaptive", reply.Body["attachments"]![0]!["contentType"]!.GetValue<string>());
        var submit = form["actions"]![0]!;
        Assert.Equal(("Action.Execute", ChangeForms.RequestForm), (submit["type"]!.GetValue<string>(), submit["verb"]!.GetValue<string>()));
        Assert.Equal(["title", "ci", "window", "duration", "risk", "type", "rollback", "schema", "rollback-migration"], Inputs(form).Select(i => i["id"]!.GetValue<string>()));
        Assert.All(Inputs(form).Where(i => i["id"]!.GetValue<string>() is "title" or "ci" or "window" or "risk"), i => Assert.True(i["isRequired"]!.GetValue<bool>()));

        var refused = JsonNode.Parse(await (await bed.SendAsync(Submission(bed, submit, new() { ["window"] = "soon" }))).Content.ReadAsStringAsync())!;

        Assert.Equal((200, "application/vnd.microsoft.card.adaptive"), (refused["statusCode"]!.GetValue<int>(), refused["type"]!.GetValue<string>()));
        var again = refused["value"]!;
        var items = again["body"]![0]!["items"]!.AsArray();
        var window = items.Single(i => i!["id"]?.GetValue<string>() == "window")!;
        Assert.Equal("soon", window["value"]!.GetValue<string>());
        var error = items.Skip(items.IndexOf(window) + 1).First(i => i!["color"]?.GetValue<string>() == "attention")!;
        Assert.StartsWith("soon is not a window start", error["text"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal("replace thermostat", items.Single(i => i!["id"]?.GetValue<string>() == "title")!["value"]!.GetValue<string>());
        Assert.Equal("low", items.Single(i => i!["id"]?.GetValue<string>() == "risk")!["value"]!.GetValue<string>());
        Assert.Equal(0, await bed.Bot.QueryAsync(db => db.Changes.CountAsync()));

        var accepted = JsonNode.Parse(await (await bed.SendAsync(Submission(bed, again["actions"]![0]!, []))).Content.ReadAsStringAsync())!;

        Assert.Equal("application/vnd.microsoft.card.adaptive", accepted["type"]!.GetValue<string>());
        Assert.Contains("CHG-1 requested.", accepted["value"]!.ToJsonString(), StringComparison.Ordinal);
        Assert.DoesNotContain("Input.", accepted["value"]!.ToJsonString(), StringComparison.Ordinal);
        var change = await bed.Bot.QueryAsync(db => db.Changes.SingleAsync());
        Assert.Equal(("replace thermostat", ChangeRisk.Low, "teams", TeamsTestBed.Channel), (change.Title, change.Risk, change.Platform, change.ChannelId));
        await bed.Bot.DrainOutboxAsync();
        Assert.Single(bed.Connector.In(TeamsTestBed.Channel), a => a.Body.ToJsonString().Contains("CHG-1: replace thermostat", StringComparison.Ordinal));
    }

    [SkippableFact]
    public async Task Reject_on_teams_keeps_its_reason_box_on_the_card_and_opens_no_form()
    {
        await using var bed = await TeamsTestBed.StartAsync(provider);
        await bed.SendAsync(bed.Message("cmdb add asset oven-2"));
        await bed.SendAsync(bed.Message("change request replace thermostat ci:oven-2 window:\"tomorrow 22:00+2h\" risk:low rollback:\"refit\"", user: "aad-alice", name: "Alice"));
        await bed.SendAsync(bed.Message($"bakery role add <at>Dana Oncall</at> cab", mentions: new Dictionary<string, string> { ["Dana Oncall"] = $"29:{TeamsTestBed.DanaAad}" }));

        var answer = JsonNode.Parse(await (await bed.SendAsync(bed.CardAction(ChangeCommands.RejectAction, "CHG-1"))).Content.ReadAsStringAsync())!;

        Assert.Equal("application/vnd.microsoft.activity.message", answer["type"]!.GetValue<string>());
        Assert.Contains("Say why you reject CHG-1", answer["value"]!.GetValue<string>(), StringComparison.Ordinal);
        var withReason = bed.CardAction(ChangeCommands.RejectAction, "CHG-1");
        withReason["value"]!["action"]!["data"]!["reason"] = "not before the audit";
        await bed.SendAsync(withReason);
        Assert.Equal(ChangeState.Rejected, await bed.Bot.QueryAsync(db => db.Changes.Select(c => c.State).SingleAsync()));
    }

    private static IEnumerable<JsonObject> Inputs(JsonNode card) =>
        card["body"]![0]!["items"]!.AsArray().Select(i => i!.AsObject()).Where(i => i["type"]!.GetValue<string>().StartsWith("Input.", StringComparison.Ordinal));

    /// <summary>The form's submit button pressed: its data, with what the inputs hold (good values unless overridden).</summary>
    private static JsonObject Submission(TeamsTestBed bed, JsonNode submit, Dictionary<string, string> overrides)
    {
        var data = submit["data"]!.DeepClone().AsObject();
        foreach (var (id, value) in new Dictionary<string, string>
        {
            ["title"] = "replace thermostat",
            ["ci"] = "oven-2",
            ["window"] = "tomorrow 22:00",
            ["duration"] = "2h",
            ["risk"] = "low",
            ["type"] = "normal",
            ["rollback"] = "refit the old one",
            ["schema"] = "no",
            ["rollback-migration"] = "",
        })
        {
            data[id] = overrides.GetValueOrDefault(id, value);
        }

        var activity = bed.CardAction(submit["verb"]!.GetValue<string>(), "");
        activity["value"]!["action"]!["data"] = data;
        return activity;
    }
}

public sealed class SqliteTeamsChangeFormTests() : TeamsChangeFormTests(DbProvider.Sqlite);

public sealed class PostgresTeamsChangeFormTests() : TeamsChangeFormTests(DbProvider.Postgres);
