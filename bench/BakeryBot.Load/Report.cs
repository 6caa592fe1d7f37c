using System.Globalization;
using System.Runtime.InteropServices;
using BakeryBot.Load.Running;

namespace BakeryBot.Load;

/// <summary>One measured phase, as printed.</summary>
public sealed record PhaseRow(string Phase, PhaseOutcome Outcome, LatencySummary Latency, double ServerCores, double ServerPeakMb, bool PeakIsForPhase, double DriverCores);

/// <summary>The figures as Markdown tables, close to bench/README.md's.</summary>
public static class Report
{
    public static string Machine()
    {
        var model = File.Exists("/proc/cpuinfo")
            ? File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal))?.Split(':', 2)[1].Trim()
            : null;
        var load = File.Exists("/proc/loadavg") ? string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "?";
        return $"{Environment.ProcessorCount} cores ({model ?? RuntimeInformation.ProcessArchitecture.ToString()}), {RuntimeInformation.OSDescription}, {RuntimeInformation.FrameworkDescription}, load average {load} before the run";
    }

    public static void Table(TextWriter output, string scenario, IEnumerable<PhaseRow> rows)
    {
        output.WriteLine();
        output.WriteLine($"| {scenario} | requests | seconds | req/s | p50 ms | p90 ms | p99 ms | max ms | errors | server CPU (cores) | server peak RSS MB | driver CPU (cores) |");
        output.WriteLine("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |");
        foreach (var row in rows)
        {
            var o = row.Outcome;
            var l = row.Latency;
            output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"| {row.Phase} | {o.Sent:N0} | {o.Seconds:0.0} | {o.Throughput:N0} | {l.P50Ms:0.0} | {l.P90Ms:0.0} | {l.P99Ms:0.0} | {l.MaxMs:0.0} | {o.ErrorCount:N0} | {row.ServerCores:0.00} | {row.ServerPeakMb:0}{(row.PeakIsForPhase ? "" : "*")} | {row.DriverCores:0.00} |"));
        }

        foreach (var row in rows)
        {
            if (row.Outcome.Note is { } note)
            {
                output.WriteLine($"  {row.Phase}: {note}.");
            }

            foreach (var (what, count) in row.Outcome.Errors.OrderByDescending(e => e.Value))
            {
                output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  !! {row.Phase}: {count:N0} × {what}"));
            }
        }
    }
}
