using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using BakeryBot.Core.Chat;
using BakeryBot.Teams;
using BakeryBot.Teams.Auth;
using BakeryBot.Teams.Cards;
using BenchmarkDotNet.Attributes;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace BakeryBot.Benchmarks;

/// <summary>
/// Teams' inbound cost per activity: validating the Bot Connector's RS256 token when its signing key is
/// cached. The OpenID metadata and keys come from an in-memory handler and are fetched once, in setup:
/// what is measured is the validation, not the network.
/// </summary>
[MemoryDiagnoser]
public class JwtBenchmarks : IDisposable
{
    private const string AppId = "00000000-0000-0000-0000-0000000b0b0b";
    private const string ServiceUrl = "https://smba.trafficmanager.net/amer/";
    private const string MetadataUrl = "https://login.botframework.test/v1/.well-known/openidconfiguration";
    private RSA _rsa = null!;
    private HttpClient _http = null!;
    private BotFrameworkTokenValidator _validator = null!;
    private string _header = "";

    [GlobalSetup]
    public void Setup()
    {
        _rsa = RSA.Create(2048);
        const string kid = "bench-key";
        var parameters = _rsa.ExportParameters(includePrivateParameters: false);
        var jwks = new JsonObject
        {
            ["keys"] = new JsonArray(new JsonObject
            {
                ["kty"] = "RSA",
                ["use"] = "sig",
                ["kid"] = kid,
                ["n"] = Base64UrlEncoder.Encode(parameters.Modulus),
                ["e"] = Base64UrlEncoder.Encode(parameters.Exponent),
                ["endorsements"] = new JsonArray("msteams"),
            }),
        };
        var metadata = new JsonObject
        {
            ["issuer"] = TeamsOptions.BotFrameworkIssuer,
            ["jwks_uri"] = "https://login.botframework.test/v1/keys",
            ["id_token_signing_alg_values_supported"] = new JsonArray("RS256"),
        };
        _http = new HttpClient(new Documents(new Dictionary<string, string>
        {
            [MetadataUrl] = metadata.ToJsonString(),
            ["https://login.botframework.test/v1/keys"] = jwks.ToJsonString(),
        }));
        var options = Options.Create(new TeamsOptions { AppId = AppId, AppPassword = "bench", OpenIdMetadataUrl = MetadataUrl });
        _validator = new BotFrameworkTokenValidator(options, _http, TimeProvider.System, NullLogger<BotFrameworkTokenValidator>.Instance);

        var now = DateTimeOffset.UtcNow;
        var payload = new JsonObject
        {
            ["iss"] = TeamsOptions.BotFrameworkIssuer,
            ["aud"] = AppId,
            ["serviceurl"] = ServiceUrl,
            ["iat"] = now.ToUnixTimeSeconds(),
            ["nbf"] = now.AddMinutes(-1).ToUnixTimeSeconds(),
            ["exp"] = now.AddHours(1).ToUnixTimeSeconds(),
        };
        var handler = new JsonWebTokenHandler { SetDefaultTimesOnTokenCreation = false };
        _header = "Bearer " + handler.CreateToken(payload.ToJsonString(), new SigningCredentials(new RsaSecurityKey(_rsa) { KeyId = kid }, SecurityAlgorithms.RsaSha256));

        // The first validation fetches and caches the keys; the benchmark then finds them cached.
        var first = _validator.ValidateAsync(_header, "msteams", ServiceUrl, CancellationToken.None).GetAwaiter().GetResult();
        if (!first.IsValid)
        {
            throw new InvalidOperationException($"The benchmark's token is refused: {first.Reason}");
        }
    }

    [GlobalCleanup]
    public void Dispose()
    {
        _validator?.Dispose();
        _http?.Dispose();
        _rsa?.Dispose();
        GC.SuppressFinalize(this);
    }

    [Benchmark]
    public async Task<bool> ValidateWithCachedKeys() => (await _validator.ValidateAsync(_header, "msteams", ServiceUrl, CancellationToken.None)).IsValid;

    /// <summary>Answers GETs of the given URLs with their JSON, and counts nothing else: no socket is opened.</summary>
    private sealed class Documents(Dictionary<string, string> documents) : HttpMessageHandler
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken) =>
            Task.FromResult(documents.TryGetValue(request.RequestUri!.ToString(), out var json)
                ? new HttpResponseMessage(HttpStatusCode.OK) { Content = new StringContent(json, Encoding.UTF8, "application/json") }
                : new HttpResponseMessage(HttpStatusCode.NotFound));
    }
}

/// <summary>Adaptive Card rendering of the same incident-like cards as <see cref="RenderBenchmarks"/> renders as Block Kit.</summary>
[MemoryDiagnoser]
public class AdaptiveCardBenchmarks
{
    private Card _card = null!;

    [Params(6, 60, 600)]
    public int Fields { get; set; }

    [GlobalSetup]
    public void Setup() => _card = RenderBenchmarks.IncidentCard(Fields);

    [Benchmark]
    public int AdaptiveCard() => TeamsAdaptiveCardRenderer.RenderAttachment(_card).Count;
}
