using System.Runtime.ExceptionServices;
using BakeryBot.Core.Data;
using Microsoft.Extensions.Logging;

namespace BakeryBot.Core.Jobs;

/// <summary>How a job's round goes through what is due: each item on its own, so one that fails does not hold up the others.</summary>
public static class Rounds
{
    /// <summary>
    /// Runs <paramref name="work"/> for each item. One that throws is logged (its unit of work dropped:
    /// its transaction rolls back, the context forgets what it had pending) and the others still run;
    /// the round then throws the first failure, so the job's run is recorded as failed, and the item,
    /// still due, is tried again by the next round.
    /// </summary>
    public static async Task EachAsync<T>(BakeryDbContext db, ILogger logger, IReadOnlyList<T> items, Func<T, string> describe, Func<T, Task> work, CancellationToken ct)
    {
        ExceptionDispatchInfo? failure = null;
        foreach (var item in items)
        {
            try
            {
                await work(item);
            }
            catch (Exception ex) when (!ct.IsCancellationRequested)
            {
                db.ChangeTracker.Clear();
                logger.LogError(ex, "{What} failed; the round goes on with the others, and the next round tries it again", describe(item));
                failure ??= ExceptionDispatchInfo.Capture(ex);
            }
        }

        failure?.Throw();
    }
}
