using Microsoft.Extensions.Options;

namespace BakeryBot.Host;

/// <summary>The <c>Memory</c> section.</summary>
public sealed class MemoryOptions
{
    public const string Section = "Memory";

    /// <summary>Whether memory is given back to the system once the bot goes quiet after work.</summary>
    public bool TrimWhenIdle { get; set; } = true;

    /// <summary>How often the allocation counter and resident memory are read.</summary>
    public TimeSpan CheckEvery { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Quiet: less than this allocated between two readings (an idle bot allocates a few KB a second).</summary>
    public long QuietBytes { get; set; } = 1L << 20;

    /// <summary>A trim is worth it after this much has been allocated since the last one (or since start).</summary>
    public long TrimAfterBytes { get; set; } = 64L << 20;

    /// <summary>
    /// Or after resident memory grew this much since the last trim while the bot allocated little: code
    /// compiled again, optimised, after start-up, and the compiler's scratch memory, come after the first trim.
    /// </summary>
    public long TrimAfterGrowthBytes { get; set; } = 4L << 20;
}

/// <summary>
/// When to trim, from readings of the process's allocation counter and resident memory: once the bot
/// has allocated a good deal since the last trim (start-up, a burst of requests, a digest), or grown
/// by some megabytes, and then goes quiet. Never while it is busy, and not again while it stays idle.
/// </summary>
public sealed class IdleTrimPolicy(long quietBytes, long trimAfterBytes, long trimAfterGrowthBytes)
{
    private long? _lastReading;
    private long _allocatedAtTrim;
    private long? _residentAfterTrim;

    /// <summary>Takes a reading of the total bytes allocated and of resident memory; true when now is the time to trim.</summary>
    public bool ShouldTrim(long allocatedBytes, long residentBytes)
    {
        var previous = _lastReading;
        _lastReading = allocatedBytes;
        // The first reading has nothing to compare with: quiet is only known from the second on.
        var quiet = previous is { } last && allocatedBytes - last <= quietBytes;
        var grown = _residentAfterTrim is { } after && residentBytes - after >= trimAfterGrowthBytes;
        return quiet && (allocatedBytes - _allocatedAtTrim >= trimAfterBytes || grown);
    }

    /// <summary>Notes a trim, with the readings after it.</summary>
    public void Trimmed(long allocatedBytes, long residentBytes)
    {
        _allocatedAtTrim = allocatedBytes;
        _lastReading = allocatedBytes;
        _residentAfterTrim = residentBytes;
    }
}

/// <summary>The process's memory as the trim sees it (replaced in tests).</summary>
public class MemoryGauge
{
    public virtual long AllocatedBytes => GC.GetTotalAllocatedBytes();

    public virtual long ResidentBytes => Environment.WorkingSet;

    /// <summary>
    /// A full, compacting collection that also gives the freed heap back to the system; then, on Linux,
    /// the C library's free memory too (the compiler's scratch memory, SQLite's freed buffers). The
    /// garbage collector keeps what it committed for the next burst (sized for a server's), and the C
    /// library what was freed, so a bot that spends most of the day idle would hold a burst's worth of
    /// memory all day.
    /// </summary>
    public virtual void Trim()
    {
        GC.Collect(GC.MaxGeneration, GCCollectionMode.Aggressive, blocking: true, compacting: true);
        if (OperatingSystem.IsLinux())
        {
            try
            {
                _ = MallocTrim(0);
            }
            catch (Exception ex) when (ex is EntryPointNotFoundException or DllNotFoundException)
            {
                // A C library without malloc_trim (musl): the collection above is the trim.
            }
        }
    }

    [System.Runtime.InteropServices.DllImport("libc", EntryPoint = "malloc_trim")]
    private static extern int MallocTrim(nuint pad);
}

/// <summary>Gives memory back to the system when the bot goes quiet after work (<see cref="IdleTrimPolicy"/>).</summary>
public sealed class MemoryTrimWorker(MemoryGauge gauge, IOptions<MemoryOptions> options, TimeProvider clock, ILogger<MemoryTrimWorker> logger) : BackgroundService
{
    private PeriodicTimer? _timer;

    public int Trims { get; private set; }

    public override Task StartAsync(CancellationToken cancellationToken)
    {
        // The clock starts here, as the host starts, not whenever the background loop gets going.
        _timer = options.Value.TrimWhenIdle ? new PeriodicTimer(options.Value.CheckEvery, clock) : null;
        return base.StartAsync(cancellationToken);
    }

    public override void Dispose()
    {
        _timer?.Dispose();
        base.Dispose();
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (_timer is null)
        {
            return;
        }

        var policy = new IdleTrimPolicy(options.Value.QuietBytes, options.Value.TrimAfterBytes, options.Value.TrimAfterGrowthBytes);
        try
        {
            while (await _timer.WaitForNextTickAsync(stoppingToken))
            {
                var before = gauge.ResidentBytes;
                if (!policy.ShouldTrim(gauge.AllocatedBytes, before))
                {
                    continue;
                }

                gauge.Trim();
                var after = gauge.ResidentBytes;
                policy.Trimmed(gauge.AllocatedBytes, after);
                Trims++;
                logger.LogDebug("Quiet after work: memory trimmed from {Before} MB to {After} MB resident", before >> 20, after >> 20);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Stopping.
        }
    }
}
