using System.Globalization;
using BakeryBot.Core.Chat;
using BakeryBot.Core.Data;
using BakeryBot.Core.TimeTracking;

namespace BakeryBot.Host.Cli;

/// <summary>
/// <c>bakerybot export time --from &lt;date&gt; --to &lt;date&gt; [--tenant &lt;platform&gt;:&lt;id&gt;] [--out &lt;file&gt;]</c>:
/// everyone's time entries of a tenant on those days (each person's local day, both included) as CSV,
/// to the file or to standard output. What it says about the export goes to <c>messages</c> (standard
/// error), so that standard output holds the CSV alone.
/// </summary>
public static class ExportVerb
{
    public const string Usage = "bakerybot export time --from <yyyy-MM-dd> --to <yyyy-MM-dd> [--tenant <platform>:<id>] [--out <file>]";

    /// <summary>The verb's own arguments, and the rest for the host's configuration.</summary>
    public sealed record Arguments(DateOnly From, DateOnly To, string? Tenant, string? Out, string[] HostArgs, string? Error);

    public static Arguments Parse(IReadOnlyList<string> args)
    {
        DateOnly? from = null, to = null;
        string? tenant = null, output = null, error = null;
        var rest = new List<string>();
        if (args.Count == 0 || args[0] != "time")
        {
            error = args.Count == 0 || args[0].StartsWith('-') ? "Export what? Only `time` can be exported." : $"`{args[0]}` can't be exported; only `time` can.";
        }

        for (var i = args.Count > 0 && args[0] == "time" ? 1 : 0; i < args.Count; i++)
        {
            var arg = args[i];
            var value = i + 1 < args.Count ? args[i + 1] : null;
            switch (arg)
            {
                case "--from" or "--to" or "--tenant" or "--out" when value is null || value.StartsWith("--", StringComparison.Ordinal):
                    error ??= $"{arg} needs a value.";
                    break;
                case "--from" or "--to":
                    i++;
                    if (DateOnly.TryParseExact(value, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date))
                    {
                        if (arg == "--from")
                        {
                            from = date;
                        }
                        else
                        {
                            to = date;
                        }
                    }
                    else
                    {
                        error ??= $"{arg} {value} is not a date; write it like 2026-11-01.";
                    }

                    break;
                case "--tenant":
                    tenant = args[++i];
                    break;
                case "--out":
                    output = args[++i];
                    break;
                case "time" when i == 0:
                    break;
                default:
                    rest.Add(arg);
                    break;
            }
        }

        error ??= from is null || to is null ? "Which days? Give --from and --to." : null;
        if (error is null)
        {
            try
            {
                TimeExportService.CheckRange(from!.Value, to!.Value);
            }
            catch (UserException ex)
            {
                error = ex.Message;
            }
        }

        return new Arguments(from ?? default, to ?? default, tenant, output, [.. rest], error);
    }

    /// <summary>Runs the export; the exit code is 0 when it was written, 2 for a wrong command line or tenant.</summary>
    public static async Task<int> RunAsync(IServiceProvider services, Arguments arguments, Stream standardOutput, TextWriter messages, CancellationToken ct)
    {
        if (arguments.Error is { } usage)
        {
            await messages.WriteLineAsync($"{usage}\nUsage: {Usage}");
            return 2;
        }

        await using var scope = services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<BakeryDbContext>();
        var (tenant, tenantError) = await ImportVerb.TenantAsync(db, arguments.Tenant, ct);
        if (tenant is null)
        {
            await messages.WriteLineAsync(tenantError);
            return 2;
        }

        var exports = scope.ServiceProvider.GetRequiredService<TimeExportService>();
        var what = new TimeExportScope(tenant.Id, null, arguments.From, arguments.To);
        int count;
        if (arguments.Out is { } path)
        {
            await using var file = File.Create(path);
            count = await exports.WriteCsvAsync(file, what, ct);
        }
        else
        {
            count = await exports.WriteCsvAsync(standardOutput, what, ct);
            await standardOutput.FlushAsync(ct);
        }

        var entries = count == 1 ? "1 time entry" : $"{count} time entries";
        await messages.WriteLineAsync($"Exported {entries} of {tenant.Platform}:{tenant.ExternalId} from {arguments.From:yyyy-MM-dd} to {arguments.To:yyyy-MM-dd}{(arguments.Out is null ? "" : $" to {arguments.Out}")}.");
        return 0;
    }
}
