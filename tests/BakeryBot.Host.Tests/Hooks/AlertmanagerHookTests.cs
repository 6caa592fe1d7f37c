using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using BakeryBot.Core.Incidents;
using BakeryBot.Core.Integrations;
using BakeryBot.Core.Tests.Infrastructure;
using BakeryBot.Host.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace BakeryBot.Host.Tests.Hooks;

/// <summary>
/// <c>POST /hooks/alertmanager/{hookId}</c> end to end: the hook made with a signed Slack command,
/// Alertmanager-shaped bodies in, incidents in the database and cards on a fake Slack out.
/// </summary>
public abstract partial class AlertmanagerHookTests(DbProvider provider)
{
    [SkippableFact]
    public async Task A_real_alertmanager_payload_opens_one_incident_per_alert_posts_their_cards_and_a_replay_changes_nothing()
    {
        var logs = new LogCapture();
        await using var slack = await FakeSlack.StartAsync();
        await using var bot = await BotFactory.CreateAsync(provider, slack, services: s => s.AddSingleton<ILoggerProvider>(logs));
        using var http = bot.CreateClient();
        await http.SendAsync(BotFactory.Signed("/slack/commands", bot.CommandBody("cmdb", "add asset oven-2")));
        var (path, token) = await MakeHookAsync(bot, http);

        var response = await http.SendAsync(Post(path, token, AlertmanagerSamples.Firing));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var summary = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
        Assert.Equal((2, 0, 0, 0), (Count(summary, "opened"), Count(summary, "repeated"), Count(summary, "mitigated"), Count(summary, "ignored")));
        Assert.Equal(["INC-1", "INC-2"], summary["incidents"]!.AsArray().Select(n => n!.GetValue<string>()));
        var incidents = await bot.QueryAsync(db => db.Incidents.Include(i => i.Cis).ThenInclude(c => c.Ci).OrderBy(i => i.Number).ToListAsync());
        Assert.Equal(
            [("OvenTooHot: Oven 2 is overheating", 1, AlertmanagerSamples.Oven2Fingerprint), ("OvenTooHot: Oven 3 is overheating", 3, AlertmanagerSamples.Oven3Fingerprint)],
            incidents.Select(i => (i.Title, i.Severity, i.AlertFingerprint)));
        Assert.All(incidents, i => Assert.Equal((Detection.Alert, "slack", "C0INCIDENTS"), (i.DetectedBy, i.Platform, i.ChannelId)));
        Assert.Equal("oven-2", Assert.Single(incidents[0].Cis).Ci!.Name);
        Assert.Empty(incidents[1].Cis);

        await bot.DrainOutboxAsync();
        var cards = slack.Messages.Where(m => m.Attachments is not null).ToList();
        Assert.Equal(2, cards.Count);
        Assert.All(cards, m => Assert.Equal("C0INCIDENTS", m.Channel));
        Assert.Contains("INC-1: OvenTooHot: Oven 2 is overheating", cards[0].Attachments!.ToJsonString(), StringComparison.Ordinal);
        Assert.Equal("Alertmanager declared INC-1 (SEV1).", cards[0].Text);

        // Alertmanager retries what it thinks failed: the same body again has no second effect.
        var replay = await http.SendAsync(Post(path, token, AlertmanagerSamples.Firing));
        Assert.Equal(HttpStatusCode.OK, replay.StatusCode);
        Assert.Equal(2, Count(JsonNode.Parse(await replay.Content.ReadAsStringAsync())!, "ignored"));
        Assert.Equal(2, await bot.QueryAsync(db => db.Incidents.CountAsync()));

        var resolved = await http.SendAsync(Post(path, token, AlertmanagerSamples.Oven2Resolved));
        Assert.Equal(HttpStatusCode.OK, resolved.StatusCode);
        Assert.Equal(IncidentState.Mitigated, await bot.QueryAsync(db => db.Incidents.Where(i => i.Number == 1).Select(i => i.State).SingleAsync()));
        Assert.Equal(IncidentState.Declared, await bot.QueryAsync(db => db.Incidents.Where(i => i.Number == 2).Select(i => i.State).SingleAsync()));
        await bot.DrainOutboxAsync();
        Assert.Contains(slack.Messages, m => m.Text.Contains("INC-1 is mitigated: alert resolved at 2026-11-26 09:07:14 UTC", StringComparison.Ordinal));
        Assert.Contains("*Status*\\nMitigated", slack.Messages.Single(m => m.Ts == cards[0].Ts).Attachments!.ToJsonString(), StringComparison.Ordinal);

        Assert.NotEmpty(logs.Messages);
        Assert.DoesNotContain(logs.Messages, m => m.Contains(token, StringComparison.Ordinal));
    }

    [SkippableFact]
    public async Task A_wrong_missing_or_foreign_token_is_refused_with_401_and_changes_nothing()
    {
        await using var slack = await FakeSlack.StartAsync();
        await using var bot = await BotFactory.CreateAsync(provider, slack);
        using var http = bot.CreateClient();
        var (path, token) = await MakeHookAsync(bot, http);
        var (otherPath, otherToken) = await MakeHookAsync(bot, http);

        var wrong = await http.SendAsync(Post(path, token[..^2] + "xy", AlertmanagerSamples.Firing));
        var foreign = await http.SendAsync(Post(path, otherToken, AlertmanagerSamples.Firing));
        var unknownHook = await http.SendAsync(Post("/hooks/alertmanager/AAAAAAAAAAAAAAAAAAAAAA", token, AlertmanagerSamples.Firing));
        var missing = new HttpRequestMessage(HttpMethod.Post, path) { Content = Json(AlertmanagerSamples.Firing) };
        var basic = Post(path, token, AlertmanagerSamples.Firing);
        basic.Headers.Authorization = new AuthenticationHeaderValue("Basic", token);

        foreach (var response in new[] { wrong, foreign, unknownHook, await http.SendAsync(missing), await http.SendAsync(basic) })
        {
            Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
            Assert.Equal("Bearer", response.Headers.WwwAuthenticate.Single().Scheme);
            Assert.Contains("\"error\"", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }

        Assert.Equal(0, await bot.QueryAsync(db => db.Incidents.CountAsync()));
        Assert.All(await bot.QueryAsync(db => db.Set<Webhook>().Select(w => w.LastUsedAt).ToListAsync()), Assert.Null);
        Assert.NotEqual(path, otherPath);
    }

    [SkippableFact]
    public async Task A_revoked_hook_is_refused_with_401()
    {
        await using var slack = await FakeSlack.StartAsync();
        await using var bot = await BotFactory.CreateAsync(provider, slack);
        using var http = bot.CreateClient();
        var (path, token) = await MakeHookAsync(bot, http);
        var hookId = path[(path.LastIndexOf('/') + 1)..];

        var revoke = await http.SendAsync(BotFactory.Signed("/slack/commands", bot.CommandBody("bakery", $"webhook revoke {hookId}", user: "UADMIN")));
        Assert.Contains("is revoked", await revoke.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        var response = await http.SendAsync(Post(path, token, AlertmanagerSamples.Firing));

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal(0, await bot.QueryAsync(db => db.Incidents.CountAsync()));
    }

    [SkippableFact]
    public async Task Bad_bodies_are_400_or_413_with_a_short_json_error_and_never_500()
    {
        await using var slack = await FakeSlack.StartAsync();
        await using var bot = await BotFactory.CreateAsync(provider, slack);
        using var http = bot.CreateClient();
        var (path, token) = await MakeHookAsync(bot, http);

        var notJson = await http.SendAsync(Post(path, token, "{\"version\": \"4\", \"alerts\": ["));
        var wrongVersion = await http.SendAsync(Post(path, token, AlertmanagerSamples.Firing.Replace("\"version\": \"4\"", "\"version\": \"5\"", StringComparison.Ordinal)));
        var badStatus = await http.SendAsync(Post(path, token, AlertmanagerSamples.Firing.Replace("\"status\": \"firing\"", "\"status\": \"smouldering\"", StringComparison.Ordinal)));
        var deep = await http.SendAsync(Post(path, token, new string('[', 5000) + new string(']', 5000)));
        var huge = await http.SendAsync(Post(path, token, "{\"version\":\"4\",\"alerts\":[],\"pad\":\"" + new string('x', RawBody.MaxBytes) + "\"}"));

        foreach (var (response, status, error) in new[]
                 {
                     (notJson, HttpStatusCode.BadRequest, "not valid JSON"),
                     (wrongVersion, HttpStatusCode.BadRequest, "Version \"5\" is not supported"),
                     (badStatus, HttpStatusCode.BadRequest, "smouldering"),
                     (deep, HttpStatusCode.BadRequest, "not valid JSON"),
                     (huge, HttpStatusCode.RequestEntityTooLarge, "larger than"),
                 })
        {
            Assert.Equal(status, response.StatusCode);
            Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
            var body = await response.Content.ReadAsStringAsync();
            Assert.Contains(error, JsonNode.Parse(body)!["error"]!.GetValue<string>(), StringComparison.Ordinal);
            Assert.True(body.Length < 400, body);
        }

        Assert.Equal(0, await bot.QueryAsync(db => db.Incidents.CountAsync()));
    }

    /// <summary>Makes the hook the way an admin does: a signed <c>/bakery webhook alertmanager</c>; reads the path and token from the answer.</summary>
    private static async Task<(string Path, string Token)> MakeHookAsync(BotFactory bot, HttpClient http)
    {
        var response = await http.SendAsync(BotFactory.Signed("/slack/commands", bot.CommandBody("bakery", "webhook alertmanager", user: "UADMIN")));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var text = JsonNode.Parse(await response.Content.ReadAsStringAsync())!["text"]!.GetValue<string>();
        var url = UrlPattern().Match(text);
        var token = TokenPattern().Match(text);
        Assert.True(url.Success && token.Success, text);
        Assert.StartsWith("http://localhost:5080/", url.Groups[1].Value, StringComparison.Ordinal);
        return (new Uri(url.Groups[1].Value).AbsolutePath, token.Groups[1].Value);
    }

    private static HttpRequestMessage Post(string path, string token, string body)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = Json(body) };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return request;
    }

    private static StringContent Json(string body) => new(body, Encoding.UTF8, "application/json");

    private static int Count(JsonNode summary, string name) => summary[name]!.GetValue<int>();

    [GeneratedRegex(@"URL: (\S+/hooks/alertmanager/[A-Za-z0-9_-]+)")]
    private static partial Regex UrlPattern();

    [GeneratedRegex(@"Authorization: Bearer ([A-Za-z0-9_-]{43})")]
    private static partial Regex TokenPattern();
}

public sealed class SqliteAlertmanagerHookTests() : AlertmanagerHookTests(DbProvider.Sqlite);

public sealed class PostgresAlertmanagerHookTests() : AlertmanagerHookTests(DbProvider.Postgres);
