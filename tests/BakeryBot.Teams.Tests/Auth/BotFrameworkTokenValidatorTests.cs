using BakeryBot.Teams.Auth;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace BakeryBot.Teams.Tests.Auth;

/// <summary>protocols.md §9 and §14, quality.md "Security": every rule has a negative test.</summary>
public sealed class BotFrameworkTokenValidatorTests : IAsyncLifetime
{
    /// <summary>Far from the real clock, so a validator that ignored the injected TimeProvider would fail.</summary>
    public static readonly DateTimeOffset Start = new(2031, 3, 14, 9, 0, 0, TimeSpan.Zero);

    private const string ServiceUrl = FakeBotFrameworkAuthority.DefaultServiceUrl;
    private const string Channel = FakeBotFrameworkAuthority.TeamsChannel;

    private readonly FakeTimeProvider _time = new(Start);
    private readonly HttpClient _http = new();
    private FakeBotFrameworkAuthority _authority = null!;
    private BotFrameworkTokenValidator _validator = null!;

    public async Task InitializeAsync()
    {
        _authority = await FakeBotFrameworkAuthority.StartAsync(_time);
        _validator = CreateValidator(_authority.CreateOptions(), _http);
    }

    public async Task DisposeAsync()
    {
        _validator.Dispose();
        _http.Dispose();
        await _authority.DisposeAsync();
    }

    [Fact]
    public async Task A_valid_token_passes()
    {
        var check = await ValidateAsync(_authority.AuthorizationHeader());

        Assert.Equal(new TokenCheck(true, "ok"), check);
        Assert.Equal(1, _authority.JwksFetches);
    }

    public static TheoryData<string, FakeToken, string> Refused() => new()
    {
        { "expired beyond skew", FakeToken.Valid with { NotBefore = Start.AddHours(-2), Expires = Start.AddMinutes(-5).AddSeconds(-1) }, "token expired" },
        { "not yet valid beyond skew", FakeToken.Valid with { NotBefore = Start.AddMinutes(5).AddSeconds(1) }, "token not yet valid" },
        { "wrong audience", FakeToken.Valid with { Audience = "2a3b4c5d-0000-4000-8000-000000000000" }, "wrong audience" },
        { "wrong issuer", FakeToken.Valid with { Issuer = "https://sts.windows.net/d6d49420-f39b-4df7-a1dc-d59a935871db/" }, "wrong issuer" },
        { "issuer differs in case", FakeToken.Valid with { Issuer = "https://API.botframework.com" }, "wrong issuer" },
        { "no issuer", FakeToken.Valid with { Issuer = null }, "wrong issuer" },
        { "alg none", FakeToken.Valid with { Signing = FakeSigning.None }, "signing algorithm not allowed" },
        { "HS256 under a published kid", FakeToken.Valid with { Signing = FakeSigning.Hs256 }, "signing algorithm not allowed" },
        { "no exp", FakeToken.Valid with { OmitExpires = true }, "token has no exp" },
        { "serviceurl of another host", FakeToken.Valid with { ServiceUrl = "https://attacker.example/amer/" }, "serviceurl claim mismatch" },
        { "serviceurl of another path", FakeToken.Valid with { ServiceUrl = "https://smba.trafficmanager.net/emea/" }, "serviceurl claim mismatch" },
        { "no serviceurl claim", FakeToken.Valid with { ServiceUrl = null }, "missing serviceurl claim" },
        { "serviceurl claim not a string", FakeToken.Valid with { ServiceUrl = null, ExtraClaims = new Dictionary<string, object> { ["serviceurl"] = 42 } }, "missing serviceurl claim" },
        { "published kid, unknown key", FakeToken.Valid with { Signing = FakeSigning.UnknownKey, KeyId = "PUBLISHED" }, "bad signature" },
        { "no kid", FakeToken.Valid with { Signing = FakeSigning.UnknownKey, KeyId = "" }, "token has no kid" },
    };

    [Theory]
    [MemberData(nameof(Refused))]
    public async Task Tokens_breaking_a_rule_are_refused(string why, FakeToken token, string reason)
    {
        var jwt = _authority.MintToken(token.KeyId == "PUBLISHED" ? token with { KeyId = _authority.CurrentKeyId } : token);

        var check = await ValidateAsync("Bearer " + jwt);

        Assert.False(check.IsValid, why);
        Assert.Equal(reason, check.Reason); // a fixed phrase: never the token
    }

    public static TheoryData<string, FakeToken> WithinSkew() => new()
    {
        { "expired 4:59 ago", FakeToken.Valid with { NotBefore = Start.AddHours(-2), Expires = Start.AddMinutes(-4).AddSeconds(-59) } },
        { "valid in 4:59", FakeToken.Valid with { NotBefore = Start.AddMinutes(4).AddSeconds(59) } },
        { "no nbf", FakeToken.Valid with { OmitNotBefore = true } },
        { "serviceurl without trailing slash, other case", FakeToken.Valid with { ServiceUrl = "https://SMBA.trafficmanager.net/AMER" } },
    };

    [Theory]
    [MemberData(nameof(WithinSkew))]
    public async Task Tokens_within_the_rules_pass(string why, FakeToken token)
    {
        var check = await ValidateAsync(_authority.AuthorizationHeader(token));

        Assert.True(check.IsValid, $"{why}: {check.Reason}");
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("Bearer")]
    [InlineData("Bearer ")]
    [InlineData("Bearer    ")]
    [InlineData("Basic dXNlcjpwYXNz")]
    [InlineData("bearer VALID")]
    [InlineData("BEARER VALID")]
    [InlineData("VALID")]
    public async Task The_scheme_must_be_exactly_Bearer(string? header)
    {
        var check = await ValidateAsync(header?.Replace("VALID", _authority.MintToken(), StringComparison.Ordinal));

        Assert.Equal(new TokenCheck(false, "missing Bearer token"), check);
    }

    [Theory]
    [InlineData("Bearer not-a-jwt")]
    [InlineData("Bearer a.b.c")]
    [InlineData("Bearer ...")]
    [InlineData("Bearer eyJhbGciOiJSUzI1NiJ9.e30")]
    [InlineData("Bearer eyJhbGciOiJSUzI1NiJ9.%%%%.abc")]
    public async Task Garbage_tokens_are_refused(string header)
    {
        var check = await ValidateAsync(header);

        Assert.False(check.IsValid);
        Assert.Equal(0, _authority.JwksFetches);
    }

    [Fact]
    public async Task An_unknown_kid_triggers_one_refresh_and_stays_refused()
    {
        Assert.True((await ValidateAsync(_authority.AuthorizationHeader())).IsValid);

        var check = await ValidateAsync(_authority.AuthorizationHeader(FakeToken.Valid with { Signing = FakeSigning.UnknownKey }));

        Assert.Equal(new TokenCheck(false, "unknown signing key"), check);
        Assert.Equal(2, _authority.JwksFetches);
    }

    [Fact]
    public async Task A_key_endorsed_for_other_channels_is_refused()
    {
        var kid = _authority.AddKey(["webchat", "directline"]);

        var check = await ValidateAsync(_authority.AuthorizationHeader(FakeToken.Valid with { KeyId = kid }));

        Assert.Equal(new TokenCheck(false, "signing key is not endorsed for the channel"), check);
    }

    [Fact]
    public async Task A_key_without_endorsements_is_refused()
    {
        var kid = _authority.AddKey(null);

        var check = await ValidateAsync(_authority.AuthorizationHeader(FakeToken.Valid with { KeyId = kid }));

        Assert.Equal(new TokenCheck(false, "signing key has no endorsements"), check);
    }

    [Theory]
    [InlineData("webchat", "signing key is not endorsed for the channel")]
    [InlineData("MSTEAMS", "signing key is not endorsed for the channel")]
    [InlineData("", "activity has no channelId")]
    [InlineData(null, "activity has no channelId")]
    public async Task The_activity_channel_must_be_endorsed(string? channelId, string reason)
    {
        var check = await _validator.ValidateAsync(_authority.AuthorizationHeader(), channelId, ServiceUrl, CancellationToken.None);

        Assert.Equal(new TokenCheck(false, reason), check);
    }

    [Theory]
    [InlineData("")]
    [InlineData(null)]
    public async Task An_activity_without_serviceUrl_is_refused(string? serviceUrl)
    {
        var check = await _validator.ValidateAsync(_authority.AuthorizationHeader(), Channel, serviceUrl, CancellationToken.None);

        Assert.Equal(new TokenCheck(false, "activity has no serviceUrl"), check);
    }

    [Fact]
    public async Task A_rotated_key_is_picked_up_with_one_extra_fetch()
    {
        var oldToken = _authority.AuthorizationHeader();
        Assert.True((await ValidateAsync(oldToken)).IsValid);

        _authority.Rotate();
        var check = await ValidateAsync(_authority.AuthorizationHeader());

        Assert.True(check.IsValid, check.Reason);
        Assert.True((await ValidateAsync(oldToken)).IsValid);
        Assert.Equal(2, _authority.JwksFetches);
    }

    [Fact]
    public async Task A_flood_of_unknown_kids_refreshes_at_most_once_per_five_minutes()
    {
        Assert.True((await ValidateAsync(_authority.AuthorizationHeader())).IsValid);
        var flood = Enumerable.Range(0, 40).Select(_ => _authority.AuthorizationHeader(FakeToken.Valid with { Signing = FakeSigning.UnknownKey })).ToList();

        var checks = await Task.WhenAll(flood.Select(ValidateAsync));

        Assert.All(checks, c => Assert.Equal(new TokenCheck(false, "unknown signing key"), c));
        Assert.Equal(2, _authority.JwksFetches);

        // A real rotation inside the window waits for it (the price of the throttle)…
        _authority.Rotate();
        var rotated = _authority.AuthorizationHeader();
        _time.Advance(TimeSpan.FromMinutes(5) - TimeSpan.FromSeconds(1));
        Assert.Equal(new TokenCheck(false, "unknown signing key"), await ValidateAsync(rotated));
        Assert.Equal(2, _authority.JwksFetches);

        // …and is picked up once the window has passed.
        _time.Advance(TimeSpan.FromSeconds(1));
        Assert.True((await ValidateAsync(rotated)).IsValid);
        Assert.Equal(3, _authority.JwksFetches);
    }

    [Fact]
    public async Task Keys_that_cannot_be_fetched_make_every_token_invalid_until_they_can()
    {
        _authority.KeysUnavailable = true;

        Assert.Equal(new TokenCheck(false, "signing keys unavailable"), await ValidateAsync(_authority.AuthorizationHeader()));

        _authority.KeysUnavailable = false;
        _time.Advance(TimeSpan.FromSeconds(30));
        Assert.True((await ValidateAsync(_authority.AuthorizationHeader())).IsValid);
    }

    [Fact]
    public async Task Stale_keys_are_kept_when_the_daily_refresh_fails()
    {
        Assert.True((await ValidateAsync(_authority.AuthorizationHeader())).IsValid);
        _authority.KeysUnavailable = true;
        _time.Advance(TimeSpan.FromHours(25));

        var check = await ValidateAsync(_authority.AuthorizationHeader());

        Assert.True(check.IsValid, check.Reason);
        Assert.True(_authority.MetadataFetches > 1, "the daily refresh was not attempted");
    }

    [Theory]
    [InlineData("http://example.invalid/v1/.well-known/openidconfiguration")]
    [InlineData("http://10.0.0.7/v1/.well-known/openidconfiguration")]
    [InlineData("http://127.0.0.1.nip.io/v1/.well-known/openidconfiguration")]
    [InlineData("ftp://127.0.0.1/openidconfiguration")]
    [InlineData("not a url")]
    public async Task Plain_http_metadata_off_loopback_is_refused_without_a_request(string metadataUrl)
    {
        using var handler = new CountingHandler();
        using var http = new HttpClient(handler);
        var options = _authority.CreateOptions();
        options.OpenIdMetadataUrl = metadataUrl;
        using var validator = CreateValidator(options, http);

        var check = await validator.ValidateAsync(_authority.AuthorizationHeader(), Channel, ServiceUrl, CancellationToken.None);

        Assert.False(check.IsValid);
        Assert.StartsWith("Teams:OpenIdMetadataUrl is unusable", check.Reason, StringComparison.Ordinal);
        Assert.Equal(0, handler.Calls);
    }

    [Theory]
    [InlineData("http://127.0.0.1/", true)]
    [InlineData("http://127.8.9.10:5000/x", true)]
    [InlineData("http://[::1]:8080/", true)]
    [InlineData("http://localhost/", true)]
    [InlineData("http://LocalHost:81/", true)]
    [InlineData("http://128.0.0.1/", false)]
    [InlineData("http://localhost.example.com/", false)]
    [InlineData("http://[::2]/", false)]
    public void Loopback_is_127_slash_8_ipv6_loopback_and_localhost(string url, bool loopback) =>
        Assert.Equal(loopback, TrustedEndpoint.IsLoopback(new Uri(url)));

    [Fact]
    public async Task Without_an_app_id_nothing_is_accepted()
    {
        var options = _authority.CreateOptions();
        options.AppId = "";
        using var validator = CreateValidator(options, _http);

        var check = await validator.ValidateAsync(_authority.AuthorizationHeader(FakeToken.Valid with { Audience = "" }), Channel, ServiceUrl, CancellationToken.None);

        Assert.False(check.IsValid);
    }

    private Task<TokenCheck> ValidateAsync(string? header) => _validator.ValidateAsync(header, Channel, ServiceUrl, CancellationToken.None);

    private BotFrameworkTokenValidator CreateValidator(TeamsOptions options, HttpClient http) =>
        new(Options.Create(options), http, _time, NullLogger<BotFrameworkTokenValidator>.Instance);

    private sealed class CountingHandler : HttpMessageHandler
    {
        public int Calls { get; private set; }

        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            Calls++;
            return Task.FromResult(new HttpResponseMessage(System.Net.HttpStatusCode.NotFound));
        }
    }
}
