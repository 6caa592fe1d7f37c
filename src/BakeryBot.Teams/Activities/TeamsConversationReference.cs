namespace BakeryBot.Teams.Activities;

/// <summary>
/// Where to post into a conversation later (proactive messages need the <see cref="ServiceUrl"/> captured from an
/// earlier activity; protocols.md §10).
/// </summary>
/// <param name="ConversationId">Without any <c>;messageid=</c> suffix: the channel or chat itself.</param>
/// <param name="TeamId">The team (<c>channelData.team.id</c>) for team channels.</param>
/// <param name="ChannelId">The team channel (<c>channelData.channel.id</c>) for team channels.</param>
/// <param name="BotId">The bot's own id in this conversation (<c>28:&lt;appId&gt;</c>).</param>
public sealed record TeamsConversationReference(
    string TenantId,
    string ConversationId,
    string ServiceUrl,
    string? ConversationType,
    string? TeamId,
    string? ChannelId,
    string? Name,
    string BotId);
