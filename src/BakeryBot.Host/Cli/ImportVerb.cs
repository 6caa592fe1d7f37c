using BakeryBot.Core.Cmdb.Import;
using BakeryBot.Core.Data;
using BakeryBot.Core.People;
using BakeryBot.Host.Playground;
using Microsoft.EntityFrameworkCore;

namespace BakeryBot.Host.Cli;

/// <summary>
/// <c>bakerybot import &lt;file.csv|file.json&gt; [--dry-run] [--tenant &lt;platform&gt;:&lt;id&gt;]</c>: CIs
/// into a tenant's CMDB, all or nothing (the format is in the README, section "Importing the CMDB").
/// </summary>
public static class ImportVerb
{
    public const string Usage = "bakerybot import <file.csv|file.json> [--dry-run] [--tenant <platform>:<id>]";

    /// <summary>The verb's own arguments, and the rest for the host's configuration.</summary>
    public sealed record Arguments(string? File, bool DryRun, string? Tenant, string[] HostArgs, string? Error);

    public static Arguments Parse(IReadOnlyList<string> args)
    {
        string? file = null, tenant = null, error = null;
        var dryRun = false;
        var rest = new List<string>();
        for (var i = 0; i < args.Count; i++)
        {
            switch (args[i])
            {
                case "--dry-run":
                    dryRun = true;
                    break;
                case "--tenant" when i + 1 < args.Count:
                    tenant = args[++i];
                    break;
                case "--tenant":
                    error = "--tenant needs a value, like slack:T024BE7LD.";
                    break;
                case var a when !a.StartsWith('-') && !a.Contains('=', StringComparison.Ordinal) && file is null:
                    file = a;
                    break;
                default:
                    rest.Add(args[i]);
                    break;
            }
        }

        return new Arguments(file, dryRun, tenant, [.. rest], error ?? (file is null ? "Which file?" : null));
    }

    /// <summary>Runs the import; the exit code is 0 when it was applied (or would be), 1 when the file has errors, 2 for a usage error.</summary>
    public static async Task<int> RunAsync(IServiceProvider services, Arguments arguments, TextWriter output, CancellationToken ct)
    {
        if (arguments.Error is { } usage)
        {
            await output.WriteLineAsync($"{usage}\nUsage: {Usage}");
            return 2;
        }

        var path = arguments.File!;
        if (!File.Exists(path))
        {
            await output.WriteLineAsync($"There is no file {path}.");
            return 2;
        }

        var (rows, errors) = CiFileReader.Read(path, await File.ReadAllTextAsync(path, ct));
        await using var scope = services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<BakeryDbContext>();
        var (tenant, tenantError) = await TenantAsync(db, arguments.Tenant, ct);
        if (tenant is null)
        {
            await output.WriteLineAsync(tenantError);
            return 2;
        }

        var name = Path.GetFileName(path);
        if (errors.Count == 0)
        {
            var result = await scope.ServiceProvider.GetRequiredService<CmdbImporter>().ImportAsync(tenant, rows, arguments.DryRun, ct);
            errors = [.. result.Errors];
            if (errors.Count == 0)
            {
                await WriteAsync(output, name, tenant, result);
                return 0;
            }
        }

        await output.WriteLineAsync($"{name} was not imported: nothing was written. {errors.Count} problem{(errors.Count == 1 ? "" : "s")}:");
        foreach (var error in errors.Take(200))
        {
            await output.WriteLineAsync(error.Line > 0 ? $"  line {error.Line}: {error.Message}" : $"  {error.Message}");
        }

        if (errors.Count > 200)
        {
            await output.WriteLineAsync($"  …and {errors.Count - 200} more.");
        }

        return 1;
    }

    private static async Task WriteAsync(TextWriter output, string name, Tenant tenant, ImportResult result)
    {
        var would = result.Written ? "" : "would be ";
        await output.WriteLineAsync(result.Written
            ? $"Imported {name} into {tenant.Platform}:{tenant.ExternalId}."
            : $"Dry run of {name} for {tenant.Platform}:{tenant.ExternalId}: nothing was written.");
        foreach (var ci in result.Cis)
        {
            await output.WriteLineAsync(ci.Created
                ? $"  line {ci.Line}: {ci.Name} {would}created ({ci.Type.ToString().ToLowerInvariant()})"
                : $"  line {ci.Line}: {ci.Name} {would}updated: {string.Join("; ", ci.Changes)}");
        }

        foreach (var link in result.LinksAdded)
        {
            await output.WriteLineAsync($"  link {would}added: {link}");
        }

        await output.WriteLineAsync($"{result.Created} {would}created, {result.Updated} {would}updated, {result.Unchanged} unchanged, {result.LinksAdded.Count} link{(result.LinksAdded.Count == 1 ? "" : "s")} {would}added.");
    }

    /// <summary>
    /// The tenant named by <c>--tenant platform:id</c>; without it, the only tenant there is (or the
    /// playground's, on a database no platform has used yet).
    /// </summary>
    internal static async Task<(Tenant?, string?)> TenantAsync(BakeryDbContext db, string? named, CancellationToken ct)
    {
        var tenants = await db.Tenants.ToListAsync(ct);
        if (named is not null)
        {
            var colon = named.IndexOf(':', StringComparison.Ordinal);
            var found = colon > 0 ? tenants.FirstOrDefault(t => t.Platform == named[..colon] && t.ExternalId == named[(colon + 1)..]) : null;
            return found is not null || (colon > 0 && named[..colon] == PlaygroundChannels.PlatformKey)
                ? (found ?? await PlaygroundAsync(db, ct), null)
                : (null, $"No tenant {named} has used the bot yet. Tenants: {Names(tenants)}.");
        }

        var real = tenants.Where(t => t.Platform != PlaygroundChannels.PlatformKey).ToList();
        return real.Count switch
        {
            0 => (await PlaygroundAsync(db, ct), null),
            1 => (real[0], null),
            _ => (null, $"Several tenants use this database; name one with --tenant: {Names(tenants)}."),
        };
    }

    private static async Task<Tenant> PlaygroundAsync(BakeryDbContext db, CancellationToken ct)
    {
        var tenant = await db.Tenants.FirstOrDefaultAsync(t => t.Platform == PlaygroundChannels.PlatformKey && t.ExternalId == PlaygroundChannels.TenantKey, ct);
        if (tenant is null)
        {
            tenant = new Tenant { Platform = PlaygroundChannels.PlatformKey, ExternalId = PlaygroundChannels.TenantKey, Name = "Playground", CreatedAt = DateTimeOffset.UtcNow };
            db.Tenants.Add(tenant);
            await db.SaveChangesAsync(ct);
        }

        return tenant;
    }

    private static string Names(List<Tenant> tenants) =>
        tenants.Count == 0 ? "none" : string.Join(", ", tenants.Select(t => $"{t.Platform}:{t.ExternalId}{(t.Name is { } n ? $" ({n})" : "")}"));
}
