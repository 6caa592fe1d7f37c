using System.Text.Json;

namespace BakeryBot.Teams.Activities;

/// <summary>
/// The parts of an inbound Bot Framework activity the bot reads (protocols.md §11). Made only by
/// <see cref="TeamsActivityParser"/>, which guarantees the required members are present and non-empty.
/// </summary>
public sealed record TeamsActivity
{
    /// <summary><c>message</c>, <c>conversationUpdate</c>, <c>invoke</c>, …</summary>
    public required string Type { get; init; }

    /// <summary>The activity id; unique per delivery, so it keys duplicate detection.</summary>
    public string? Id { get; init; }

    public DateTimeOffset? Timestamp { get; init; }

    /// <summary>Where the Bot Connector takes replies for this conversation (keep its trailing slash).</summary>
    public required string ServiceUrl { get; init; }

    /// <summary>Bot Framework channel, <c>msteams</c> for Teams (not a Teams channel).</summary>
    public string? ChannelId { get; init; }

    public required TeamsAccount From { get; init; }

    public required TeamsConversation Conversation { get; init; }

    /// <summary>The bot itself: <c>28:&lt;appId&gt;</c>.</summary>
    public required TeamsAccount Recipient { get; init; }

    public string? Text { get; init; }

    public string? Locale { get; init; }

    public string? ReplyToId { get; init; }

    /// <summary>For <c>invoke</c>: what is invoked (<c>adaptiveCard/action</c>, <c>composeExtension/submitAction</c>).</summary>
    public string? Name { get; init; }

    /// <summary>The activity's <c>value</c>, cloned so it outlives the parsed document; null when absent or JSON null.</summary>
    public JsonElement? Value { get; init; }

    /// <summary>The <c>mention</c> entities; other entity types (<c>clientInfo</c>) are left out.</summary>
    public IReadOnlyList<TeamsMention> Mentions { get; init; } = [];

    public TeamsChannelData ChannelData { get; init; } = TeamsChannelData.Empty;

    /// <summary>For <c>conversationUpdate</c>: the ids of the members that were added.</summary>
    public IReadOnlyList<string> MembersAdded { get; init; } = [];
}

/// <summary>A user or bot: <c>29:…</c> user ids are per app, <see cref="AadObjectId"/> is the Entra object id.</summary>
public sealed record TeamsAccount(string Id, string? Name, string? AadObjectId);

/// <summary>A conversation; <see cref="ConversationType"/> is <c>personal</c>, <c>groupChat</c> or <c>channel</c>.</summary>
public sealed record TeamsConversation(string Id, string? ConversationType, bool IsGroup, string? TenantId, string? Name);

/// <summary>A <c>mention</c> entity: <see cref="Text"/> is how it stands in the message (<c>&lt;at&gt;Name&lt;/at&gt;</c>).</summary>
public sealed record TeamsMention(string MentionedId, string? MentionedName, string? MentionedAadObjectId, string? Text);

/// <summary>Teams' <c>channelData</c>: tenant, team and channel of the conversation.</summary>
public sealed record TeamsChannelData(string? TenantId, string? TeamId, string? TeamName, string? ChannelId, string? ChannelName, string? EventType)
{
    public static TeamsChannelData Empty { get; } = new(null, null, null, null, null, null);
}
