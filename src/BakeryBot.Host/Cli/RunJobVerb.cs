using System.Globalization;
using BakeryBot.Core.Jobs;

namespace BakeryBot.Host.Cli;

/// <summary>
/// <c>bakerybot run-job &lt;name&gt;</c>: runs one scheduled job once against the configured database, as
/// <c>POST /admin/jobs/{name}/run</c> does, and prints what it did. Safe beside running instances: every
/// job's work is idempotent across instances.
/// </summary>
public static class RunJobVerb
{
    public static string Usage => $"bakerybot run-job <{string.Join('|', JobNames.All)}>";

    /// <summary>The job's name, and the rest for the host's configuration.</summary>
    public sealed record Arguments(string? Job, string[] HostArgs, string? Error);

    public static Arguments Parse(IReadOnlyList<string> args)
    {
        string? job = null;
        var rest = new List<string>();
        foreach (var arg in args)
        {
            if (job is null && !arg.StartsWith('-') && !arg.Contains('=', StringComparison.Ordinal))
            {
                job = arg;
            }
            else
            {
                rest.Add(arg);
            }
        }

        var error = job switch
        {
            null => "Which job?",
            _ when !JobNames.All.Contains(job) => $"There is no job {job}.",
            _ => null,
        };
        return new Arguments(job, [.. rest], error);
    }

    /// <summary>Writes the usage, with every job's name, for a wrong command line; exit code 2.</summary>
    public static async Task<int> UsageAsync(Arguments arguments, TextWriter output)
    {
        await output.WriteLineAsync($"{arguments.Error}\nUsage: {Usage}\nJobs: {string.Join(", ", JobNames.All)}");
        return 2;
    }

    /// <summary>Runs the job; the exit code is 0 when it ran, 1 when it failed, 2 for a usage error.</summary>
    public static async Task<int> RunAsync(IServiceProvider services, Arguments arguments, TextWriter output, CancellationToken ct)
    {
        if (arguments.Error is not null)
        {
            return await UsageAsync(arguments, output);
        }

        var runner = services.GetRequiredService<JobRunner>();
        var report = (await runner.RunAsync(arguments.Job!, manual: true, ct))!;
        var when = string.Create(CultureInfo.InvariantCulture, $"started {report.StartedAt.UtcDateTime:yyyy-MM-ddTHH:mm:ss}Z, finished {report.FinishedAt.UtcDateTime:yyyy-MM-ddTHH:mm:ss}Z on {report.Instance}");
        if (report.Outcome == JobOutcome.Ok)
        {
            await output.WriteLineAsync($"{report.Job}: ok ({when}). {report.Result!.Summary}");
            return 0;
        }

        await output.WriteLineAsync($"{report.Job}: failed ({when}). {report.Error}");
        return 1;
    }
}
