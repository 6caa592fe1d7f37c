using System.Diagnostics;

namespace BakeryBot.Load.Running;

/// <summary>
/// The open loop's timetable: request <c>i</c> is due <c>i / rate</c> seconds after the start, whatever
/// happened to the ones before it. Its latency counts from then, not from when it actually left, so a
/// stall in the bot (or in the driver) shows in the figures instead of hiding in a late send.
/// </summary>
public sealed class OpenLoopSchedule(double rate, int count, long frequency)
{
    public int Count => count;

    /// <summary>Ticks per second of the clock the timetable is in.</summary>
    public long Frequency => frequency;

    /// <summary>When request <paramref name="index"/> is due, in ticks after the start.</summary>
    public long DueOffset(int index) => (long)Math.Round(index * (double)frequency / rate);

    /// <summary>How many requests are due by <paramref name="elapsed"/> ticks after the start (the ones to have left by then).</summary>
    public int DueBy(long elapsed) =>
        elapsed < 0 ? 0 : (int)Math.Min(count, Math.Floor(elapsed * rate / frequency) + 1);
}

/// <summary>
/// Sends each request when it is due, from one timer loop: it wakes, launches every request due by now (each
/// told its due time), and sleeps until the next is due. A request that could not leave on time (the loop
/// woke late, the machine stalled) leaves at once, still carrying its original due time. Never a second's
/// worth at once, never early.
/// </summary>
public sealed class OpenLoopRunner(Func<long> now, Action<TimeSpan> sleep)
{
    public static OpenLoopRunner System { get; } = new(Stopwatch.GetTimestamp, Thread.Sleep);

    /// <summary>Runs the timetable from now; <paramref name="launch"/> gets each index and its due timestamp, and must not block.</summary>
    /// <returns>The start timestamp.</returns>
    public long Run(OpenLoopSchedule schedule, Action<int, long> launch)
    {
        var start = now();
        var next = 0;
        while (next < schedule.Count)
        {
            var dueBy = schedule.DueBy(now() - start);
            for (; next < dueBy; next++)
            {
                launch(next, start + schedule.DueOffset(next));
            }

            if (next < schedule.Count)
            {
                var wait = start + schedule.DueOffset(next) - now();
                if (wait > 0)
                {
                    // Linux sleeps in about millisecond steps: requests due within one step leave together.
                    sleep(TimeSpan.FromSeconds((double)wait / schedule.Frequency));
                }
            }
        }

        return start;
    }
}
