using System.Net;
using System.Text.Json.Nodes;
using BakeryBot.Core.Incidents;
using BakeryBot.Core.Tests.Infrastructure;
using BakeryBot.Core.TimeTracking;
using BakeryBot.Host.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace BakeryBot.Host.Tests.Teams;

/// <summary>Teams end to end: signed activities in, the real pipeline and database, a fake Bot Connector out.</summary>
public abstract class TeamsFlowTests(DbProvider provider)
{
    [SkippableFact]
    public async Task Added_to_a_team_the_bot_says_hello_and_an_incident_declared_there_posts_its_card_and_acknowledges_from_it()
    {
        await using var bed = await TeamsTestBed.StartAsync(provider);

        Assert.Equal(HttpStatusCode.OK, (await bed.SendAsync(bed.BotAdded())).StatusCode);
        await bed.Bot.DrainOutboxAsync();
        var hello = Assert.Single(bed.Connector.In(TeamsTestBed.Channel));
        Assert.StartsWith("Hello! I'm BakeryBot", hello.Body["text"]!.GetValue<string>(), StringComparison.Ordinal);

        var declared = await bed.SendAsync(bed.Message("incident burnt-cookie sev2"));

        Assert.Equal(HttpStatusCode.OK, declared.StatusCode);
        var incident = await bed.Bot.QueryAsync(db => db.Incidents.SingleAsync());
        Assert.Equal(("burnt-cookie", 2, "teams"), (incident.Title, incident.Severity, incident.Platform));
        Assert.Equal(TeamsTestBed.Channel, incident.ChannelId);
        var reply = await Eventually.SingleAsync(() => bed.Connector.Activities.Where(a => a.ReplyToId is not null));
        Assert.Contains("INC-1 declared", reply.Body["text"]!.GetValue<string>(), StringComparison.Ordinal);
        await bed.Bot.DrainOutboxAsync();
        var card = bed.Connector.In(TeamsTestBed.Channel).Single(a => a.Body["attachments"] is JsonArray { Count: > 0 } && a.ReplyToId is null);
        var content = card.Body["attachments"]![0]!["content"]!;
        Assert.Equal("application/vnd.microsoft.card.adaptive", card.Body["attachments"]![0]!["contentType"]!.GetValue<string>());
        Assert.Equal("1.5", content["version"]!.GetValue<string>());
        Assert.Contains("INC-1: burnt-cookie", content.ToJsonString(), StringComparison.Ordinal);
        Assert.Contains("\"verb\":\"incident.ack\"", content.ToJsonString(), StringComparison.Ordinal);
        Assert.All(bed.Connector.Authorizations, a => Assert.Contains(a["Bearer ".Length..], bed.Authority.IssuedAccessTokens));

        var clicked = await bed.SendAsync(bed.CardAction(IncidentCommands.AckAction, "INC-1", user: "aad-bob", name: "Bob Baker"));

        Assert.Equal(HttpStatusCode.OK, clicked.StatusCode);
        var answer = JsonNode.Parse(await clicked.Content.ReadAsStringAsync())!;
        Assert.Equal(200, answer["statusCode"]!.GetValue<int>());
        Assert.Equal("application/vnd.microsoft.card.adaptive", answer["type"]!.GetValue<string>());
        Assert.Contains("Acknowledged", answer["value"]!.ToJsonString(), StringComparison.Ordinal);
        Assert.Contains("Bob Baker", answer["value"]!.ToJsonString(), StringComparison.Ordinal);
        Assert.DoesNotContain("incident.ack", answer["value"]!.ToJsonString(), StringComparison.Ordinal);
        await bed.Bot.DrainOutboxAsync();
        var updated = bed.Connector.Activities.Single(a => a.Id == card.Id);
        Assert.Equal(1, updated.Edits);
        Assert.Contains("Acknowledged", updated.Body.ToJsonString(), StringComparison.Ordinal);

        var again = JsonNode.Parse(await (await bed.SendAsync(bed.CardAction(IncidentCommands.AckAction, "INC-1"))).Content.ReadAsStringAsync())!;
        Assert.Equal("application/vnd.microsoft.activity.message", again["type"]!.GetValue<string>());
        Assert.Contains("already acknowledged", again["value"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    [SkippableFact]
    public async Task In_the_thread_under_an_incidents_card_commands_need_no_id_and_status_updates_go_there()
    {
        await using var bed = await TeamsTestBed.StartAsync(provider);
        await bed.SendAsync(bed.Message("incident burnt-cookie sev2"));
        await bed.Bot.DrainOutboxAsync();
        var card = bed.Connector.In(TeamsTestBed.Channel).Single(a => a.Body["attachments"] is JsonArray { Count: > 0 } && a.ReplyToId is null);

        await bed.SendAsync(bed.Message("incident update oven 2 cooling down", threadRoot: card.Id));
        await bed.SendAsync(bed.Message("incident resolve thermostat replaced", threadRoot: card.Id));
        await bed.Bot.DrainOutboxAsync();

        Assert.Equal(IncidentState.Resolved, await bed.Bot.QueryAsync(db => db.Incidents.Select(i => i.State).SingleAsync()));
        var statusPosts = bed.Connector.Activities.Where(a => a.Body["text"]?.GetValue<string>() is { } t && (t.StartsWith("Update on INC-1", StringComparison.Ordinal) || t.StartsWith("INC-1 is resolved", StringComparison.Ordinal))).ToList();
        Assert.Equal(2, statusPosts.Count);
        Assert.All(statusPosts, p => Assert.Equal(card.Id, p.ReplyToId));
    }

    [SkippableFact]
    public async Task Mitigated_and_link_problem_answer_with_the_refreshed_card()
    {
        await using var bed = await TeamsTestBed.StartAsync(provider);
        await bed.SendAsync(bed.Message("incident burnt-cookie sev2"));
        await bed.SendAsync(bed.Message("problem new ovens misbehave"));

        var mitigated = JsonNode.Parse(await (await bed.SendAsync(bed.CardAction(IncidentCommands.MitigateAction, "INC-1"))).Content.ReadAsStringAsync())!;
        var link = bed.CardAction(IncidentCommands.LinkProblemAction, "INC-1");
        link["value"]!["action"]!["data"]!["problem"] = "PRB-1";
        var linked = JsonNode.Parse(await (await bed.SendAsync(link)).Content.ReadAsStringAsync())!;

        Assert.Equal("application/vnd.microsoft.card.adaptive", mitigated["type"]!.GetValue<string>());
        Assert.Contains("\"value\":\"Mitigated\"", mitigated["value"]!.ToJsonString(), StringComparison.Ordinal); // the status fact, not the button
        Assert.DoesNotContain("\u0022verb\u0022:\u0022incident.mitigate", mitigated["value"]!.ToJsonString(), StringComparison.Ordinal);
        Assert.Equal("application/vnd.microsoft.activity.message", linked["type"]!.GetValue<string>());
        Assert.Contains("INC-1 is linked to PRB-1", linked["value"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal(IncidentState.Mitigated, await bed.Bot.QueryAsync(db => db.Incidents.Select(i => i.State).SingleAsync()));
        Assert.NotNull(await bed.Bot.QueryAsync(db => db.Incidents.Select(i => i.ProblemId).SingleAsync()));
    }

    [SkippableFact]
    public async Task The_message_actions_declare_an_incident_and_start_a_timer_within_the_invoke_answer()
    {
        await using var bed = await TeamsTestBed.StartAsync(provider);

        var declare = await bed.SendAsync(bed.MessageAction("declareIncident", "<p>Ovens at Bakery #2 are <b>cold</b></p><p>since 6am</p>"));
        var timer = await bed.SendAsync(bed.MessageAction("startTimer", "<p>Looking at INC-1 now</p>"));

        var declared = JsonNode.Parse(await declare.Content.ReadAsStringAsync())!;
        Assert.Equal("message", declared["task"]!["type"]!.GetValue<string>());
        Assert.Contains("INC-1 declared from that message", declared["task"]!["value"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal("Ovens at Bakery #2 are cold", await bed.Bot.QueryAsync(db => db.Incidents.Select(i => i.Title).SingleAsync()));
        var started = JsonNode.Parse(await timer.Content.ReadAsStringAsync())!;
        Assert.Contains("Timer started on INC-1", started["task"]!["value"]!.GetValue<string>(), StringComparison.Ordinal);
        var running = await bed.Bot.QueryAsync(db => db.Set<BakeryBot.Core.TimeTracking.Timer>().SingleAsync());
        Assert.Equal("INC-1", running.RecordKey);
        Assert.StartsWith("https://teams.microsoft.com/l/message/", running.SourceLink, StringComparison.Ordinal);
    }

    [SkippableFact]
    public async Task Unknown_invokes_are_501_and_bad_bodies_are_4xx_without_a_500()
    {
        await using var bed = await TeamsTestBed.StartAsync(provider);

        Assert.Equal(HttpStatusCode.NotImplemented, (await bed.SendAsync(bed.Invoke("task/fetch"))).StatusCode);
        var submit = bed.CardAction("incident.ack", "INC-1");
        submit["value"]!["action"]!["type"] = "Action.Submit";
        var notExecute = JsonNode.Parse(await (await bed.SendAsync(submit)).Content.ReadAsStringAsync())!;
        Assert.Equal(400, notExecute["statusCode"]!.GetValue<int>());
        Assert.Equal("NotSupported", notExecute["value"]!["code"]!.GetValue<string>());

        using var garbage = new HttpRequestMessage(HttpMethod.Post, "/api/messages") { Content = new StringContent("{not json", System.Text.Encoding.UTF8, "application/json") };
        garbage.Headers.Add("Authorization", bed.Authority.AuthorizationHeader());
        Assert.Equal(HttpStatusCode.BadRequest, (await bed.Http.SendAsync(garbage)).StatusCode);

        var unknownCommand = await bed.SendAsync(bed.Message("frobnicate now"));
        Assert.Equal(HttpStatusCode.OK, unknownCommand.StatusCode);
        var warning = await Eventually.SingleAsync(() => bed.Connector.Activities.Where(a => a.ReplyToId is not null));
        Assert.Contains("is not a command I know", warning.Body["text"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal(0, await bed.Bot.QueryAsync(db => db.Incidents.CountAsync()));
    }

    [SkippableFact]
    public async Task With_thirty_percent_of_connector_calls_failing_every_card_arrives_exactly_once()
    {
        await using var bed = await TeamsTestBed.StartAsync(provider);
        bed.Connector.FailureRate = 0.3;
        const int count = 24;
        for (var i = 0; i < count; i++)
        {
            var channel = $"19:c{i % 8}@thread.tacv2";
            Assert.Equal(HttpStatusCode.OK, (await bed.SendAsync(bed.Message($"incident burnt batch {i}", channel: channel))).StatusCode);
        }

        await bed.Bot.DrainOutboxAsync(TimeSpan.FromSeconds(120));
        for (var i = 1; i <= count; i++)
        {
            Assert.Equal(HttpStatusCode.OK, (await bed.SendAsync(bed.CardAction(IncidentCommands.AckAction, $"INC-{i}"))).StatusCode);
        }

        await bed.Bot.DrainOutboxAsync(TimeSpan.FromSeconds(120));
        Assert.True(bed.Connector.FaultsInjected > 5, $"only {bed.Connector.FaultsInjected} faults were injected");
        // The answers to the typed commands go through the outbox too: each arrives once, in its thread.
        var answers = bed.Connector.Activities.Where(a => a.ReplyToId is not null).Select(a => a.Body["text"]!.GetValue<string>()).ToList();
        Assert.Equal(count, answers.Count);
        Assert.Equal(Enumerable.Range(1, count).Select(i => $"INC-{i} declared"), answers.Select(a => a[..a.IndexOf(';', StringComparison.Ordinal)]).Order(StringComparer.Ordinal).OrderBy(a => int.Parse(a[4..a.IndexOf(' ', StringComparison.Ordinal)], System.Globalization.CultureInfo.InvariantCulture)));
        var cards = bed.Connector.Activities.Where(a => a.ReplyToId is null && a.Body["attachments"] is JsonArray { Count: > 0 }).ToList();
        Assert.Equal(count, cards.Count);
        for (var i = 1; i <= count; i++)
        {
            var card = Assert.Single(cards, c => c.Body.ToJsonString().Contains($"INC-{i}: burnt batch {i - 1}", StringComparison.Ordinal));
            Assert.Contains("Acknowledged", card.Body.ToJsonString(), StringComparison.Ordinal);
        }
    }

    [SkippableFact]
    public async Task With_connector_answers_lost_after_the_post_every_card_arrives_and_only_a_post_whose_answer_was_lost_arrives_twice()
    {
        // The Bot Connector has no way to ask whether a post went through, so a post whose answer was lost is sent
        // again: at least once, and a second copy only where an answer was lost. Updates go to the copy recorded.
        await using var bed = await TeamsTestBed.StartAsync(provider);
        bed.Connector.FailureRate = 0.3;
        bed.Connector.LoseAnswersAfterWork = true;
        const int count = 16;
        for (var i = 0; i < count; i++)
        {
            Assert.Equal(HttpStatusCode.OK, (await bed.SendAsync(bed.Message($"incident burnt batch {i}", channel: $"19:c{i % 8}@thread.tacv2"))).StatusCode);
        }

        await bed.Bot.DrainOutboxAsync(TimeSpan.FromSeconds(120));
        for (var i = 1; i <= count; i++)
        {
            Assert.Equal(HttpStatusCode.OK, (await bed.SendAsync(bed.CardAction(IncidentCommands.AckAction, $"INC-{i}"))).StatusCode);
        }

        await bed.Bot.DrainOutboxAsync(TimeSpan.FromSeconds(120));
        Assert.True(bed.Connector.PostAnswersLost > 0, "no answer to a post was lost");
        var answers = bed.Connector.Activities.Where(a => a.ReplyToId is not null).ToList();
        var cards = bed.Connector.Activities.Where(a => a.ReplyToId is null && a.Body["attachments"] is JsonArray { Count: > 0 }).ToList();
        var recorded = await bed.Bot.QueryAsync(db => db.PostedCards.ToDictionaryAsync(c => c.RecordKey, c => c.MessageId));
        for (var i = 1; i <= count; i++)
        {
            Assert.Contains(answers, a => a.Body["text"]!.GetValue<string>().StartsWith($"INC-{i} declared;", StringComparison.Ordinal));
            var copies = cards.Where(c => c.Body.ToJsonString().Contains($"INC-{i}: burnt batch {i - 1}", StringComparison.Ordinal)).ToList();
            Assert.NotEmpty(copies);
            var card = Assert.Single(copies, c => c.Id == recorded[$"INC-{i}"]);
            Assert.Contains("Acknowledged", card.Body.ToJsonString(), StringComparison.Ordinal);
        }

        var secondCopies = answers.Count + cards.Count - (2 * count);
        Assert.InRange(secondCopies, 0, bed.Connector.PostAnswersLost);
    }

    [SkippableFact]
    public async Task Incidents_declared_in_slack_and_in_teams_live_in_their_own_tenants()
    {
        await using var bed = await TeamsTestBed.StartAsync(provider, withSlack: true);
        var slackAnswer = await bed.Http.SendAsync(BotFactory.Signed("/slack/commands", bed.Bot.CommandBody("incident", "slack oven sev1")));
        Assert.Contains("INC-1 declared", await slackAnswer.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        await bed.SendAsync(bed.Message("incident teams oven sev4"));
        var teamsDeclared = await Eventually.SingleAsync(() => bed.Connector.Activities.Where(a => a.ReplyToId is not null));
        Assert.Contains("INC-1 declared", teamsDeclared.Body["text"]!.GetValue<string>(), StringComparison.Ordinal);

        var slackList = await (await bed.Http.SendAsync(BotFactory.Signed("/slack/commands", bed.Bot.CommandBody("incident", "list")))).Content.ReadAsStringAsync();
        Assert.Contains("slack oven", slackList, StringComparison.Ordinal);
        Assert.DoesNotContain("teams oven", slackList, StringComparison.Ordinal);
        await bed.SendAsync(bed.Message("incident show INC-1"));
        var shown = await Eventually.SingleAsync(() => bed.Connector.Activities.Where(a => a.ReplyToId is not null && a.Body.ToJsonString().Contains("INC-1:", StringComparison.Ordinal)));
        Assert.Contains("teams oven", shown.Body.ToJsonString(), StringComparison.Ordinal);
        Assert.DoesNotContain("slack oven", shown.Body.ToJsonString(), StringComparison.Ordinal);
        var tenants = await bed.Bot.QueryAsync(db => db.Tenants.OrderBy(t => t.Platform).Select(t => t.Platform + ":" + t.ExternalId).ToListAsync());
        Assert.Equal([$"slack:{BotFactory.Team}", $"teams:{TeamsTestBed.Tenant}"], tenants);
    }
}

public sealed class SqliteTeamsFlowTests() : TeamsFlowTests(DbProvider.Sqlite);

public sealed class PostgresTeamsFlowTests() : TeamsFlowTests(DbProvider.Postgres);
