namespace BakeryBot.Core.Data.Outbox;

/// <summary>What an outbox row asks the platform to do.</summary>
public enum OutboxKind
{
    /// <summary>Post a new channel message (a card); its message id is stored on the <see cref="PostedCard"/>.</summary>
    Post,

    /// <summary>Replace a posted card with a newer rendering.</summary>
    Update,

    /// <summary>A message only one person in the channel sees.</summary>
    Private,

    /// <summary>
    /// Open a channel named <see cref="OutboxMessage.Text"/> and invite <see cref="OutboxMessage.UserId"/>
    /// (comma-separated); what it is for is <see cref="OutboxMessage.Subject"/>.
    /// </summary>
    OpenChannel,

    /// <summary>
    /// Post a card to a person in their one-to-one conversation with the bot. <see cref="OutboxMessage.UserId"/>
    /// holds the person's user ids on the platform (comma-separated, the main one first); the platform finds or
    /// opens the conversation, and its id replaces the person's on the <see cref="PostedCard"/>, so that later
    /// updates go there.
    /// </summary>
    Direct,
}

public enum OutboxStatus
{
    Pending,
    Sent,

    /// <summary>A newer update of the same card was waiting; this one was never sent.</summary>
    Superseded,

    /// <summary>The platform refused it for good (channel gone, bot removed); logged.</summary>
    Failed,
}

/// <summary>
/// A message the bot must post, written in the same transaction as the change that caused it and
/// delivered by the outbox dispatcher.
/// </summary>
public sealed class OutboxMessage
{
    public long Id { get; set; }

    public int TenantId { get; set; }

    public required string Platform { get; set; }

    public required string ChannelId { get; set; }

    public string? ThreadId { get; set; }

    public OutboxKind Kind { get; set; }

    /// <summary>For <see cref="OutboxKind.Private"/>: who sees it; for <see cref="OutboxKind.Direct"/>: who gets it.</summary>
    public string? UserId { get; set; }

    /// <summary>For posts and updates of cards: the posted card.</summary>
    public long? PostedCardId { get; set; }

    public PostedCard? PostedCard { get; set; }

    /// <summary>Plain text (the notification text when a card is given).</summary>
    public required string Text { get; set; }

    /// <summary>The neutral card as JSON, or null for text only.</summary>
    public string? CardJson { get; set; }

    /// <summary>The record a row is about when its outcome matters to it (<c>incident:INC-42</c>).</summary>
    public string? Subject { get; set; }

    /// <summary>Rows with one key replace each other: only the newest waiting one is sent.</summary>
    public string? CoalesceKey { get; set; }

    public OutboxStatus Status { get; set; }

    public DateTimeOffset CreatedAt { get; set; }

    public DateTimeOffset NextAttemptAt { get; set; }

    public int Attempts { get; set; }

    /// <summary>An earlier attempt may have reached the platform (timeout, dropped connection).</summary>
    public bool MaybeSent { get; set; }

    /// <summary>
    /// Set when a dispatcher claims the row, cleared when it records the outcome: still set at the
    /// next claim means the last attempt's outcome was never recorded (a crash, a shutdown), so it
    /// may have gone through.
    /// </summary>
    public bool AttemptInFlight { get; set; }

    /// <summary>The row has been reported as delayed (waiting longer than a minute); reported once.</summary>
    public bool DelayNoted { get; set; }

    public DateTimeOffset? FirstAttemptAt { get; set; }

    public DateTimeOffset? SentAt { get; set; }

    /// <summary>The dispatcher that holds the row until <see cref="LeaseUntil"/>.</summary>
    public string? LeaseOwner { get; set; }

    public DateTimeOffset? LeaseUntil { get; set; }

    public string? LastError { get; set; }
}

/// <summary>
/// A card the bot posted (or is about to post) in a channel for a record, so that it can be updated
/// everywhere when the record changes.
/// </summary>
public sealed class PostedCard
{
    public long Id { get; set; }

    public int TenantId { get; set; }

    public required string Platform { get; set; }

    public required string ChannelId { get; set; }

    public string? ThreadId { get; set; }

    public required string RecordType { get; set; }

    public required string RecordKey { get; set; }

    /// <summary>The platform's message id once posted.</summary>
    public string? MessageId { get; set; }

    public DateTimeOffset CreatedAt { get; set; }

    public DateTimeOffset? PostedAt { get; set; }
}
