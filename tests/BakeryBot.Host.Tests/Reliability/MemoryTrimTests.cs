using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace BakeryBot.Host.Tests.Reliability;

/// <summary>
/// The bot gives memory back to the system when it goes quiet after work: once after start-up or a
/// burst, never while busy, and not over and over while idle.
/// </summary>
public sealed class MemoryTrimTests
{
    private const long MB = 1 << 20;

    [Fact]
    public void The_policy_trims_once_quiet_after_a_good_deal_was_allocated()
    {
        var policy = new IdleTrimPolicy(quietBytes: 1 * MB, trimAfterBytes: 64 * MB, trimAfterGrowthBytes: 8 * MB);
        var allocated = 0L;
        const long resident = 150 * MB;
        bool Read(long more)
        {
            allocated += more;
            var trim = policy.ShouldTrim(allocated, resident);
            if (trim)
            {
                policy.Trimmed(allocated, resident);
            }

            return trim;
        }

        // Start-up: the first reading has nothing to compare with, then a burst of work.
        Assert.False(Read(80 * MB));
        Assert.False(Read(20 * MB));
        Assert.False(Read(5 * MB));
        // Quiet after it: trimmed once, and not again while the bot stays idle.
        Assert.True(Read(100 * 1024));
        for (var i = 0; i < 50; i++)
        {
            Assert.False(Read(100 * 1024));
        }

        // A little work (less than the threshold since the trim) and quiet again: not worth a trim.
        Assert.False(Read(30 * MB));
        Assert.False(Read(0));
        // Busy past the threshold: still no trim while busy; the first quiet reading trims.
        for (var i = 0; i < 20; i++)
        {
            Assert.False(Read(4 * MB));
        }

        Assert.True(Read(512 * 1024));
        Assert.False(Read(512 * 1024));
    }

    [Fact]
    public void The_policy_trims_again_when_memory_grows_while_the_bot_allocates_little()
    {
        var policy = new IdleTrimPolicy(quietBytes: 1 * MB, trimAfterBytes: 64 * MB, trimAfterGrowthBytes: 8 * MB);
        Assert.False(policy.ShouldTrim(100 * MB, 180 * MB));
        Assert.True(policy.ShouldTrim(100 * MB, 180 * MB));
        policy.Trimmed(100 * MB, 155 * MB);

        // Quiet, and growing (code compiled again after start-up): not for a few megabytes...
        Assert.False(policy.ShouldTrim(101 * MB - 1, 158 * MB));
        Assert.False(policy.ShouldTrim(101 * MB, 162 * MB));
        // ...once it has grown by the threshold since the trim.
        Assert.True(policy.ShouldTrim(101 * MB, 163 * MB));
        policy.Trimmed(101 * MB, 154 * MB);
        Assert.False(policy.ShouldTrim(101 * MB, 156 * MB));

        // Grown, but busy: not while busy.
        Assert.False(policy.ShouldTrim(110 * MB, 170 * MB));
        Assert.True(policy.ShouldTrim(110 * MB, 170 * MB));
    }

    [Fact]
    public async Task The_worker_trims_the_process_when_it_goes_quiet_after_work()
    {
        var clock = new FakeTimeProvider(DateTimeOffset.UnixEpoch);
        var gauge = new FakeGauge { Allocated = 200 * MB };
        var worker = new MemoryTrimWorker(gauge, Options.Create(new MemoryOptions()), clock, NullLogger<MemoryTrimWorker>.Instance);
        await worker.StartAsync(CancellationToken.None);
        try
        {
            // Busy: 10 MB every five seconds.
            for (var i = 0; i < 6; i++)
            {
                gauge.Allocated += 10 * MB;
                await TickAsync(clock, worker, gauge, expectedTrims: 0);
            }

            Assert.Equal(0, gauge.TrimCalls);

            // Quiet: one trim, then none while idle.
            gauge.Allocated += 200 * 1024;
            await TickAsync(clock, worker, gauge, expectedTrims: 1);
            for (var i = 0; i < 10; i++)
            {
                gauge.Allocated += 200 * 1024;
                await TickAsync(clock, worker, gauge, expectedTrims: 1);
            }

            Assert.Equal(1, gauge.TrimCalls);
        }
        finally
        {
            await worker.StopAsync(CancellationToken.None);
        }
    }

    [Fact]
    public async Task Turned_off_the_worker_never_trims()
    {
        var clock = new FakeTimeProvider(DateTimeOffset.UnixEpoch);
        var gauge = new FakeGauge { Allocated = 500 * MB };
        var worker = new MemoryTrimWorker(gauge, Options.Create(new MemoryOptions { TrimWhenIdle = false }), clock, NullLogger<MemoryTrimWorker>.Instance);
        await worker.StartAsync(CancellationToken.None);
        for (var i = 0; i < 5; i++)
        {
            clock.Advance(new MemoryOptions().CheckEvery);
            await Task.Delay(20);
        }

        await worker.StopAsync(CancellationToken.None);
        Assert.Equal(0, gauge.TrimCalls);
        Assert.Equal(0, gauge.Readings);
    }

    /// <summary>Moves the clock one check on, waits for the worker to read the gauge, and checks how often it has trimmed.</summary>
    private static async Task TickAsync(FakeTimeProvider clock, MemoryTrimWorker worker, FakeGauge gauge, int expectedTrims)
    {
        var readings = gauge.Readings;
        clock.Advance(new MemoryOptions().CheckEvery);
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (gauge.Readings == readings && DateTime.UtcNow < deadline)
        {
            await Task.Delay(2);
        }

        Assert.True(gauge.Readings > readings, "The worker did not read the gauge on its tick.");
        // What follows a reading (the decision, the trim) runs on at once; give it a moment.
        await Task.Delay(20);
        Assert.Equal(expectedTrims, worker.Trims);
        Assert.Equal(expectedTrims, gauge.TrimCalls);
    }

    private sealed class FakeGauge : MemoryGauge
    {
        private long _allocated;

        public long Allocated
        {
            get => Interlocked.Read(ref _allocated);
            set => Interlocked.Exchange(ref _allocated, value);
        }

        private int _trimCalls;
        private int _readings;

        public int TrimCalls => Volatile.Read(ref _trimCalls);

        public int Readings => Volatile.Read(ref _readings);

        public override long AllocatedBytes
        {
            get
            {
                Interlocked.Increment(ref _readings);
                return Allocated;
            }
        }

        public override long ResidentBytes => 100 * MB;

        public override void Trim() => Interlocked.Increment(ref _trimCalls);
    }
}
