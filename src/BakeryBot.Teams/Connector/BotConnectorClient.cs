using System.Text.Json.Nodes;

namespace BakeryBot.Teams.Connector;

/// <summary>
/// The Bot Connector REST calls the bot makes, each at the <c>serviceUrl</c> of the conversation (the
/// <see cref="HttpClient"/> has no base address). One HTTP call per method (two after a refused token) and no other
/// retries: callers (the outbox) own retrying. Failures surface as <see cref="BotConnectorRateLimitedException"/> (429),
/// <see cref="BotConnectorTransientException"/> (412, 5xx), <see cref="BotConnectorException"/> (anything else) and
/// <see cref="BotConnectorTokenException"/>; timeouts and transport errors propagate as they are.
/// </summary>
/// <remarks>
/// A 2xx means the connector acted on the call, so an answer without an id never throws (a retry would post twice):
/// the id is then empty.
/// </remarks>
public sealed partial class BotConnectorClient(HttpClient http, IBotConnectorTokenSource tokens, TimeProvider? time = null)
{
    private readonly HttpClient _http = http ?? throw new ArgumentNullException(nameof(http));
    private readonly IBotConnectorTokenSource _tokens = tokens ?? throw new ArgumentNullException(nameof(tokens));
    private readonly TimeProvider _time = time ?? TimeProvider.System;

    /// <summary>
    /// SendToConversation: <c>POST {serviceUrl}v3/conversations/{conversationId}/activities</c>. For a Teams channel
    /// (<c>19:…@thread.tacv2</c>) this starts a new thread. Returns the new activity's id.
    /// </summary>
    public async Task<string> SendToConversationAsync(string serviceUrl, string conversationId, JsonObject activity, CancellationToken ct)
    {
        ArgumentException.ThrowIfNullOrEmpty(conversationId);
        var uri = Endpoint(serviceUrl, "v3/conversations/" + Uri.EscapeDataString(conversationId) + "/activities");
        var answer = await SendAsync(HttpMethod.Post, uri, MessageActivity(activity), ct);
        return Text(answer, "id") ?? "";
    }

    /// <summary>
    /// GetConversationMember: <c>GET {serviceUrl}v3/conversations/{conversationId}/members/{memberId}</c>. Teams
    /// mentions name people by their <c>29:</c> id; this gives their Entra object id, the id the bot knows them by.
    /// </summary>
    public async Task<string?> GetMemberObjectIdAsync(string serviceUrl, string conversationId, string memberId, CancellationToken ct)
    {
        ArgumentException.ThrowIfNullOrEmpty(conversationId);
        ArgumentException.ThrowIfNullOrEmpty(memberId);
        var uri = Endpoint(serviceUrl, "v3/conversations/" + Uri.EscapeDataString(conversationId) + "/members/" + Uri.EscapeDataString(memberId));
        var answer = await SendAsync(HttpMethod.Get, uri, null, ct);
        return Text(answer, "aadObjectId") ?? Text(answer, "objectId");
    }

    /// <summary>
    /// ReplyToActivity: <c>POST …/activities/{replyToId}</c>; in a Teams channel the reply lands in the thread of
    /// <paramref name="replyToId"/>. Returns the new activity's id.
    /// </summary>
    public async Task<string> ReplyToActivityAsync(string serviceUrl, string conversationId, string replyToId, JsonObject activity, CancellationToken ct)
    {
        ArgumentException.ThrowIfNullOrEmpty(conversationId);
        ArgumentException.ThrowIfNullOrEmpty(replyToId);
        var uri = Endpoint(serviceUrl, "v3/conversations/" + Uri.EscapeDataString(conversationId) + "/activities/" + Uri.EscapeDataString(replyToId));
        var body = MessageActivity(activity);
        body["replyToId"] = replyToId;
        var answer = await SendAsync(HttpMethod.Post, uri, body, ct);
        return Text(answer, "id") ?? "";
    }

    /// <summary>UpdateActivity: <c>PUT …/activities/{activityId}</c> with the whole new activity (a card changes in place).</summary>
    public async Task UpdateActivityAsync(string serviceUrl, string conversationId, string activityId, JsonObject activity, CancellationToken ct)
    {
        ArgumentException.ThrowIfNullOrEmpty(conversationId);
        ArgumentException.ThrowIfNullOrEmpty(activityId);
        var uri = Endpoint(serviceUrl, "v3/conversations/" + Uri.EscapeDataString(conversationId) + "/activities/" + Uri.EscapeDataString(activityId));
        var body = MessageActivity(activity);
        body["id"] = activityId;
        await SendAsync(HttpMethod.Put, uri, body, ct);
    }

    /// <summary>
    /// CreateConversation in a Teams channel: a proactive post that starts a new thread, as
    /// <c>TeamsInfo.SendMessageToTeamsChannelAsync</c> builds it. The bot must be installed in the team. Returns the
    /// new conversation's id (<c>19:…@thread.tacv2;messageid=…</c>) and the posted activity's id when given.
    /// </summary>
    public async Task<(string ConversationId, string? ActivityId)> CreateChannelConversationAsync(
        string serviceUrl, string tenantId, string teamsChannelId, JsonObject activity, CancellationToken ct)
    {
        ArgumentException.ThrowIfNullOrEmpty(tenantId);
        ArgumentException.ThrowIfNullOrEmpty(teamsChannelId);
        var uri = Endpoint(serviceUrl, "v3/conversations");
        var body = new JsonObject
        {
            ["isGroup"] = true,
            ["channelData"] = new JsonObject
            {
                ["channel"] = new JsonObject { ["id"] = teamsChannelId },
                ["tenant"] = new JsonObject { ["id"] = tenantId },
            },
            ["activity"] = MessageActivity(activity),
            ["tenantId"] = tenantId,
        };
        var answer = await SendAsync(HttpMethod.Post, uri, body, ct);
        return (Text(answer, "id") ?? "", Text(answer, "activityId"));
    }

    /// <summary>
    /// CreateConversation with one person: the bot's personal (1:1) conversation with them (protocols.md §10;
    /// Teams answers with the same conversation when there is one already). <paramref name="memberId"/> is their
    /// <c>29:</c> id, or their Entra object id (accepted in the personal scope). The bot must be installed for them.
    /// Returns the conversation's id.
    /// </summary>
    public async Task<string> CreatePersonalConversationAsync(string serviceUrl, string tenantId, string? botId, string memberId, CancellationToken ct)
    {
        ArgumentException.ThrowIfNullOrEmpty(tenantId);
        ArgumentException.ThrowIfNullOrEmpty(memberId);
        var uri = Endpoint(serviceUrl, "v3/conversations");
        var body = new JsonObject
        {
            ["isGroup"] = false,
            ["members"] = new JsonArray(new JsonObject { ["id"] = memberId }),
            ["tenantId"] = tenantId,
            ["channelData"] = new JsonObject { ["tenant"] = new JsonObject { ["id"] = tenantId } },
        };
        if (!string.IsNullOrEmpty(botId))
        {
            body["bot"] = new JsonObject { ["id"] = botId };
        }

        var answer = await SendAsync(HttpMethod.Post, uri, body, ct);
        // A 2xx without an id opened nothing we can post to: as good as a refusal.
        return Text(answer, "id") is { Length: > 0 } id ? id : throw new BotConnectorException(System.Net.HttpStatusCode.OK, "NoConversationId");
    }

    /// <summary>
    /// Bot Framework: path operations are relative to the serviceUrl, which keeps its own path (<c>/emea/&lt;tenant&gt;/</c>)
    /// only when it ends with '/'. The bearer token goes there, so only https is accepted (http on loopback for tests).
    /// </summary>
    internal static Uri Endpoint(string serviceUrl, string relativePath)
    {
        if (!Uri.TryCreate(serviceUrl, UriKind.Absolute, out var uri)
            || !(uri.Scheme == Uri.UriSchemeHttps || (uri.Scheme == Uri.UriSchemeHttp && uri.IsLoopback))
            || !string.IsNullOrEmpty(uri.UserInfo) || !string.IsNullOrEmpty(uri.Query) || !string.IsNullOrEmpty(uri.Fragment))
        {
            throw new ArgumentException("The service URL is not an https URL (http only on loopback).", nameof(serviceUrl));
        }

        var root = uri.AbsoluteUri.EndsWith('/') ? uri.AbsoluteUri : uri.AbsoluteUri + "/";
        return new Uri(root + relativePath, UriKind.Absolute);
    }

    /// <summary>A copy of the caller's activity (never changed, and free to join a new parent) with a type.</summary>
    private static JsonObject MessageActivity(JsonObject activity)
    {
        ArgumentNullException.ThrowIfNull(activity);
        var copy = activity.DeepClone().AsObject();
        // Bot Framework: every activity has a type, and UpdateActivity takes a full "message" activity.
        if (copy["type"] is null)
        {
            copy["type"] = "message";
        }

        return copy;
    }
}
