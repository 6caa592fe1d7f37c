using BakeryBot.Core.Jobs;
using Quartz;

namespace BakeryBot.Host.Jobs;

/// <summary>
/// The Quartz entry point of every job in the <see cref="JobCatalog"/>: the job's key is its name, and
/// the work is the <see cref="JobRunner"/>'s, which runs it in a unit of work of its own, logs and
/// records a failure and never throws, so one job failing never stops another. Runs of one job never
/// overlap on an instance; across instances each job's work is safe to run at once (see <see cref="JobCatalog"/>).
/// </summary>
[DisallowConcurrentExecution]
public sealed class ScheduledJob(JobRunner runner) : IJob
{
    public async ValueTask Execute(IJobExecutionContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            await runner.RunAsync(context.JobDetail.Key.Name, manual: false, cancellationToken);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // Shutting down: the next start runs it again.
        }
    }
}
