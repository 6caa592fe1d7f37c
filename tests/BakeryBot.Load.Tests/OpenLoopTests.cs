using BakeryBot.Load.Running;

namespace BakeryBot.Load.Tests;

public sealed class OpenLoopTests
{
    // A clock in milliseconds, moved only by the sleeps and stalls of the test.
    private const long Frequency = 1000;

    [Fact]
    public void The_timetable_spaces_requests_evenly_from_the_start()
    {
        var schedule = new OpenLoopSchedule(rate: 250, count: 10, Frequency);

        Assert.Equal([0L, 4, 8, 12, 36], new[] { 0, 1, 2, 3, 9 }.Select(schedule.DueOffset));
        Assert.Equal(0, schedule.DueBy(-1));
        Assert.Equal(1, schedule.DueBy(0));
        Assert.Equal(1, schedule.DueBy(3));
        Assert.Equal(2, schedule.DueBy(4));
        Assert.Equal(10, schedule.DueBy(1000));
    }

    [Fact]
    public void Each_request_leaves_when_due_and_never_before()
    {
        var now = 1_000L;
        var launched = new List<(int Index, long Due, long At)>();
        var runner = new OpenLoopRunner(() => now, wait => now += (long)(wait.TotalSeconds * Frequency));

        var start = runner.Run(new OpenLoopSchedule(rate: 100, count: 5, Frequency), (i, due) => launched.Add((i, due, now)));

        Assert.Equal(1_000, start);
        Assert.Equal([0, 1, 2, 3, 4], launched.Select(l => l.Index));
        Assert.Equal([1_000L, 1_010, 1_020, 1_030, 1_040], launched.Select(l => l.Due));
        Assert.All(launched, l => Assert.Equal(l.Due, l.At));
    }

    [Fact]
    public void Requests_held_up_by_a_stall_leave_at_once_and_keep_their_due_time_so_their_latency_counts_the_stall()
    {
        var now = 0L;
        var launched = new List<(int Index, long Due, long At)>();
        var runner = new OpenLoopRunner(() => now, wait => now += (long)(wait.TotalSeconds * Frequency));

        runner.Run(new OpenLoopSchedule(rate: 100, count: 6, Frequency), (i, due) =>
        {
            launched.Add((i, due, now));
            if (i == 1)
            {
                // The machine stalls for 35 ms just after sending request 1.
                now += 35;
            }
        });

        Assert.Equal([0L, 10, 20, 30, 40, 50], launched.Select(l => l.Due));
        // Requests 2, 3 and 4 (due at 20, 30 and 40) could only leave at 45, together; 5 is on time again.
        Assert.Equal([0L, 10, 45, 45, 45, 50], launched.Select(l => l.At));
        // A response at 50 for request 2 is 30 ms late from its due time, not 5 ms from when it left.
        Assert.Equal(30, 50 - launched[2].Due);
    }
}
