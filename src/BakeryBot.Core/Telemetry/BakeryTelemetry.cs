using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace BakeryBot.Core.Telemetry;

/// <summary>
/// The bot's own metrics and traces (meter and activity source <c>BakeryBot</c>), which the host
/// exports with OpenTelemetry: commands and their latency, job runs, and the outbox's depth and age.
/// Deliveries and the platforms' failed calls are counted by the outbox dispatcher (meter
/// <see cref="Data.Outbox.OutboxDispatcher.MeterName"/>), by platform and kind of message.
/// </summary>
public static class BakeryTelemetry
{
    public const string Name = "BakeryBot";

    public static readonly ActivitySource Activities = new(Name);

    public static readonly Meter Meter = new(Name);

    /// <summary>Commands, button clicks and form submissions handled, by platform, command and outcome (<c>ok</c>, <c>refused</c>, <c>error</c>).</summary>
    public static readonly Counter<long> Commands = Meter.CreateCounter<long>("bakerybot.commands", description: "Commands, button clicks and form submissions handled");

    /// <summary>How long handling took, from the request reaching the router to its reply.</summary>
    public static readonly Histogram<double> CommandDuration = Meter.CreateHistogram<double>("bakerybot.command.duration", unit: "s", description: "Time to handle a command, click or form submission");

    /// <summary>Runs of scheduled jobs, by job and outcome (<c>ok</c>, <c>failed</c>) and whether asked for by hand.</summary>
    public static readonly Counter<long> JobRuns = Meter.CreateCounter<long>("bakerybot.job.runs", description: "Runs of scheduled jobs");

    public static readonly Histogram<double> JobDuration = Meter.CreateHistogram<double>("bakerybot.job.duration", unit: "s", description: "Time a scheduled job's run took");

    private static long _outboxPending;
    private static long _outboxOldestTicks;

    static BakeryTelemetry()
    {
        Meter.CreateObservableGauge("bakerybot.outbox.pending", () => Interlocked.Read(ref _outboxPending), description: "Messages waiting in the outbox, as the outbox job last counted");
        Meter.CreateObservableGauge("bakerybot.outbox.oldest_age", () => Interlocked.Read(ref _outboxOldestTicks) / (double)TimeSpan.TicksPerSecond, unit: "s", description: "How long the oldest message waiting in the outbox had waited, as the outbox job last looked");
    }

    /// <summary>What the outbox job found: how many messages wait, and how long the oldest has.</summary>
    public static void ObserveOutbox(long pending, TimeSpan oldest)
    {
        Interlocked.Exchange(ref _outboxPending, pending);
        Interlocked.Exchange(ref _outboxOldestTicks, oldest.Ticks);
    }

    /// <summary>The outbox as last observed (for tests and the admin view).</summary>
    public static (long Pending, TimeSpan Oldest) Outbox => (Interlocked.Read(ref _outboxPending), TimeSpan.FromTicks(Interlocked.Read(ref _outboxOldestTicks)));
}
