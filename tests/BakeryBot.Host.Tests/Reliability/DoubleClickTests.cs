using System.Net;
using BakeryBot.Core.Data.Outbox;
using BakeryBot.Core.Incidents;
using BakeryBot.Core.Tests.Infrastructure;
using BakeryBot.Host.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace BakeryBot.Host.Tests.Reliability;

/// <summary>
/// A double-clicked button whose two clicks arrive at the same moment, each at another instance sharing the database
/// (as a load balancer may send them): one acknowledges, the other changes nothing and says why.
/// </summary>
public abstract class DoubleClickTests(DbProvider provider)
{
    private const int Cards = 12;

    [SkippableFact]
    public async Task A_double_click_reaching_two_instances_at_once_acknowledges_once()
    {
        await using var slack = await FakeSlack.StartAsync();
        await using var first = await BotFactory.CreateAsync(provider, slack);
        await using var second = first.AnotherInstance();
        using var firstHttp = first.CreateClient();
        using var secondHttp = second.CreateClient();
        for (var i = 0; i < Cards; i++)
        {
            await firstHttp.SendAsync(BotFactory.Signed("/slack/commands", first.CommandBody("incident", $"oven {i} cold", channel: $"C{i:D2}")));
        }

        await first.DrainOutboxAsync();
        var posted = await first.QueryAsync(db => db.PostedCards.Select(c => new { c.RecordKey, c.ChannelId, c.MessageId }).ToListAsync());

        foreach (var card in posted)
        {
            // Slack: each click is its own payload (its own trigger id and action time).
            string Click() => Payloads.ButtonClick(slack, IncidentCommands.AckAction, card.RecordKey, card.MessageId!, user: "U0BOB", channel: card.ChannelId);
            var answers = await Task.WhenAll(
                firstHttp.SendAsync(BotFactory.Signed("/slack/interactions", Click())),
                secondHttp.SendAsync(BotFactory.Signed("/slack/interactions", Click())));
            Assert.All(answers, a => Assert.Equal(HttpStatusCode.OK, a.StatusCode));
        }

        // The click that lost is answered, privately, with why it changed nothing.
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (slack.CallsTo("response:click").Count() < Cards && DateTime.UtcNow < deadline)
        {
            await Task.Delay(25);
        }

        var refusals = slack.CallsTo("response:click").Select(c => c["text"]!.GetValue<string>()).ToList();
        Assert.Equal(Cards, refusals.Count);
        Assert.All(refusals, r => Assert.True(r.Contains("already acknowledged", StringComparison.Ordinal) || r.Contains("at the same moment", StringComparison.Ordinal), r));
        await first.DrainOutboxAsync();
        var incidents = await first.QueryAsync(db => db.Incidents.Include(i => i.Timeline).ToListAsync());
        Assert.All(incidents, i => Assert.Equal(IncidentState.Acknowledged, i.State));
        Assert.All(incidents, i => Assert.Single(i.Timeline, e => e.Kind == "acknowledged"));
        var updatedAudits = await first.QueryAsync(db => db.AuditEntries.Where(a => a.RecordType == IncidentService.RecordType && a.Action == "updated").GroupBy(a => a.RecordKey).Select(g => g.Count()).ToListAsync());
        Assert.Equal(Enumerable.Repeat(1, Cards), updatedAudits);
        Assert.Equal(Cards, await first.QueryAsync(db => db.Outbox.CountAsync(o => o.Kind == OutboxKind.Update)));
        Assert.Equal(Cards, slack.CallsTo("chat.update").Count());
    }
}

public sealed class SqliteDoubleClickTests() : DoubleClickTests(DbProvider.Sqlite);

public sealed class PostgresDoubleClickTests() : DoubleClickTests(DbProvider.Postgres);
