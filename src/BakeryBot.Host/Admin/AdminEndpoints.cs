using System.Security.Cryptography;
using System.Text;
using BakeryBot.Core.Jobs;
using BakeryBot.Host.Hooks;
using BakeryBot.Host.Jobs;
using Microsoft.Extensions.Options;

namespace BakeryBot.Host.Admin;

/// <summary>A job as <c>GET /admin/jobs</c> lists it.</summary>
/// <param name="Every">How often it runs, as the settings write it (<c>00:01:00</c>).</param>
/// <param name="NextRun">When this instance's scheduler runs it next.</param>
public sealed record AdminJob(string Name, string Description, TimeSpan Every, DateTimeOffset? NextRun, AdminJobRun? LastRun);

/// <summary>A job's run as the admin endpoints show it.</summary>
public sealed record AdminJobRun(string Job, string Outcome, bool Manual, string Instance, DateTimeOffset StartedAt, DateTimeOffset FinishedAt, string? Summary, string? Error, IReadOnlyDictionary<string, object>? Did = null)
{
    public static AdminJobRun From(JobRun run) =>
        new(run.Job, OutcomeName(run.Outcome), run.Manual, run.Instance, run.StartedAt, run.FinishedAt, run.Summary, run.Error);

    public static AdminJobRun From(JobRunReport run) =>
        new(run.Job, OutcomeName(run.Outcome), run.Manual, run.Instance, run.StartedAt, run.FinishedAt, run.Result?.Summary, run.Error, run.Result?.Did);

    private static string OutcomeName(JobOutcome outcome) => outcome == JobOutcome.Ok ? "ok" : "failed";
}

/// <summary>
/// <c>GET /admin/jobs</c> and <c>POST /admin/jobs/{name}/run</c> (product.md §1): the scheduled jobs
/// with their last run (on any instance) and next run (on this one), and a job run now. Both need
/// <c>Authorization: Bearer &lt;Admin:Token&gt;</c> (401 otherwise, compared in constant time) and
/// answer 404 while <c>Admin:Token</c> is unset, as if they did not exist.
/// </summary>
public static class AdminEndpoints
{
    public static void MapAdmin(this WebApplication app)
    {
        var admin = app.MapGroup("/admin").AddEndpointFilter(async (context, next) =>
            Refusal(context.HttpContext) ?? await next(context));
        admin.MapGet("/jobs", ListAsync);
        admin.MapPost("/jobs/{name}/run", RunAsync);
    }

    private static async Task<IResult> ListAsync(JobRunner runner, Quartz.ISchedulerFactory schedulers, CancellationToken ct)
    {
        var last = await runner.LastRunsAsync(ct);
        var jobs = new List<AdminJob>();
        foreach (var job in runner.Catalog.Jobs)
        {
            var lastRun = last.TryGetValue(job.Name, out var run) ? AdminJobRun.From(run) : null;
            jobs.Add(new AdminJob(job.Name, job.Description, job.Every, await schedulers.NextRunAsync(job.Name, ct), lastRun));
        }

        return Results.Json(jobs);
    }

    private static async Task<IResult> RunAsync(string name, JobRunner runner, IHostApplicationLifetime lifetime)
    {
        if (runner.Catalog.Find(name) is not { } job)
        {
            return Results.Json(new { error = $"There is no job {name}.", jobs = runner.Catalog.Jobs.Select(j => j.Name) }, statusCode: StatusCodes.Status404NotFound);
        }

        // Not the request's token: a client that hangs up does not cut a run short, a shutdown does.
        var report = await runner.RunAsync(job, manual: true, lifetime.ApplicationStopping);
        return Results.Json(AdminJobRun.From(report));
    }

    /// <summary>404 while no admin token is set; 401 without the right one; null to go on.</summary>
    private static IResult? Refusal(HttpContext http)
    {
        var expected = http.RequestServices.GetRequiredService<IOptions<AdminOptions>>().Value.Token;
        if (string.IsNullOrEmpty(expected))
        {
            return Results.NotFound();
        }

        var given = HookEndpoints.BearerToken(http.Request);
        // Hashed first, so that neither the comparison's time nor its length check says anything about the token.
        if (given is not null && CryptographicOperations.FixedTimeEquals(SHA256.HashData(Encoding.UTF8.GetBytes(given)), SHA256.HashData(Encoding.UTF8.GetBytes(expected))))
        {
            return null;
        }

        http.Response.Headers.WWWAuthenticate = "Bearer";
        return Results.Json(new { error = "A valid Authorization: Bearer <Admin:Token> header is needed." }, statusCode: StatusCodes.Status401Unauthorized);
    }
}
