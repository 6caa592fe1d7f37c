using BakeryBot.Core.Data;

namespace BakeryBot.Teams;

/// <summary>
/// Where to reach a Teams conversation: the Bot Connector's <c>serviceUrl</c> captured from the
/// activities that came from it (Teams gives no other way to learn it).
/// </summary>
public interface ITeamsConversationDirectory
{
    /// <summary>The service URL for a conversation (or its team channel), or null when none was ever seen.</summary>
    Task<string?> ServiceUrlAsync(string tenantId, string conversationId, CancellationToken ct);

    /// <summary>The person's personal (1:1) conversation with the bot, found by any of their ids, or null when none was seen.</summary>
    Task<PersonalConversation?> PersonalConversationAsync(string tenantId, IReadOnlyList<string> userIds, CancellationToken ct);

    /// <summary>A service URL the tenant's conversations were served from (to open a new conversation there), or null.</summary>
    Task<string?> AnyServiceUrlAsync(string tenantId, CancellationToken ct);

    /// <summary>Remembers a personal conversation the bot opened with a person, so the next message goes straight there.</summary>
    Task RememberPersonalConversationAsync(string tenantId, string userId, string conversationId, string serviceUrl, CancellationToken ct);
}
