using BakeryBot.Core.Data.Outbox;
using Microsoft.Extensions.Options;

namespace BakeryBot.Host.Outbox;

/// <summary>
/// Runs the outbox dispatcher: at once when this process wrote a row, otherwise every poll interval.
/// A round that sent something but less than a batch is followed by the next only after
/// <see cref="OutboxOptions.GatherFor"/>: under steady load a round then carries the messages of that
/// moment together, where back-to-back rounds carried one or two each and cost the same reads, claim
/// and write turns every time. A round with a full batch is followed at once, and the first message
/// after a quiet spell goes at once.
/// </summary>
public sealed class OutboxWorker(OutboxDispatcher dispatcher, OutboxSignal signal, IOptions<OutboxOptions> options, TimeProvider clock, ILogger<OutboxWorker> logger) : BackgroundService
{
    /// <summary>The rounds run, for tests.</summary>
    public int Rounds => Volatile.Read(ref _rounds);

    private int _rounds;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        // The outbox job wakes this worker instead of delivering beside it.
        using var attached = signal.AttachWorker();
        while (!stoppingToken.IsCancellationRequested)
        {
            var handled = 0;
            try
            {
                Interlocked.Increment(ref _rounds);
                handled = await dispatcher.DispatchOnceAsync(stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                logger.LogError(ex, "The outbox round failed; trying again shortly");
                await Task.Delay(TimeSpan.FromSeconds(1), stoppingToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            }

            if (handled > 0 && handled < options.Value.BatchSize && options.Value.GatherFor > TimeSpan.Zero)
            {
                try
                {
                    await Task.Delay(options.Value.GatherFor, clock, stoppingToken);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
            }
            else if (handled == 0)
            {
                try
                {
                    await signal.WaitAsync(options.Value.PollInterval, stoppingToken);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
            }
        }
    }
}
