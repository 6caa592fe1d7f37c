using BakeryBot.Core.Data;

namespace BakeryBot.Host;

/// <summary>Runs <see cref="RetentionSweep"/> a minute after start and then every hour.</summary>
public sealed class RetentionWorker(IServiceScopeFactory scopes, TimeProvider clock, ILogger<RetentionWorker> logger) : BackgroundService
{
    public static readonly TimeSpan FirstAfter = TimeSpan.FromMinutes(1);

    public static readonly TimeSpan Every = TimeSpan.FromHours(1);

    private ITimer? _first;
    private PeriodicTimer? _timer;
    private readonly SemaphoreSlim _due = new(0);

    /// <summary>Sweeps done (for tests).</summary>
    public int Sweeps { get; private set; }

    public override Task StartAsync(CancellationToken cancellationToken)
    {
        // The clock starts here, as the host starts, not whenever the background loop gets going.
        _first = clock.CreateTimer(_ => _due.Release(), null, FirstAfter, Timeout.InfiniteTimeSpan);
        _timer = new PeriodicTimer(Every, clock);
        return base.StartAsync(cancellationToken);
    }

    public override void Dispose()
    {
        _first?.Dispose();
        _timer?.Dispose();
        _due.Dispose();
        base.Dispose();
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            await _due.WaitAsync(stoppingToken);
            do
            {
                await SweepAsync(stoppingToken);
            }
            while (await _timer!.WaitForNextTickAsync(stoppingToken));
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Stopping.
        }
    }

    private async Task SweepAsync(CancellationToken ct)
    {
        try
        {
            await using var scope = scopes.CreateAsyncScope();
            var (messages, deliveries) = await scope.ServiceProvider.GetRequiredService<RetentionSweep>().RunAsync(ct);
            if (messages + deliveries > 0)
            {
                logger.LogInformation("Deleted {Messages} finished outbox messages and {Deliveries} old delivery ids", messages, deliveries);
            }
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // Nothing is lost by a sweep that failed: the next one deletes what this one did not.
            logger.LogWarning(ex, "The retention sweep failed; the next one, in an hour, tries again");
        }

        Sweeps++;
    }
}
