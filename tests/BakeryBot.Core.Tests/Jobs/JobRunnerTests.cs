using BakeryBot.Core.Jobs;
using BakeryBot.Core.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace BakeryBot.Core.Tests.Jobs;

/// <summary>The job runner: every run recorded with its outcome, failures kept in, and the records bounded. On each database.</summary>
public abstract class JobRunnerTests(DbProvider provider)
{
    private static JobDefinition Job(string name, Func<int, Task<JobResult>> work)
    {
        var calls = 0;
        return new JobDefinition(name, "a test job", TimeSpan.FromMinutes(1), (_, _) => work(++calls));
    }

    private static Task<JobResult> Done(int call) =>
        Task.FromResult(new JobResult($"call {call}", new Dictionary<string, object> { ["call"] = call }, Changed: true));

    [SkippableFact]
    public async Task A_run_is_recorded_with_its_times_instance_trigger_and_what_it_did()
    {
        await using var app = await CoreTestApp.CreateAsync(provider);
        var runner = app.Services.GetRequiredService<JobRunner>();

        var report = await runner.RunAsync(Job("test", Done), manual: true, CancellationToken.None);

        Assert.Equal((JobOutcome.Ok, "call 1", CoreTestApp.Start), (report.Outcome, report.Result!.Summary, report.StartedAt));
        var run = await app.QueryAsync(db => db.JobRuns.SingleAsync());
        Assert.Equal(("test", JobOutcome.Ok, "call 1", (string?)null, true, JobRunner.Instance), (run.Job, run.Outcome, run.Summary, run.Error, run.Manual, run.Instance));
        Assert.Equal(CoreTestApp.Start, run.StartedAt);
    }

    [SkippableFact]
    public async Task A_failing_job_is_recorded_as_failed_with_a_short_error_and_the_runner_does_not_throw()
    {
        await using var app = await CoreTestApp.CreateAsync(provider);
        var runner = app.Services.GetRequiredService<JobRunner>();

        var report = await runner.RunAsync(Job("broken", _ => throw new InvalidOperationException(new string('x', 2000))), manual: false, CancellationToken.None);
        var next = await runner.RunAsync(Job("fine", Done), manual: false, CancellationToken.None);

        Assert.Equal(JobOutcome.Failed, report.Outcome);
        Assert.Null(report.Result);
        Assert.StartsWith("InvalidOperationException: xxx", report.Error, StringComparison.Ordinal);
        Assert.Equal(JobOutcome.Ok, next.Outcome);
        var runs = await app.QueryAsync(db => db.JobRuns.OrderBy(r => r.Id).ToListAsync());
        Assert.Equal([("broken", JobOutcome.Failed, false), ("fine", JobOutcome.Ok, false)], runs.Select(r => (r.Job, r.Outcome, r.Manual)));
        Assert.Equal(JobRun.ErrorMaxLength, runs[0].Error!.Length);
    }

    [SkippableFact]
    public async Task A_job_keeps_its_latest_hundred_runs_of_the_last_thirty_days_and_the_last_run_is_the_newest()
    {
        await using var app = await CoreTestApp.CreateAsync(provider);
        var runner = app.Services.GetRequiredService<JobRunner>();
        var busy = Job("busy", Done);
        var quiet = Job("quiet", Done);
        await runner.RunAsync(quiet, manual: false, CancellationToken.None);
        app.Clock.Advance(TimeSpan.FromDays(1));
        await runner.RunAsync(quiet, manual: false, CancellationToken.None);

        for (var i = 0; i < JobRunner.KeepPerJob + 5; i++)
        {
            await runner.RunAsync(busy, manual: false, CancellationToken.None);
        }

        var busyRuns = await app.QueryAsync(db => db.JobRuns.Where(r => r.Job == "busy").OrderBy(r => r.Id).Select(r => r.Summary).ToListAsync());
        Assert.Equal(Enumerable.Range(6, JobRunner.KeepPerJob).Select(i => $"call {i}"), busyRuns);
        Assert.Equal(2, await app.QueryAsync(db => db.JobRuns.CountAsync(r => r.Job == "quiet")));

        // Thirty days after the first quiet run, a run of any job deletes it; the second is a day younger.
        app.Clock.Advance(TimeSpan.FromDays(29) + TimeSpan.FromMinutes(1));
        await runner.RunAsync(busy, manual: false, CancellationToken.None);

        Assert.Equal(["call 2"], await app.QueryAsync(db => db.JobRuns.Where(r => r.Job == "quiet").Select(r => r.Summary).ToListAsync()));
        Assert.Equal(JobRunner.KeepPerJob, await app.QueryAsync(db => db.JobRuns.CountAsync(r => r.Job == "busy")));
    }

    [SkippableFact]
    public async Task The_catalog_has_a_job_for_each_kind_of_work_there_is_and_unknown_names_run_nothing()
    {
        await using var app = await CoreTestApp.CreateAsync(provider);
        var runner = app.Services.GetRequiredService<JobRunner>();

        Assert.Equal(JobNames.All, runner.Catalog.Jobs.Select(j => j.Name));
        Assert.Null(await runner.RunAsync("no-such-job", manual: true, CancellationToken.None));
        Assert.Equal(0, await app.QueryAsync(db => db.JobRuns.CountAsync()));
    }

    [SkippableFact]
    public async Task Each_real_job_runs_on_an_empty_database_and_reports_that_it_did_nothing()
    {
        await using var app = await CoreTestApp.CreateAsync(provider);
        var runner = app.Services.GetRequiredService<JobRunner>();

        var reports = new List<JobRunReport>();
        foreach (var name in JobNames.All)
        {
            reports.Add((await runner.RunAsync(name, manual: false, CancellationToken.None))!);
        }

        Assert.All(reports, r => Assert.Equal(JobOutcome.Ok, r.Outcome));
        Assert.All(reports, r => Assert.False(r.Result!.Changed));
        Assert.Equal(
            ["Warned none; breached none; dropped none.", "Reminded none; expired none.", "Reminded none; overdue notices for none.", "Nudged the owners of 0 timers.", "Suggested problems on none.", "Flagged 0 stale assets.", "Probed 0 checks (down: none); opened none; mitigated none.", "Posted 0 digests.", "Handled 0 messages; 0 pending."],
            reports.Select(r => r.Result!.Summary));
    }
}

public sealed class SqliteJobRunnerTests() : JobRunnerTests(DbProvider.Sqlite);

public sealed class PostgresJobRunnerTests() : JobRunnerTests(DbProvider.Postgres);
