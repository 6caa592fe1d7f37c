namespace BakeryBot.Teams.Connector;

/// <summary>
/// Where <see cref="BotConnectorClient"/> gets the bearer token it sends to the Bot Connector. Kept here, apart from
/// the token client, so the connector can be built and tested without it.
/// </summary>
public interface IBotConnectorTokenSource
{
    /// <summary>A current access token for the scope <c>https://api.botframework.com/.default</c> (cached by the source).</summary>
    Task<string> GetTokenAsync(CancellationToken ct);

    /// <summary>Drops the cached token: the Bot Connector refused it (401), so the next call must fetch a fresh one.</summary>
    void Invalidate();
}
