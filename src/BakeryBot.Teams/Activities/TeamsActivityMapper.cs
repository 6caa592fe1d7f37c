using BakeryBot.Core.Chat;

namespace BakeryBot.Teams.Activities;

/// <summary>
/// Maps parsed Teams activities to the neutral <see cref="ChatRequest"/>. Never throws for content: an activity
/// that cannot be used maps to null or to <see cref="TeamsInvokeMapping.Failed"/>.
/// </summary>
/// <remarks>
/// Identity: <c>UserId</c> is <c>from.aadObjectId</c> (the Entra object id: stable across apps and chats, and
/// what <c>Security:Admins</c> names as <c>teams:&lt;tenant&gt;/&lt;aadObjectId&gt;</c>), falling back to the
/// per-app <c>29:…</c> id only when Teams sends no object id. <c>TenantId</c> is the Entra tenant id from
/// <c>conversation.tenantId</c>, else <c>channelData.tenant.id</c>.
/// </remarks>
public static partial class TeamsActivityMapper
{
    /// <inheritdoc cref="TeamsPlatform.Platform"/>
    public const string Platform = TeamsPlatform.Platform;

    private const string MessageIdMarker = ";messageid=";

    /// <summary>
    /// A <c>message</c> typed to the bot: its own @mention removed, HTML reduced to text, the first word the command
    /// (with or without a leading '/', lower case) and the rest the text (<see cref="MessageCommand"/>). Other people's mentions stay as
    /// <c>&lt;at&gt;Name&lt;/at&gt;</c> with <see cref="ChatRequest.MentionIds"/> mapping the name to their id.
    /// Null when there is no command left, or tenant, user or conversation are missing.
    /// </summary>
    public static ChatRequest? FromMessage(TeamsActivity a)
    {
        ArgumentNullException.ThrowIfNull(a);
        if (a.Type != "message" || a.Text is null || Identity(a, "msg:") is not { } request)
        {
            return null;
        }

        var mentionIds = new Dictionary<string, string>(StringComparer.Ordinal);
        var text = TeamsMessageText.Convert(a.Text, name => MentionText(a, name, mentionIds)).Trim();
        if (MessageCommand.Split(text) is not var (command, rest))
        {
            return null;
        }

        // Teams: a top-level channel post arrives with ";messageid=<its own id>"; without it, in a channel,
        // replyToId is the root of the thread the message was posted in. In chats there are no threads.
        var threadId = request.ThreadId ?? (a.Conversation.ConversationType == "channel" ? a.ReplyToId : null);
        return request with
        {
            Command = command,
            Text = rest,
            ThreadId = threadId,
            MentionIds = mentionIds.Count == 0 ? null : mentionIds,
        };
    }

    /// <summary>Where to post into the activity's conversation later; null without a tenant.</summary>
    public static TeamsConversationReference? ConversationOf(TeamsActivity a)
    {
        ArgumentNullException.ThrowIfNull(a);
        var tenantId = TenantOf(a);
        var (conversationId, _) = SplitConversationId(a.Conversation.Id);
        if (tenantId is null || conversationId is null)
        {
            return null;
        }

        var data = a.ChannelData;
        // Teams: a team's General channel has the team's id, and Teams sends no channel name for it.
        var name = a.Conversation.Name ?? data.ChannelName ?? (conversationId == data.TeamId ? data.TeamName : null);
        return new TeamsConversationReference(
            tenantId, conversationId, a.ServiceUrl, a.Conversation.ConversationType, data.TeamId, data.ChannelId, name, a.Recipient.Id);
    }

    /// <summary>
    /// A <c>conversationUpdate</c> that adds the bot: a <c>membersAdded[].id</c> equal to <c>recipient.id</c>
    /// (Teams: "The bot's id is formatted as 28:&lt;MicrosoftAppId&gt;", protocols.md §11).
    /// </summary>
    public static bool IsBotAdded(TeamsActivity a)
    {
        ArgumentNullException.ThrowIfNull(a);
        return a.Type == "conversationUpdate"
            && a.MembersAdded.Any(id => string.Equals(id, a.Recipient.Id, StringComparison.OrdinalIgnoreCase));
    }

    /// <summary>
    /// The text that stands for a mention: nothing for the bot itself, <c>&lt;at&gt;Name&lt;/at&gt;</c> for anyone
    /// else. The mentioned person's id goes into <paramref name="ids"/>: <c>mentioned.aadObjectId</c> when Teams
    /// sends it, otherwise <c>mentioned.id</c> (<c>29:…</c>; Teams mention entities usually carry only that, and
    /// resolving it to an object id needs the Connector's member lookup).
    /// </summary>
    private static string MentionText(TeamsActivity a, string name, Dictionary<string, string> ids)
    {
        TeamsMention? match = null;
        foreach (var mention in a.Mentions)
        {
            if (MentionName(mention) == name || mention.MentionedName == name)
            {
                if (IsBot(a, mention.MentionedId))
                {
                    return "";
                }

                match ??= mention;
            }
        }

        if (match is null && name.Length > 0 && name == a.Recipient.Name)
        {
            // Teams: the entity should be there; a mention of the bot's own name without one is still the bot.
            return "";
        }

        if (match is not null && name.Length > 0)
        {
            ids.TryAdd(name, match.MentionedAadObjectId ?? match.MentionedId);
        }

        return $"<at>{name}</at>";
    }

    /// <summary>The name inside an entity's <c>&lt;at&gt;…&lt;/at&gt;</c> text, decoded the way the message text is.</summary>
    private static string? MentionName(TeamsMention mention) =>
        mention.Text is { } text ? TeamsMessageText.ToPlainText(text).Trim() : null;

    private static bool IsBot(TeamsActivity a, string id) => string.Equals(id, a.Recipient.Id, StringComparison.OrdinalIgnoreCase);

    private static string? TenantOf(TeamsActivity a) => a.Conversation.TenantId ?? a.ChannelData.TenantId;

    /// <summary>Who, where and which delivery; null without tenant, user or conversation.</summary>
    private static ChatRequest? Identity(TeamsActivity a, string deliveryPrefix)
    {
        var tenantId = TenantOf(a);
        var userId = a.From.AadObjectId ?? a.From.Id;
        var (conversationId, messageId) = SplitConversationId(a.Conversation.Id);
        if (tenantId is null || conversationId is null)
        {
            return null;
        }

        return new ChatRequest
        {
            Platform = Platform,
            TenantId = tenantId,
            ChannelId = conversationId,
            ChannelName = a.ChannelData.ChannelName ?? a.Conversation.Name,
            ThreadId = messageId,
            UserId = userId,
            UserName = a.From.Name,
            // Teams: a redelivered activity keeps its id; two clicks or two messages are two activities.
            DeliveryId = a.Id is null ? null : deliveryPrefix + a.Id,
        };
    }

    /// <summary><c>19:x@thread.tacv2;messageid=123</c> → (<c>19:x@thread.tacv2</c>, <c>123</c>).</summary>
    internal static (string? ConversationId, string? MessageId) SplitConversationId(string id)
    {
        var marker = id.IndexOf(MessageIdMarker, StringComparison.OrdinalIgnoreCase);
        if (marker < 0)
        {
            return (id, null);
        }

        var rest = id[(marker + MessageIdMarker.Length)..];
        var end = rest.IndexOf(';', StringComparison.Ordinal);
        var messageId = end < 0 ? rest : rest[..end];
        return (marker == 0 ? null : id[..marker], messageId.Length == 0 ? null : messageId);
    }
}
