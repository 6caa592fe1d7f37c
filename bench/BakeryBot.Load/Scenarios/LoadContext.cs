using System.Diagnostics;
using BakeryBot.Load.Data;
using BakeryBot.Load.Fakes;
using BakeryBot.Load.Processes;
using BakeryBot.Load.Running;
using BakeryBot.Load.Workload;

namespace BakeryBot.Load.Scenarios;

/// <summary>What every scenario works with: the bot, its database, the fakes and the payload builders.</summary>
public sealed class LoadContext(LoadOptions options, ChildProcess bot, BotDatabase database, FakePlatforms fakes, SlackPayloads slack, TeamsPayloads teams, string driverDll, TextWriter output)
{
    public const string SlackTeam = "T0BAKERY";
    public const string SigningSecret = "load-signing-secret";
    public const string TeamsTenant = "3c1f8e2a-7b4d-4e9f-a1c2-6d5e4f3a2b10";
    public const string TeamsTeam = "19:0f1e2d3c4b5a49687766554433221100@thread.tacv2";

    private long _unique = Stopwatch.GetTimestamp();

    public LoadOptions Options => options;

    public ChildProcess Bot => bot;

    public BotDatabase Database => database;

    public FakePlatforms Fakes => fakes;

    public SlackPayloads Slack => slack;

    public TeamsPayloads Teams => teams;

    /// <summary>The driver's own dll, started again as the yardstick server.</summary>
    public string DriverDll => driverDll;

    public TextWriter Out => output;

    /// <summary>The best closed-loop throughput the bot has shown in this run so far (sizes the CAB click set-up).</summary>
    public double? BotClosedLoopThroughput { get; set; }

    /// <summary>A number never handed out before in this run (ids of deliveries, activities, titles).</summary>
    public long Unique() => Interlocked.Increment(ref _unique);

    /// <summary>Sends one request and returns its status and body (setting up, untimed).</summary>
    public async Task<(int Status, string Body)> SendAsync(HttpClient http, LoadRequest request)
    {
        using var message = request.ToMessage(bot.BaseUri);
        using var response = await http.SendAsync(message);
        return ((int)response.StatusCode, await response.Content.ReadAsStringAsync());
    }

    /// <summary>Waits for the outbox to have nothing pending (it posts in the background); how long that took, or null when it still had some after <paramref name="limit"/>.</summary>
    public async Task<(TimeSpan Took, long Pending)> DrainOutboxAsync(TimeSpan limit)
    {
        var watch = Stopwatch.StartNew();
        long pending;
        while ((pending = await database.CountAsync("Outbox", "\"Status\" = 'Pending'")) > 0 && watch.Elapsed < limit)
        {
            await Task.Delay(200);
        }

        return (watch.Elapsed, pending);
    }
}
