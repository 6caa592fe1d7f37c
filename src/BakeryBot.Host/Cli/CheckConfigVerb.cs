using System.Data.Common;
using System.Net.Http.Headers;
using System.Text.Json.Nodes;
using BakeryBot.Core.Changes;
using BakeryBot.Core.Cmdb.Discovery;
using BakeryBot.Core.Data;
using BakeryBot.Core.Data.Outbox;
using BakeryBot.Core.Drills;
using BakeryBot.Core.Incidents;
using BakeryBot.Core.Integrations;
using BakeryBot.Core.People;
using BakeryBot.Core.Problems;
using BakeryBot.Core.Synthetic;
using BakeryBot.Core.TimeTracking;
using BakeryBot.Slack;
using BakeryBot.Teams;
using BakeryBot.Teams.Auth;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace BakeryBot.Host.Cli;

/// <summary>
/// <c>bakerybot check-config</c>: reads the configuration as the bot would (appsettings, environment,
/// command line), registers everything as the bot does without starting it, and reports line by line
/// what is fine, what is off, and what is wrong with the key to change and how; then whether the
/// database, Slack's Web API and the Bot Framework's endpoints answer. Secrets are never printed, only
/// whether they are set, their kind and length.
/// </summary>
public static class CheckConfigVerb
{
    public const string Usage = "bakerybot check-config [--Key=value ...]";

    /// <summary>The least length of <c>Admin:Token</c>: 128 random bits as hex.</summary>
    public const int AdminTokenMinLength = 32;

    /// <summary>How long each remote endpoint may take to answer.</summary>
    public static readonly TimeSpan ReachTimeout = TimeSpan.FromSeconds(5);

    /// <summary>The host's configuration arguments (this verb has no options of its own).</summary>
    public sealed record Arguments(string[] HostArgs, string? Error);

    public static Arguments Parse(IReadOnlyList<string> args)
    {
        var stray = args.FirstOrDefault(a => !a.StartsWith('-') && !a.Contains('=', StringComparison.Ordinal));
        return new Arguments([.. args], stray is null ? null : $"`{stray}` is not an option of check-config; give settings as --Key=value.");
    }

    public static async Task<int> UsageAsync(Arguments arguments, TextWriter messages)
    {
        await messages.WriteLineAsync($"{arguments.Error}\nUsage: {Usage}");
        return 2;
    }

    /// <summary>Checks the builder's configuration; 0 when all is well, 1 when something is wrong (every problem listed).</summary>
    public static async Task<int> RunAsync(WebApplicationBuilder builder, TextWriter output, CancellationToken ct)
    {
        var report = new Report(output);
        var configuration = builder.Configuration;
        WebApplication? app = null;
        try
        {
            // Only the report is printed: nothing the registrations would log.
            builder.Logging.ClearProviders();
            builder.AddBakeryBot();
            app = builder.Build();
        }
        catch (Exception ex) when (ex is InvalidOperationException or FormatException or ArgumentException or OverflowException)
        {
            await report.ProblemAsync(Explain(ex));
        }

        try
        {
            await DatabaseAsync(report, configuration, app?.Services, ct);
            await PublicUrlAsync(report, configuration);
            if (app is not null)
            {
                await OptionsAsync(report, app.Services);
            }

            var slack = configuration.GetSection(SlackOptions.SectionName).Get<SlackOptions>() ?? new SlackOptions();
            await SlackAsync(report, slack, ct);
            var teams = configuration.GetSection(TeamsOptions.SectionName).Get<TeamsOptions>() ?? new TeamsOptions();
            await TeamsAsync(report, teams, ct);
            await AdminAsync(report, configuration);
        }
        finally
        {
            if (app is not null)
            {
                await app.DisposeAsync();
            }
        }

        return await report.EndAsync();
    }

    private static async Task DatabaseAsync(Report report, ConfigurationManager configuration, IServiceProvider? services, CancellationToken ct)
    {
        var provider = configuration[$"{DatabaseOptions.Section}:Provider"] ?? DatabaseOptions.Sqlite;
        var connectionString = configuration.GetConnectionString("BakeryBot") ?? "Data Source=bakerybot.db";
        if (!string.Equals(provider, DatabaseOptions.Sqlite, StringComparison.OrdinalIgnoreCase) && !string.Equals(provider, DatabaseOptions.Postgres, StringComparison.OrdinalIgnoreCase))
        {
            // Already reported by the registration that refused it.
            return;
        }

        var shown = Shown(connectionString);
        if (services is null)
        {
            await report.NoteAsync($"Database: {provider}, {shown}; not tried, as the configuration above does not build.");
            return;
        }

        if (string.Equals(provider, DatabaseOptions.Sqlite, StringComparison.OrdinalIgnoreCase)
            && new SqliteConnectionStringBuilder(connectionString).DataSource is { Length: > 0 } file
            && !file.Equals(":memory:", StringComparison.Ordinal) && !File.Exists(file))
        {
            // Opening it would create it: say so instead.
            await report.OkAsync($"Database: {provider}, {shown}; the file does not exist yet: the bot creates it and applies every migration when it starts.");
            return;
        }

        await using var scope = services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<BakeryDbContext>();
        try
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
            timeout.CancelAfter(ReachTimeout * 2);
            if (!await db.Database.CanConnectAsync(timeout.Token))
            {
                await report.ProblemAsync($"ConnectionStrings:BakeryBot ({provider}, {shown}): the database can't be reached. Check the host, port, database name and credentials, and that the server runs.");
                return;
            }

            var pending = (await db.Database.GetPendingMigrationsAsync(timeout.Token)).ToList();
            await report.OkAsync(pending.Count == 0
                ? $"Database: {provider}, {shown}; reachable, no migrations pending."
                : $"Database: {provider}, {shown}; reachable, {pending.Count} migration{(pending.Count == 1 ? "" : "s")} pending ({string.Join(", ", pending)}): the bot applies them when it starts, or run `bakerybot migrate`.");
        }
        catch (Exception ex) when (ex is DbException or InvalidOperationException or OperationCanceledException or ArgumentException)
        {
            await report.ProblemAsync($"ConnectionStrings:BakeryBot ({provider}, {shown}): the database can't be reached ({ex.GetType().Name}: {ex.Message}). Check the connection string and that the server runs.");
        }
    }

    private static async Task PublicUrlAsync(Report report, ConfigurationManager configuration)
    {
        var url = configuration["PublicUrl"];
        var platform = !string.IsNullOrEmpty(configuration[$"{SlackOptions.SectionName}:SigningSecret"]) || !string.IsNullOrEmpty(configuration[$"{TeamsOptions.SectionName}:AppId"]);
        if (string.IsNullOrWhiteSpace(url) && !platform)
        {
            await report.NoteAsync($"PublicUrl: not set; links in cards and exports use {PublicUrlOptions.Default}, fine on this machine only.");
        }
        else if (string.IsNullOrWhiteSpace(url))
        {
            await report.ProblemAsync($"PublicUrl is not set, so links in cards and exports would point at {PublicUrlOptions.Default}. Set it to the address people reach the bot at, such as https://bakerybot.example.com.");
        }
        else if (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttps && uri.Scheme != Uri.UriSchemeHttp))
        {
            await report.ProblemAsync($"PublicUrl is {url}, not an absolute http(s) URL. Set it to the address people reach the bot at, such as https://bakerybot.example.com.");
        }
        else
        {
            await report.OkAsync($"PublicUrl: {url}");
        }
    }

    /// <summary>Each option section's own validation, as the bot runs it when it starts.</summary>
    private static async Task OptionsAsync(Report report, IServiceProvider services)
    {
        await OptionAsync<SlackOptions>(report, services);
        await OptionAsync<TeamsOptions>(report, services);
        await OptionAsync<SecurityOptions>(report, services);
        await OptionAsync<OutboxOptions>(report, services);
        await OptionAsync<AlertOptions>(report, services);
        await OptionAsync<IncidentOptions>(report, services);
        await OptionAsync<ProblemOptions>(report, services);
        await OptionAsync<DiscoveryOptions>(report, services);
        await OptionAsync<ReleaseOptions>(report, services);
        await OptionAsync<DrillOptions>(report, services);
        await OptionAsync<TimerOptions>(report, services);
        await OptionAsync<SyntheticOptions>(report, services);
        await OptionAsync<MemoryOptions>(report, services);
    }

    private static async Task OptionAsync<T>(Report report, IServiceProvider services)
        where T : class
    {
        try
        {
            _ = services.GetRequiredService<IOptions<T>>().Value;
        }
        catch (OptionsValidationException ex)
        {
            foreach (var failure in ex.Failures)
            {
                await report.ProblemAsync(failure);
            }
        }
        catch (InvalidOperationException ex)
        {
            await report.ProblemAsync(Explain(ex));
        }
    }

    /// <summary>A value that does not read as its type, such as a duration written "soon", with how to write it.</summary>
    private static string Explain(Exception ex) => ex.Message.StartsWith("Failed to convert configuration value", StringComparison.Ordinal)
        ? $"{ex.Message} Write durations like 00:01:00 (1 minute) or 3.00:00:00 (3 days), numbers as digits, switches as true or false."
        : ex.Message;

    private static async Task SlackAsync(Report report, SlackOptions slack, CancellationToken ct)
    {
        if (string.IsNullOrEmpty(slack.SigningSecret) && string.IsNullOrEmpty(slack.BotToken) && string.IsNullOrEmpty(slack.AppToken))
        {
            await report.NoteAsync("Slack: off. Set Slack:BotToken and Slack:SigningSecret (or Slack:AppToken for Socket Mode) to turn it on.");
            return;
        }

        await report.OkAsync($"Slack:SigningSecret: {Secret(slack.SigningSecret, null)}; Slack:BotToken: {Secret(slack.BotToken, "xoxb-")}; Slack:AppToken: {Secret(slack.AppToken, "xapp-")}");

        // Worded as the bot's own validation words them, so that each is said once when both find it.
        var receives = !string.IsNullOrEmpty(slack.SigningSecret) || !string.IsNullOrEmpty(slack.AppToken);
        if (receives != !string.IsNullOrEmpty(slack.BotToken))
        {
            await report.ProblemAsync("Slack needs Slack:BotToken and, to receive from Slack, Slack:SigningSecret (public HTTP endpoints) or Slack:AppToken (Socket Mode), or all empty to keep Slack off.");
        }

        if (!string.IsNullOrEmpty(slack.BotToken) && !slack.BotToken.StartsWith("xoxb-", StringComparison.Ordinal))
        {
            await report.ProblemAsync("Slack:BotToken must be a bot token (it starts with xoxb-).");
        }
        if (!string.IsNullOrEmpty(slack.AppToken) && !slack.AppToken.StartsWith("xapp-", StringComparison.Ordinal))
        {
            await report.ProblemAsync("Slack:AppToken must be an app-level token (it starts with xapp-): create one with the connections:write scope under Basic Information → App-Level Tokens, or leave it empty to use HTTP endpoints.");
        }

        if (string.IsNullOrEmpty(slack.BotToken) || !slack.BotToken.StartsWith("xoxb-", StringComparison.Ordinal)
            || !Uri.TryCreate(slack.ApiBaseUrl.EndsWith('/') ? slack.ApiBaseUrl : slack.ApiBaseUrl + "/", UriKind.Absolute, out var api))
        {
            await report.NoteAsync("Slack API: not tried until Slack:BotToken and Slack:ApiBaseUrl are right.");
            return;
        }

        using var http = new HttpClient { Timeout = ReachTimeout };
        var url = new Uri(api, "auth.test");
        try
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, url) { Content = new FormUrlEncodedContent([]) };
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", slack.BotToken);
            using var response = await http.SendAsync(request, ct);
            var body = response.IsSuccessStatusCode ? JsonNode.Parse(await response.Content.ReadAsStringAsync(ct)) as JsonObject : null;
            if (body is null)
            {
                await report.ProblemAsync($"Slack:ApiBaseUrl ({api}): auth.test answered HTTP {(int)response.StatusCode}. Check Slack:ApiBaseUrl (https://slack.com/api/) and any proxy in between.");
            }
            else if (body["ok"]?.GetValue<bool>() == true)
            {
                await report.OkAsync($"Slack API: {api} answers; auth.test: the bot token works (team {body["team"]}, bot user {body["user_id"]}).");
            }
            else
            {
                await report.ProblemAsync($"Slack:BotToken: auth.test refused it ({body["error"]}). Copy the Bot User OAuth Token from OAuth & Permissions, after (re)installing the app to the workspace.");
            }
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException or System.Text.Json.JsonException)
        {
            await report.ProblemAsync($"Slack:ApiBaseUrl ({api}) is unreachable: {Reason(ex)}. Check Slack:ApiBaseUrl, DNS, the firewall and any HTTPS proxy.");
            return;
        }

        if (slack.AppToken.StartsWith("xapp-", StringComparison.Ordinal))
        {
            await SocketModeAsync(report, http, api, slack.AppToken, ct);
        }
    }

    /// <summary>Asks for a Socket Mode connection URL with the app-level token (the URL is not used; it expires unused).</summary>
    private static async Task SocketModeAsync(Report report, HttpClient http, Uri api, string appToken, CancellationToken ct)
    {
        try
        {
            var slackApi = new SlackWebApiClient(http, appToken, api);
            var url = await slackApi.OpenSocketConnectionAsync(appToken, ct);
            await report.OkAsync($"Slack Socket Mode: apps.connections.open accepted Slack:AppToken (a connection would go to {url.Host}).");
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException or SlackServerException or SlackRateLimitedException)
        {
            await report.ProblemAsync($"Slack Socket Mode: apps.connections.open could not be asked ({Reason(ex)}).");
        }
        catch (SlackApiException ex)
        {
            await report.ProblemAsync($"Slack:AppToken: apps.connections.open refused it ({ex.Error}). Generate an app-level token with the connections:write scope under Basic Information → App-Level Tokens, and turn Socket Mode on in the app's settings.");
        }
    }

    private static async Task TeamsAsync(Report report, TeamsOptions teams, CancellationToken ct)
    {
        if (!teams.IsEnabled && string.IsNullOrEmpty(teams.AppPassword))
        {
            await report.NoteAsync("Teams: off. Set Teams:AppId, Teams:AppPassword (and Teams:TenantId for a single-tenant bot) to turn it on.");
            return;
        }

        await report.OkAsync($"Teams:AppId: {(teams.AppId.Length == 0 ? "not set" : teams.AppId)}; Teams:AppPassword: {Secret(teams.AppPassword, null)}; Teams:TenantId: {(teams.TenantId.Length == 0 ? "not set (multi-tenant)" : teams.TenantId)}");
        if (!teams.IsEnabled || !Guid.TryParse(teams.AppId, out _) || string.IsNullOrEmpty(teams.AppPassword)
            || !Uri.TryCreate(teams.OpenIdMetadataUrl, UriKind.Absolute, out var metadata) || !Uri.TryCreate(teams.EffectiveTokenEndpoint, UriKind.Absolute, out _))
        {
            await report.NoteAsync("Bot Framework: not tried until the Teams settings above are right.");
            return;
        }

        using var http = new HttpClient { Timeout = ReachTimeout };
        try
        {
            var document = JsonNode.Parse(await http.GetStringAsync(metadata, ct)) as JsonObject;
            if (document?["jwks_uri"] is null)
            {
                await report.ProblemAsync($"Teams:OpenIdMetadataUrl ({metadata}) answers, but not with OpenID metadata (no jwks_uri). Leave it unset for {TeamsOptions.DefaultOpenIdMetadataUrl}.");
            }
            else
            {
                await report.OkAsync($"Bot Framework OpenID metadata: {metadata} answers.");
            }
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException or System.Text.Json.JsonException)
        {
            await report.ProblemAsync($"Teams:OpenIdMetadataUrl ({metadata}) is unreachable: {Reason(ex)}. Check DNS, the firewall and any HTTPS proxy (the bot needs it to check every activity).");
        }

        // The same client-credentials request the bot makes before each post to the Bot Connector.
        using var tokens = new BotConnectorTokenClient(http, Microsoft.Extensions.Options.Options.Create(teams), TimeProvider.System);
        try
        {
            await tokens.GetTokenAsync(ct);
            await report.OkAsync($"Bot Framework token endpoint: {teams.EffectiveTokenEndpoint} issued a token for Teams:AppId.");
        }
        catch (BotConnectorAuthException ex) when (ex.StatusCode is null)
        {
            await report.ProblemAsync($"Teams:TokenEndpoint ({teams.EffectiveTokenEndpoint}) is unreachable: {ex.Message}. Check DNS, the firewall and any HTTPS proxy.");
        }
        catch (BotConnectorAuthException ex)
        {
            await report.ProblemAsync($"Teams:AppPassword: {ex.Message}. Check Teams:AppId, Teams:AppPassword (a client secret of that app registration, not expired) and Teams:TenantId.");
        }
    }

    private static async Task AdminAsync(Report report, ConfigurationManager configuration)
    {
        var token = configuration[$"{AdminOptions.Section}:Token"] ?? "";
        if (token.Length == 0)
        {
            await report.NoteAsync("Admin:Token: not set, so /admin answers 404. Set it (at least 32 characters, such as `openssl rand -hex 32`) to use the admin endpoints.");
        }
        else if (token.Length < AdminTokenMinLength)
        {
            await report.ProblemAsync($"Admin:Token is {Secret(token, null)}: too short to stand guessing. Use at least {AdminTokenMinLength} random characters, such as `openssl rand -hex 32`.");
        }
        else
        {
            await report.OkAsync($"Admin:Token: {Secret(token, null)}");
        }
    }

    /// <summary>Whether a secret is set, its kind and length; never any of its characters beyond the known prefix.</summary>
    public static string Secret(string? value, string? prefix) => string.IsNullOrEmpty(value)
        ? "not set"
        : prefix is not null && value.StartsWith(prefix, StringComparison.Ordinal)
            ? $"set ({prefix}…, {value.Length} characters)"
            : $"set ({value.Length} characters)";

    /// <summary>A connection string without its password.</summary>
    private static string Shown(string connectionString)
    {
        try
        {
            var builder = new DbConnectionStringBuilder { ConnectionString = connectionString };
            foreach (var key in new[] { "Password", "Pwd" })
            {
                builder.Remove(key);
            }

            return builder.ConnectionString;
        }
        catch (ArgumentException)
        {
            return "(a connection string that does not parse)";
        }
    }

    private static string Reason(Exception ex) => ex is TaskCanceledException ? $"no answer within {ReachTimeout.TotalSeconds:0} seconds" : ex.Message;

    /// <summary>The report's lines, and how many problems it has.</summary>
    private sealed class Report(TextWriter output)
    {
        private readonly HashSet<string> _problems = new(StringComparer.Ordinal);

        public Task OkAsync(string line) => output.WriteLineAsync($"ok       {line}");

        public Task NoteAsync(string line) => output.WriteLineAsync($"note     {line}");

        public async Task ProblemAsync(string line)
        {
            // The bot's own validation and this check can find the same thing: said once.
            if (_problems.Add(line))
            {
                await output.WriteLineAsync($"PROBLEM  {line}");
            }
        }

        public async Task<int> EndAsync()
        {
            await output.WriteLineAsync(_problems.Count == 0
                ? "The configuration is fine."
                : $"{_problems.Count} problem{(_problems.Count == 1 ? "" : "s")} to fix.");
            return _problems.Count == 0 ? 0 : 1;
        }
    }
}
