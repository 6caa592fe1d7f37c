using System.Collections.Concurrent;
using System.Net;
using BakeryBot.Core.Data.Outbox;
using BakeryBot.Core.Tests.Infrastructure;
using BakeryBot.Host.Tests.Infrastructure;
using BakeryBot.Slack;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace BakeryBot.Host.Tests.Reliability;

/// <summary>
/// Two whole bot instances on one database, each with its own outbox worker, delivering one outbox full of cards to a
/// fake Slack that fails 30% of its calls (500, 429 with Retry-After, answers lost after the post, dropped
/// connections): every card arrives once. (That each reminder fires once with two instances is
/// <see cref="Jobs.TwoInstanceJobTests"/>.)
/// </summary>
[Collection(ReliabilityCollection.Name)]
public sealed class TwoInstanceOutboxTests
{
    private const int Incidents = 300;
    private const int Channels = 60;

    [SkippableTheory]
    [InlineData(DbProvider.Postgres)]
    [InlineData(DbProvider.Sqlite)]
    public async Task Two_instances_sharing_one_outbox_post_every_card_once_with_thirty_percent_of_calls_failing(DbProvider provider)
    {
        await using var slack = await FakeSlack.StartAsync();
        slack.FailureRate = 0.3;
        var posts = new ConcurrentDictionary<string, int>();
        await using var first = await BotFactory.CreateAsync(provider, slack, services: Counted("first", posts));
        await using var second = first.AnotherInstance(Counted("second", posts));
        using var firstHttp = first.CreateClient();
        using var secondHttp = second.CreateClient();

        // Declared through both instances at once, a few at a time through each.
        var next = -1;
        await Task.WhenAll(Enumerable.Range(0, 4).Select(async client =>
        {
            var http = client % 2 == 0 ? firstHttp : secondHttp;
            var factory = client % 2 == 0 ? first : second;
            for (var i = Interlocked.Increment(ref next); i < Incidents; i = Interlocked.Increment(ref next))
            {
                var response = await http.SendAsync(BotFactory.Signed("/slack/commands", factory.CommandBody("incident", $"burnt batch {i}", channel: $"C{i % Channels:D2}")));
                Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            }
        }));

        await first.DrainOutboxAsync(TimeSpan.FromSeconds(240));

        var cards = await first.QueryAsync(db => db.PostedCards.Join(db.Incidents, c => c.RecordKey, i => "INC-" + i.Number, (c, i) => new { c.ChannelId, c.MessageId, i.Number, i.Title }).ToListAsync());
        Assert.Equal(Incidents, cards.Count);
        var messages = slack.Messages;
        foreach (var card in cards)
        {
            var message = Assert.Single(messages, m => m.Channel == card.ChannelId && m.Ts == card.MessageId);
            Assert.Contains($"INC-{card.Number}: {card.Title}", message.Attachments!.ToJsonString(), StringComparison.Ordinal);
        }

        Assert.Equal(Incidents, messages.Count);
        Assert.Equal(Incidents, messages.Select(m => m.OutboxId).Distinct().Count());
        Assert.Equal(Incidents, await first.QueryAsync(db => db.Outbox.CountAsync(o => o.Status == OutboxStatus.Sent)));
        Assert.True(slack.FaultsInjected > 30, $"only {slack.FaultsInjected} faults were injected");
        Assert.True(posts.GetValueOrDefault("first") > 0 && posts.GetValueOrDefault("second") > 0, $"posts per instance: {string.Join(", ", posts)}");
    }

    /// <summary>Counts the chat.postMessage calls each instance makes.</summary>
    private static Action<IServiceCollection> Counted(string instance, ConcurrentDictionary<string, int> posts) => services =>
        services.AddHttpClient<SlackWebApiClient>().AddHttpMessageHandler(() => new CountingHandler(instance, posts));

    private sealed class CountingHandler(string instance, ConcurrentDictionary<string, int> posts) : DelegatingHandler
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            if (request.RequestUri?.AbsolutePath.EndsWith("/chat.postMessage", StringComparison.Ordinal) == true)
            {
                posts.AddOrUpdate(instance, 1, (_, n) => n + 1);
            }

            return base.SendAsync(request, cancellationToken);
        }
    }
}
