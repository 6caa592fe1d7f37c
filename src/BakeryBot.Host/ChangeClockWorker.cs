using BakeryBot.Core.Changes;
using BakeryBot.Core.Drills;
using BakeryBot.Core.TimeTracking;
using Microsoft.Extensions.Options;

namespace BakeryBot.Host;

/// <summary>
/// The change clock: every <see cref="ReleaseOptions.CheckEvery"/> it posts the release reminders that
/// are due, expires the changes the CAB left undecided past their deadline, reminds drills due soon
/// or overdue, and nudges the owners of timers that have run a work day. All are idempotent and safe
/// with several instances, so a run that is missed or repeated posts nothing twice.
/// </summary>
public sealed class ChangeClockWorker(IServiceScopeFactory scopes, IOptions<ReleaseOptions> options, TimeProvider clock, ILogger<ChangeClockWorker> logger) : BackgroundService
{
    /// <summary>
    /// One round: release reminders, expiries, drill reminders and overdue notices, then timer nudges.
    /// Each step runs on its own: one that fails is logged and the others still run, so a fault in
    /// one kind of reminder never silences the rest.
    /// </summary>
    public async Task RunOnceAsync(CancellationToken ct)
    {
        await StepAsync("release reminders", async services =>
        {
            var reminded = await services.GetRequiredService<ReleaseService>().RemindAsync(ct);
            if (reminded.Count > 0)
            {
                logger.LogInformation("Release reminders posted for {Changes}", string.Join(", ", reminded));
            }
        }, ct);

        await StepAsync("change expiries", async services =>
        {
            var expired = await services.GetRequiredService<ChangeService>().ExpireDueAsync(ct);
            if (expired.Count > 0)
            {
                logger.LogInformation("Changes expired undecided: {Changes}", string.Join(", ", expired));
            }
        }, ct);

        await StepAsync("drill reminders", async services =>
        {
            var drills = await services.GetRequiredService<DrillReminders>().RunAsync(ct);
            if (drills.Reminded.Count > 0 || drills.Overdue.Count > 0)
            {
                logger.LogInformation("Drill reminders posted for {Reminded}; overdue notices for {Overdue}", string.Join(", ", drills.Reminded), string.Join(", ", drills.Overdue));
            }
        }, ct);

        await StepAsync("timer nudges", async services =>
        {
            var nudged = await services.GetRequiredService<TimerReminders>().NudgeAsync(ct);
            if (nudged.Count > 0)
            {
                logger.LogInformation("Owners of {Count} long-running timers asked whether they still run", nudged.Count);
            }
        }, ct);
    }

    private async Task StepAsync(string name, Func<IServiceProvider, Task> step, CancellationToken ct)
    {
        try
        {
            await using var scope = scopes.CreateAsyncScope();
            await step(scope.ServiceProvider);
        }
        catch (Exception ex) when (!ct.IsCancellationRequested)
        {
            logger.LogError(ex, "The change clock's {Step} failed; the round goes on, and the step is tried again at the next tick", name);
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.Value.CheckEvery, clock);
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await RunOnceAsync(stoppingToken);
                await timer.WaitForNextTickAsync(stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                logger.LogError(ex, "The change clock's round failed; trying again at the next tick");
                await ((Task)timer.WaitForNextTickAsync(stoppingToken).AsTask()).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            }
        }
    }
}
