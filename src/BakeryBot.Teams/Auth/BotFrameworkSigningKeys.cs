using System.Collections;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using Microsoft.IdentityModel.Protocols;
using Microsoft.IdentityModel.Protocols.OpenIdConnect;
using Microsoft.IdentityModel.Tokens;

namespace BakeryBot.Teams.Auth;

/// <summary>A published signing key and the channel ids it is endorsed for (null: the key has no endorsements).</summary>
internal sealed record BotFrameworkSigningKey(SecurityKey Key, IReadOnlyList<string>? Endorsements);

/// <summary>
/// The Bot Framework signing keys (OpenID metadata → <c>jwks_uri</c> → JWKS), cached and refreshed on our own
/// <see cref="TimeProvider"/> clock. Not <c>ConfigurationManager&lt;T&gt;</c>: from IdentityModel 8 it refreshes in
/// the background and hands back the stale keys meanwhile (unless a process-wide AppContext switch is set), so a
/// rotated key would be refused on first sight; and its clock cannot be injected.
/// </summary>
internal sealed class BotFrameworkSigningKeys : IDisposable
{
    /// <summary>protocols.md §9.9: refresh when an unknown <c>kid</c> appears, but not more often than this.</summary>
    public static readonly TimeSpan UnknownKeyRefreshInterval = TimeSpan.FromMinutes(5);

    /// <summary>[bb-js] openIdMetadata.ts refreshes the keys every 24 hours even when every kid is known.</summary>
    public static readonly TimeSpan MaxAge = TimeSpan.FromHours(24);

    /// <summary>How long to wait before trying again when the keys could never be fetched.</summary>
    public static readonly TimeSpan BootstrapRetryInterval = TimeSpan.FromSeconds(30);

    private readonly string _metadataUrl;
    private readonly HttpDocumentRetriever _retriever;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly SemaphoreSlim _gate = new(1, 1);
    private volatile Snapshot? _snapshot;

    // Guarded by _gate.
    private DateTimeOffset _lastAttempt = DateTimeOffset.MinValue;
    private DateTimeOffset _lastUnknownKeyRefresh = DateTimeOffset.MinValue;

    public BotFrameworkSigningKeys(Uri metadataUrl, HttpClient http, TimeProvider time, ILogger logger)
    {
        _metadataUrl = metadataUrl.AbsoluteUri;
        // Bot Framework: keys come over HTTPS; plain HTTP only for a loopback metadata URL (local fakes in tests).
        _retriever = new HttpDocumentRetriever(http) { RequireHttps = !TrustedEndpoint.IsLoopback(metadataUrl) };
        _time = time;
        _logger = logger;
    }

    /// <summary>
    /// The key with id <paramref name="kid"/>: <c>Available</c> is false when no keys could ever be fetched;
    /// <c>Key</c> is null when the keys are known but none has that id (even after an allowed refresh).
    /// </summary>
    public async Task<(bool Available, BotFrameworkSigningKey? Key)> FindAsync(string kid, CancellationToken ct)
    {
        var snapshot = _snapshot;
        if (snapshot is not null && !IsStale(snapshot, _time.GetUtcNow()) && snapshot.Keys.TryGetValue(kid, out var cached))
        {
            return (true, cached);
        }

        await _gate.WaitAsync(ct);
        try
        {
            snapshot = _snapshot;
            var now = _time.GetUtcNow();
            if (ShouldFetch(snapshot, kid, now))
            {
                snapshot = await FetchAsync(now, ct) ?? snapshot;
            }
        }
        finally
        {
            _gate.Release();
        }

        return snapshot is null ? (false, null) : (true, snapshot.Keys.GetValueOrDefault(kid));
    }

    public void Dispose() => _gate.Dispose();

    private static bool IsStale(Snapshot snapshot, DateTimeOffset now) => now - snapshot.FetchedAt >= MaxAge;

    private bool ShouldFetch(Snapshot? snapshot, string kid, DateTimeOffset now)
    {
        if (snapshot is null)
        {
            return now - _lastAttempt >= BootstrapRetryInterval;
        }

        if (!snapshot.Keys.ContainsKey(kid) && now - _lastUnknownKeyRefresh >= UnknownKeyRefreshInterval)
        {
            // Counted even if the fetch fails, so a flood of made-up kids costs the authority one request per interval.
            _lastUnknownKeyRefresh = now;
            return true;
        }

        // Stale keys are still better than none: retry a failed periodic refresh only every few minutes.
        return IsStale(snapshot, now) && now - _lastAttempt >= UnknownKeyRefreshInterval;
    }

    private async Task<Snapshot?> FetchAsync(DateTimeOffset now, CancellationToken ct)
    {
        try
        {
            var configuration = await OpenIdConnectConfigurationRetriever.GetAsync(_metadataUrl, _retriever, ct);
            var snapshot = new Snapshot(ReadKeys(configuration), now);
            _snapshot = snapshot;
            _lastAttempt = now;
            _logger.LogInformation("Fetched {Count} Bot Framework signing keys from {MetadataUrl}", snapshot.Keys.Count, _metadataUrl);
            return snapshot;
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            throw;
        }
        catch (Exception ex)
        {
            _lastAttempt = now;
            _logger.LogWarning(ex, "Could not fetch the Bot Framework signing keys from {MetadataUrl}", _metadataUrl);
            return null;
        }
    }

    private static Dictionary<string, BotFrameworkSigningKey> ReadKeys(OpenIdConnectConfiguration configuration)
    {
        var keys = new Dictionary<string, BotFrameworkSigningKey>(StringComparer.Ordinal);
        foreach (var jwk in configuration.JsonWebKeySet?.Keys ?? [])
        {
            // protocols.md §9.6: only RSA keys can verify the algorithms we accept; a kid is how a token names its key.
            if (jwk.Kty == JsonWebAlgorithmsKeyTypes.RSA && !string.IsNullOrEmpty(jwk.Kid))
            {
                keys.TryAdd(jwk.Kid, new BotFrameworkSigningKey(jwk, ReadEndorsements(jwk)));
            }
        }

        return keys;
    }

    /// <summary>Bot Framework: <c>"endorsements": ["msteams", …]</c> is not a JWK field, so it lands in AdditionalData.</summary>
    private static string[]? ReadEndorsements(JsonWebKey jwk)
    {
        if (!jwk.AdditionalData.TryGetValue("endorsements", out var value))
        {
            return null;
        }

        return value switch
        {
            JsonElement { ValueKind: JsonValueKind.Array } array => [.. array.EnumerateArray()
                .Where(e => e.ValueKind == JsonValueKind.String).Select(e => e.GetString()!)],
            string => null,
            IEnumerable items => [.. items.OfType<object>().Select(Text).OfType<string>()],
            _ => null,
        };

        static string? Text(object item) => item switch
        {
            string s => s,
            JsonElement { ValueKind: JsonValueKind.String } e => e.GetString(),
            _ => null,
        };
    }

    private sealed record Snapshot(IReadOnlyDictionary<string, BotFrameworkSigningKey> Keys, DateTimeOffset FetchedAt);
}
