using System.Net;
using System.Text.Json.Nodes;
using BakeryBot.Core.Incidents;
using BakeryBot.Core.Tests.Infrastructure;
using BakeryBot.Host.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace BakeryBot.Host.Tests.Slack;

/// <summary>Slack end to end: signed HTTP in, the real pipeline and database, a fake Slack Web API out.</summary>
public abstract class SlackIncidentFlowTests(DbProvider provider)
{
    [SkippableFact]
    public async Task A_signed_incident_command_declares_posts_the_card_and_the_acknowledge_button_updates_it_in_place()
    {
        await using var slack = await FakeSlack.StartAsync();
        await using var bot = await BotFactory.CreateAsync(provider, slack);
        using var http = bot.CreateClient();
        var added = await http.SendAsync(BotFactory.Signed("/slack/commands", bot.CommandBody("cmdb", "add asset oven-2 serial:SN-1")));
        Assert.Contains("Added asset `oven-2`", await added.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        var response = await http.SendAsync(BotFactory.Signed("/slack/commands", bot.CommandBody("incident", "burnt-cookie sev2 ci:oven-2")));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var answer = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
        Assert.Equal("ephemeral", answer["response_type"]!.GetValue<string>());
        Assert.StartsWith("INC-1 declared", answer["text"]!.GetValue<string>(), StringComparison.Ordinal);
        var incident = await bot.QueryAsync(db => db.Incidents.Include(i => i.Cis).ThenInclude(c => c.Ci).SingleAsync());
        Assert.Equal((1, 2, "oven-2"), (incident.Number, incident.Severity, incident.Cis.Single().Ci!.Name));

        await bot.DrainOutboxAsync();
        var posted = Assert.Single(slack.Messages);
        Assert.Equal("C0INCIDENTS", posted.Channel);
        var card = posted.Attachments!.ToJsonString();
        Assert.Contains("INC-1: burnt-cookie", card, StringComparison.Ordinal);
        Assert.Contains("incident.ack", card, StringComparison.Ordinal);
        Assert.Equal(posted.Ts, await bot.QueryAsync(db => db.PostedCards.Select(c => c.MessageId).SingleAsync()));

        var click = await http.SendAsync(BotFactory.Signed("/slack/interactions", Payloads.ButtonClick(slack, IncidentCommands.AckAction, "INC-1", posted.Ts, user: "U0BOB")));

        Assert.Equal(HttpStatusCode.OK, click.StatusCode);
        Assert.Equal(IncidentState.Acknowledged, await bot.QueryAsync(db => db.Incidents.Select(i => i.State).SingleAsync()));
        await bot.DrainOutboxAsync();
        var updated = Assert.Single(slack.Messages);
        Assert.Equal(1, updated.Edits);
        Assert.Contains("Acknowledged", updated.Attachments!.ToJsonString(), StringComparison.Ordinal);
        Assert.DoesNotContain("incident.ack", updated.Attachments!.ToJsonString(), StringComparison.Ordinal);
        var update = Assert.Single(slack.CallsTo("chat.update"));
        Assert.Equal(posted.Ts, update["ts"]!.GetValue<string>());

        // A second click changes nothing and tells the clicker why, privately.
        var again = await http.SendAsync(BotFactory.Signed("/slack/interactions", Payloads.ButtonClick(slack, IncidentCommands.AckAction, "INC-1", posted.Ts, user: "U0BOB")));
        Assert.Equal(HttpStatusCode.OK, again.StatusCode);
        var privately = await Eventually.SingleAsync(() => slack.CallsTo("response:click"));
        Assert.Contains("already acknowledged", privately["text"]!.GetValue<string>(), StringComparison.Ordinal);
        await bot.DrainOutboxAsync();
        Assert.Single(slack.CallsTo("chat.update"));

        var resolve = await http.SendAsync(BotFactory.Signed("/slack/interactions", Payloads.ButtonClick(slack, IncidentCommands.ResolveAction, "INC-1", posted.Ts)));
        Assert.Equal(HttpStatusCode.OK, resolve.StatusCode);
        await bot.DrainOutboxAsync();
        var resolved = Assert.Single(slack.Messages, m => m.Ts == posted.Ts);
        // The status post goes in the card's thread.
        Assert.Contains(slack.Messages, m => m.ThreadTs == posted.Ts && m.Text.StartsWith("INC-1 is resolved", StringComparison.Ordinal));
        Assert.Equal(2, resolved.Edits);
        Assert.Contains("Resolved", resolved.Attachments!.ToJsonString(), StringComparison.Ordinal);
        Assert.DoesNotContain("incident.resolve", resolved.Attachments!.ToJsonString(), StringComparison.Ordinal);
        Assert.Equal(IncidentState.Resolved, await bot.QueryAsync(db => db.Incidents.Select(i => i.State).SingleAsync()));
        var audit = await bot.QueryAsync(db => db.AuditEntries.Where(a => a.RecordKey == "INC-1").OrderBy(a => a.Id).Select(a => new { a.Action, a.Platform, a.ActorId }).ToListAsync());
        Assert.Equal(["created", "updated", "updated"], audit.Select(a => a.Action));
        Assert.All(audit, a => Assert.Equal("slack", a.Platform));
        Assert.All(audit, a => Assert.NotNull(a.ActorId));
    }

    [SkippableFact]
    public async Task With_thirty_percent_of_calls_failing_every_message_arrives_exactly_once()
    {
        await using var slack = await FakeSlack.StartAsync();
        await using var bot = await BotFactory.CreateAsync(provider, slack);
        using var http = bot.CreateClient();
        slack.FailureRate = 0.3;
        const int count = 40;
        for (var i = 0; i < count; i++)
        {
            var response = await http.SendAsync(BotFactory.Signed("/slack/commands", bot.CommandBody("incident", $"burnt batch {i}", channel: $"C{i % 20:D2}")));
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }

        await bot.DrainOutboxAsync(TimeSpan.FromSeconds(90));
        for (var i = 1; i <= count; i++)
        {
            var ts = await bot.QueryAsync(db => db.PostedCards.Where(c => c.RecordKey == $"INC-{i}").Select(c => new { c.ChannelId, c.MessageId }).SingleAsync());
            var message = Assert.Single(slack.Messages, m => m.Channel == ts.ChannelId && m.Ts == ts.MessageId);
            Assert.Contains($"INC-{i}: burnt batch {i - 1}", message.Attachments!.ToJsonString(), StringComparison.Ordinal);
            Assert.EndsWith($" declared INC-{i} (SEV3).", message.Text, StringComparison.Ordinal);
            var clicked = await http.SendAsync(BotFactory.Signed("/slack/interactions", Payloads.ButtonClick(slack, IncidentCommands.AckAction, $"INC-{i}", message.Ts)));
            Assert.Equal(HttpStatusCode.OK, clicked.StatusCode);
        }

        await bot.DrainOutboxAsync(TimeSpan.FromSeconds(90));
        Assert.True(slack.FaultsInjected > 10, $"only {slack.FaultsInjected} faults were injected");
        Assert.Equal(count, slack.Messages.Count);
        Assert.Equal(count, slack.Messages.Select(m => m.OutboxId).Distinct().Count());
        Assert.All(slack.Messages, m => Assert.Contains("Acknowledged", m.Attachments!.ToJsonString(), StringComparison.Ordinal));
    }

    [SkippableFact]
    public async Task An_answer_that_takes_longer_than_slacks_budget_is_acknowledged_in_time_and_follows_through_the_response_url()
    {
        await using var slack = await FakeSlack.StartAsync();
        // A one-second budget leaves this test two seconds of slack under Slack's three on a busy machine.
        await using var bot = await BotFactory.CreateAsync(provider, slack, new() { ["Slack:AnswerBudget"] = "00:00:01" }, SlowCommand.Register);
        using var http = bot.CreateClient();
        // Warm up (first request, first person) so that what is timed is the answer budget alone.
        await http.SendAsync(BotFactory.Signed("/slack/commands", bot.CommandBody("bakery", "whoami")));

        var started = DateTime.UtcNow;
        var response = await http.SendAsync(BotFactory.Signed("/slack/commands", bot.CommandBody("slow", "please", responseUrl: slack.ResponseUrl("slow"))));
        var answeredAfter = DateTime.UtcNow - started;

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.True(answeredAfter < TimeSpan.FromSeconds(3), $"answered after {answeredAfter}");
        Assert.Contains("Working on it", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        var late = await Eventually.SingleAsync(() => slack.CallsTo("response:slow"), TimeSpan.FromSeconds(10));
        Assert.Equal("Done, slowly.", late["text"]!.GetValue<string>());
    }
}

public sealed class SqliteSlackIncidentFlowTests() : SlackIncidentFlowTests(DbProvider.Sqlite);

public sealed class PostgresSlackIncidentFlowTests() : SlackIncidentFlowTests(DbProvider.Postgres);
