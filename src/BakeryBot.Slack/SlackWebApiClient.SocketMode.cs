namespace BakeryBot.Slack;

public sealed partial class SlackWebApiClient
{
    /// <summary>
    /// Slack errors of <c>apps.connections.open</c> that waiting does not cure: the app-level token is wrong,
    /// revoked or its workspace gone (protocols.md §6).
    /// </summary>
    public static readonly IReadOnlySet<string> UnrecoverableConnectionErrors = new HashSet<string>(StringComparer.Ordinal)
    {
        "not_authed", "invalid_auth", "account_inactive", "user_removed_from_team", "team_disabled",
    };

    /// <summary>
    /// <c>apps.connections.open</c> with the app-level token (<c>xapp-…</c>, scope <c>connections:write</c>, in the
    /// Authorization header): the WebSocket URL of a new Socket Mode connection, good for one connection.
    /// </summary>
    public async Task<Uri> OpenSocketConnectionAsync(string appToken, CancellationToken ct = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(appToken);
        using var document = await PostJsonAsync("apps.connections.open", _ => { }, ct, appToken);
        var url = document.RootElement.String("url");
        return Uri.TryCreate(url, UriKind.Absolute, out var uri) && uri.Scheme is "wss" or "ws"
            ? uri
            : throw new SlackApiException("apps.connections.open", SlackApiException.InvalidResponse);
    }
}
