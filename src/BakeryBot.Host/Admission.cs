using System.Diagnostics.Metrics;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.RateLimiting;

namespace BakeryBot.Host;

/// <summary>The <c>Admission</c> section: how many platform requests are handled at once, and how many wait.</summary>
public sealed class AdmissionOptions
{
    public const string Section = "Admission";

    /// <summary>
    /// Slack and Teams requests handled at once; by default <see cref="PerProcessor"/> per processor the
    /// bot may use (16 on two cores). That many keep the processors and SQLite's one writer busy; more
    /// only hold memory while they wait their turn (bench/README.md: on two cores, 64 at once peaked
    /// 20–75 MB higher than 16 under the same load, and answered no more requests a second).
    /// </summary>
    public int MaxConcurrentRequests { get; set; } = PerProcessor * Environment.ProcessorCount;

    /// <summary>Requests handled at once per processor, unless configured.</summary>
    public const int PerProcessor = 8;

    /// <summary>Requests that wait for one of those, oldest first; beyond them a request is turned away at once.</summary>
    public int MaxQueuedRequests { get; set; } = 256;
}

/// <summary>
/// Bounds the work taken on from Slack and Teams. Past what the bot can do, requests would queue without
/// end: each waits longer than Slack's three seconds, is carried out after its author saw an error, and
/// holds memory meanwhile. Beyond <see cref="AdmissionOptions.MaxConcurrentRequests"/> handled and
/// <see cref="AdmissionOptions.MaxQueuedRequests"/> waiting, a request is turned away before anything is
/// read or written: a slash command is told so in a private answer (Slack does not retry a command), the
/// rest get 503 with <c>Retry-After</c> (Slack retries its events; Teams and a clicked button show the failure).
/// </summary>
public static class Admission
{
    public const string Policy = "platform";

    /// <summary>The private answer to a slash command turned away (Slack's shortcode, as the bot's other Slack warnings).</summary>
    public const string BusyText = ":warning: BakeryBot is very busy right now and did not run that; nothing was changed. Try again in a few seconds.";

    private static readonly Counter<long> Shed = BakeryBot.Core.Telemetry.BakeryTelemetry.Meter.CreateCounter<long>(
        "bakerybot.requests.shed", description: "Platform requests turned away because the bot was at its limit of requests handled and waiting");

    private static long _lastWarning;

    public static void AddBakeryAdmission(this WebApplicationBuilder builder)
    {
        var options = builder.Configuration.GetSection(AdmissionOptions.Section).Get<AdmissionOptions>() ?? new AdmissionOptions();
        if (options.MaxConcurrentRequests < 1 || options.MaxQueuedRequests < 0)
        {
            throw new InvalidOperationException($"{AdmissionOptions.Section}:MaxConcurrentRequests must be at least 1 and {AdmissionOptions.Section}:MaxQueuedRequests at least 0.");
        }

        builder.Services.AddRateLimiter(o =>
        {
            o.AddConcurrencyLimiter(Policy, limiter =>
            {
                limiter.PermitLimit = options.MaxConcurrentRequests;
                limiter.QueueLimit = options.MaxQueuedRequests;
                limiter.QueueProcessingOrder = QueueProcessingOrder.OldestFirst;
            });
            o.OnRejected = RejectAsync;
        });
    }

    private static async ValueTask RejectAsync(OnRejectedContext rejected, CancellationToken ct)
    {
        var http = rejected.HttpContext;
        Shed.Add(1, new KeyValuePair<string, object?>("path", http.Request.Path.Value));
        // One line at most every ten seconds: under a flood, the counter tells how many.
        var now = Environment.TickCount64;
        var last = Interlocked.Read(ref _lastWarning);
        if (now - last > 10_000 && Interlocked.CompareExchange(ref _lastWarning, now, last) == last)
        {
            http.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(Admission))
                .LogWarning("At the limit of requests handled and waiting: turning requests away (counted in bakerybot.requests.shed)");
        }

        if (http.Request.Path.Equals("/slack/commands", StringComparison.Ordinal))
        {
            http.Response.StatusCode = StatusCodes.Status200OK;
            await http.Response.WriteAsJsonAsync(new { response_type = "ephemeral", text = BusyText }, ct);
            return;
        }

        http.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
        http.Response.Headers.RetryAfter = "1";
    }
}
