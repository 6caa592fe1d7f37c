using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace BakeryBot.Teams.Tests.Auth;

/// <summary>
/// A local stand-in for login.botframework.com and the Entra token endpoint on 127.0.0.1: serves the OpenID
/// metadata (<c>/.well-known/openidconfiguration</c>), the JWKS (<c>/keys</c>, RSA keys with <c>endorsements</c>)
/// and a client-credentials <c>/token</c> endpoint; counts fetches; rotates keys; mints inbound tokens.
/// Point the bot at it with <see cref="CreateOptions"/>.
/// </summary>
public sealed partial class FakeBotFrameworkAuthority : IAsyncDisposable
{
    public const string DefaultAppId = "6b0f3a52-3c1e-4f0e-9f57-2d8a4c1b7e90";
    public const string DefaultAppPassword = "fake-app-password-9Q~never-in-logs";
    public const string DefaultServiceUrl = "https://smba.trafficmanager.net/amer/";
    public const string TeamsChannel = "msteams";

    private readonly WebApplication _app;
    private readonly Lock _gate = new();
    private readonly List<PublishedKey> _keys = [];
    private int _metadataFetches;
    private int _jwksFetches;

    private FakeBotFrameworkAuthority(WebApplication app, TimeProvider time, string appId, string appPassword)
    {
        _app = app;
        Time = time;
        AppId = appId;
        AppPassword = appPassword;
    }

    public string BaseUrl { get; private set; } = "";

    public string MetadataUrl => $"{BaseUrl}/.well-known/openidconfiguration";

    public string JwksUrl => $"{BaseUrl}/keys";

    public string TokenEndpoint => $"{BaseUrl}/token";

    public string AppId { get; }

    public string AppPassword { get; }

    /// <summary>The clock default token lifetimes are taken from (share it with the code under test).</summary>
    public TimeProvider Time { get; }

    public int MetadataFetches => Volatile.Read(ref _metadataFetches);

    public int JwksFetches => Volatile.Read(ref _jwksFetches);

    /// <summary>The kid tokens are signed with by default: the newest key added by <see cref="StartAsync"/> or <see cref="Rotate"/>.</summary>
    public string CurrentKeyId { get; private set; } = "";

    public IReadOnlyList<string> PublishedKeyIds
    {
        get
        {
            lock (_gate)
            {
                return [.. _keys.Select(k => k.Kid)];
            }
        }
    }

    /// <summary>When true, metadata and JWKS answer 503.</summary>
    public bool KeysUnavailable { get; set; }

    /// <summary>Starts on 127.0.0.1 with one published key endorsed for <c>msteams</c>.</summary>
    public static async Task<FakeBotFrameworkAuthority> StartAsync(TimeProvider? time = null, string appId = DefaultAppId, string appPassword = DefaultAppPassword)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var fake = new FakeBotFrameworkAuthority(app, time ?? TimeProvider.System, appId, appPassword);
        app.MapGet("/.well-known/openidconfiguration", fake.Metadata);
        app.MapGet("/keys", fake.Jwks);
        app.MapPost("/token", fake.IssueTokenAsync);
        fake.Rotate();
        await app.StartAsync();
        fake.BaseUrl = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return fake;
    }

    /// <summary>Teams options aimed at this authority (metadata and token endpoint), with its app id and password.</summary>
    public TeamsOptions CreateOptions() => new()
    {
        AppId = AppId,
        AppPassword = AppPassword,
        OpenIdMetadataUrl = MetadataUrl,
        TokenEndpoint = TokenEndpoint,
    };

    /// <summary>Publishes a new key endorsed for <c>msteams</c> and makes it the default signing key; returns its kid.</summary>
    public string Rotate()
    {
        var kid = AddKey([TeamsChannel]);
        CurrentKeyId = kid;
        return kid;
    }

    /// <summary>Publishes another key (not made current). Null <paramref name="endorsements"/> leaves the field out.</summary>
    public string AddKey(IReadOnlyList<string>? endorsements)
    {
        var key = new PublishedKey($"key-{Guid.NewGuid():N}", RSA.Create(2048), endorsements);
        lock (_gate)
        {
            _keys.Add(key);
        }

        return key.Kid;
    }

    /// <summary>Stops publishing <paramref name="kid"/> (tokens can still be minted with it).</summary>
    public void Unpublish(string kid)
    {
        lock (_gate)
        {
            _keys.Single(k => k.Kid == kid).Published = false;
        }
    }

    /// <summary><c>Bearer &lt;token&gt;</c>, as the Bot Connector sends it.</summary>
    public string AuthorizationHeader(FakeToken? token = null) => "Bearer " + MintToken(token);

    public string MintToken(FakeToken? token = null)
    {
        token ??= FakeToken.Valid;
        var payload = Payload(token);
        switch (token.Signing)
        {
            case FakeSigning.None:
                var header = new JsonObject { ["alg"] = "none", ["typ"] = "JWT", ["kid"] = token.KeyId ?? CurrentKeyId };
                return $"{Base64UrlEncoder.Encode(header.ToJsonString())}.{Base64UrlEncoder.Encode(payload)}.";
            case FakeSigning.Hs256:
                var secret = new SymmetricSecurityKey(RandomNumberGenerator.GetBytes(32)) { KeyId = token.KeyId ?? CurrentKeyId };
                return Handler.CreateToken(payload, new SigningCredentials(secret, SecurityAlgorithms.HmacSha256));
            case FakeSigning.UnknownKey:
                using (var rsa = RSA.Create(2048))
                {
                    var unknown = new RsaSecurityKey(rsa) { KeyId = token.KeyId ?? $"unknown-{Guid.NewGuid():N}" };
                    return Handler.CreateToken(payload, new SigningCredentials(unknown, SecurityAlgorithms.RsaSha256));
                }

            default:
                var kid = token.KeyId ?? CurrentKeyId;
                PublishedKey published;
                lock (_gate)
                {
                    published = _keys.Single(k => k.Kid == kid);
                }

                var key = new RsaSecurityKey(published.Rsa) { KeyId = kid };
                return Handler.CreateToken(payload, new SigningCredentials(key, SecurityAlgorithms.RsaSha256));
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _app.DisposeAsync();
        lock (_gate)
        {
            foreach (var key in _keys)
            {
                key.Rsa.Dispose();
            }
        }
    }

    private static JsonWebTokenHandler Handler { get; } = new() { SetDefaultTimesOnTokenCreation = false };

    private string Payload(FakeToken token)
    {
        var now = Time.GetUtcNow();
        var payload = new JsonObject
        {
            ["aud"] = token.Audience ?? AppId,
            ["iat"] = now.ToUnixTimeSeconds(),
        };
        if (token.Issuer is not null)
        {
            payload["iss"] = token.Issuer;
        }

        if (!token.OmitNotBefore)
        {
            payload["nbf"] = (token.NotBefore ?? now.AddMinutes(-1)).ToUnixTimeSeconds();
        }

        if (!token.OmitExpires)
        {
            payload["exp"] = (token.Expires ?? now.AddHours(1)).ToUnixTimeSeconds();
        }

        if (token.ServiceUrl is not null)
        {
            payload["serviceurl"] = token.ServiceUrl;
        }

        foreach (var (name, value) in token.ExtraClaims ?? new Dictionary<string, object>())
        {
            payload[name] = JsonValue.Create(value);
        }

        return payload.ToJsonString();
    }

    private IResult Metadata()
    {
        Interlocked.Increment(ref _metadataFetches);
        return KeysUnavailable
            ? Results.StatusCode(StatusCodes.Status503ServiceUnavailable)
            : Json(new JsonObject
            {
                ["issuer"] = TeamsOptions.BotFrameworkIssuer,
                ["authorization_endpoint"] = $"{BaseUrl}/authorize",
                ["jwks_uri"] = JwksUrl,
                ["id_token_signing_alg_values_supported"] = new JsonArray("RS256"),
                ["token_endpoint_auth_methods_supported"] = new JsonArray("private_key_jwt"),
            });
    }

    private IResult Jwks()
    {
        Interlocked.Increment(ref _jwksFetches);
        if (KeysUnavailable)
        {
            return Results.StatusCode(StatusCodes.Status503ServiceUnavailable);
        }

        var keys = new JsonArray();
        lock (_gate)
        {
            foreach (var key in _keys.Where(k => k.Published))
            {
                var parameters = key.Rsa.ExportParameters(includePrivateParameters: false);
                var jwk = new JsonObject
                {
                    ["kty"] = "RSA",
                    ["use"] = "sig",
                    ["kid"] = key.Kid,
                    ["n"] = Base64UrlEncoder.Encode(parameters.Modulus),
                    ["e"] = Base64UrlEncoder.Encode(parameters.Exponent),
                };
                if (key.Endorsements is not null)
                {
                    jwk["endorsements"] = new JsonArray([.. key.Endorsements.Select(e => JsonValue.Create(e))]);
                }

                keys.Add(jwk);
            }
        }

        return Json(new JsonObject { ["keys"] = keys });
    }

    private static IResult Json(JsonObject body, int status = StatusCodes.Status200OK) =>
        Results.Text(body.ToJsonString(), "application/json", Encoding.UTF8, status);

    private sealed class PublishedKey(string kid, RSA rsa, IReadOnlyList<string>? endorsements)
    {
        public string Kid { get; } = kid;

        public RSA Rsa { get; } = rsa;

        public IReadOnlyList<string>? Endorsements { get; } = endorsements;

        public bool Published { get; set; } = true;
    }
}
