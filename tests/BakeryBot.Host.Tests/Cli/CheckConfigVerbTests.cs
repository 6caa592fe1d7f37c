using System.Net;
using System.Net.Sockets;
using BakeryBot.Core.Tests.Infrastructure;
using BakeryBot.Host.Cli;
using BakeryBot.Host.Tests.Infrastructure;
using BakeryBot.Teams.Tests.Auth;
using Microsoft.AspNetCore.Builder;

namespace BakeryBot.Host.Tests.Cli;

/// <summary>
/// <c>bakerybot check-config</c> on configurations given as the command line gives them, against a
/// real database, a fake Slack Web API and a fake Bot Framework authority on 127.0.0.1.
/// </summary>
public sealed class CheckConfigVerbTests : IAsyncLifetime
{
    private const string SigningSecret = "8f14e45fceea167a5a36dedd4bea2543";
    private const string AdminToken = "0123456789abcdef0123456789abcdef0123";
    private const string AppToken = FakeSlackSocket.AppToken;
    private FakeSlack _slack = null!;
    private FakeBotFrameworkAuthority _authority = null!;
    private TestDatabase _database = null!;

    public async Task InitializeAsync()
    {
        _slack = await FakeSlack.StartAsync();
        _authority = await FakeBotFrameworkAuthority.StartAsync();
        _database = await TestDatabase.CreateAsync(DbProvider.Sqlite);
    }

    public async Task DisposeAsync()
    {
        await _slack.DisposeAsync();
        await _authority.DisposeAsync();
        await _database.DisposeAsync();
    }

    [Fact]
    public async Task A_good_configuration_against_reachable_endpoints_is_fine_and_prints_no_secret()
    {
        var (code, output) = await CheckAsync(Good());

        Assert.Equal(
            [
                $"ok       Database: Sqlite, data source={_database.ConnectionString["Data Source=".Length..]}; reachable, no migrations pending.",
                "ok       PublicUrl: https://bakerybot.example.com",
                $"ok       Slack:SigningSecret: set (32 characters); Slack:BotToken: set (xoxb-…, 15 characters); Slack:AppToken: set (xapp-…, {AppToken.Length} characters)",
                $"ok       Slack API: {_slack.ApiBaseUrl} answers; auth.test: the bot token works (team Bakery, bot user U0BAKERYBOT).",
                "ok       Slack Socket Mode: apps.connections.open accepted Slack:AppToken (a connection would go to 127.0.0.1).",
                $"ok       Teams:AppId: {_authority.AppId}; Teams:AppPassword: set ({_authority.AppPassword.Length} characters); Teams:TenantId: {TeamsTestBed.Tenant}",
                $"ok       Bot Framework OpenID metadata: {_authority.MetadataUrl} answers.",
                $"ok       Bot Framework token endpoint: {_authority.TokenEndpoint} issued a token for Teams:AppId.",
                "ok       Admin:Token: set (36 characters)",
                "The configuration is fine.",
            ],
            Lines(output));
        Assert.Equal(0, code);
        Assert.Single(_slack.CallsTo("auth.test"));
        Assert.Equal(1, _slack.Socket.Opened);
        Assert.Equal(1, _authority.TokenRequests);
        foreach (var secret in new[] { SigningSecret, "xoxb-test-token", AppToken, _authority.AppPassword, AdminToken })
        {
            Assert.DoesNotContain(secret, output, StringComparison.Ordinal);
        }
    }

    [Theory]
    [InlineData("Slack:BotToken", "", "PROBLEM  Slack needs Slack:BotToken and, to receive from Slack, Slack:SigningSecret (public HTTP endpoints) or Slack:AppToken (Socket Mode), or all empty to keep Slack off.")]
    [InlineData("Slack:BotToken", "xoxp-test-token", "PROBLEM  Slack:BotToken must be a bot token (it starts with xoxb-).")]
    [InlineData("Slack:BotToken", "xoxb-revoked-token", "PROBLEM  Slack:BotToken: auth.test refused it (invalid_auth). Copy the Bot User OAuth Token from OAuth & Permissions, after (re)installing the app to the workspace.")]
    [InlineData("Slack:AppToken", "xoxb-not-an-app-token", "PROBLEM  Slack:AppToken must be an app-level token (it starts with xapp-): create one with the connections:write scope under Basic Information → App-Level Tokens, or leave it empty to use HTTP endpoints.")]
    [InlineData("Slack:AppToken", "xapp-1-revoked", "PROBLEM  Slack:AppToken: apps.connections.open refused it (invalid_auth). Generate an app-level token with the connections:write scope under Basic Information → App-Level Tokens, and turn Socket Mode on in the app's settings.")]
    [InlineData("Releases:CheckEvery", "00:00:00", "PROBLEM  Releases:CheckEvery must be a positive duration (1 minute: 00:01:00).")]
    [InlineData("Releases:CheckEvery", "soon", "PROBLEM  Failed to convert configuration value 'soon' at 'Releases:CheckEvery' to type 'System.TimeSpan'. Write durations like 00:01:00 (1 minute) or 3.00:00:00 (3 days), numbers as digits, switches as true or false.")]
    [InlineData("Outbox:KeepFinishedFor", "00:00:00", "PROBLEM  Outbox:KeepFinishedFor must be a positive duration (7 days: 7.00:00:00).")]
    [InlineData("Outbox:GatherFor", "00:00:05", "PROBLEM  Outbox:GatherFor must be between 00:00:00 (no gathering) and 00:00:01 (50 ms: 00:00:00.050).")]
    [InlineData("Memory:CheckEvery", "00:00:00", "PROBLEM  Memory:CheckEvery must be a positive duration (5 seconds: 00:00:05), and its byte counts (QuietBytes, TrimAfterBytes, TrimAfterGrowthBytes) not negative.")]
    [InlineData("Synthetic:Timeout", "00:05:00", "PROBLEM  Synthetic:Timeout must be a positive duration shorter than Synthetic:CheckEvery (10 seconds: 00:00:10).")]
    [InlineData("PublicUrl", "bakerybot.example.com", "PROBLEM  PublicUrl is bakerybot.example.com, not an absolute http(s) URL. Set it to the address people reach the bot at, such as https://bakerybot.example.com.")]
    [InlineData("Admin:Token", "secret", "PROBLEM  Admin:Token is set (6 characters): too short to stand guessing. Use at least 32 random characters, such as `openssl rand -hex 32`.")]
    [InlineData("Teams:AppId", "not-a-guid", "PROBLEM  Teams:AppId must be the bot's Microsoft App ID (a GUID).")]
    [InlineData("Teams:AppPassword", "expired-secret", "PROBLEM  Teams:AppPassword: Bot Connector token request to {token} failed: HTTP 401 (invalid_client). Check Teams:AppId, Teams:AppPassword (a client secret of that app registration, not expired) and Teams:TenantId.")]
    public async Task One_thing_wrong_exits_1_with_its_line_naming_the_key_and_the_fix(string key, string value, string expected)
    {
        var settings = Good();
        settings[key] = value;

        var (code, output) = await CheckAsync(settings);

        Assert.Equal(1, code);
        var problems = Lines(output).Where(l => l.StartsWith("PROBLEM", StringComparison.Ordinal)).ToList();
        Assert.Equal([expected.Replace("{token}", _authority.TokenEndpoint, StringComparison.Ordinal)], problems);
        Assert.Equal("1 problem to fix.", Lines(output)[^1]);
        Assert.DoesNotContain(SigningSecret, output, StringComparison.Ordinal);
        if (value.Length > 0 && key.Contains("Token", StringComparison.Ordinal) || key.Contains("Password", StringComparison.Ordinal))
        {
            Assert.DoesNotContain(value, output, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task Unreachable_slack_and_bot_framework_endpoints_are_each_a_problem()
    {
        var closed = ClosedPort();
        var settings = Good();
        settings["Slack:ApiBaseUrl"] = $"http://127.0.0.1:{closed}/api/";
        settings["Teams:OpenIdMetadataUrl"] = $"http://127.0.0.1:{closed}/.well-known/openidconfiguration";
        settings["Teams:TokenEndpoint"] = $"http://127.0.0.1:{closed}/token";

        var (code, output) = await CheckAsync(settings);

        Assert.Equal(1, code);
        var problems = Lines(output).Where(l => l.StartsWith("PROBLEM", StringComparison.Ordinal)).ToList();
        Assert.Equal(3, problems.Count);
        Assert.StartsWith($"PROBLEM  Slack:ApiBaseUrl (http://127.0.0.1:{closed}/api/) is unreachable: ", problems[0], StringComparison.Ordinal);
        Assert.EndsWith("Check Slack:ApiBaseUrl, DNS, the firewall and any HTTPS proxy.", problems[0], StringComparison.Ordinal);
        Assert.StartsWith($"PROBLEM  Teams:OpenIdMetadataUrl (http://127.0.0.1:{closed}/.well-known/openidconfiguration) is unreachable: ", problems[1], StringComparison.Ordinal);
        Assert.StartsWith($"PROBLEM  Teams:TokenEndpoint (http://127.0.0.1:{closed}/token) is unreachable: ", problems[2], StringComparison.Ordinal);
        Assert.Equal("3 problems to fix.", Lines(output)[^1]);
    }

    [Fact]
    public async Task An_unreachable_database_is_a_problem_and_its_password_is_not_printed()
    {
        var settings = Good();
        settings["Database:Provider"] = "Postgres";
        settings["ConnectionStrings:BakeryBot"] = $"Host=127.0.0.1;Port={ClosedPort()};Database=bakerybot;Username=bot;Password=hunter2-db-password;Timeout=2";

        var (code, output) = await CheckAsync(settings);

        Assert.Equal(1, code);
        var problem = Assert.Single(Lines(output), l => l.StartsWith("PROBLEM", StringComparison.Ordinal));
        Assert.StartsWith("PROBLEM  ConnectionStrings:BakeryBot (Postgres, host=127.0.0.1;", problem, StringComparison.Ordinal);
        Assert.Contains("the database can't be reached", problem, StringComparison.Ordinal);
        Assert.DoesNotContain("hunter2", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Slack_and_teams_off_are_notes_not_problems()
    {
        var (code, output) = await CheckAsync(new()
        {
            ["ConnectionStrings:BakeryBot"] = _database.ConnectionString,
        });

        Assert.Equal(0, code);
        Assert.Contains("note     Slack: off. Set Slack:BotToken and Slack:SigningSecret (or Slack:AppToken for Socket Mode) to turn it on.", Lines(output));
        Assert.Contains("note     Teams: off. Set Teams:AppId, Teams:AppPassword (and Teams:TenantId for a single-tenant bot) to turn it on.", Lines(output));
        Assert.Contains("note     PublicUrl: not set; links in cards and exports use http://localhost:5080, fine on this machine only.", Lines(output));
        Assert.Empty(_slack.CallsTo("auth.test"));
    }

    [Fact]
    public async Task A_stray_word_exits_2_with_the_usage()
    {
        var messages = new StringWriter { NewLine = "\n" };

        var code = await CheckConfigVerb.UsageAsync(CheckConfigVerb.Parse(["--PublicUrl=https://x.example", "slack"]), messages);

        Assert.Equal(2, code);
        Assert.Equal($"`slack` is not an option of check-config; give settings as --Key=value.\nUsage: {CheckConfigVerb.Usage}\n", messages.ToString());
        Assert.Null(CheckConfigVerb.Parse(["--PublicUrl=https://x.example"]).Error);
    }

    private Dictionary<string, string?> Good() => new()
    {
        ["Database:Provider"] = "Sqlite",
        ["ConnectionStrings:BakeryBot"] = _database.ConnectionString,
        ["PublicUrl"] = "https://bakerybot.example.com",
        ["Slack:SigningSecret"] = SigningSecret,
        ["Slack:BotToken"] = "xoxb-test-token",
        ["Slack:AppToken"] = AppToken,
        ["Slack:ApiBaseUrl"] = _slack.ApiBaseUrl,
        ["Teams:AppId"] = _authority.AppId,
        ["Teams:AppPassword"] = _authority.AppPassword,
        ["Teams:TenantId"] = TeamsTestBed.Tenant,
        ["Teams:OpenIdMetadataUrl"] = _authority.MetadataUrl,
        ["Teams:TokenEndpoint"] = _authority.TokenEndpoint,
        ["Admin:Token"] = AdminToken,
    };

    /// <summary>Runs the check with the settings as command-line arguments, from an empty content root (no appsettings.json).</summary>
    private static async Task<(int Code, string Output)> CheckAsync(Dictionary<string, string?> settings)
    {
        var root = Directory.CreateTempSubdirectory("bakerybot-check-");
        try
        {
            var args = settings.Select(kv => $"--{kv.Key}={kv.Value}").ToArray();
            var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = CheckConfigVerb.Parse(args).HostArgs, ContentRootPath = root.FullName });
            var output = new StringWriter { NewLine = "\n" };
            var code = await CheckConfigVerb.RunAsync(builder, output, CancellationToken.None);
            return (code, output.ToString());
        }
        finally
        {
            root.Delete(recursive: true);
        }
    }

    private static int ClosedPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }

    private static string[] Lines(string text) => text.TrimEnd('\n').Split('\n');
}
