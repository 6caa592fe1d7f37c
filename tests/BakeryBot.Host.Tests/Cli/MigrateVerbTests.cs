using BakeryBot.Core.Data;
using BakeryBot.Core.Data.Outbox;
using BakeryBot.Core.Tests.Infrastructure;
using BakeryBot.Host.Cli;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace BakeryBot.Host.Tests.Cli;

/// <summary><c>bakerybot migrate</c>: down to an earlier migration (or to an empty schema) and back up, on a real database.</summary>
public abstract class MigrateVerbTests(DbProvider provider)
{
    [SkippableFact]
    public async Task Down_to_an_earlier_migration_reverts_the_later_ones_newest_first_and_up_applies_them_again()
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        await using var services = Services(database);
        var all = await MigrationsAsync(services, applied: false);
        var target = all[^4];
        var name = target[(target.IndexOf('_', StringComparison.Ordinal) + 1)..];

        var down = await RunAsync(services, "--to", name);
        var appliedAfterDown = await MigrationsAsync(services, applied: true);
        var up = await RunAsync(services);
        var again = await RunAsync(services);

        Assert.Equal((0, ""), (down.Code, down.Messages));
        Assert.Equal(
            [$"Reverted {all[^1]}", $"Reverted {all[^2]}", $"Reverted {all[^3]}", $"The database is at {target}: 0 migrations applied, 3 migrations reverted."],
            Lines(down.Output));
        Assert.Equal(all[..^3], appliedAfterDown);
        Assert.Equal((0, ""), (up.Code, up.Messages));
        Assert.Equal(
            [$"Applied {all[^3]}", $"Applied {all[^2]}", $"Applied {all[^1]}", $"The database is at {all[^1]}: 3 migrations applied, 0 migrations reverted."],
            Lines(up.Output));
        Assert.Equal(all, await MigrationsAsync(services, applied: true));
        Assert.Equal([$"Nothing to do: the database is at {all[^1]}."], Lines(again.Output));

        // The schema is whole again: a record can be written and read through the model.
        await using var scope = services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<BakeryDbContext>();
        db.Tenants.Add(new BakeryBot.Core.People.Tenant { Platform = "test", ExternalId = "T1", CreatedAt = DateTimeOffset.UtcNow });
        Assert.Equal(1, await db.SaveChangesAsync());
    }

    [SkippableFact]
    public async Task To_0_empties_the_schema_and_the_full_id_brings_every_migration_back()
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        await using var services = Services(database);
        var all = await MigrationsAsync(services, applied: false);

        var down = await RunAsync(services, "--to", "0");
        var left = await MigrationsAsync(services, applied: true);
        var up = await RunAsync(services, "--to", all[^1]);

        Assert.Equal(0, down.Code);
        Assert.Equal(all.AsEnumerable().Reverse().Select(m => $"Reverted {m}"), Lines(down.Output)[..^1]);
        Assert.Equal($"The database is before the first migration (empty): 0 migrations applied, {all.Count} migrations reverted.", Lines(down.Output)[^1]);
        Assert.Empty(left);
        Assert.Equal(0, up.Code);
        Assert.Equal(all.Select(m => $"Applied {m}"), Lines(up.Output)[..^1]);
        Assert.Equal(all, await MigrationsAsync(services, applied: true));
    }

    [SkippableFact]
    public async Task An_unknown_migration_exits_2_listing_them_all_and_changes_nothing()
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        await using var services = Services(database);
        var all = await MigrationsAsync(services, applied: false);

        var (code, output, messages) = await RunAsync(services, "--to", "NoSuchMigration");

        Assert.Equal(2, code);
        Assert.Equal("", output);
        Assert.Equal(
            $"There is no migration NoSuchMigration. Migrations, oldest first: {string.Join(", ", all)} (or 0 for before the first).\nUsage: {MigrateVerb.Usage}\n",
            messages);
        Assert.Equal(all, await MigrationsAsync(services, applied: true));
    }

    [Theory]
    [InlineData("--to", "--to needs a migration's name, or 0 for before the first.")]
    [InlineData("--to --Database:Provider=Sqlite", "--to needs a migration's name, or 0 for before the first.")]
    [InlineData("Initial", "`Initial` is not an option of migrate.")]
    public async Task A_wrong_command_line_exits_2_with_the_usage(string args, string expected)
    {
        var messages = new StringWriter { NewLine = "\n" };

        var code = await MigrateVerb.RunAsync(new ServiceCollection().BuildServiceProvider(), MigrateVerb.Parse(args.Split(' ')), TextWriter.Null, messages, CancellationToken.None);

        Assert.Equal(2, code);
        Assert.Equal($"{expected}\nUsage: {MigrateVerb.Usage}\n", messages.ToString());
    }

    [Fact]
    public void The_target_is_read_and_the_rest_goes_to_the_host()
    {
        var parsed = MigrateVerb.Parse(["--ConnectionStrings:BakeryBot=Data Source=x.db", "--to", "Initial", "Database:Provider=Sqlite"]);

        Assert.Equal(("Initial", (string?)null), (parsed.To, parsed.Error));
        Assert.Equal(["--ConnectionStrings:BakeryBot=Data Source=x.db", "Database:Provider=Sqlite"], parsed.HostArgs);
    }

    private static ServiceProvider Services(TestDatabase database)
    {
        var services = new ServiceCollection();
        services.AddSingleton(TimeProvider.System);
        services.AddSingleton<OutboxSignal>();
        services.AddBakeryDatabase(database.ProviderName, database.ConnectionString);
        return services.BuildServiceProvider();
    }

    private static async Task<List<string>> MigrationsAsync(IServiceProvider services, bool applied)
    {
        await using var scope = services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<BakeryDbContext>();
        return applied ? [.. await db.Database.GetAppliedMigrationsAsync()] : [.. db.Database.GetMigrations()];
    }

    private static async Task<(int Code, string Output, string Messages)> RunAsync(IServiceProvider services, params string[] args)
    {
        var output = new StringWriter { NewLine = "\n" };
        var messages = new StringWriter { NewLine = "\n" };
        var code = await MigrateVerb.RunAsync(services, MigrateVerb.Parse(args), output, messages, CancellationToken.None);
        return (code, output.ToString(), messages.ToString());
    }

    private static string[] Lines(string text) => text.TrimEnd('\n').Split('\n');
}

public sealed class SqliteMigrateVerbTests() : MigrateVerbTests(DbProvider.Sqlite);

public sealed class PostgresMigrateVerbTests() : MigrateVerbTests(DbProvider.Postgres);
