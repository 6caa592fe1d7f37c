using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using BakeryBot.Core.Data.Outbox;
using BakeryBot.Core.Tests.Infrastructure;
using BakeryBot.Host.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace BakeryBot.Host.Tests.Reliability;

/// <summary>
/// The built bot as a process of its own, under a load of signed <c>/incident</c> commands from several clients,
/// killed with SIGKILL in the middle of it (while Slack holds the answer to a card it has already posted), and
/// started again on the same database, a few times over. Nothing acknowledged is lost, and every card is posted
/// once. The size is reduced by default; <c>BAKERYBOT_SIGKILL_ROUNDS</c> (kills, default 3) and
/// <c>BAKERYBOT_SIGKILL_REQUESTS</c> (commands acknowledged in each round before its kill, default 100) make a
/// longer run.
/// </summary>
public abstract class SigkillTests(DbProvider provider)
{
    private const int Clients = 4;
    private const int Channels = 40;

    [SkippableFact]
    public async Task A_bot_killed_with_sigkill_under_load_keeps_every_acknowledged_incident_and_after_restarts_posts_each_card_once()
    {
        Skip.IfNot(OperatingSystem.IsLinux() || OperatingSystem.IsMacOS(), "SIGKILL is a Unix signal.");
        var rounds = Setting("BAKERYBOT_SIGKILL_ROUNDS", 3);
        var perRound = Setting("BAKERYBOT_SIGKILL_REQUESTS", 100);
        await using var slack = await FakeSlack.StartAsync();
        // Slack holds each post's answer a while after the card is in the channel: a kill lands between the two.
        slack.PostAnswerDelay = TimeSpan.FromMilliseconds(300);
        await using var database = await TestDatabase.CreateAsync(provider);
        var settings = new Dictionary<string, string>
        {
            ["Outbox__PollInterval"] = "00:00:00.100",
            ["Outbox__MaxBackoff"] = "00:00:02",
            // Shorter than the default five minutes so that the test does not wait that long for the dead
            // claims, and longer than the ten seconds the Slack adapter looks back before a row's first attempt.
            ["Outbox__Lease"] = "00:00:15",
        };
        var acknowledged = new ConcurrentDictionary<string, bool>();
        var caughtInFlight = new List<string>();

        for (var round = 0; round < rounds; round++)
        {
            await using var bot = await BotProcess.StartAsync(database, slack, settings);
            var roundAcknowledged = 0;
            using var stop = new CancellationTokenSource();
            var load = Enumerable.Range(0, Clients)
                .Select(client => LoadAsync(bot, slack, $"r{round}c{client}", acknowledged, () => Interlocked.Increment(ref roundAcknowledged), stop.Token))
                .ToList();

            // In the middle of the load: once this round has had its share acknowledged and a posted card waits for its answer.
            var deadline = DateTime.UtcNow.AddSeconds(120);
            while (Volatile.Read(ref roundAcknowledged) < perRound || slack.PostsAwaitingAnswer.Count == 0)
            {
                Assert.False(DateTime.UtcNow > deadline, $"Round {round}: {roundAcknowledged} acknowledged, {slack.PostsAwaitingAnswer.Count} posts in flight after 120 s.\n{bot.Output}");
                Assert.False(bot.HasExited, $"The bot exited by itself with {(bot.HasExited ? bot.ExitCode : 0)}:\n{bot.Output}");
                await Task.Delay(20);
            }

            var inFlight = slack.PostsAwaitingAnswer;
            var status = await bot.KillWithSigkillAsync();
            Assert.Equal(128 + 9, status);
            caughtInFlight.AddRange(inFlight);
            await stop.CancelAsync();
            await Task.WhenAll(load);
        }

        await using var restarted = await BotProcess.StartAsync(database, slack, settings);
        await DrainedAsync(database, restarted);

        await using var db = database.NewContext();
        var incidents = await db.Incidents.Select(i => new { i.Number, i.Title, i.ChannelId }).ToListAsync();
        var created = (await db.AuditEntries.Where(a => a.RecordType == "incident" && a.Action == "created").Select(a => a.RecordKey).ToListAsync()).ToHashSet();
        var cards = await db.PostedCards.Where(c => c.RecordType == "incident").Select(c => new { c.RecordKey, c.ChannelId, c.MessageId }).ToListAsync();
        var outbox = await db.Outbox.Select(o => new { o.Id, o.Kind, o.Status, o.LastError }).ToListAsync();
        var messages = slack.Messages;

        // (a) Every command answered "declared" is an incident, with its audit entry; no command made two.
        Assert.True(acknowledged.Count >= rounds * perRound, $"{acknowledged.Count} acknowledged");
        var byTitle = incidents.ToDictionary(i => i.Title); // throws on a title declared twice
        var lost = acknowledged.Keys.Where(t => !byTitle.ContainsKey(t)).ToList();
        Assert.True(lost.Count == 0, $"{lost.Count} acknowledged incidents are not in the database: {string.Join(", ", lost.Take(10))}");
        Assert.All(incidents, i => Assert.Contains($"INC-{i.Number}", created));

        // (b) The outbox drained: every incident's card reached Slack, in its channel, where the bot recorded it.
        Assert.All(outbox, o => Assert.True(o.Status == OutboxStatus.Sent, $"outbox row {o.Id} ({o.Kind}) is {o.Status}: {o.LastError}"));
        Assert.Equal(incidents.Count, cards.Count);
        foreach (var incident in incidents)
        {
            var card = Assert.Single(cards, c => c.RecordKey == $"INC-{incident.Number}");
            var message = Assert.Single(messages, m => m.Channel == card.ChannelId && m.Ts == card.MessageId);
            Assert.Contains($"INC-{incident.Number}: {incident.Title}", message.Attachments!.ToJsonString(), StringComparison.Ordinal);
        }

        // (c) No card was posted twice, not even those whose answer the killed bot never read.
        Assert.Equal(incidents.Count, messages.Count);
        Assert.Equal(messages.Count, messages.Select(m => m.OutboxId).Distinct().Count());
        Assert.NotEmpty(caughtInFlight);
        Assert.All(caughtInFlight, id => Assert.Single(messages, m => m.OutboxId == id));
        Assert.NotEmpty(slack.CallsTo("conversations.history"));
    }

    /// <summary>One client: unique titles, one after another, until the bot dies or the round stops.</summary>
    private static async Task LoadAsync(BotProcess bot, FakeSlack slack, string client, ConcurrentDictionary<string, bool> acknowledged, Action counted, CancellationToken stop)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(30) };
        for (var n = 0; !stop.IsCancellationRequested; n++)
        {
            var title = $"oven {client} n{n}";
            var channel = $"C{(Math.Abs(title.GetHashCode(StringComparison.Ordinal)) % Channels).ToString("D2", CultureInfo.InvariantCulture)}";
            try
            {
                using var response = await http.SendAsync(bot.Signed("/slack/commands", BotProcess.CommandBody(slack, "incident", title, channel)), stop);
                var answer = await response.Content.ReadAsStringAsync(stop);
                // "Working on it" (an answer that outran Slack's budget) is not an acknowledgement of the incident.
                if (response.StatusCode == HttpStatusCode.OK && answer.Contains(" declared", StringComparison.Ordinal))
                {
                    acknowledged[title] = true;
                    counted();
                }
            }
            catch (Exception e) when (e is HttpRequestException or OperationCanceledException or IOException)
            {
                if (bot.HasExited || stop.IsCancellationRequested)
                {
                    return;
                }
            }
        }
    }

    /// <summary>Waits until no outbox row is pending (rows the killed bots held are taken over once their claims run out).</summary>
    private static async Task DrainedAsync(TestDatabase database, BotProcess bot)
    {
        var deadline = DateTime.UtcNow.AddSeconds(180);
        while (true)
        {
            await using (var db = database.NewContext())
            {
                var pending = await db.Outbox.CountAsync(o => o.Status == OutboxStatus.Pending);
                if (pending == 0)
                {
                    return;
                }

                Assert.False(DateTime.UtcNow > deadline, $"{pending} outbox rows still pending after 180 s.\n{bot.Output}");
            }

            Assert.False(bot.HasExited, $"The bot exited by itself:\n{bot.Output}");
            await Task.Delay(200);
        }
    }

    private static int Setting(string name, int fallback) =>
        int.TryParse(Environment.GetEnvironmentVariable(name), CultureInfo.InvariantCulture, out var value) && value > 0 ? value : fallback;
}

[Collection(ReliabilityCollection.Name)]
public sealed class SqliteSigkillTests() : SigkillTests(DbProvider.Sqlite);

[Collection(ReliabilityCollection.Name)]
public sealed class PostgresSigkillTests() : SigkillTests(DbProvider.Postgres);
