using BakeryBot.Core.Chat;
using Microsoft.EntityFrameworkCore;

namespace BakeryBot.Core.Data.Outbox;

/// <summary>
/// Adds outbox rows to the caller's unit of work: they commit with the change that caused them and
/// the dispatcher delivers them afterwards.
/// </summary>
public sealed class CardPublisher(BakeryDbContext db, TimeProvider clock)
{
    /// <summary>
    /// Posts a record's card in a channel and remembers where, so later changes update it.
    /// <paramref name="lead"/> is the message line above the card (and its notification text).
    /// </summary>
    public PostedCard Post(int tenantId, string platform, string channelId, string? threadId, string recordType, string recordKey, Card card, string lead)
    {
        var now = clock.GetUtcNow();
        var posted = new PostedCard
        {
            TenantId = tenantId,
            Platform = platform,
            ChannelId = channelId,
            ThreadId = threadId,
            RecordType = recordType,
            RecordKey = recordKey,
            CreatedAt = now,
        };
        db.PostedCards.Add(posted);
        var row = NewRow(tenantId, platform, channelId, threadId, OutboxKind.Post, lead, card, now);
        row.PostedCard = posted;
        db.Outbox.Add(row);
        return posted;
    }

    /// <summary>Where a record's card was posted; compiled, as every change of a record (each CAB vote) asks.</summary>
    private static readonly CompiledPerModel<Func<BakeryDbContext, int, string, string, IAsyncEnumerable<PostedCard>>> PostedQuery = new(() => EF.CompileAsyncQuery(
        (BakeryDbContext db, int tenantId, string recordType, string recordKey) => db.PostedCards
            .Where(c => c.TenantId == tenantId && c.RecordType == recordType && c.RecordKey == recordKey)));

    /// <summary>
    /// Re-renders a record's card everywhere it was posted, with <paramref name="lead"/> (the latest
    /// change) as the line above it. Only the newest waiting update of a card is sent.
    /// </summary>
    public async Task UpdateEverywhereAsync(int tenantId, string recordType, string recordKey, Card card, string lead, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        var posted = await PostedQuery.For(db)(db, tenantId, recordType, recordKey).ToListAsync(ct);
        // Cards added in this unit of work and not yet saved are updated too (their post carries the old card).
        posted.AddRange(db.ChangeTracker.Entries<PostedCard>()
            .Where(e => e.State == EntityState.Added && e.Entity.RecordType == recordType && e.Entity.RecordKey == recordKey)
            .Select(e => e.Entity));
        foreach (var target in posted.Distinct())
        {
            var row = NewRow(tenantId, target.Platform, target.ChannelId, target.ThreadId, OutboxKind.Update, lead, card, now);
            row.PostedCard = target;
            row.CoalesceKey = target.Id == 0 ? null : $"card:{target.Id}";
            db.Outbox.Add(row);
        }
    }

    /// <summary>A plain message in a channel (or thread).</summary>
    public void PostText(int tenantId, string platform, string channelId, string? threadId, string text) =>
        db.Outbox.Add(NewRow(tenantId, platform, channelId, threadId, OutboxKind.Post, text, null, clock.GetUtcNow()));

    /// <summary>An answer posted in a conversation (in its thread), with any cards it carries.</summary>
    public void PostReply(int tenantId, string platform, string channelId, string? threadId, string text, IReadOnlyList<Card> cards)
    {
        var now = clock.GetUtcNow();
        if (cards.Count == 0)
        {
            db.Outbox.Add(NewRow(tenantId, platform, channelId, threadId, OutboxKind.Post, text, null, now));
            return;
        }

        for (var i = 0; i < cards.Count; i++)
        {
            db.Outbox.Add(NewRow(tenantId, platform, channelId, threadId, OutboxKind.Post, i == 0 ? text : "", cards[i], now));
        }
    }

    /// <summary>Asks the platform to open a channel for a record and invite people; <see cref="IOutboxFollowUp"/> hears of the result.</summary>
    public void OpenChannel(int tenantId, string platform, string fromChannelId, string name, IReadOnlyList<string> invite, string subject)
    {
        var row = NewRow(tenantId, platform, fromChannelId, null, OutboxKind.OpenChannel, name, null, clock.GetUtcNow());
        row.UserId = invite.Count == 0 ? null : string.Join(',', invite);
        row.Subject = subject;
        db.Outbox.Add(row);
    }

    /// <summary>
    /// Posts a record's card to one person, in their one-to-one conversation with the bot, and remembers it
    /// so later changes update it. <paramref name="userIds"/> are the person's ids on the platform, the main
    /// one first: the platform finds the conversation by any of them, or opens one.
    /// </summary>
    public PostedCard PostDirect(int tenantId, string platform, IReadOnlyList<string> userIds, string recordType, string recordKey, Card card, string lead)
    {
        if (userIds.Count == 0)
        {
            throw new ArgumentException("A direct message needs the person's user id.", nameof(userIds));
        }

        var now = clock.GetUtcNow();
        // Until it is delivered the person stands for the conversation; the delivery records the conversation's id.
        var posted = new PostedCard
        {
            TenantId = tenantId,
            Platform = platform,
            ChannelId = userIds[0],
            RecordType = recordType,
            RecordKey = recordKey,
            CreatedAt = now,
        };
        db.PostedCards.Add(posted);
        var row = NewRow(tenantId, platform, userIds[0], null, OutboxKind.Direct, lead, card, now);
        row.UserId = string.Join(',', userIds);
        row.PostedCard = posted;
        db.Outbox.Add(row);
        return posted;
    }

    /// <summary>A message in a channel that only one person sees.</summary>
    public void PostPrivate(int tenantId, string platform, string channelId, string userId, string text, Card? card = null)
    {
        var row = NewRow(tenantId, platform, channelId, null, OutboxKind.Private, text, card, clock.GetUtcNow());
        row.UserId = userId;
        db.Outbox.Add(row);
    }

    private static OutboxMessage NewRow(int tenantId, string platform, string channelId, string? threadId, OutboxKind kind, string text, Card? card, DateTimeOffset now) =>
        new()
        {
            TenantId = tenantId,
            Platform = platform,
            ChannelId = channelId,
            ThreadId = threadId,
            Kind = kind,
            Text = text,
            CardJson = card is null ? null : ChatJson.Serialize(card),
            Status = OutboxStatus.Pending,
            CreatedAt = now,
            NextAttemptAt = now,
        };
}
