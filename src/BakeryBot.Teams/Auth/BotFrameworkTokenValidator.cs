using System.Security.Claims;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace BakeryBot.Teams.Auth;

/// <summary>
/// Checks the <c>Authorization</c> header of an activity the Bot Connector posts to the bot (protocols.md §9).
/// Thread-safe; meant to be a singleton so that the signing keys are cached across requests.
/// </summary>
public sealed class BotFrameworkTokenValidator : IDisposable
{
    /// <summary>protocols.md §9.5: lifetime is checked with 5 minutes of clock skew.</summary>
    public static readonly TimeSpan ClockSkew = TimeSpan.FromMinutes(5);

    /// <summary>protocols.md §9.6: the RSA signatures Bot Framework uses (RS256/384/512); never <c>none</c> or HMAC.</summary>
    private static readonly string[] AllowedAlgorithms =
    [
        SecurityAlgorithms.RsaSha256, SecurityAlgorithms.RsaSha384, SecurityAlgorithms.RsaSha512,
    ];

    private const string BearerPrefix = "Bearer ";
    private const string ServiceUrlClaim = "serviceurl";

    private readonly TeamsOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger<BotFrameworkTokenValidator> _logger;
    private readonly BotFrameworkSigningKeys? _keys;
    private readonly string _configurationProblem = "";
    private readonly JsonWebTokenHandler _handler = new();

    public BotFrameworkTokenValidator(IOptions<TeamsOptions> options, HttpClient http, TimeProvider time, ILogger<BotFrameworkTokenValidator> logger)
    {
        _options = options.Value;
        _time = time;
        _logger = logger;
        var metadataUrl = TrustedEndpoint.Parse(_options.OpenIdMetadataUrl, out var problem);
        if (metadataUrl is null)
        {
            // Refuse every token rather than fetch keys over an untrusted channel; nothing is fetched at all.
            _configurationProblem = $"Teams:OpenIdMetadataUrl is unusable ({problem})";
            _logger.LogError("{Problem}: every Teams request will be refused", _configurationProblem);
        }
        else
        {
            _keys = new BotFrameworkSigningKeys(metadataUrl, http, time, logger);
        }
    }

    /// <summary>
    /// Validates <paramref name="authorizationHeader"/> for an activity with the given <c>channelId</c> and
    /// <c>serviceUrl</c>. Never throws for a bad token (only when <paramref name="ct"/> is cancelled).
    /// </summary>
    public async Task<TokenCheck> ValidateAsync(string? authorizationHeader, string? activityChannelId, string? activityServiceUrl, CancellationToken ct)
    {
        // protocols.md §9.1: the scheme is exactly "Bearer" (case-sensitive) and the token is not empty.
        if (authorizationHeader is null || !authorizationHeader.StartsWith(BearerPrefix, StringComparison.Ordinal))
        {
            return TokenCheck.Invalid("missing Bearer token");
        }

        var token = authorizationHeader[BearerPrefix.Length..].Trim();
        if (token.Length == 0)
        {
            return TokenCheck.Invalid("missing Bearer token");
        }

        // protocols.md §9.7: the endorsement check needs the activity's channel; an empty one must not pass.
        if (string.IsNullOrEmpty(activityChannelId))
        {
            return TokenCheck.Invalid("activity has no channelId");
        }

        if (string.IsNullOrEmpty(activityServiceUrl))
        {
            return TokenCheck.Invalid("activity has no serviceUrl");
        }

        if (!_options.IsEnabled)
        {
            return TokenCheck.Invalid("Teams:AppId is not configured");
        }

        if (_keys is null)
        {
            return TokenCheck.Invalid(_configurationProblem);
        }

        JsonWebToken jwt;
        try
        {
            jwt = _handler.ReadJsonWebToken(token);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // Hostile input: IdentityModel throws ArgumentException-derived types, but no exception may escape.
            return TokenCheck.Invalid("malformed token");
        }

        var early = CheckHeaderAndIssuer(jwt);
        if (early is not null)
        {
            return early;
        }

        var (available, key) = await _keys.FindAsync(jwt.Kid, ct);
        if (!available)
        {
            return TokenCheck.Invalid("signing keys unavailable");
        }

        if (key is null)
        {
            return TokenCheck.Invalid("unknown signing key");
        }

        TokenValidationResult result;
        try
        {
            result = await _handler.ValidateTokenAsync(jwt, Parameters(key.Key));
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // The handler reports failures in its result; this is only a guard so that nothing escapes.
            _logger.LogWarning(ex, "Bot Framework token validation threw");
            return TokenCheck.Invalid(Describe(ex));
        }

        if (!result.IsValid)
        {
            return TokenCheck.Invalid(Describe(result.Exception));
        }

        return CheckEndorsements(key, activityChannelId) ?? CheckServiceUrl(jwt, activityServiceUrl) ?? TokenCheck.Valid;
    }

    public void Dispose() => _keys?.Dispose();

    /// <summary>Cheap checks on the unverified token, so that foreign or unsigned tokens never trigger a key refresh.</summary>
    private static TokenCheck? CheckHeaderAndIssuer(JsonWebToken jwt)
    {
        if (jwt.IsEncrypted || !AllowedAlgorithms.Contains(jwt.Alg, StringComparer.Ordinal))
        {
            return TokenCheck.Invalid("signing algorithm not allowed");
        }

        // protocols.md §9.6: the key is looked up by kid; Bot Framework tokens always carry one.
        if (string.IsNullOrEmpty(jwt.Kid))
        {
            return TokenCheck.Invalid("token has no kid");
        }

        // protocols.md §9.3: [bb-net] checks the issuer before the signature. Re-checked after verification below.
        return jwt.Issuer == TeamsOptions.BotFrameworkIssuer ? null : TokenCheck.Invalid("wrong issuer");
    }

    private TokenValidationParameters Parameters(SecurityKey key) => new()
    {
        ValidateIssuer = true,
        ValidIssuer = TeamsOptions.BotFrameworkIssuer,
        // protocols.md §9.4: aud must be the bot's Microsoft App ID.
        ValidateAudience = true,
        ValidAudience = _options.AppId,
        // protocols.md §9.5 and issue 3: lifetime with 5 minutes of skew, and a token without exp is refused.
        ValidateLifetime = true,
        RequireExpirationTime = true,
        ClockSkew = ClockSkew,
        LifetimeValidator = ValidateLifetime,
        RequireSignedTokens = true,
        ValidAlgorithms = AllowedAlgorithms,
        IssuerSigningKey = key,
        TryAllIssuerSigningKeys = false,
        ValidateIssuerSigningKey = false,
        SaveSigninToken = false,
    };

    /// <summary>
    /// protocols.md §9.5 on the injected clock (TokenValidationParameters has no public clock in IdentityModel 8.23).
    /// The handler turns these exceptions into an invalid result.
    /// </summary>
    private bool ValidateLifetime(DateTime? notBefore, DateTime? expires, SecurityToken token, TokenValidationParameters parameters)
    {
        var now = _time.GetUtcNow().UtcDateTime;
        if (expires is null)
        {
            throw new SecurityTokenNoExpirationException("The token has no exp.");
        }

        if (notBefore is not null && notBefore.Value > expires.Value)
        {
            throw new SecurityTokenInvalidLifetimeException("The token's nbf is after its exp.");
        }

        if (notBefore is not null && notBefore.Value > now + ClockSkew)
        {
            throw new SecurityTokenNotYetValidException("The token is not valid yet.") { NotBefore = notBefore.Value };
        }

        if (expires.Value < now - ClockSkew)
        {
            throw new SecurityTokenExpiredException("The token has expired.") { Expires = expires.Value };
        }

        return true;
    }

    /// <summary>protocols.md §9.7: the key that signed the token must be endorsed for the activity's channel.</summary>
    private static TokenCheck? CheckEndorsements(BotFrameworkSigningKey key, string channelId)
    {
        // A key without endorsements is only acceptable for Emulator and skill tokens, which this bot does not accept (§9.11).
        if (key.Endorsements is null)
        {
            return TokenCheck.Invalid("signing key has no endorsements");
        }

        return key.Endorsements.Contains(channelId, StringComparer.Ordinal) ? null : TokenCheck.Invalid("signing key is not endorsed for the channel");
    }

    /// <summary>
    /// protocols.md §9.8: the serviceurl claim must be present and equal the activity's serviceUrl, ignoring case.
    /// One trailing '/' is ignored on both sides: the connector client appends it anyway when building URLs
    /// (§10), so "…/amer" and "…/amer/" name the same endpoint and a token for one cannot redirect to another.
    /// </summary>
    private static TokenCheck? CheckServiceUrl(JsonWebToken jwt, string activityServiceUrl)
    {
        // A number or an array is no service URL, whatever its text would be.
        if (!jwt.TryGetClaim(ServiceUrlClaim, out var claim) || claim.ValueType != ClaimValueTypes.String || string.IsNullOrEmpty(claim.Value))
        {
            return TokenCheck.Invalid("missing serviceurl claim");
        }

        return string.Equals(TrimSlash(claim.Value), TrimSlash(activityServiceUrl), StringComparison.OrdinalIgnoreCase)
            ? null
            : TokenCheck.Invalid("serviceurl claim mismatch");

        static string TrimSlash(string url) => url.EndsWith('/') ? url[..^1] : url;
    }

    /// <summary>Fixed phrases per failure: IdentityModel's own messages may quote parts of the token.</summary>
    private static string Describe(Exception? exception) => exception switch
    {
        SecurityTokenExpiredException => "token expired",
        SecurityTokenNotYetValidException => "token not yet valid",
        SecurityTokenNoExpirationException => "token has no exp",
        SecurityTokenInvalidLifetimeException => "invalid token lifetime",
        SecurityTokenInvalidAudienceException => "wrong audience",
        SecurityTokenInvalidIssuerException => "wrong issuer",
        SecurityTokenInvalidAlgorithmException => "signing algorithm not allowed",
        SecurityTokenSignatureKeyNotFoundException => "unknown signing key",
        SecurityTokenInvalidSignatureException => "bad signature",
        SecurityTokenMalformedException => "malformed token",
        null => "invalid token",
        _ => $"invalid token ({exception.GetType().Name})",
    };
}
