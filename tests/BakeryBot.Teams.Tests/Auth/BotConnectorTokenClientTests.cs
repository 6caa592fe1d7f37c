using System.Net;
using System.Text;
using BakeryBot.Teams.Auth;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace BakeryBot.Teams.Tests.Auth;

/// <summary>protocols.md §10: the outbound client-credentials token, cached until 5 minutes before expiry.</summary>
public sealed class BotConnectorTokenClientTests : IAsyncLifetime
{
    private readonly FakeTimeProvider _time = new(BotFrameworkTokenValidatorTests.Start);
    private readonly HttpClient _http = new();
    private FakeBotFrameworkAuthority _authority = null!;

    public async Task InitializeAsync() => _authority = await FakeBotFrameworkAuthority.StartAsync(_time);

    public async Task DisposeAsync()
    {
        _http.Dispose();
        await _authority.DisposeAsync();
    }

    [Fact]
    public async Task The_token_is_fetched_once_and_cached()
    {
        using var client = Create(_authority.CreateOptions());

        var first = await client.GetTokenAsync(CancellationToken.None);
        var second = await client.GetTokenAsync(CancellationToken.None);

        Assert.Equal(_authority.IssuedAccessTokens.Single(), first);
        Assert.Equal(first, second);
        Assert.Equal(1, _authority.TokenRequests);
    }

    [Fact]
    public async Task The_token_is_refreshed_five_minutes_before_it_expires()
    {
        using var client = Create(_authority.CreateOptions());
        var first = await client.GetTokenAsync(CancellationToken.None);

        _time.Advance(TimeSpan.FromMinutes(55) - TimeSpan.FromSeconds(1));
        Assert.Equal(first, await client.GetTokenAsync(CancellationToken.None));
        Assert.Equal(1, _authority.TokenRequests);

        _time.Advance(TimeSpan.FromSeconds(1));
        var second = await client.GetTokenAsync(CancellationToken.None);

        Assert.NotEqual(first, second);
        Assert.Equal(2, _authority.TokenRequests);
    }

    [Fact]
    public async Task A_short_lived_token_is_refreshed_at_half_life()
    {
        _authority.AccessTokenExpiresIn = 120;
        using var client = Create(_authority.CreateOptions());
        await client.GetTokenAsync(CancellationToken.None);

        _time.Advance(TimeSpan.FromSeconds(59));
        await client.GetTokenAsync(CancellationToken.None);
        _time.Advance(TimeSpan.FromSeconds(1));
        await client.GetTokenAsync(CancellationToken.None);

        Assert.Equal(2, _authority.TokenRequests);
    }

    [Fact]
    public async Task Concurrent_callers_share_one_request()
    {
        _authority.TokenDelay = TimeSpan.FromMilliseconds(300);
        using var client = Create(_authority.CreateOptions());

        var tokens = await Task.WhenAll(Enumerable.Range(0, 25).Select(_ => Task.Run(() => client.GetTokenAsync(CancellationToken.None))));

        Assert.Single(tokens.Distinct());
        Assert.Equal(1, _authority.TokenRequests);
    }

    [Fact]
    public async Task Invalidate_drops_the_cached_token()
    {
        using var client = Create(_authority.CreateOptions());
        var first = await client.GetTokenAsync(CancellationToken.None);

        client.Invalidate();
        var second = await client.GetTokenAsync(CancellationToken.None);

        Assert.NotEqual(first, second);
        Assert.Equal(2, _authority.TokenRequests);
    }

    [Fact]
    public async Task A_refusal_names_the_endpoint_and_status_but_never_the_secret()
    {
        var options = _authority.CreateOptions();
        options.AppPassword = "wrong-secret-Zx8~do-not-log";
        using var client = Create(options);

        var ex = await Assert.ThrowsAsync<BotConnectorAuthException>(() => client.GetTokenAsync(CancellationToken.None));

        Assert.Equal($"Bot Connector token request to {_authority.TokenEndpoint} failed: HTTP 401 (invalid_client)", ex.Message);
        Assert.Equal(HttpStatusCode.Unauthorized, ex.StatusCode);
        Assert.Equal("invalid_client", ex.Error);
        Assert.DoesNotContain(options.AppPassword, ex.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain(FakeBotFrameworkAuthority.DefaultAppPassword, ex.ToString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(HttpStatusCode.OK, "{\"token_type\":\"Bearer\",\"expires_in\":3600}", "HTTP 200 without access_token and expires_in")]
    [InlineData(HttpStatusCode.OK, "{\"access_token\":\"secret-token-123\"}", "HTTP 200 without access_token and expires_in")]
    [InlineData(HttpStatusCode.OK, "<html>secret-token-123</html>", "HTTP 200 without access_token and expires_in")]
    [InlineData(HttpStatusCode.BadGateway, "<html>Bad gateway</html>", "HTTP 502")]
    [InlineData(HttpStatusCode.BadRequest, "{\"error\":\"secret-token-123 is not a code!\"}", "HTTP 400")]
    public async Task Unusable_answers_throw_without_repeating_the_body(HttpStatusCode status, string body, string problem)
    {
        using var handler = new StubHandler(status, body);
        using var http = new HttpClient(handler);
        using var client = new BotConnectorTokenClient(http, Options.Create(_authority.CreateOptions()), _time);

        var ex = await Assert.ThrowsAsync<BotConnectorAuthException>(() => client.GetTokenAsync(CancellationToken.None));

        Assert.Equal($"Bot Connector token request to {_authority.TokenEndpoint} failed: {problem}", ex.Message);
        Assert.DoesNotContain("secret-token-123", ex.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Expires_in_as_a_string_is_understood()
    {
        using var handler = new StubHandler(HttpStatusCode.OK, "{\"token_type\":\"Bearer\",\"expires_in\":\"3599\",\"access_token\":\"abc\"}");
        using var http = new HttpClient(handler);
        using var client = new BotConnectorTokenClient(http, Options.Create(_authority.CreateOptions()), _time);

        Assert.Equal("abc", await client.GetTokenAsync(CancellationToken.None));
        Assert.Equal("abc", await client.GetTokenAsync(CancellationToken.None));
        Assert.Equal(1, handler.Calls);
    }

    [Theory]
    [InlineData("http://login.example.invalid/tenant/oauth2/v2.0/token")]
    [InlineData("not a url")]
    public async Task The_secret_never_goes_over_plain_http_off_loopback(string endpoint)
    {
        using var handler = new StubHandler(HttpStatusCode.OK, "{}");
        using var http = new HttpClient(handler);
        var options = _authority.CreateOptions();
        options.TokenEndpoint = endpoint;
        using var client = new BotConnectorTokenClient(http, Options.Create(options), _time);

        var ex = await Assert.ThrowsAsync<BotConnectorAuthException>(() => client.GetTokenAsync(CancellationToken.None));

        Assert.Contains("Teams:TokenEndpoint is unusable", ex.Message, StringComparison.Ordinal);
        Assert.Equal(0, handler.Calls);
    }

    [Fact]
    public async Task An_unreachable_endpoint_throws_the_typed_exception()
    {
        var options = _authority.CreateOptions();
        options.TokenEndpoint = "http://127.0.0.1:1/token";
        using var client = Create(options);

        var ex = await Assert.ThrowsAsync<BotConnectorAuthException>(() => client.GetTokenAsync(CancellationToken.None));

        Assert.Equal("Bot Connector token request to http://127.0.0.1:1/token failed: no answer", ex.Message);
    }

    private BotConnectorTokenClient Create(TeamsOptions options) => new(_http, Options.Create(options), _time);

    private sealed class StubHandler(HttpStatusCode status, string body) : HttpMessageHandler
    {
        private int _calls;

        public int Calls => Volatile.Read(ref _calls);

        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            Interlocked.Increment(ref _calls);
            return Task.FromResult(new HttpResponseMessage(status) { Content = new StringContent(body, Encoding.UTF8, "application/json") });
        }
    }
}
