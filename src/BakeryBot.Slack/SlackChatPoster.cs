using System.Globalization;
using BakeryBot.Core.Chat;
using BakeryBot.Core.Data.Outbox;
using Microsoft.Extensions.Logging;

namespace BakeryBot.Slack;

/// <summary>
/// Delivers outbox rows to Slack: one Web API call per attempt, its result mapped to a <see cref="PostOutcome"/>.
/// Posts carry the outbox id in message metadata so that a post that may have gone through can be found again.
/// </summary>
public sealed class SlackChatPoster(SlackWebApiClient client, ILogger<SlackChatPoster>? logger = null) : IChatPoster
{
    /// <summary>The metadata <c>event_type</c> that marks the bot's own posts.</summary>
    public const string OutboxEventType = "bakerybot_outbox";

    public const string OutboxIdKey = "outbox_id";

    // Slack: how far before the first attempt to look, for clock differences between us and Slack.
    private static readonly TimeSpan LookBack = TimeSpan.FromSeconds(10);

    // Slack error codes that no retry will fix (api.slack.com/methods/chat.postMessage and chat.update, "Errors").
    private static readonly HashSet<string> PermanentErrors = new(StringComparer.Ordinal)
    {
        "channel_not_found", "not_in_channel", "is_archived", "invalid_auth", "not_authed", "account_inactive",
        "token_revoked", "token_expired", "no_permission", "missing_scope", "not_allowed_token_type", "ekm_access_denied",
        "team_access_not_granted", "restricted_action", "message_not_found", "cant_update_message", "edit_window_closed",
        "msg_too_long", "msg_blocks_too_long", "invalid_blocks", "invalid_blocks_format", "invalid_attachments",
        "too_many_attachments", "no_text", "invalid_arguments", "invalid_metadata_format", "invalid_metadata_schema",
        "metadata_too_large", "user_not_in_channel", "user_not_found", "channel_type_not_supported",
        // conversations.open (api.slack.com/methods/conversations.open, "Errors"): the person can't be written to.
        "user_disabled", "cannot_dm_bot", "user_not_visible", "not_allowed", "method_not_supported_for_channel_type",
    };

    public string Platform => SlackPayloadMapper.Platform;

    /// <summary>Slack: chat.postMessage allows about one message per second per channel.</summary>
    public TimeSpan ChannelInterval { get; } = TimeSpan.FromSeconds(1);

    public bool OpensChannels => true;

    public async Task<PostOutcome> SendAsync(OutboundMessage message, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(message);
        var text = MessageText(message);
        var attachments = message.Card is null ? null : SlackBlockKitRenderer.RenderAttachments(message.Card);
        try
        {
            switch (message.Kind)
            {
                case OutboxKind.Post:
                    var posted = await client.PostMessageAsync(message.ChannelId, text, attachments, message.ThreadId, Marker(message), ct);
                    return new PostOutcome.Sent(posted.Ts);

                case OutboxKind.Update when string.IsNullOrEmpty(message.MessageId):
                    return new PostOutcome.Permanent("update without the id of the message to update");

                case OutboxKind.Update:
                    var updated = await client.UpdateAsync(message.ChannelId, message.MessageId, text, attachments, ct);
                    return new PostOutcome.Sent(updated.Ts);

                case OutboxKind.Private when string.IsNullOrEmpty(message.UserId):
                    return new PostOutcome.Permanent("private message without a user");

                case OutboxKind.Private:
                    var ephemeralTs = await client.PostEphemeralAsync(message.ChannelId, message.UserId, text, attachments, ct);
                    return new PostOutcome.Sent(ephemeralTs);

                case OutboxKind.OpenChannel:
                    return new PostOutcome.Sent(await OpenChannelAsync(message, ct));

                case OutboxKind.Direct when FirstUser(message) is null:
                    return new PostOutcome.Permanent("direct message without a user");

                case OutboxKind.Direct:
                    // Slack: conversations.open gives the bot's direct message channel with the person (the same one each time).
                    var direct = await client.ConversationsOpenAsync(FirstUser(message)!, ct);
                    var sentDirect = await client.PostMessageAsync(direct, text, attachments, null, Marker(message), ct);
                    return new PostOutcome.Sent(sentDirect.Ts, direct);

                default:
                    return new PostOutcome.Permanent($"unknown outbox kind {message.Kind}");
            }
        }
        catch (SlackRateLimitedException e)
        {
            return new PostOutcome.RetryAfter(e.RetryAfter);
        }
        catch (SlackServerException e)
        {
            return new PostOutcome.Transient(e.Error, MaybeDelivered: true);
        }
        catch (SlackApiException e) when (PermanentErrors.Contains(e.Error))
        {
            return new PostOutcome.Permanent(e.Error);
        }
        catch (SlackApiException e)
        {
            // A 200 we could not read may well have been a post that went through.
            return new PostOutcome.Transient(e.Error, MaybeDelivered: e.Error == SlackApiException.InvalidResponse);
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            // HttpClient.Timeout: the request may have reached Slack.
            return new PostOutcome.Transient("timeout", MaybeDelivered: true);
        }
        catch (HttpRequestException e)
        {
            return new PostOutcome.Transient($"connection failed ({e.HttpRequestError})", MaybeDelivered: MayHaveBeenSent(e));
        }
        catch (IOException)
        {
            return new PostOutcome.Transient("connection dropped", MaybeDelivered: true);
        }
        catch (ArgumentException e)
        {
            // A row without a channel (or with an unusable one) will not get better by retrying.
            return new PostOutcome.Permanent($"unusable message ({e.ParamName})");
        }
    }

    /// <summary>
    /// For a post or a direct message only: looks for a message carrying this outbox id in the channel (or thread) since shortly before the
    /// first attempt. Passing failures (rate limits, server errors, timeouts) propagate so the dispatcher asks again
    /// later: "could not look yet" must not read as "not there". When Slack will never let us look (a missing
    /// history scope, a channel we can't read), the post is sent again: a rare duplicate beats a lost message.
    /// </summary>
    public async Task<string?> FindDeliveredAsync(OutboundMessage message, CancellationToken ct) =>
        (await FindSentAsync(message, ct))?.MessageId;

    /// <summary>
    /// <see cref="FindDeliveredAsync"/>, for a direct message too: it is looked for in the person's direct message
    /// channel (needs <c>im:history</c>), which is then where it was sent.
    /// </summary>
    public async Task<PostOutcome.Sent?> FindSentAsync(OutboundMessage message, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(message);
        if (message.Kind is not (OutboxKind.Post or OutboxKind.Direct) || (message.Kind == OutboxKind.Direct && FirstUser(message) is null))
        {
            return null;
        }

        var oldest = ToSlackTs(message.FirstAttemptAt - LookBack);
        var channel = message.ChannelId;
        IReadOnlyList<SlackMessage> messages;
        try
        {
            if (message.Kind == OutboxKind.Direct)
            {
                channel = await client.ConversationsOpenAsync(FirstUser(message)!, ct);
            }

            messages = string.IsNullOrEmpty(message.ThreadId) || message.Kind == OutboxKind.Direct
                ? await client.ConversationsHistoryAsync(channel, oldest, includeAllMetadata: true, ct: ct)
                : await client.ConversationsRepliesAsync(channel, message.ThreadId, oldest, includeAllMetadata: true, ct: ct);
        }
        catch (SlackApiException e) when (PermanentErrors.Contains(e.Error))
        {
            logger?.LogWarning("Could not look for outbox row {Id} in {Channel} ({Error}); sending it again", message.OutboxId, channel, e.Error);
            return null;
        }

        var id = message.OutboxId.ToString(CultureInfo.InvariantCulture);
        foreach (var found in messages)
        {
            if (found.Metadata is { EventType: OutboxEventType } metadata
                && metadata.EventPayload.TryGetValue(OutboxIdKey, out var value)
                && value == id)
            {
                return new PostOutcome.Sent(found.Ts, message.Kind == OutboxKind.Direct ? channel : null);
            }
        }

        return null;
    }

    /// <summary>
    /// Creates the channel (a taken name gets <c>-2</c>, <c>-3</c>... as Slack names are unique) and
    /// invites the people named; someone already in it is no failure.
    /// </summary>
    private async Task<string> OpenChannelAsync(OutboundMessage message, CancellationToken ct)
    {
        string? channel = null;
        for (var attempt = 1; channel is null; attempt++)
        {
            var name = attempt == 1 ? message.Text : $"{message.Text[..Math.Min(message.Text.Length, 76)]}-{attempt}";
            try
            {
                channel = await client.ConversationsCreateAsync(name, ct);
            }
            catch (SlackApiException e) when (e.Error == "name_taken" && attempt < 9)
            {
                // Try the next name.
            }
        }

        var users = (message.UserId ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries);
        try
        {
            await client.ConversationsInviteAsync(channel, users, ct);
        }
        catch (SlackApiException e)
        {
            // The channel exists and must not be made again (a retry would open a second one);
            // whoever was not invited can join it.
            logger?.LogWarning("Opened {Channel} but could not invite {Users}: {Error}", channel, message.UserId, e.Error);
        }

        return channel;
    }

    /// <summary>The message metadata that marks a post as this outbox row's, so it can be found again.</summary>
    private static SlackMessageMetadata Marker(OutboundMessage message) =>
        new(OutboxEventType, new Dictionary<string, string> { [OutboxIdKey] = message.OutboxId.ToString(CultureInfo.InvariantCulture) });

    /// <summary>A direct message's person: the first of their ids (Slack knows a person by one).</summary>
    private static string? FirstUser(OutboundMessage message) =>
        (message.UserId ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).FirstOrDefault();

    /// <summary>A Slack ts: Unix seconds, a dot, six digits of microseconds.</summary>
    public static string ToSlackTs(DateTimeOffset time)
    {
        var micros = (time.UtcTicks - DateTimeOffset.UnixEpoch.UtcTicks) / TimeSpan.TicksPerMicrosecond;
        var seconds = Math.DivRem(Math.Max(micros, 0), 1_000_000, out var fraction);
        return seconds.ToString(CultureInfo.InvariantCulture) + "." + fraction.ToString("D6", CultureInfo.InvariantCulture);
    }

    /// <summary>The notification text: the row's text, or the card's summary when the row has none.</summary>
    private static string MessageText(OutboundMessage message)
    {
        var text = string.IsNullOrEmpty(message.Text) && message.Card is not null ? message.Card.Fallback : message.Text ?? "";
        return SlackText.Escape(text);
    }

    /// <summary>Nothing was sent when the connection was never made (DNS, refused, TLS handshake).</summary>
    private static bool MayHaveBeenSent(HttpRequestException e) =>
        e.HttpRequestError is not (HttpRequestError.NameResolutionError or HttpRequestError.ConnectionError or HttpRequestError.SecureConnectionError);
}
