using BakeryBot.Core.Data;

namespace BakeryBot.Host;

/// <summary>Runs <see cref="RetentionSweep"/> a minute after start and then every hour.</summary>
public sealed class RetentionWorker(IServiceScopeFactory scopes, TimeProvider clock, ILogger<RetentionWorker> logger) : BackgroundService
{
    public static readonly TimeSpan FirstAfter = TimeSpan.FromMinutes(1);

    public static readonly TimeSpan Every = TimeSpan.FromHours(1);

    private PeriodicTimer? _timer;

    /// <summary>Sweeps run, failed ones included (for tests).</summary>
    public int Sweeps { get; private set; }

    public override Task StartAsync(CancellationToken cancellationToken)
    {
        // The clock starts here, as the host starts, not whenever the background loop gets going.
        _timer = new PeriodicTimer(FirstAfter, clock);
        return base.StartAsync(cancellationToken);
    }

    public override void Dispose()
    {
        _timer?.Dispose();
        base.Dispose();
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            while (await _timer!.WaitForNextTickAsync(stoppingToken))
            {
                // The first tick comes a minute after start; from it on, one an hour.
                _timer.Period = Every;
                await SweepAsync(stoppingToken);
            }
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
