using BakeryBot.Core.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace BakeryBot.Host.Cli;

/// <summary>
/// <c>bakerybot migrate [--to &lt;name&gt;]</c>: applies the pending migrations, or moves the database up or
/// down to the named one (its full id or the name after the timestamp; <c>0</c> means before the first,
/// an empty schema). Prints each migration it applied or reverted. The host itself migrates up on
/// start, so going down is for rolling back before running an older version.
/// </summary>
public static class MigrateVerb
{
    public const string Usage = "bakerybot migrate [--to <migration>|0]";

    /// <summary>Before the first migration, as EF Core names it.</summary>
    public const string Empty = "0";

    /// <summary>The target migration (null for the latest), and the rest for the host's configuration.</summary>
    public sealed record Arguments(string? To, string[] HostArgs, string? Error);

    public static Arguments Parse(IReadOnlyList<string> args)
    {
        string? to = null, error = null;
        var rest = new List<string>();
        for (var i = 0; i < args.Count; i++)
        {
            switch (args[i])
            {
                case "--to" when i + 1 < args.Count && !args[i + 1].StartsWith("--", StringComparison.Ordinal):
                    to = args[++i];
                    break;
                case "--to":
                    error ??= "--to needs a migration's name, or 0 for before the first.";
                    break;
                case var a when !a.StartsWith('-') && !a.Contains('=', StringComparison.Ordinal):
                    error ??= $"`{a}` is not an option of migrate.";
                    break;
                default:
                    rest.Add(args[i]);
                    break;
            }
        }

        return new Arguments(to, [.. rest], error);
    }

    /// <summary>Writes why the command line is wrong, and the usage; exit code 2.</summary>
    public static async Task<int> UsageAsync(Arguments arguments, TextWriter messages)
    {
        await messages.WriteLineAsync($"{arguments.Error}\nUsage: {Usage}");
        return 2;
    }

    /// <summary>Migrates; the exit code is 0 when done, 1 when a migration failed, 2 for a wrong command line or an unknown migration.</summary>
    public static async Task<int> RunAsync(IServiceProvider services, Arguments arguments, TextWriter output, TextWriter messages, CancellationToken ct)
    {
        if (arguments.Error is not null)
        {
            return await UsageAsync(arguments, messages);
        }

        await using var scope = services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<BakeryDbContext>();
        var all = db.Database.GetMigrations().ToList();
        var target = arguments.To is null ? all[^1] : Find(all, arguments.To);
        if (target is null)
        {
            await messages.WriteLineAsync($"There is no migration {arguments.To}. Migrations, oldest first: {string.Join(", ", all)} (or 0 for before the first).\nUsage: {Usage}");
            return 2;
        }

        try
        {
            var applied = (await db.Database.GetAppliedMigrationsAsync(ct)).ToHashSet(StringComparer.Ordinal);
            var targetIndex = target == Empty ? -1 : all.IndexOf(target);
            var up = all.Take(targetIndex + 1).Where(m => !applied.Contains(m)).ToList();
            var down = all.Skip(targetIndex + 1).Where(applied.Contains).Reverse().ToList();
            await db.GetService<IMigrator>().MigrateAsync(target, ct);
            if (db.Database.IsSqlite() && target != Empty)
            {
                // As the host does when it migrates: the file stays in WAL mode.
                await db.Database.ExecuteSqlRawAsync("PRAGMA journal_mode=WAL;", ct);
            }

            foreach (var migration in down)
            {
                await output.WriteLineAsync($"Reverted {migration}");
            }

            foreach (var migration in up)
            {
                await output.WriteLineAsync($"Applied {migration}");
            }

            var at = target == Empty ? "before the first migration (empty)" : $"at {target}";
            await output.WriteLineAsync(up.Count + down.Count == 0
                ? $"Nothing to do: the database is {at}."
                : $"The database is {at}: {Count(up.Count, "applied")}, {Count(down.Count, "reverted")}.");
            return 0;
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            await messages.WriteLineAsync($"Migrating to {target} failed: {ex.GetType().Name}: {ex.Message}");
            return 1;
        }
    }

    /// <summary>A migration by its full id or by its name (the part after the timestamp), or 0.</summary>
    private static string? Find(List<string> all, string name)
    {
        if (name == Empty)
        {
            return Empty;
        }

        return all.FirstOrDefault(m => string.Equals(m, name, StringComparison.OrdinalIgnoreCase))
            ?? all.SingleOrDefault(m => string.Equals(m[(m.IndexOf('_', StringComparison.Ordinal) + 1)..], name, StringComparison.OrdinalIgnoreCase));
    }

    private static string Count(int n, string what) => $"{n} migration{(n == 1 ? "" : "s")} {what}";
}
