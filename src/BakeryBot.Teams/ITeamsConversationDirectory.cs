namespace BakeryBot.Teams;

/// <summary>
/// Where to reach a Teams conversation: the Bot Connector's <c>serviceUrl</c> captured from the
/// activities that came from it (Teams gives no other way to learn it).
/// </summary>
public interface ITeamsConversationDirectory
{
    /// <summary>The service URL for a conversation (or its team channel), or null when none was ever seen.</summary>
    Task<string?> ServiceUrlAsync(string tenantId, string conversationId, CancellationToken ct);
}
