using BakeryBot.Core.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace BakeryBot.Core.Jobs;

/// <summary>A job's run as it ended: what <c>POST /admin/jobs/{name}/run</c> answers and <c>bakerybot run-job</c> prints.</summary>
public sealed record JobRunReport(string Job, bool Manual, string Instance, DateTimeOffset StartedAt, DateTimeOffset FinishedAt, JobOutcome Outcome, JobResult? Result, string? Error);

/// <summary>
/// Runs one job's work now, for the scheduler, the admin endpoint and the CLI alike: in a unit of work
/// of its own, a failure logged and recorded (never thrown, so one job failing never stops another),
/// and every run recorded in <c>JobRuns</c> with the instance it ran on. A job keeps its latest
/// <see cref="KeepPerJob"/> runs of the last <see cref="KeepFor"/>; older ones are deleted as runs are recorded.
/// </summary>
public sealed class JobRunner(IServiceScopeFactory scopes, JobCatalog catalog, TimeProvider clock, ILogger<JobRunner> logger)
{
    public const int KeepPerJob = 100;

    public static readonly TimeSpan KeepFor = TimeSpan.FromDays(30);

    /// <summary>This process, as runs name where they ran: the host name and the process id.</summary>
    public static string Instance { get; } = $"{Environment.MachineName}/{Environment.ProcessId}";

    public JobCatalog Catalog => catalog;

    /// <summary>Runs the named job, or answers null when there is no such job.</summary>
    public async Task<JobRunReport?> RunAsync(string name, bool manual, CancellationToken ct) =>
        catalog.Find(name) is { } job ? await RunAsync(job, manual, ct) : null;

    public async Task<JobRunReport> RunAsync(JobDefinition job, bool manual, CancellationToken ct)
    {
        var started = clock.GetUtcNow();
        var timer = System.Diagnostics.Stopwatch.StartNew();
        JobResult? result = null;
        string? error = null;
        using var activity = Telemetry.BakeryTelemetry.Activities.StartActivity($"job {job.Name}");
        activity?.SetTag("bakerybot.job", job.Name);
        try
        {
            await using var scope = scopes.CreateAsyncScope();
            result = await job.RunAsync(scope.ServiceProvider, ct);
        }
        catch (Exception ex) when (!ct.IsCancellationRequested)
        {
            logger.LogError(ex, "The {Job} job failed ({Trigger} run); it runs again at its next time", job.Name, manual ? "manual" : "scheduled");
            error = Shorten($"{ex.GetType().Name}: {ex.Message}", JobRun.ErrorMaxLength);
        }

        var report = new JobRunReport(job.Name, manual, Instance, started, clock.GetUtcNow(), error is null ? JobOutcome.Ok : JobOutcome.Failed, result, error);
        var tags = new System.Diagnostics.TagList { { "job", job.Name }, { "outcome", error is null ? "ok" : "failed" }, { "manual", manual } };
        Telemetry.BakeryTelemetry.JobRuns.Add(1, tags);
        Telemetry.BakeryTelemetry.JobDuration.Record(timer.Elapsed.TotalSeconds, tags);
        activity?.SetStatus(error is null ? System.Diagnostics.ActivityStatusCode.Ok : System.Diagnostics.ActivityStatusCode.Error, error);
        if (result is { Changed: true } || manual)
        {
            logger.LogInformation("The {Job} job ({Trigger} run): {Summary}", job.Name, manual ? "manual" : "scheduled", result?.Summary ?? error);
        }

        await RecordAsync(report, ct);
        return report;
    }

    /// <summary>The latest run of each job, by any instance (none for a job that has not run).</summary>
    public async Task<IReadOnlyDictionary<string, JobRun>> LastRunsAsync(CancellationToken ct)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<BakeryDbContext>();
        var last = new Dictionary<string, JobRun>();
        foreach (var job in catalog.Jobs)
        {
            if (await db.JobRuns.AsNoTracking().Where(r => r.Job == job.Name).OrderByDescending(r => r.Id).FirstOrDefaultAsync(ct) is { } run)
            {
                last[job.Name] = run;
            }
        }

        return last;
    }

    private async Task RecordAsync(JobRunReport report, CancellationToken ct)
    {
        try
        {
            await using var scope = scopes.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<BakeryDbContext>();
            db.JobRuns.Add(new JobRun
            {
                Job = report.Job,
                // Stored times are UTC: SQLite compares them as encoded integers, and PostgreSQL accepts only UTC offsets.
                StartedAt = report.StartedAt.ToUniversalTime(),
                FinishedAt = report.FinishedAt.ToUniversalTime(),
                Outcome = report.Outcome,
                Summary = report.Result is { } r ? Shorten(r.Summary, JobRun.SummaryMaxLength) : null,
                Error = report.Error,
                Instance = report.Instance,
                Manual = report.Manual,
            });
            await db.SaveChangesAsync(ct);

            var old = (report.FinishedAt - KeepFor).ToUniversalTime();
            await db.JobRuns.Where(r => r.StartedAt < old).ExecuteDeleteAsync(ct);
            var oldestKept = await db.JobRuns.Where(r => r.Job == report.Job).OrderByDescending(r => r.Id).Skip(KeepPerJob - 1).Select(r => (long?)r.Id).FirstOrDefaultAsync(ct);
            if (oldestKept is { } id)
            {
                await db.JobRuns.Where(r => r.Job == report.Job && r.Id < id).ExecuteDeleteAsync(ct);
            }
        }
        catch (Exception ex) when (!ct.IsCancellationRequested)
        {
            // The work is done (or failed) either way; only its record is missing.
            logger.LogError(ex, "The {Job} job's run could not be recorded", report.Job);
        }
    }

    private static string Shorten(string text, int max) => text.Length <= max ? text : string.Concat(text.AsSpan(0, max - 1), "…");
}
