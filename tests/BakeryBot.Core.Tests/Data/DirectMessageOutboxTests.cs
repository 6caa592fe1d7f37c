using System.Collections.Concurrent;
using BakeryBot.Core.Chat;
using BakeryBot.Core.Data;
using BakeryBot.Core.Data.Outbox;
using BakeryBot.Core.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace BakeryBot.Core.Tests.Data;

/// <summary>
/// Direct messages through the outbox: delivered where the platform puts them, updated there, never posted twice,
/// and a refusal ends them (and their card's updates). People's personal conversations are remembered. On each database.
/// </summary>
public abstract class DirectMessageOutboxTests(DbProvider provider)
{
    private static readonly Card Card = new("⏱ Still on INC-1?", CardAccent.Warning, [new TextSection("Your timer has run 8 hours")], [new CardButton("Stop", "timer.stop", "1")]);

    private static async Task<int> TenantAsync(CoreTestApp app)
    {
        await app.SendAsync("bakery", "whoami");
        return await app.QueryAsync(db => db.Tenants.Select(t => t.Id).SingleAsync());
    }

    private static async Task PostDirectAsync(CoreTestApp app, int tenantId)
    {
        await using var scope = app.Services.CreateAsyncScope();
        scope.ServiceProvider.GetRequiredService<CardPublisher>().PostDirect(tenantId, "test", ["alice", "alice-alias"], "timer-nudge", "1", Card, "⏰ Your timer on INC-1 has run 8 hours.");
        await scope.ServiceProvider.GetRequiredService<BakeryDbContext>().SaveChangesAsync();
    }

    private static async Task UpdateAsync(CoreTestApp app, int tenantId)
    {
        await using var scope = app.Services.CreateAsyncScope();
        await scope.ServiceProvider.GetRequiredService<CardPublisher>().UpdateEverywhereAsync(tenantId, "timer-nudge", "1", Card with { Buttons = [] }, "⏱ Timer stopped.", CancellationToken.None);
        await scope.ServiceProvider.GetRequiredService<BakeryDbContext>().SaveChangesAsync();
    }

    [SkippableFact]
    public async Task Ids_as_long_as_teams_personal_chats_have_are_stored_whole()
    {
        await using var app = await CoreTestApp.CreateAsync(provider);
        var tenantId = await TenantAsync(app);
        // Teams' personal chat ids are opaque and long; a channel thread's id carries its message id as well.
        var personal = "a:" + new string('x', 200);
        var thread = "19:" + new string('c', 32) + "@thread.tacv2;messageid=" + new string('1', 150);

        await using (var scope = app.Services.CreateAsyncScope())
        {
            scope.ServiceProvider.GetRequiredService<CardPublisher>().Post(tenantId, "test", personal, thread, "timer-nudge", "1", Card, "lead");
            await scope.ServiceProvider.GetRequiredService<BakeryDbContext>().SaveChangesAsync();
        }

        var stored = await app.QueryAsync(db => db.PostedCards.Select(p => new { p.ChannelId, p.ThreadId }).SingleAsync());
        Assert.Equal((personal, thread), (stored.ChannelId, stored.ThreadId));
        Assert.Equal(personal, await app.QueryAsync(db => db.Outbox.Select(o => o.ChannelId).SingleAsync()));
    }

    [SkippableFact]
    public async Task A_direct_card_is_delivered_to_the_persons_conversation_and_its_updates_follow_it_there()
    {
        var poster = new DirectPoster();
        await using var app = await CoreTestApp.CreateAsync(provider, s => s.AddSingleton<IChatPoster>(poster));
        var dispatcher = app.Services.GetRequiredService<OutboxDispatcher>();
        var tenantId = await TenantAsync(app);

        await PostDirectAsync(app, tenantId);
        await dispatcher.DispatchOnceAsync(CancellationToken.None);
        await UpdateAsync(app, tenantId);
        app.Clock.Advance(TimeSpan.FromSeconds(5));
        await dispatcher.DispatchOnceAsync(CancellationToken.None);

        var sent = poster.Sent.ToList();
        Assert.Equal([(OutboxKind.Direct, "alice", "alice,alice-alias", null), (OutboxKind.Update, "D-alice", null, "dm-1")], sent.Select(m => (m.Kind, m.ChannelId, m.UserId, m.MessageId)));
        var card = await app.QueryAsync(db => db.PostedCards.SingleAsync());
        Assert.Equal(("D-alice", "dm-1"), (card.ChannelId, card.MessageId));
        Assert.All(await app.QueryAsync(db => db.Outbox.Select(o => o.Status).ToListAsync()), s => Assert.Equal(OutboxStatus.Sent, s));
    }

    [SkippableFact]
    public async Task A_direct_card_that_may_have_gone_through_is_looked_for_and_not_sent_twice()
    {
        var poster = new DirectPoster();
        poster.DeliverThenFail.Enqueue(true);
        await using var app = await CoreTestApp.CreateAsync(provider, s => s.AddSingleton<IChatPoster>(poster));
        var dispatcher = app.Services.GetRequiredService<OutboxDispatcher>();
        var tenantId = await TenantAsync(app);

        await PostDirectAsync(app, tenantId);
        await dispatcher.DispatchOnceAsync(CancellationToken.None); // delivered, but the answer was lost
        app.Clock.Advance(TimeSpan.FromSeconds(5));
        await dispatcher.DispatchOnceAsync(CancellationToken.None); // found where it went

        Assert.Single(poster.Delivered);
        Assert.Equal(1, poster.Lookups);
        var card = await app.QueryAsync(db => db.PostedCards.SingleAsync());
        Assert.Equal(("D-alice", "dm-1"), (card.ChannelId, card.MessageId));
        Assert.Equal(OutboxStatus.Sent, await app.QueryAsync(db => db.Outbox.Select(o => o.Status).SingleAsync()));
    }

    [SkippableFact]
    public async Task A_direct_card_the_platform_refuses_is_not_retried_and_its_updates_are_dropped()
    {
        var poster = new DirectPoster();
        poster.Refuse = true;
        await using var app = await CoreTestApp.CreateAsync(provider, s => s.AddSingleton<IChatPoster>(poster));
        var dispatcher = app.Services.GetRequiredService<OutboxDispatcher>();
        var tenantId = await TenantAsync(app);

        await PostDirectAsync(app, tenantId);
        await UpdateAsync(app, tenantId);
        await dispatcher.DispatchOnceAsync(CancellationToken.None);
        app.Clock.Advance(TimeSpan.FromMinutes(10));
        await dispatcher.DispatchOnceAsync(CancellationToken.None);

        Assert.Equal(1, poster.Attempts);
        var rows = await app.QueryAsync(db => db.Outbox.OrderBy(o => o.Id).Select(o => new { o.Kind, o.Status, o.LastError }).ToListAsync());
        Assert.Equal([(OutboxKind.Direct, OutboxStatus.Failed, "user_not_found"), (OutboxKind.Update, OutboxStatus.Failed, "the card's post failed")], rows.Select(r => (r.Kind, r.Status, r.LastError)));
    }

    [SkippableFact]
    public async Task A_persons_personal_conversation_is_found_by_any_of_their_ids_and_only_in_their_tenant()
    {
        await using var app = await CoreTestApp.CreateAsync(provider);
        await app.SendAsync("bakery", "whoami");
        await app.SendAsync("bakery", "whoami", tenant: "T2");
        var tenants = await app.QueryAsync(db => db.Tenants.OrderBy(t => t.ExternalId).Select(t => t.Id).ToListAsync());

        var remembered = await app.QueryAsync(async db =>
        {
            var directory = new ConversationDirectory(db, app.Clock);
            var channel = await directory.RememberAsync(tenants[0], new ConversationSighting("test", "T1", "C1", "https://east.example/", "channel", "general", null), CancellationToken.None);
            app.Clock.Advance(TimeSpan.FromMinutes(1));
            var personal = await directory.RememberAsync(new ConversationSighting("test", "T1", "a:alice", "https://west.example/", ConversationDirectory.PersonalKind, null, null, "aad-alice"), CancellationToken.None);
            var unknownTenant = await directory.RememberAsync(new ConversationSighting("test", "T9", "a:zed", "https://west.example/", ConversationDirectory.PersonalKind, null, null, "aad-zed"), CancellationToken.None);
            return (channel, personal, unknownTenant);
        });
        var found = await app.QueryAsync(db => new ConversationDirectory(db, app.Clock).PersonalAsync("test", "T1", ["29:alice", "aad-alice"], CancellationToken.None));
        var otherPerson = await app.QueryAsync(db => new ConversationDirectory(db, app.Clock).PersonalAsync("test", "T1", ["aad-bob"], CancellationToken.None));
        var otherTenant = await app.QueryAsync(db => new ConversationDirectory(db, app.Clock).PersonalAsync("test", "T2", ["aad-alice"], CancellationToken.None));
        var anyUrl = await app.QueryAsync(db => new ConversationDirectory(db, app.Clock).AnyEndpointAsync("test", "T1", CancellationToken.None));
        var noUrl = await app.QueryAsync(db => new ConversationDirectory(db, app.Clock).AnyEndpointAsync("test", "T2", CancellationToken.None));

        Assert.Equal((true, true, false), remembered);
        Assert.Equal(new PersonalConversation("a:alice", "https://west.example/"), found);
        Assert.Null(otherPerson);
        Assert.Null(otherTenant);
        Assert.Equal("https://west.example/", anyUrl);
        Assert.Null(noUrl);
    }

    /// <summary>Puts a direct message in <c>D-&lt;first user&gt;</c>; can lose the answer of a delivery, or refuse everything.</summary>
    private sealed class DirectPoster : IChatPoster
    {
        private int _ts;

        public ConcurrentQueue<OutboundMessage> Sent { get; } = new();

        public ConcurrentDictionary<long, string> Delivered { get; } = new();

        public ConcurrentQueue<bool> DeliverThenFail { get; } = new();

        public bool Refuse { get; set; }

        public int Attempts;

        public int Lookups;

        public string Platform => "test";

        public TimeSpan ChannelInterval => TimeSpan.FromSeconds(1);

        public Task<PostOutcome> SendAsync(OutboundMessage message, CancellationToken ct)
        {
            Interlocked.Increment(ref Attempts);
            if (Refuse)
            {
                return Task.FromResult<PostOutcome>(new PostOutcome.Permanent("user_not_found"));
            }

            Sent.Enqueue(message);
            if (message.Kind != OutboxKind.Direct)
            {
                return Task.FromResult<PostOutcome>(new PostOutcome.Sent(message.MessageId));
            }

            var ts = $"dm-{Interlocked.Increment(ref _ts)}";
            if (!Delivered.TryAdd(message.OutboxId, ts))
            {
                throw new InvalidOperationException($"Outbox row {message.OutboxId} was posted twice.");
            }

            return Task.FromResult<PostOutcome>(DeliverThenFail.TryDequeue(out _)
                ? new PostOutcome.Transient("timeout", MaybeDelivered: true)
                : new PostOutcome.Sent(ts, Conversation(message)));
        }

        public Task<string?> FindDeliveredAsync(OutboundMessage message, CancellationToken ct) =>
            throw new InvalidOperationException("A direct message is looked for with FindSentAsync, which says where it is.");

        public Task<PostOutcome.Sent?> FindSentAsync(OutboundMessage message, CancellationToken ct)
        {
            Interlocked.Increment(ref Lookups);
            return Task.FromResult(Delivered.TryGetValue(message.OutboxId, out var ts) ? new PostOutcome.Sent(ts, Conversation(message)) : null);
        }

        private static string Conversation(OutboundMessage message) => "D-" + message.UserId!.Split(',')[0];
    }
}

public sealed class SqliteDirectMessageOutboxTests() : DirectMessageOutboxTests(DbProvider.Sqlite);

public sealed class PostgresDirectMessageOutboxTests() : DirectMessageOutboxTests(DbProvider.Postgres);
