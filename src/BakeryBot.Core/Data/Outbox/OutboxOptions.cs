namespace BakeryBot.Core.Data.Outbox;

/// <summary>The <c>Outbox</c> section: how the dispatcher paces and retries.</summary>
public sealed class OutboxOptions
{
    public const string Section = "Outbox";

    /// <summary>Rows claimed per round.</summary>
    public int BatchSize { get; set; } = 64;

    /// <summary>Deliveries in flight at once (to different channels).</summary>
    public int Parallelism { get; set; } = 16;

    /// <summary>How long a claim holds a row before another dispatcher may take it over.</summary>
    public TimeSpan Lease { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>
    /// How long a round that sent less than a batch leaves before the next, so that under load a round
    /// carries the messages written meanwhile; a full round is followed at once.
    /// </summary>
    public TimeSpan GatherFor { get; set; } = TimeSpan.FromMilliseconds(50);

    /// <summary>How often to look for rows that other instances wrote.</summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromMilliseconds(250);

    public TimeSpan MaxBackoff { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>After this many failed attempts a row is given up and logged (about a day at the longest backoff).</summary>
    public int MaxAttempts { get; set; } = 300;

    /// <summary>How long a finished message (sent, superseded, refused for good) is kept before <see cref="RetentionSweep"/> deletes it.</summary>
    public TimeSpan KeepFinishedFor { get; set; } = TimeSpan.FromDays(7);

    /// <summary>A row sent later than this after it was written is logged and counted as delayed.</summary>
    public TimeSpan DelayedAfter { get; set; } = TimeSpan.FromMinutes(1);
}
