using System.Net;
using System.Text.Json.Nodes;
using BakeryBot.Core.Incidents;
using BakeryBot.Core.Tests.Infrastructure;
using BakeryBot.Host.Tests.Infrastructure;
using BakeryBot.Teams.Activities;
using Microsoft.EntityFrameworkCore;

namespace BakeryBot.Host.Tests.Teams;

/// <summary><c>home</c> in the personal chat: one Adaptive Card with the sections, whose buttons work and redraw it.</summary>
public abstract class TeamsHomeTests(DbProvider provider)
{
    private static List<JsonObject> Executes(JsonNode card) => card.ToJsonString().Contains("Action.Execute", StringComparison.Ordinal)
        ? Walk(card).Where(o => o["type"]?.GetValue<string>() == "Action.Execute").ToList()
        : [];

    private static IEnumerable<JsonObject> Walk(JsonNode? node) => node switch
    {
        JsonObject o => new[] { o }.Concat(o.SelectMany(p => Walk(p.Value))),
        JsonArray a => a.SelectMany(Walk),
        _ => [],
    };

    private static string Texts(JsonNode card) => string.Join('\n', Walk(card).Where(o => o["type"]?.GetValue<string>() == "TextBlock").Select(o => o["text"]!.GetValue<string>()));

    [SkippableFact]
    public async Task Home_in_the_personal_chat_is_one_card_whose_acknowledge_button_acknowledges_and_redraws_it()
    {
        await using var bed = await TeamsTestBed.StartAsync(provider);
        await bed.SendAsync(bed.Message("incident oven on fire sev1"));
        await bed.SendAsync(bed.Message("incident till jammed sev3", user: "0b1c2d3e-4f50-4617-8293-a4b5c6d7e8f9", name: "Bob Baker"));
        await bed.Bot.DrainOutboxAsync();

        var sent = await bed.SendAsync(bed.PersonalMessage("home"));

        Assert.Equal(HttpStatusCode.OK, sent.StatusCode);
        var reply = Assert.Single(bed.Connector.In(TeamsTestBed.PersonalChat()));
        var attachment = Assert.Single(reply.Body["attachments"]!.AsArray())!;
        Assert.Equal("application/vnd.microsoft.card.adaptive", attachment["contentType"]!.GetValue<string>());
        var card = attachment["content"]!;
        var texts = Texts(card);
        foreach (var section in new[] { "My open incidents (1)", "Changes waiting for my vote (0)", "My running timer", "Upcoming drills" })
        {
            Assert.Contains(section, texts, StringComparison.Ordinal);
        }

        Assert.Contains("INC-1: oven on fire", texts, StringComparison.Ordinal);
        Assert.DoesNotContain("INC-2", texts, StringComparison.Ordinal);
        var ack = Assert.Single(Executes(card), a => a["verb"]!.GetValue<string>() == IncidentCommands.AckAction);
        Assert.Equal("home", ack["data"]![TeamsActivityMapper.RedrawDataKey]!.GetValue<string>());

        var click = bed.CardAction(IncidentCommands.AckAction, "INC-1", personal: true);
        click["value"]!["action"]!["data"] = ack["data"]!.DeepClone();
        var clicked = await bed.SendAsync(click);

        Assert.Equal(HttpStatusCode.OK, clicked.StatusCode);
        Assert.Equal(IncidentState.Acknowledged, await bed.Bot.QueryAsync(db => db.Incidents.Where(i => i.Number == 1).Select(i => i.State).SingleAsync()));
        var answer = JsonNode.Parse(await clicked.Content.ReadAsStringAsync())!;
        Assert.Equal("application/vnd.microsoft.card.adaptive", answer["type"]!.GetValue<string>());
        var redrawn = answer["value"]!;
        Assert.Contains("SEV1 · Acknowledged · you are commander", Texts(redrawn), StringComparison.Ordinal);
        Assert.DoesNotContain(Executes(redrawn), a => a["verb"]!.GetValue<string>() == IncidentCommands.AckAction);
        Assert.Contains(Executes(redrawn), a => a["verb"]!.GetValue<string>() == IncidentCommands.ResolveAction);

        // The stale card's button again: nothing changes, and the redrawn home says why above itself.
        var second = bed.CardAction(IncidentCommands.AckAction, "INC-1", personal: true);
        second["value"]!["action"]!["data"] = ack["data"]!.DeepClone();
        var again = await bed.SendAsync(second);
        var twice = JsonNode.Parse(await again.Content.ReadAsStringAsync())!["value"]!;
        Assert.StartsWith("INC-1 was already acknowledged.", Texts(twice), StringComparison.Ordinal);
    }
}

public sealed class SqliteTeamsHomeTests() : TeamsHomeTests(DbProvider.Sqlite);

public sealed class PostgresTeamsHomeTests() : TeamsHomeTests(DbProvider.Postgres);
