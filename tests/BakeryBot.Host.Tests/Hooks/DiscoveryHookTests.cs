using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using BakeryBot.Core.Tests.Infrastructure;
using BakeryBot.Host.Cli;
using BakeryBot.Host.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace BakeryBot.Host.Tests.Hooks;

/// <summary>
/// <c>POST /hooks/discovery/{hookId}</c> and <c>bakerybot import</c> end to end: a hook made with a
/// signed Slack command, scanner reports in, the CMDB and the shadow-IT cards on a fake Slack out.
/// </summary>
public abstract partial class DiscoveryHookTests(DbProvider provider)
{
    private const string Report = """
        {"source": "netscan", "items": [
          {"type": "asset", "name": "oven-7", "attributes": {"serial": "OV-7007", "vendor": "Rational"}},
          {"type": "saas", "name": "Tableau Online", "attributes": {"vendor": "Salesforce"}}
        ]}
        """;

    [SkippableFact]
    public async Task A_report_upserts_assets_posts_unknown_saas_for_review_and_a_replay_duplicates_nothing()
    {
        await using var slack = await FakeSlack.StartAsync();
        await using var bot = await BotFactory.CreateAsync(provider, slack);
        using var http = bot.CreateClient();
        var (path, token) = await MakeHookAsync(bot, http);

        var first = await http.SendAsync(Post(path, token, Report));
        var replay = await http.SendAsync(Post(path, token, Report));

        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        var summary = JsonNode.Parse(await first.Content.ReadAsStringAsync())!;
        Assert.Equal((1, 1), (summary["created"]!.GetValue<int>(), summary["newUnreviewed"]!.GetValue<int>()));
        Assert.Equal(HttpStatusCode.OK, replay.StatusCode);
        Assert.Equal(1, JsonNode.Parse(await replay.Content.ReadAsStringAsync())!["seen"]!.GetValue<int>());
        var oven = await bot.QueryAsync(db => db.ConfigurationItems.SingleAsync());
        Assert.Equal(("oven-7", "OV-7007", "netscan"), (oven.Name, oven.Serial, oven.DiscoveredBy));

        await bot.DrainOutboxAsync();
        var card = Assert.Single(slack.Messages, m => m.Attachments is not null);
        Assert.Equal(("C0INCIDENTS", "netscan found a SaaS tool that is not in the CMDB: Tableau Online."), (card.Channel, card.Text));
        var blocks = card.Attachments!.ToJsonString();
        Assert.Contains("\"action_id\":\"cmdb.adopt\"", blocks, StringComparison.Ordinal);
        Assert.Contains("\"action_id\":\"cmdb.dismiss\"", blocks, StringComparison.Ordinal);
    }

    [SkippableFact]
    public async Task Bad_reports_and_wrong_tokens_are_refused_and_change_nothing()
    {
        await using var slack = await FakeSlack.StartAsync();
        await using var bot = await BotFactory.CreateAsync(provider, slack);
        using var http = bot.CreateClient();
        var (path, token) = await MakeHookAsync(bot, http);

        var wrongToken = await http.SendAsync(Post(path, token + "x", Report));
        var alertmanagerPath = await http.SendAsync(Post(path.Replace("discovery", "alertmanager", StringComparison.Ordinal), token, Report));
        var notJson = await http.SendAsync(Post(path, token, "{\"source\": "));
        var badItem = await http.SendAsync(Post(path, token, Report.Replace("\"saas\"", "\"printer\"", StringComparison.Ordinal)));

        Assert.Equal(HttpStatusCode.Unauthorized, wrongToken.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, alertmanagerPath.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, notJson.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, badItem.StatusCode);
        Assert.Contains("items[1].type is one of asset, software, cloud, saas.", await badItem.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(0, await bot.QueryAsync(db => db.ConfigurationItems.CountAsync()));
        Assert.Equal(0, await bot.QueryAsync(db => db.DiscoveredItems.CountAsync()));
    }

    [SkippableFact]
    public async Task The_import_verb_dry_runs_imports_and_refuses_a_file_with_bad_rows_with_their_lines()
    {
        await using var slack = await FakeSlack.StartAsync();
        await using var bot = await BotFactory.CreateAsync(provider, slack);
        using var http = bot.CreateClient();
        await http.SendAsync(BotFactory.Signed("/slack/commands", bot.CommandBody("cmdb", "add asset oven-2")));
        var dir = Directory.CreateTempSubdirectory("bakerybot-import-");
        try
        {
            var good = Path.Combine(dir.FullName, "cmdb.csv");
            await File.WriteAllTextAsync(good, "type,name,tier,runs-on\nservice,shop,1,oven-2\n");
            var bad = Path.Combine(dir.FullName, "bad.json");
            await File.WriteAllTextAsync(bad, "[\n  {\"type\": \"service\", \"name\": \"cart\"},\n  {\"type\": \"robot\", \"name\": \"r2\"}\n]\n");

            var (dryCode, dryOutput) = await RunAsync(bot, good, "--dry-run", "--tenant", $"slack:{BotFactory.Team}");
            Assert.Equal(0, await bot.QueryAsync(db => db.ConfigurationItems.CountAsync(c => c.Key == "shop")));
            var (code, output) = await RunAsync(bot, good);
            var (badCode, badOutput) = await RunAsync(bot, bad);
            var (unknownCode, unknownOutput) = await RunAsync(bot, good, "--tenant", "teams:nobody");

            Assert.Equal(0, dryCode);
            Assert.Contains("Dry run of cmdb.csv for slack:T0BAKERY: nothing was written.", dryOutput, StringComparison.Ordinal);
            Assert.Contains("link would be added: shop runs-on oven-2", dryOutput, StringComparison.Ordinal);
            Assert.Equal(0, code);
            Assert.Contains("1 created, 0 updated, 0 unchanged, 1 link added.", output, StringComparison.Ordinal);
            Assert.Equal(1, await bot.QueryAsync(db => db.CiRelationships.CountAsync()));
            Assert.Equal(1, badCode);
            Assert.Contains("bad.json was not imported: nothing was written. 1 problem:\n  line 3: `robot` is not a CI type.", badOutput, StringComparison.Ordinal);
            Assert.Equal(0, await bot.QueryAsync(db => db.ConfigurationItems.CountAsync(c => c.Key == "cart")));
            Assert.Equal(2, unknownCode);
            Assert.Contains("No tenant teams:nobody has used the bot yet. Tenants: slack:T0BAKERY", unknownOutput, StringComparison.Ordinal);
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }

    private static async Task<(int Code, string Output)> RunAsync(BotFactory bot, params string[] args)
    {
        var output = new StringWriter { NewLine = "\n" };
        var code = await ImportVerb.RunAsync(bot.Services, ImportVerb.Parse(args), output, CancellationToken.None);
        return (code, output.ToString());
    }

    private static async Task<(string Path, string Token)> MakeHookAsync(BotFactory bot, HttpClient http)
    {
        var response = await http.SendAsync(BotFactory.Signed("/slack/commands", bot.CommandBody("bakery", "webhook discovery", user: "UADMIN")));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var text = JsonNode.Parse(await response.Content.ReadAsStringAsync())!["text"]!.GetValue<string>();
        var url = UrlPattern().Match(text);
        var token = TokenPattern().Match(text);
        Assert.True(url.Success && token.Success, text);
        return (new Uri(url.Groups[1].Value).AbsolutePath, token.Groups[1].Value);
    }

    private static HttpRequestMessage Post(string path, string token, string body)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = new StringContent(body, Encoding.UTF8, "application/json") };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return request;
    }

    [GeneratedRegex(@"URL: (\S+/hooks/discovery/[A-Za-z0-9_-]+)")]
    private static partial Regex UrlPattern();

    [GeneratedRegex(@"Authorization: Bearer ([A-Za-z0-9_-]{43})")]
    private static partial Regex TokenPattern();
}

public sealed class SqliteDiscoveryHookTests() : DiscoveryHookTests(DbProvider.Sqlite);

public sealed class PostgresDiscoveryHookTests() : DiscoveryHookTests(DbProvider.Postgres);
