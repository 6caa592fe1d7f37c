using BakeryBot.Core.Changes;
using BakeryBot.Core.Jobs;
using BakeryBot.Core.Synthetic;
using Microsoft.Extensions.Options;
using Quartz;

namespace BakeryBot.Host.Jobs;

/// <summary>
/// Schedules the <see cref="JobCatalog"/>'s jobs on Quartz: each as a Quartz job keyed by its name,
/// fired at start and then every <see cref="JobDefinition.Every"/> (<c>Releases:CheckEvery</c> for
/// the reminder jobs, <c>Synthetic:CheckEvery</c> for synthetic checks). The schedule is kept in memory on each instance (Quartz's RAM job store):
/// every job's work is idempotent across instances (advisory locks, conditional updates, posted-card
/// marks, outbox leases), so several instances on one PostgreSQL database send each reminder once
/// without a clustered store.
/// </summary>
public static class JobScheduling
{
    public static WebApplicationBuilder AddBakeryJobs(this WebApplicationBuilder builder)
    {
        var releases = builder.Configuration.GetSection(ReleaseOptions.Section).Get<ReleaseOptions>() ?? new ReleaseOptions();
        var synthetic = builder.Configuration.GetSection(SyntheticOptions.Section).Get<SyntheticOptions>() ?? new SyntheticOptions();
        var catalog = new JobCatalog(Options.Create(releases), Options.Create(synthetic));
        builder.Services.AddQuartz(q =>
        {
            q.UseInMemoryStore(_ => { });
            foreach (var job in catalog.Jobs.Where(j => j.Every > TimeSpan.Zero))
            {
                // A zero or negative interval is refused when the bot starts (options validation); it is not scheduled.
                q.AddJob<ScheduledJob>(j => j.WithIdentity(job.Name).WithDescription(job.Description));
                q.AddTrigger(t => t.ForJob(job.Name).WithIdentity(job.Name).StartNow().WithSimpleSchedule(job.Every));
            }
        });
        builder.Services.AddQuartzHostedService(o => o.WaitForJobsToComplete = true);
        return builder;
    }

    /// <summary>When Quartz fires the job next on this instance (none while the scheduler is not running it).</summary>
    public static async Task<DateTimeOffset?> NextRunAsync(this ISchedulerFactory schedulers, string job, CancellationToken ct)
    {
        var scheduler = await schedulers.GetScheduler(ct);
        return (await scheduler.GetTrigger(new TriggerKey(job), ct))?.NextFireTimeUtc;
    }
}
