using System.Globalization;
using BakeryBot.Core.Chat;
using BakeryBot.Core.Data;
using BakeryBot.Core.People;
using BakeryBot.Core.TimeTracking;
using Microsoft.EntityFrameworkCore;

namespace BakeryBot.Host.Cli;

/// <summary>
/// <c>bakerybot export time --from &lt;date&gt; --to &lt;date&gt; [--tenant &lt;platform&gt;:&lt;id&gt;] [--out &lt;file&gt;]</c>:
/// everyone's time entries of a tenant on those days (each person's local day, both included) as CSV.
/// <c>bakerybot export audit --from &lt;date&gt; --to &lt;date&gt; [--tenant …] [--format csv|jsonl] [--out &lt;file&gt;]</c>:
/// the audit trail of those UTC days (both included), of every tenant or the one named, as CSV or JSON
/// lines. Either goes to the file or to standard output. What it says about the export goes to
/// <c>messages</c> (standard error), so that standard output holds the data alone.
/// </summary>
public static class ExportVerb
{
    public const string Usage =
        "bakerybot export time --from <yyyy-MM-dd> --to <yyyy-MM-dd> [--tenant <platform>:<id>] [--out <file>]\n" +
        "       bakerybot export audit --from <yyyy-MM-dd> --to <yyyy-MM-dd> [--tenant <platform>:<id>] [--format csv|jsonl] [--out <file>]";

    /// <summary>What can be exported.</summary>
    public const string Time = "time", Audit = "audit";

    /// <summary>The verb's own arguments, and the rest for the host's configuration.</summary>
    public sealed record Arguments(string What, DateOnly From, DateOnly To, string? Tenant, string? Out, AuditExportFormat Format, string[] HostArgs, string? Error);

    public static Arguments Parse(IReadOnlyList<string> args)
    {
        DateOnly? from = null, to = null;
        string? tenant = null, output = null, error = null;
        var format = AuditExportFormat.Csv;
        var rest = new List<string>();
        var what = args.Count > 0 && args[0] is Time or Audit ? args[0] : null;
        if (what is null)
        {
            error = args.Count == 0 || args[0].StartsWith('-') ? "Export what? `time` or `audit`." : $"`{args[0]}` can't be exported; only `time` and `audit` can.";
        }

        for (var i = what is null ? 0 : 1; i < args.Count; i++)
        {
            var arg = args[i];
            var value = i + 1 < args.Count ? args[i + 1] : null;
            switch (arg)
            {
                case "--from" or "--to" or "--tenant" or "--out" or "--format" when value is null || value.StartsWith("--", StringComparison.Ordinal):
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
                case "--format" when what == Audit:
                    i++;
                    switch (value)
                    {
                        case "csv":
                            format = AuditExportFormat.Csv;
                            break;
                        case "jsonl":
                            format = AuditExportFormat.JsonLines;
                            break;
                        default:
                            error ??= $"--format {value} is not a format; write csv or jsonl.";
                            break;
                    }

                    break;
                case "--format":
                    i++;
                    error ??= "--format is for the audit export; time is always CSV.";
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

        return new Arguments(what ?? "", from ?? default, to ?? default, tenant, output, format, [.. rest], error);
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
        if (arguments.What == Audit)
        {
            return await AuditAsync(scope.ServiceProvider, db, arguments, standardOutput, messages, ct);
        }

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

    private static async Task<int> AuditAsync(IServiceProvider services, BakeryDbContext db, Arguments arguments, Stream standardOutput, TextWriter messages, CancellationToken ct)
    {
        // Without --tenant, every tenant's trail: each row names its tenant.
        Tenant? tenant = null;
        if (arguments.Tenant is { } named)
        {
            var colon = named.IndexOf(':', StringComparison.Ordinal);
            tenant = colon > 0 ? await db.Tenants.AsNoTracking().FirstOrDefaultAsync(t => t.Platform == named.Substring(0, colon) && t.ExternalId == named.Substring(colon + 1), ct) : null;
            if (tenant is null)
            {
                var known = await db.Tenants.AsNoTracking().OrderBy(t => t.Id).Select(t => t.Platform + ":" + t.ExternalId).ToListAsync(ct);
                await messages.WriteLineAsync($"No tenant {named} has used the bot yet. Tenants: {(known.Count == 0 ? "none" : string.Join(", ", known))}.");
                return 2;
            }
        }

        var exports = services.GetRequiredService<AuditExportService>();
        var scope = new AuditExportScope(tenant?.Id, arguments.From, arguments.To);
        int count;
        if (arguments.Out is { } path)
        {
            await using var file = File.Create(path);
            count = await exports.WriteAsync(file, scope, arguments.Format, ct);
        }
        else
        {
            count = await exports.WriteAsync(standardOutput, scope, arguments.Format, ct);
            await standardOutput.FlushAsync(ct);
        }

        var rows = count == 1 ? "1 audit entry" : $"{count} audit entries";
        var of = tenant is null ? "every tenant" : $"{tenant.Platform}:{tenant.ExternalId}";
        await messages.WriteLineAsync($"Exported {rows} of {of} from {arguments.From:yyyy-MM-dd} to {arguments.To:yyyy-MM-dd} (UTC){(arguments.Out is null ? "" : $" to {arguments.Out}")}.");
        return 0;
    }
}
