using System.Text.Json.Nodes;
using BakeryBot.Core.Chat;
using BakeryBot.Core.Data.Outbox;

namespace BakeryBot.Teams.Connector;

/// <summary>
/// Delivers outbox rows to Teams through the Bot Connector at the conversation's <c>serviceUrl</c>: one connector call
/// per attempt, its result mapped to a <see cref="PostOutcome"/>. <paramref name="render"/> turns a row's text and card
/// into the message activity (an Adaptive Card attachment); it is handed in so this class does not depend on the renderer.
/// <paramref name="botId"/> (<c>28:&lt;app id&gt;</c>) is the bot in the personal conversations it opens for direct messages.
/// </summary>
public sealed class TeamsChatPoster(BotConnectorClient client, ITeamsConversationDirectory directory, Func<string, Card?, JsonObject> render, string? botId = null) : IChatPoster
{
    private readonly BotConnectorClient _client = client ?? throw new ArgumentNullException(nameof(client));
    private readonly ITeamsConversationDirectory _directory = directory ?? throw new ArgumentNullException(nameof(directory));
    private readonly Func<string, Card?, JsonObject> _render = render ?? throw new ArgumentNullException(nameof(render));

    public string Platform => Activities.TeamsPlatform.Platform;

    /// <summary>
    /// Bot Framework (Teams rate-limit guidance): a bot may send 7 messages per second per conversation thread; 1 s / 7,
    /// rounded up so that the eighth send never falls inside the same second. The longer windows (8 per 2 s, 60 per
    /// 30 s, 1800 per hour) are not paced here: a burst beyond them is answered with 429, which the dispatcher waits out.
    /// </summary>
    public TimeSpan ChannelInterval { get; } = TimeSpan.FromMilliseconds(143);

    public async Task<PostOutcome> SendAsync(OutboundMessage message, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(message);
        switch (message.Kind)
        {
            case OutboxKind.Private:
                // Teams has no message that only one member of a shared conversation sees. Private answers to a
                // command travel in the HTTP answer to the invoke instead, and never go through the outbox.
                return new PostOutcome.Permanent("Teams has no private message in a shared conversation");
            case OutboxKind.OpenChannel:
                // A Teams incident lives in the thread under its card; its status updates are posted there.
                return new PostOutcome.Permanent("on Teams an incident keeps to its card's thread");
            case OutboxKind.Update when string.IsNullOrEmpty(message.MessageId):
                return new PostOutcome.Permanent("update without the id of the message to update");
            case OutboxKind.Direct when Users(message).Count == 0:
                return new PostOutcome.Permanent("direct message without a user");
            case not (OutboxKind.Post or OutboxKind.Update or OutboxKind.Direct):
                return new PostOutcome.Permanent($"unknown outbox kind {message.Kind}");
        }

        var isPost = message.Kind is OutboxKind.Post or OutboxKind.Direct;
        try
        {
            if (message.Kind == OutboxKind.Direct)
            {
                return await SendDirectAsync(message, ct);
            }

            // Bot Framework: the serviceUrl is learnt only from activities the conversation sent the bot.
            var serviceUrl = await _directory.ServiceUrlAsync(message.TenantExternalId, message.ChannelId, ct);
            if (string.IsNullOrEmpty(serviceUrl))
            {
                return new PostOutcome.Permanent("no service URL known for this conversation; the bot must be added to it first");
            }

            var activity = _render(message.Text ?? "", message.Card);
            if (!isPost)
            {
                await _client.UpdateActivityAsync(serviceUrl, message.ChannelId, message.MessageId!, activity, ct);
                return new PostOutcome.Sent(message.MessageId);
            }

            var id = string.IsNullOrEmpty(message.ThreadId)
                ? await _client.SendToConversationAsync(serviceUrl, message.ChannelId, activity, ct)
                : await _client.ReplyToActivityAsync(serviceUrl, message.ChannelId, message.ThreadId, activity, ct);
            return new PostOutcome.Sent(string.IsNullOrEmpty(id) ? null : id);
        }
        catch (BotConnectorRateLimitedException e)
        {
            return new PostOutcome.RetryAfter(e.RetryAfter);
        }
        catch (BotConnectorTransientException e)
        {
            // The connector may have posted before failing. An update is whole and idempotent: sending it again is harmless.
            return new PostOutcome.Transient(e.ErrorCode, MaybeDelivered: isPost);
        }
        catch (BotConnectorException e)
        {
            return new PostOutcome.Permanent(e.ErrorCode);
        }
        catch (BotConnectorTokenException e)
        {
            // No token, no request: nothing reached Teams.
            return new PostOutcome.Transient($"no Bot Connector token ({e.InnerException?.GetType().Name})", MaybeDelivered: false);
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            // HttpClient.Timeout: the request may have reached the connector.
            return new PostOutcome.Transient("timeout", MaybeDelivered: isPost);
        }
        catch (HttpRequestException e)
        {
            return new PostOutcome.Transient($"connection failed ({e.HttpRequestError})", MaybeDelivered: isPost && MayHaveBeenSent(e));
        }
        catch (IOException)
        {
            return new PostOutcome.Transient("connection dropped", MaybeDelivered: isPost);
        }
        catch (ArgumentException e)
        {
            // A row with an unusable conversation id or service URL will not get better by retrying.
            return new PostOutcome.Permanent($"unusable message ({e.ParamName})");
        }
    }

    /// <summary>
    /// A direct message goes to the person's personal conversation with the bot: the one their activities came from,
    /// or else one opened with CreateConversation at a service URL the tenant used (and remembered). The person is
    /// named by their <c>29:</c> id where known, otherwise by their Entra object id.
    /// </summary>
    private async Task<PostOutcome> SendDirectAsync(OutboundMessage message, CancellationToken ct)
    {
        var users = Users(message);
        var known = await _directory.PersonalConversationAsync(message.TenantExternalId, users, ct);
        string conversationId;
        string? serviceUrl;
        if (known is { Endpoint: { Length: > 0 } endpoint })
        {
            (conversationId, serviceUrl) = (known.ConversationId, endpoint);
        }
        else
        {
            serviceUrl = await _directory.AnyServiceUrlAsync(message.TenantExternalId, ct);
            if (string.IsNullOrEmpty(serviceUrl))
            {
                return new PostOutcome.Permanent("no service URL known for this tenant; the bot must have heard from it first");
            }

            var member = users.FirstOrDefault(u => u.StartsWith("29:", StringComparison.Ordinal)) ?? users[0];
            conversationId = await _client.CreatePersonalConversationAsync(serviceUrl, message.TenantExternalId, botId, member, ct);
            await _directory.RememberPersonalConversationAsync(message.TenantExternalId, users[0], conversationId, serviceUrl, ct);
        }

        var id = await _client.SendToConversationAsync(serviceUrl, conversationId, _render(message.Text ?? "", message.Card), ct);
        return new PostOutcome.Sent(string.IsNullOrEmpty(id) ? null : id, conversationId);
    }

    private static List<string> Users(OutboundMessage message) =>
        [.. (message.UserId ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)];

    /// <summary>
    /// Always null: the Bot Connector offers no way for a bot to read a conversation's messages (there is no history
    /// call, and Graph would need other permissions), so a post that may have gone through cannot be checked. The
    /// dispatcher then sends it again: a rare duplicate beats a lost message.
    /// </summary>
    public Task<string?> FindDeliveredAsync(OutboundMessage message, CancellationToken ct) => Task.FromResult<string?>(null);

    /// <summary>Nothing was sent when the connection was never made (DNS, refused, TLS handshake).</summary>
    private static bool MayHaveBeenSent(HttpRequestException e) =>
        e.HttpRequestError is not (HttpRequestError.NameResolutionError or HttpRequestError.ConnectionError or HttpRequestError.SecureConnectionError);
}
