using System.Diagnostics;

namespace BakeryBot.Load.Running;

/// <summary>Latency percentiles over one phase's answered requests.</summary>
public sealed record LatencySummary(int Count, double P50Ms, double P90Ms, double P99Ms, double MaxMs)
{
    public static readonly LatencySummary Empty = new(0, double.NaN, double.NaN, double.NaN, double.NaN);

    /// <summary>Summarises latencies given in <see cref="Stopwatch"/> ticks (any order; the array is sorted in place).</summary>
    public static LatencySummary FromTicks(long[] ticks)
    {
        if (ticks.Length == 0)
        {
            return Empty;
        }

        Array.Sort(ticks);
        double Ms(long t) => t * 1000.0 / Stopwatch.Frequency;
        return new LatencySummary(ticks.Length, Ms(Latencies.Percentile(ticks, 50)), Ms(Latencies.Percentile(ticks, 90)), Ms(Latencies.Percentile(ticks, 99)), Ms(ticks[^1]));
    }
}

public static class Latencies
{
    /// <summary>
    /// The nearest-rank percentile of values sorted ascending: the smallest value that at least
    /// <paramref name="percent"/>% of the values are less than or equal to (so p99 of 100 values is the
    /// 99th smallest, and p100 the largest).
    /// </summary>
    public static long Percentile(IReadOnlyList<long> sorted, double percent)
    {
        if (sorted.Count == 0)
        {
            throw new ArgumentException("No values.", nameof(sorted));
        }

        if (percent is <= 0 or > 100)
        {
            throw new ArgumentOutOfRangeException(nameof(percent), "A percentile is above 0 and at most 100.");
        }

        var rank = (int)Math.Ceiling(percent / 100.0 * sorted.Count);
        return sorted[Math.Clamp(rank, 1, sorted.Count) - 1];
    }
}
