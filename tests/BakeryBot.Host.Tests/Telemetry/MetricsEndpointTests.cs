using BakeryBot.Core.Jobs;
using BakeryBot.Core.Tests.Infrastructure;
using BakeryBot.Host.Tests.Infrastructure;

namespace BakeryBot.Host.Tests.Telemetry;

/// <summary><c>GET /metrics</c>: what Prometheus scrapes, with the bot's own metrics in it.</summary>
public sealed class MetricsEndpointTests
{
    [Fact]
    public async Task Metrics_show_commands_their_latency_job_runs_deliveries_and_the_outbox()
    {
        await using var slack = await FakeSlack.StartAsync();
        await using var bot = await BotFactory.CreateAsync(DbProvider.Sqlite, slack);
        using var http = bot.CreateClient();
        (await http.SendAsync(BotFactory.Signed("/slack/commands", bot.CommandBody("incident", "burnt-cookie sev2")))).EnsureSuccessStatusCode();
        await bot.DrainOutboxAsync();
        await bot.RunJobAsync(JobNames.Outbox);

        var metrics = await http.GetStringAsync(new Uri("/metrics", UriKind.Relative));

        Assert.Matches("""bakerybot_commands_total\{[^}]*command="incident"[^}]*outcome="ok"[^}]*platform="slack"[^}]*\} [1-9]""", metrics);
        Assert.Matches("""bakerybot_command_duration_seconds_bucket\{[^}]*command="incident"[^}]*\}""", metrics);
        Assert.Matches("""bakerybot_job_runs_total\{[^}]*job="outbox"[^}]*\} [1-9]""", metrics);
        Assert.Matches("""bakerybot_outbox_delivered_total\{[^}]*platform="slack"[^}]*\} [1-9]""", metrics);
        Assert.Matches("""(?m)^bakerybot_outbox_pending(\{[^}]*\})? \d+""", metrics);
        Assert.Contains("http_server_request_duration_seconds", metrics, StringComparison.Ordinal);
    }
}
