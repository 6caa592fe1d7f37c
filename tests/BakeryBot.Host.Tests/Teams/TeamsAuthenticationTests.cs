using System.Net;
using BakeryBot.Host.Tests.Infrastructure;
using BakeryBot.Teams.Tests.Auth;
using Microsoft.EntityFrameworkCore;

namespace BakeryBot.Host.Tests.Teams;

/// <summary>quality.md's Teams bars through the real HTTP pipeline: every forgery is a 401 and changes nothing.</summary>
public sealed class TeamsAuthenticationTests : IAsyncLifetime
{
    private TeamsTestBed _bed = null!;

    public async Task InitializeAsync() => _bed = await TeamsTestBed.StartAsync();

    public async Task DisposeAsync() => await _bed.DisposeAsync();

    public static TheoryData<string> Forgeries() =>
    [
        "expired", "not yet valid", "other audience", "other issuer", "unknown key", "alg none", "hmac", "no exp",
        "other serviceUrl", "no serviceUrl", "key not endorsed for msteams", "no authorization", "not bearer",
    ];

    [Theory]
    [MemberData(nameof(Forgeries))]
    public async Task Forged_tokens_are_refused_with_401_and_change_nothing(string forgery)
    {
        var now = DateTimeOffset.UtcNow;
        var valid = FakeToken.Valid with { ServiceUrl = _bed.Connector.ServiceUrl };
        var authorization = forgery switch
        {
            "expired" => _bed.Authority.AuthorizationHeader(valid with { NotBefore = now.AddHours(-2), Expires = now.AddMinutes(-6) }),
            "not yet valid" => _bed.Authority.AuthorizationHeader(valid with { NotBefore = now.AddMinutes(6), Expires = now.AddHours(1) }),
            "other audience" => _bed.Authority.AuthorizationHeader(valid with { Audience = Guid.NewGuid().ToString() }),
            "other issuer" => _bed.Authority.AuthorizationHeader(valid with { Issuer = "https://sts.windows.net/evil/" }),
            "unknown key" => _bed.Authority.AuthorizationHeader(valid with { Signing = FakeSigning.UnknownKey }),
            "alg none" => _bed.Authority.AuthorizationHeader(valid with { Signing = FakeSigning.None }),
            "hmac" => _bed.Authority.AuthorizationHeader(valid with { Signing = FakeSigning.Hs256 }),
            "no exp" => _bed.Authority.AuthorizationHeader(valid with { OmitExpires = true }),
            "other serviceUrl" => _bed.Authority.AuthorizationHeader(valid with { ServiceUrl = "https://smba.trafficmanager.net/evil/" }),
            "no serviceUrl" => _bed.Authority.AuthorizationHeader(valid with { ServiceUrl = null }),
            "key not endorsed for msteams" => _bed.Authority.AuthorizationHeader(valid with { KeyId = _bed.Authority.AddKey(["skype"]) }),
            "no authorization" => "",
            _ => "Basic " + Convert.ToBase64String("bot:password"u8.ToArray()),
        };

        var response = authorization.Length == 0
            ? await _bed.Http.PostAsync("/api/messages", new StringContent(_bed.Message("incident forged sev1").ToJsonString(), System.Text.Encoding.UTF8, "application/json"))
            : await _bed.SendAsync(_bed.Message("incident forged sev1"), authorization);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal(0, await _bed.Bot.QueryAsync(db => db.Incidents.CountAsync()));
        Assert.Empty(_bed.Connector.Calls);
    }

    [Fact]
    public async Task A_valid_activity_is_accepted_and_a_rotated_signing_key_is_picked_up()
    {
        var ok = await _bed.SendAsync(_bed.Message("incident first sev3"));
        var fetches = _bed.Authority.JwksFetches;
        _bed.Authority.Rotate();

        var rotated = await _bed.SendAsync(_bed.Message("incident after rotation sev3"));

        Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
        Assert.Equal(HttpStatusCode.OK, rotated.StatusCode);
        Assert.Equal(fetches + 1, _bed.Authority.JwksFetches);
        Assert.Equal(2, await _bed.Bot.QueryAsync(db => db.Incidents.CountAsync()));
    }
}
