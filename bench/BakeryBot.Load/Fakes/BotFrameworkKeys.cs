using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace BakeryBot.Load.Fakes;

/// <summary>
/// The Bot Framework side of inbound Teams authentication (protocols.md §9): one RSA key endorsed for
/// <c>msteams</c>, published as a JWKS, and the RS256 tokens the Bot Connector would send with activities.
/// </summary>
public sealed class BotFrameworkKeys(string appId) : IDisposable
{
    public const string AppPassword = "load-app-password";

    /// <summary>Bot Framework: the issuer of the tokens the Bot Connector sends to bots.</summary>
    public const string Issuer = "https://api.botframework.com";

    private readonly RSA _rsa = RSA.Create(2048);
    private readonly string _kid = $"load-{Guid.NewGuid():N}";

    public string AppId => appId;

    public string Metadata(string jwksUri) => JsonSerializer.Serialize(new Dictionary<string, object>
    {
        ["issuer"] = Issuer,
        ["jwks_uri"] = jwksUri,
        ["id_token_signing_alg_values_supported"] = new[] { "RS256" },
    });

    public string Jwks()
    {
        var key = _rsa.ExportParameters(includePrivateParameters: false);
        return JsonSerializer.Serialize(new
        {
            keys = new[]
            {
                new { kty = "RSA", use = "sig", kid = _kid, n = Base64Url(key.Modulus!), e = Base64Url(key.Exponent!), endorsements = new[] { "msteams" } },
            },
        });
    }

    /// <summary>A token for activities from <paramref name="serviceUrl"/>, valid for <paramref name="lifetime"/> (one serves many activities, as Bot Framework's do).</summary>
    public string MintToken(string serviceUrl, TimeSpan lifetime)
    {
        var now = DateTimeOffset.UtcNow;
        var header = JsonSerializer.Serialize(new { alg = "RS256", typ = "JWT", kid = _kid });
        var payload = JsonSerializer.Serialize(new Dictionary<string, object>
        {
            ["iss"] = Issuer,
            ["aud"] = appId,
            ["serviceurl"] = serviceUrl,
            ["iat"] = now.ToUnixTimeSeconds(),
            ["nbf"] = now.AddMinutes(-1).ToUnixTimeSeconds(),
            ["exp"] = (now + lifetime).ToUnixTimeSeconds(),
        });
        var signed = $"{Base64Url(Encoding.UTF8.GetBytes(header))}.{Base64Url(Encoding.UTF8.GetBytes(payload))}";
        var signature = _rsa.SignData(Encoding.ASCII.GetBytes(signed), HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        return $"{signed}.{Base64Url(signature)}";
    }

    private static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    public void Dispose() => _rsa.Dispose();
}
