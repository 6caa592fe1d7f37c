using BakeryBot.Core.Data.Outbox;

namespace BakeryBot.Core.Chat;

/// <summary>
/// The outbound half of an adapter: delivers one outbox row to its platform. Implementations do one
/// HTTP call per <see cref="SendAsync"/> and report what happened; the outbox dispatcher owns retries,
/// pacing and bookkeeping.
/// </summary>
public interface IChatPoster
{
    /// <summary>The adapter key (matches <see cref="ChatRequest.Platform"/>).</summary>
    string Platform { get; }

    /// <summary>The least time between two posts to one channel (the platform's per-channel rate).</summary>
    TimeSpan ChannelInterval { get; }

    /// <summary>Whether the platform can open a channel for a record (<see cref="OutboxKind.OpenChannel"/>).</summary>
    bool OpensChannels => false;

    Task<PostOutcome> SendAsync(OutboundMessage message, CancellationToken ct);

    /// <summary>
    /// After an attempt that may have reached the platform (a timeout, a dropped connection), looks for the
    /// message it would have posted and returns its id, or null when it is not there and may be sent again.
    /// </summary>
    Task<string?> FindDeliveredAsync(OutboundMessage message, CancellationToken ct);

    /// <summary>
    /// <see cref="FindDeliveredAsync"/> as the outcome it stands for: a platform that chose the conversation of a
    /// <see cref="OutboxKind.Direct"/> message says which one, as <see cref="SendAsync"/> would have.
    /// </summary>
    async Task<PostOutcome.Sent?> FindSentAsync(OutboundMessage message, CancellationToken ct) =>
        await FindDeliveredAsync(message, ct) is { } id ? new PostOutcome.Sent(id) : null;
}

/// <summary>One message to deliver, as the dispatcher hands it to an adapter.</summary>
public sealed record OutboundMessage(
    long OutboxId,
    string TenantExternalId,
    OutboxKind Kind,
    string ChannelId,
    string? ThreadId,
    string? UserId,
    string? MessageId,
    string Text,
    Card? Card,
    DateTimeOffset FirstAttemptAt);

/// <summary>What became of one delivery attempt.</summary>
public abstract record PostOutcome
{
    /// <summary>
    /// Delivered; <paramref name="MessageId"/> identifies the posted message for later updates. For a
    /// <see cref="OutboxKind.Direct"/> message, <paramref name="ConversationId"/> is the conversation the
    /// platform put it in (updates go there).
    /// </summary>
    public sealed record Sent(string? MessageId, string? ConversationId = null) : PostOutcome;

    /// <summary>Rate limited: not delivered; try again after the delay.</summary>
    public sealed record RetryAfter(TimeSpan Delay) : PostOutcome;

    /// <summary>Failed for now; <paramref name="MaybeDelivered"/> when the platform may have acted on it anyway.</summary>
    public sealed record Transient(string Error, bool MaybeDelivered) : PostOutcome;

    /// <summary>Refused for good (unknown channel, bot not in it): not retried.</summary>
    public sealed record Permanent(string Error) : PostOutcome;
}
