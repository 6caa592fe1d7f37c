using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using BakeryBot.Core.Tests.Infrastructure;
using BakeryBot.Host.Tests.Infrastructure;
using BakeryBot.Slack;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace BakeryBot.Host.Tests.Slack;

/// <summary>quality.md's Slack security and bad-input bars, through the real HTTP pipeline.</summary>
public sealed class SlackRequestSecurityTests : IAsyncLifetime
{
    private FakeSlack _slack = null!;
    private BotFactory _bot = null!;
    private HttpClient _http = null!;

    public async Task InitializeAsync()
    {
        _slack = await FakeSlack.StartAsync();
        _bot = await BotFactory.CreateAsync(DbProvider.Sqlite, _slack);
        _http = _bot.CreateClient();
        await _http.SendAsync(BotFactory.Signed("/slack/commands", _bot.CommandBody("incident", "existing sev3")));
        // The person's profile arrives after the answer (and is audited): wait for it before comparing snapshots.
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (await _bot.QueryAsync(db => db.People.AnyAsync(p => p.TimeZone == "UTC")) && DateTime.UtcNow < deadline)
        {
            await Task.Delay(20);
        }
    }

    public async Task DisposeAsync()
    {
        _http.Dispose();
        await _bot.DisposeAsync();
        await _slack.DisposeAsync();
    }

    [Fact]
    public async Task The_published_signature_example_verifies_with_the_clock_at_its_timestamp()
    {
        // Slack's documented example: secret, timestamp, body and expected signature (protocols.md §1).
        const string body = "token=xyzz0WbapA4vBCDEFasx0q6G&team_id=T1DC2JH3J&team_domain=testteamnow&channel_id=G8PSS9T3V&channel_name=foobar&user_id=U2CERLKJA&user_name=roadrunner&command=%2Fwebhook-collect&text=&response_url=https%3A%2F%2Fhooks.slack.com%2Fcommands%2FT1DC2JH3J%2F397700885554%2F96rGlfmibIGlgcZRskXaIFfN&trigger_id=398738663015.47445629121.803a0bc887a14d10d2c447fce8b6703c";
        var clock = new FakeTimeProvider(DateTimeOffset.FromUnixTimeSeconds(1531420618));
        await using var bot = await BotFactory.CreateAsync(
            DbProvider.Sqlite,
            _slack,
            new() { ["Slack:SigningSecret"] = "8f742231b10e8888abcd99yyyzzz85a5" },
            services => services.AddSingleton<TimeProvider>(clock));
        using var http = bot.CreateClient();
        using var request = new HttpRequestMessage(HttpMethod.Post, "/slack/commands") { Content = new StringContent(body, Encoding.UTF8, "application/x-www-form-urlencoded") };
        request.Headers.Add("X-Slack-Request-Timestamp", "1531420618");
        request.Headers.Add("X-Slack-Signature", "v0=a2114d57b48eac39b9ad189dd8316235a7b4a8d21a10bd27519666489c69b503");

        var response = await http.SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("`/webhook-collect` is not a command I know", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    public static TheoryData<string> Forgeries() => ["stale", "future", "wrong secret", "changed body", "no timestamp", "no signature", "v1", "replay", "unsigned interaction"];

    [Theory]
    [MemberData(nameof(Forgeries))]
    public async Task Forged_stale_or_replayed_requests_are_refused_with_401_and_change_nothing(string forgery)
    {
        var body = _bot.CommandBody("incident", "forged sev1");
        var request = forgery switch
        {
            "stale" => BotFactory.Signed("/slack/commands", body, DateTimeOffset.UtcNow.AddSeconds(-301)),
            "future" => BotFactory.Signed("/slack/commands", body, DateTimeOffset.UtcNow.AddSeconds(301)),
            "wrong secret" => BotFactory.Signed("/slack/commands", body, secret: "not-the-secret"),
            "changed body" => Tamper(BotFactory.Signed("/slack/commands", body), body.Replace("sev1", "sev2", StringComparison.Ordinal)),
            "no timestamp" => Without(BotFactory.Signed("/slack/commands", body), "X-Slack-Request-Timestamp"),
            "no signature" => Without(BotFactory.Signed("/slack/commands", body), "X-Slack-Signature"),
            "v1" => Version1(BotFactory.Signed("/slack/commands", body)),
            "unsigned interaction" => new HttpRequestMessage(HttpMethod.Post, "/slack/interactions") { Content = new StringContent(Payloads.ButtonClick(_slack, "incident.resolve", "INC-1", "1.1"), Encoding.UTF8, "application/x-www-form-urlencoded") },
            _ => await ReplayAsync(body),
        };
        var before = await SnapshotAsync(); // (after the original of a replay went through)

        var response = await _http.SendAsync(request);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal(before, await SnapshotAsync());
    }

    [Theory]
    [InlineData("frobnicate", "now", "is not a command I know")]
    [InlineData("incident", "teleport INC-1 now", "is not something `/incident` can do")]
    [InlineData("incident", "resovle INC-1", "looks like a typo for `resolve`")]
    [InlineData("incident", "ack INC-404", "There is no INC-404")]
    [InlineData("incident", "list since:eventually", "is not a duration")]
    [InlineData("incident", "resolve", "Which one?")]
    [InlineData("cmdb", "add gizmo x", "is not a CI type")]
    public async Task Wrong_commands_get_a_private_message_that_says_what_was_wrong(string command, string text, string expected)
    {
        var before = await SnapshotAsync();

        var response = await _http.SendAsync(BotFactory.Signed("/slack/commands", _bot.CommandBody(command, text)));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var answer = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
        Assert.Equal("ephemeral", answer["response_type"]!.GetValue<string>());
        Assert.Contains(expected, answer["text"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal(before, await SnapshotAsync());
    }

    [Theory]
    [InlineData("/slack/commands", "team_id=T1&&&%%%=", HttpStatusCode.BadRequest)]
    [InlineData("/slack/commands", "", HttpStatusCode.BadRequest)]
    [InlineData("/slack/interactions", "payload=%7Bnot%20json", HttpStatusCode.BadRequest)]
    [InlineData("/slack/interactions", "payload=", HttpStatusCode.BadRequest)]
    [InlineData("/slack/interactions", "nothing=here", HttpStatusCode.BadRequest)]
    public async Task Malformed_bodies_are_4xx_and_change_nothing(string path, string body, HttpStatusCode expected)
    {
        var before = await SnapshotAsync();

        var response = await _http.SendAsync(BotFactory.Signed(path, body));

        Assert.Equal(expected, response.StatusCode);
        Assert.Equal(before, await SnapshotAsync());
    }

    [Fact]
    public async Task Deep_json_in_an_interaction_is_refused_without_a_500()
    {
        var deep = new string('[', 5000) + new string(']', 5000);
        var response = await _http.SendAsync(BotFactory.Signed("/slack/interactions", BotFactory.Form(new() { ["payload"] = deep })));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
    }

    [Fact]
    public async Task An_oversized_body_is_refused_with_413_before_anything_is_parsed()
    {
        var before = await SnapshotAsync();
        var body = _bot.CommandBody("incident", new string('x', 2 * 1024 * 1024));

        var response = await _http.SendAsync(BotFactory.Signed("/slack/commands", body));

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        Assert.Equal(before, await SnapshotAsync());
    }

    [Fact]
    public async Task A_command_text_longer_than_the_parser_takes_gets_a_message_not_a_500()
    {
        var response = await _http.SendAsync(BotFactory.Signed("/slack/commands", _bot.CommandBody("incident", new string('x', 5000))));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("at most 4000", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_known_delivery_sent_again_has_one_effect()
    {
        var body = _bot.CommandBody("incident", "retried sev2");

        var first = await _http.SendAsync(BotFactory.Signed("/slack/commands", body, DateTimeOffset.UtcNow));
        var again = await _http.SendAsync(BotFactory.Signed("/slack/commands", body, DateTimeOffset.UtcNow.AddSeconds(1)));

        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        Assert.Equal(HttpStatusCode.OK, again.StatusCode);
        Assert.Equal(1, await _bot.QueryAsync(db => db.Incidents.CountAsync(i => i.Title == "retried")));
    }

    [Fact]
    public async Task Ssl_checks_are_answered_and_ignored()
    {
        var response = await _http.SendAsync(BotFactory.Signed("/slack/commands", "ssl_check=1&token=x"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    private async Task<HttpRequestMessage> ReplayAsync(string body)
    {
        var original = BotFactory.Signed("/slack/commands", body);
        var replay = BotFactory.Signed("/slack/commands", body);
        replay.Headers.Remove("X-Slack-Request-Timestamp");
        replay.Headers.Remove("X-Slack-Signature");
        replay.Headers.Add("X-Slack-Request-Timestamp", original.Headers.GetValues("X-Slack-Request-Timestamp"));
        replay.Headers.Add("X-Slack-Signature", original.Headers.GetValues("X-Slack-Signature"));
        Assert.Equal(HttpStatusCode.OK, (await _http.SendAsync(original)).StatusCode);
        return replay;
    }

    private Task<string> SnapshotAsync() => _bot.QueryAsync(async db =>
        $"incidents={await db.Incidents.CountAsync()} audit={await db.AuditEntries.CountAsync()} outbox={await db.Outbox.CountAsync()} " +
        $"cis={await db.ConfigurationItems.CountAsync()} people={await db.People.CountAsync()} tenants={await db.Tenants.CountAsync()} " +
        $"deliveries={await db.InboundDeliveries.CountAsync()} cards={await db.PostedCards.CountAsync()} roles={await db.RoleAssignments.CountAsync()}");

    private static HttpRequestMessage Tamper(HttpRequestMessage request, string body)
    {
        request.Content = new StringContent(body, Encoding.UTF8, "application/x-www-form-urlencoded");
        return request;
    }

    private static HttpRequestMessage Without(HttpRequestMessage request, string header)
    {
        request.Headers.Remove(header);
        return request;
    }

    private static HttpRequestMessage Version1(HttpRequestMessage request)
    {
        var signature = request.Headers.GetValues("X-Slack-Signature").Single();
        request.Headers.Remove("X-Slack-Signature");
        request.Headers.Add("X-Slack-Signature", "v1=" + signature[3..]);
        return request;
    }
}
