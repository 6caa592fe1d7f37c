using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using BakeryBot.Core.Data;
using BakeryBot.Core.Data.Outbox;
using BakeryBot.Core.Jobs;
using BakeryBot.Core.Tests.Infrastructure;
using BakeryBot.Slack;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace BakeryBot.Host.Tests.Infrastructure;

/// <summary>
/// The real bot (Program, its configuration and pipeline) on a test database, with Slack pointed at
/// a <see cref="FakeSlack"/> on 127.0.0.1.
/// </summary>
public sealed class BotFactory : WebApplicationFactory<Program>
{
    public const string SigningSecret = "test-signing-secret";
    public const string Team = "T0BAKERY";

    private readonly TestDatabase _database;
    private readonly FakeSlack? _slack;
    private readonly Dictionary<string, string?> _settings;
    private readonly Action<IServiceCollection>? _services;
    private readonly bool _ownsDatabase;

    private BotFactory(TestDatabase database, FakeSlack? slack, Dictionary<string, string?> settings, Action<IServiceCollection>? services, bool ownsDatabase = true)
    {
        _database = database;
        _slack = slack;
        _settings = settings;
        _services = services;
        _ownsDatabase = ownsDatabase;
    }

    /// <summary>
    /// A second instance of the bot on this one's database and platforms, with its own host, scheduler,
    /// outbox worker and caches, as when several instances share one PostgreSQL database.
    /// </summary>
    public BotFactory AnotherInstance(Action<IServiceCollection>? services = null) =>
        new(_database, _slack, _settings, services ?? _services, ownsDatabase: false);

    public TestDatabase Database => _database;

    public static async Task<BotFactory> CreateAsync(DbProvider provider, FakeSlack? slack, Dictionary<string, string?>? settings = null, Action<IServiceCollection>? services = null)
    {
        var database = await TestDatabase.CreateAsync(provider);
        var all = new Dictionary<string, string?>
        {
            ["Database:Provider"] = database.ProviderName,
            ["ConnectionStrings:BakeryBot"] = database.ConnectionString,
            ["Outbox:PollInterval"] = "00:00:00.050",
            // The fault tests fail 30% of calls: a message failing six times in a row would otherwise wait
            // a minute or more for its next attempt, longer than a test should. Retry-After is still honoured.
            ["Outbox:MaxBackoff"] = "00:00:02",
            ["Security:Admins:0"] = $"slack:{Team}/UADMIN",
        };
        if (slack is not null)
        {
            all["Slack:SigningSecret"] = SigningSecret;
            all["Slack:BotToken"] = "xoxb-test-token";
            all["Slack:ApiBaseUrl"] = slack.ApiBaseUrl;
        }

        foreach (var (key, value) in settings ?? [])
        {
            all[key] = value;
        }

        return new BotFactory(database, slack, all, services);
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        foreach (var (key, value) in _settings)
        {
            builder.UseSetting(key, value);
        }

        builder.ConfigureTestServices(services =>
        {
            // Fail fast against the fake: its "timeout" fault holds the answer for two seconds.
            services.AddHttpClient<SlackWebApiClient>().ConfigureHttpClient(http => http.Timeout = TimeSpan.FromSeconds(1));
            _services?.Invoke(services);
        });
    }

    /// <summary>A request signed the way Slack signs it.</summary>
    public static HttpRequestMessage Signed(string path, string body, DateTimeOffset? at = null, string secret = SigningSecret)
    {
        var timestamp = (at ?? DateTimeOffset.UtcNow).ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
        var request = new HttpRequestMessage(HttpMethod.Post, path)
        {
            Content = new StringContent(body, Encoding.UTF8, "application/x-www-form-urlencoded"),
        };
        request.Headers.Add("X-Slack-Request-Timestamp", timestamp);
        request.Headers.Add("X-Slack-Signature", Sign(timestamp, body, secret));
        return request;
    }

    /// <summary>A JSON body (an Events API delivery) signed the way Slack signs it.</summary>
    public static HttpRequestMessage SignedJson(string path, string body, DateTimeOffset? at = null)
    {
        var request = Signed(path, body, at);
        request.Content = new StringContent(body, Encoding.UTF8, "application/json");
        return request;
    }

    public static string Sign(string timestamp, string body, string secret = SigningSecret)
    {
        var mac = HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), Encoding.UTF8.GetBytes($"v0:{timestamp}:{body}"));
        return "v0=" + Convert.ToHexStringLower(mac);
    }

    /// <summary>A slash command body as Slack sends it.</summary>
    public string CommandBody(string command, string text, string user = "U0ALICE", string channel = "C0INCIDENTS", string? responseUrl = null) =>
        Form(new()
        {
            ["token"] = "deprecated",
            ["team_id"] = Team,
            ["team_domain"] = "bakery",
            ["channel_id"] = channel,
            ["channel_name"] = "incidents",
            ["user_id"] = user,
            ["user_name"] = user.ToLowerInvariant(),
            ["command"] = "/" + command,
            ["text"] = text,
            ["response_url"] = responseUrl ?? _slack?.ResponseUrl("cmd") ?? "https://example.invalid/",
            ["trigger_id"] = $"{Random.Shared.NextInt64()}.1.abc",
            ["api_app_id"] = "A0BAKERY",
        });

    public static string Form(Dictionary<string, string> fields) =>
        string.Join('&', fields.Select(kv => $"{Uri.EscapeDataString(kv.Key)}={Uri.EscapeDataString(kv.Value)}"));

    /// <summary>Reads the database in a fresh unit of work.</summary>
    public async Task<T> QueryAsync<T>(Func<BakeryDbContext, Task<T>> query)
    {
        await using var scope = Services.CreateAsyncScope();
        return await query(scope.ServiceProvider.GetRequiredService<BakeryDbContext>());
    }

    /// <summary>Runs a scheduled job now, as <c>POST /admin/jobs/{name}/run</c> does.</summary>
    public async Task<JobRunReport> RunJobAsync(string name)
    {
        var report = await Services.GetRequiredService<JobRunner>().RunAsync(name, manual: true, CancellationToken.None);
        Assert.NotNull(report);
        return report;
    }

    /// <summary>Waits until the outbox has nothing pending (the worker runs in the background).</summary>
    public async Task DrainOutboxAsync(TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(30));
        while (DateTime.UtcNow < deadline)
        {
            if (await QueryAsync(db => db.Outbox.CountAsync(o => o.Status == OutboxStatus.Pending)) == 0)
            {
                return;
            }

            await Task.Delay(50);
        }

        var stuck = await QueryAsync(db => db.Outbox.Where(o => o.Status == OutboxStatus.Pending).Select(o => $"{o.Id}:{o.Attempts}:{o.LastError}").ToListAsync());
        throw new TimeoutException($"The outbox did not drain: {string.Join("; ", stuck)}");
    }

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        if (_ownsDatabase)
        {
            await _database.DisposeAsync();
        }
    }
}
