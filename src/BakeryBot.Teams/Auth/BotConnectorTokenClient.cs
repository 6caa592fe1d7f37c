using System.Globalization;
using System.Net;
using System.Text.Json;
using BakeryBot.Teams.Connector;
using Microsoft.Extensions.Options;

namespace BakeryBot.Teams.Auth;

/// <summary>
/// Gets the client-credentials token the bot sends to the Bot Connector (protocols.md §10) and caches it until
/// shortly before it expires. Thread-safe; one singleton per app, so concurrent callers share one request.
/// </summary>
public sealed class BotConnectorTokenClient(HttpClient http, IOptions<TeamsOptions> options, TimeProvider time) : IBotConnectorTokenSource, IDisposable
{
    /// <summary>protocols.md §10: "cache and refresh before expiry"; this much before it.</summary>
    public static readonly TimeSpan RefreshMargin = TimeSpan.FromMinutes(5);

    private const long MaxLifetimeSeconds = 24 * 60 * 60;

    private readonly TeamsOptions _options = options.Value;
    private readonly SemaphoreSlim _gate = new(1, 1);
    private volatile CachedToken? _cached;

    /// <summary>A token valid for at least a few more minutes; throws <see cref="BotConnectorAuthException"/> if none can be had.</summary>
    public async Task<string> GetTokenAsync(CancellationToken ct)
    {
        var cached = _cached;
        if (cached is not null && time.GetUtcNow() < cached.RefreshAt)
        {
            return cached.Value;
        }

        await _gate.WaitAsync(ct);
        try
        {
            // Whoever held the gate before us may just have fetched one.
            cached = _cached;
            if (cached is not null && time.GetUtcNow() < cached.RefreshAt)
            {
                return cached.Value;
            }

            cached = await RequestAsync(ct);
            _cached = cached;
            return cached.Value;
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>Drops the cached token, e.g. after the connector answered 401 to it.</summary>
    public void Invalidate() => _cached = null;

    public void Dispose() => _gate.Dispose();

    private async Task<CachedToken> RequestAsync(CancellationToken ct)
    {
        var endpoint = _options.EffectiveTokenEndpoint;
        // The secret only travels over HTTPS (plain HTTP to a loopback fake in tests).
        var uri = TrustedEndpoint.Parse(endpoint, out var problem)
            ?? throw new BotConnectorAuthException(endpoint, $"Teams:TokenEndpoint is unusable ({problem})");
        if (string.IsNullOrEmpty(_options.AppId) || string.IsNullOrEmpty(_options.AppPassword))
        {
            throw new BotConnectorAuthException(endpoint, "Teams:AppId or Teams:AppPassword is not configured");
        }

        // protocols.md §10: client credentials, form-encoded, scope https://api.botframework.com/.default.
        using var content = new FormUrlEncodedContent(
        [
            new("grant_type", "client_credentials"),
            new("client_id", _options.AppId),
            new("client_secret", _options.AppPassword),
            new("scope", TeamsOptions.BotConnectorScope),
        ]);
        using var request = new HttpRequestMessage(HttpMethod.Post, uri) { Content = content };
        var start = time.GetUtcNow();
        byte[] body;
        HttpStatusCode status;
        try
        {
            using var response = await http.SendAsync(request, ct);
            status = response.StatusCode;
            body = await response.Content.ReadAsByteArrayAsync(ct);
        }
        catch (Exception ex) when (ex is HttpRequestException || (ex is OperationCanceledException && !ct.IsCancellationRequested))
        {
            throw new BotConnectorAuthException(endpoint, ex is OperationCanceledException ? "timed out" : "no answer", innerException: ex);
        }

        return Parse(endpoint, status, body, start);
    }

    private static CachedToken Parse(string endpoint, HttpStatusCode status, byte[] body, DateTimeOffset start)
    {
        var code = ((int)status).ToString(CultureInfo.InvariantCulture);
        var root = TryParseJson(body);
        if ((int)status is < 200 or > 299)
        {
            var error = ErrorCode(root);
            throw new BotConnectorAuthException(endpoint, error is null ? $"HTTP {code}" : $"HTTP {code} ({error})", status, error);
        }

        if (root is not { ValueKind: JsonValueKind.Object } json
            || !json.TryGetProperty("access_token", out var accessToken) || accessToken.ValueKind != JsonValueKind.String
            || string.IsNullOrEmpty(accessToken.GetString())
            || !TryReadSeconds(json, "expires_in", out var expiresIn) || expiresIn <= 0)
        {
            throw new BotConnectorAuthException(endpoint, $"HTTP {code} without access_token and expires_in", status);
        }

        // Short-lived tokens (under 10 minutes) are refreshed at half-life instead, so they are cached at all;
        // an absurd lifetime is capped at a day.
        var lifetime = TimeSpan.FromSeconds(Math.Min(expiresIn, MaxLifetimeSeconds));
        var margin = lifetime < 2 * RefreshMargin ? lifetime / 2 : RefreshMargin;
        return new CachedToken(accessToken.GetString()!, start + lifetime - margin);
    }

    private static JsonElement? TryParseJson(byte[] body)
    {
        try
        {
            using var document = JsonDocument.Parse(body);
            return document.RootElement.Clone();
        }
        catch (JsonException)
        {
            return null;
        }
    }

    /// <summary>OAuth 2.0 (RFC 6749 §5.2): <c>error</c> is a short ASCII code; anything else is not repeated.</summary>
    private static string? ErrorCode(JsonElement? root)
    {
        if (root is not { ValueKind: JsonValueKind.Object } json || !json.TryGetProperty("error", out var error) || error.ValueKind != JsonValueKind.String)
        {
            return null;
        }

        var text = error.GetString()!;
        return text.Length is > 0 and <= 64 && text.All(c => char.IsAsciiLetterOrDigit(c) || c is '_' or '-' or '.') ? text : null;
    }

    /// <summary>Azure AD v2 sends <c>expires_in</c> as a number; v1 sent a string ("3599").</summary>
    private static bool TryReadSeconds(JsonElement root, string name, out long seconds)
    {
        seconds = 0;
        if (!root.TryGetProperty(name, out var value))
        {
            return false;
        }

        return value.ValueKind switch
        {
            JsonValueKind.Number => value.TryGetInt64(out seconds),
            JsonValueKind.String => long.TryParse(value.GetString(), NumberStyles.None, CultureInfo.InvariantCulture, out seconds),
            _ => false,
        };
    }

    private sealed record CachedToken(string Value, DateTimeOffset RefreshAt)
    {
        // The token must never reach a log through a generated ToString().
        public override string ToString() => $"CachedToken {{ RefreshAt = {RefreshAt:O} }}";
    }
}
