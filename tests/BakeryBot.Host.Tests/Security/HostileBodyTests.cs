using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using BakeryBot.Core.Tests.Infrastructure;
using BakeryBot.Host.Tests.Infrastructure;
using BakeryBot.Teams.Tests.Auth;
using CsCheck;
using Microsoft.EntityFrameworkCore;

namespace BakeryBot.Host.Tests.Security;

/// <summary>
/// quality.md's bad-input bar at the door: every endpoint that reads a body (Slack's three, Teams'
/// activities with a valid token, both hooks with their token, the playground's API) given generated
/// oversized bodies, deep JSON and invalid UTF-8 answers with a status under 500, a 4xx says something,
/// and nothing is written.
/// </summary>
public abstract partial class HostileBodyTests(DbProvider provider)
{
    private enum Kind
    {
        Oversized,
        DeepJson,
        InvalidUtf8,
        Unstorable,
    }

    // Byte sequences that are not UTF-8: a stray continuation byte, bytes never used, a truncated
    // sequence, an overlong slash, an encoded surrogate and a code point past U+10FFFF.
    private static readonly byte[][] NotUtf8 = [[0x80], [0xFF], [0xFE, 0xFF], [0xC3], [0xC3, 0x28], [0xC0, 0xAF], [0xED, 0xA0, 0x80], [0xF4, 0x90, 0x80, 0x80], [0xE2, 0x82]];

    /// <summary>A hostile body of a kind, with its size: bytes past the limit, a nesting depth, or which bad bytes.</summary>
    private static Gen<(Kind Kind, int Size, byte[] Bad)> Case(Kind kind) =>
        Gen.Int[1, 64 * 1024].Select(Gen.Int[0, NotUtf8.Length - 1].Array[1, 4], (size, bad) => (kind, size, bad.SelectMany(i => NotUtf8[i]).ToArray()));

    /// <summary>Cases of each kind per endpoint: a handful, as each is a whole HTTP request (some of a megabyte).</summary>
    private const long Iterations = 3;

    [SkippableFact]
    public async Task Slack_endpoints_answer_hostile_bodies_below_500_and_write_nothing()
    {
        await using var bed = await TeamsTestBed.StartAsync(provider, withSlack: true);
        var bot = bed.Bot;
        var command = bot.CommandBody("incident", "hostile HOLE");
        var interaction = Payloads.ButtonClick(bed.Slack!, "incident.ack", "HOLE", "1.1");
        var events = Payloads.Mention("Ev0001", "<@U0BAKEBOT> incident HOLE", "U0BAKEBOT").ToJsonString();
        await AssertHostileAsync(bot, "/slack/commands", command, "application/x-www-form-urlencoded", body => Signed("/slack/commands", body, "application/x-www-form-urlencoded"), bed.Http, form: true);
        await AssertHostileAsync(bot, "/slack/interactions", interaction, "application/x-www-form-urlencoded", body => Signed("/slack/interactions", body, "application/x-www-form-urlencoded"), bed.Http, form: true);
        await AssertHostileAsync(bot, "/slack/events", events, "application/json", body => Signed("/slack/events", body, "application/json"), bed.Http, form: false);
    }

    [SkippableFact]
    public async Task Teams_activities_with_a_valid_token_answer_hostile_bodies_below_500_and_write_nothing()
    {
        await using var bed = await TeamsTestBed.StartAsync(provider);
        var message = bed.Message("incident hostile HOLE").ToJsonString();
        var authorization = bed.Authority.AuthorizationHeader(FakeToken.Valid with { ServiceUrl = bed.Connector.ServiceUrl });
        await AssertHostileAsync(bed.Bot, "/api/messages", message, "application/json", body =>
        {
            var request = Post("/api/messages", body, "application/json");
            request.Headers.Authorization = AuthenticationHeaderValue.Parse(authorization);
            return request;
        }, bed.Http, form: false);
    }

    [SkippableFact]
    public async Task Hooks_with_their_token_answer_hostile_bodies_below_500_and_write_nothing()
    {
        await using var slack = await FakeSlack.StartAsync();
        await using var bot = await BotFactory.CreateAsync(provider, slack);
        using var http = bot.CreateClient();
        const string alerts = """{"version":"4","status":"firing","receiver":"bakerybot","groupKey":"g","alerts":[{"status":"firing","labels":{"alertname":"HOLE","severity":"critical"},"annotations":{"summary":"HOLE"},"startsAt":"2026-11-26T08:59:00Z","fingerprint":"f1"}]}""";
        const string report = """{"source":"netscan","items":[{"type":"asset","name":"HOLE","attributes":{"serial":"OV-7007"}}]}""";
        foreach (var (kind, sample) in new[] { ("alertmanager", alerts), ("discovery", report) })
        {
            var (path, token) = await MakeHookAsync(bot, http, kind);
            await AssertHostileAsync(bot, path, sample, "application/json", body =>
            {
                var request = Post(path, body, "application/json");
                request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
                return request;
            }, http, form: false);
        }
    }

    [SkippableFact]
    public async Task The_playground_api_answers_hostile_bodies_below_500_and_writes_nothing()
    {
        await using var bot = await BotFactory.CreateAsync(provider, slack: null);
        using var http = bot.CreateClient();
        const string command = """{"user":"alice","channel":"incidents","text":"/incident hostile HOLE"}""";
        const string action = """{"user":"alice","channel":"incidents","actionId":"incident.ack","value":"HOLE"}""";
        await AssertHostileAsync(bot, "/playground/api/command", command, "application/json", body => Post("/playground/api/command", body, "application/json"), http, form: false);
        await AssertHostileAsync(bot, "/playground/api/action", action, "application/json", body => Post("/playground/api/action", body, "application/json"), http, form: false);
    }

    /// <summary>
    /// Sends generated hostile variants of <paramref name="sample"/>, a body the endpoint accepts, in
    /// which the word HOLE marks where text goes: too big, nested deep, with bytes that are not UTF-8, or
    /// with text no database keeps. Each body holds its size, so that none is a replay of another.
    /// </summary>
    private static async Task AssertHostileAsync(BotFactory bot, string path, string sample, string contentType, Func<byte[], HttpRequestMessage> request, HttpClient http, bool form)
    {
        Assert.Contains("HOLE", sample, StringComparison.Ordinal);
        _ = contentType;
        foreach (var kind in Enum.GetValues<Kind>())
        {
            await Case(kind).SampleAsync(
                async c =>
                {
                    var before = await CountsAsync(bot);
                    var body = Body(sample, c.Kind, c.Size, c.Bad, form);
                    using var response = await http.SendAsync(request(body));
                    var text = await response.Content.ReadAsStringAsync();
                    var status = (int)response.StatusCode;
                    Assert.True(status < 500, $"{path}: {status} {text}");
                    if (c.Kind == Kind.Oversized)
                    {
                        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
                    }

                    if (status >= 400)
                    {
                        // A refusal says why and wrote nothing. (Bytes that are not UTF-8 in a form are read
                        // as U+FFFD, as every decoder does, and the command then runs.)
                        Assert.False(string.IsNullOrWhiteSpace(text), $"{path}: {status} without a message");
                        Assert.Equal(before, await CountsAsync(bot));
                    }
                },
                iter: Iterations,
                threads: 1,
                print: c => $"{path} {c.Kind} size {c.Size} bytes {Convert.ToHexString(c.Bad)}");
        }
    }

    private static byte[] Body(string sample, Kind kind, int size, byte[] bad, bool form)
    {
        var (head, tail) = (sample[..sample.IndexOf("HOLE", StringComparison.Ordinal)], sample[(sample.IndexOf("HOLE", StringComparison.Ordinal) + 4)..]);
        var deep = size % 2 == 0 ? new string('[', 1000 + size) + new string(']', 1000 + size) : string.Concat(Enumerable.Repeat("{\"a\":", 1000 + (size % 5000))) + "1" + new string('}', 1000 + (size % 5000));
        return kind switch
        {
            Kind.Oversized => Encoding.UTF8.GetBytes(head + new string('x', Host.RawBody.MaxBytes + size) + tail),
            // A form carries the nest as a field's value; a JSON body is the nest itself or holds it.
            Kind.DeepJson => Encoding.UTF8.GetBytes(
                form ? sample.StartsWith("payload=", StringComparison.Ordinal) ? "payload=" + Uri.EscapeDataString(deep) : head + Uri.EscapeDataString(deep) + tail
                : size % 3 == 0 ? deep : "{\"deep\":" + deep + "," + sample[1..].Replace("HOLE", "x", StringComparison.Ordinal)),
            // Text no database column keeps (NUL, half a surrogate pair), escaped as each format escapes it.
            Kind.Unstorable => Encoding.UTF8.GetBytes(head + (form ? "a%00b%ED%A0%80" : size % 2 == 0 ? "a\\u0000b" : "a\\ud800b\\udc00") + size + tail),
            // Raw bad bytes where the text goes; in a form also percent-encoded, which decodes to the same bytes.
            _ => [.. Encoding.UTF8.GetBytes(head + size), .. bad, .. form ? Encoding.UTF8.GetBytes(string.Concat(bad.Select(b => $"%{b:X2}"))) : [], .. Encoding.UTF8.GetBytes(tail)],
        };
    }

    /// <summary>
    /// What a request could write. A person's audit rows are left out: the profile refresh after a person's
    /// first command updates them in the background, at any moment of the test.
    /// </summary>
    private static Task<string> CountsAsync(BotFactory bot) => bot.QueryAsync(async db =>
        $"incidents={await db.Incidents.CountAsync()} events={await db.IncidentEvents.CountAsync()} discovered={await db.DiscoveredItems.CountAsync()} cis={await db.ConfigurationItems.CountAsync()} audit={await db.AuditEntries.CountAsync(a => a.RecordType != "person")}");

    private static HttpRequestMessage Post(string path, byte[] body, string contentType)
    {
        var content = new ByteArrayContent(body);
        content.Headers.ContentType = new MediaTypeHeaderValue(contentType);
        return new HttpRequestMessage(HttpMethod.Post, path) { Content = content };
    }

    /// <summary>Signed over the exact bytes, as Slack signs: <c>v0:timestamp:body</c>.</summary>
    private static HttpRequestMessage Signed(string path, byte[] body, string contentType)
    {
        var request = Post(path, body, contentType);
        var timestamp = DateTimeOffset.UtcNow.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
        byte[] signed = [.. Encoding.UTF8.GetBytes($"v0:{timestamp}:"), .. body];
        var mac = HMACSHA256.HashData(Encoding.UTF8.GetBytes(BotFactory.SigningSecret), signed);
        request.Headers.Add("X-Slack-Request-Timestamp", timestamp);
        request.Headers.Add("X-Slack-Signature", "v0=" + Convert.ToHexStringLower(mac));
        return request;
    }

    private static async Task<(string Path, string Token)> MakeHookAsync(BotFactory bot, HttpClient http, string kind)
    {
        var response = await http.SendAsync(BotFactory.Signed("/slack/commands", bot.CommandBody("bakery", $"webhook {kind}", user: "UADMIN")));
        var text = JsonNode.Parse(await response.Content.ReadAsStringAsync())!["text"]!.GetValue<string>();
        var url = UrlPattern().Match(text);
        var token = TokenPattern().Match(text);
        Assert.True(url.Success && token.Success, text);
        return (new Uri(url.Groups[1].Value).AbsolutePath, token.Groups[1].Value);
    }

    [GeneratedRegex(@"URL: (\S+/hooks/[a-z]+/[A-Za-z0-9_-]+)")]
    private static partial Regex UrlPattern();

    [GeneratedRegex(@"Authorization: Bearer ([A-Za-z0-9_-]{43})")]
    private static partial Regex TokenPattern();
}

public sealed class SqliteHostileBodyTests() : HostileBodyTests(DbProvider.Sqlite);

public sealed class PostgresHostileBodyTests() : HostileBodyTests(DbProvider.Postgres);
