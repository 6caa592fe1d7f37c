using BakeryBot.Core.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace BakeryBot.Core.Tests.Data;

/// <summary>Every migration goes up, all the way down, and up again; the model has no unmigrated change.</summary>
public abstract class MigrationTests(DbProvider provider)
{
    [SkippableFact]
    public async Task Migrations_go_up_all_the_way_down_and_up_again()
    {
        await using var database = await TestDatabase.CreateAsync(provider, migrated: false);
        await using var db = database.NewContext();
        var migrator = db.GetService<IMigrator>();
        var all = db.Database.GetMigrations().ToList();
        Assert.NotEmpty(all);

        await migrator.MigrateAsync();
        Assert.Equal(all, await db.Database.GetAppliedMigrationsAsync());
        Assert.Equal(0, await db.Incidents.CountAsync());

        await migrator.MigrateAsync(Migration.InitialDatabase);
        Assert.Empty(await db.Database.GetAppliedMigrationsAsync());
        await Assert.ThrowsAnyAsync<Exception>(() => db.Incidents.CountAsync());

        await migrator.MigrateAsync();
        Assert.Equal(all, await db.Database.GetAppliedMigrationsAsync());
        Assert.Equal(0, await db.Outbox.CountAsync());
    }

    [SkippableFact]
    public async Task Serial_numbers_move_from_the_free_attributes_to_their_column_and_back()
    {
        await using var database = await TestDatabase.CreateAsync(provider, migrated: false);
        await using var db = database.NewContext();
        var migrator = db.GetService<IMigrator>();
        var all = db.Database.GetMigrations().ToList();
        var moving = all.Single(m => m.EndsWith("_DiscoveryAndServiceCredits", StringComparison.Ordinal));
        await migrator.MigrateAsync(all[all.IndexOf(moving) - 1]);
        var now = provider == DbProvider.Postgres ? "now()" : "0";
        var tenantSql = $"""
            INSERT INTO "Tenants" ("Platform", "ExternalId", "Name", "TimeZone", "CreatedAt") VALUES ('playground', 'T1', 'Bakery', 'UTC', {now})
            """;
        await db.Database.ExecuteSqlRawAsync(tenantSql);
        var tenant = await db.Tenants.Select(t => t.Id).SingleAsync();
        var ciSql = $$"""
            INSERT INTO "ConfigurationItems" ("TenantId", "Type", "Name", "Key", "ThirdParty", "Attributes", "CreatedAt", "UpdatedAt", "Version")
            VALUES ({{tenant}}, 'Asset', 'oven-2', 'oven-2', false, {0}, {{now}}, {{now}}, 0)
            """;
        await db.Database.ExecuteSqlRawAsync(ciSql, """{"serial":"SN-1","colour":"red"}""");

        await migrator.MigrateAsync();
        var oven = await db.ConfigurationItems.SingleAsync();
        Assert.Equal("SN-1", oven.Serial);
        Assert.Equal(new Dictionary<string, string> { ["colour"] = "red" }, oven.Attributes);

        await migrator.MigrateAsync(all[all.IndexOf(moving) - 1]);
        var attributes = await db.Database.SqlQueryRaw<string>("""SELECT "Attributes" AS "Value" FROM "ConfigurationItems" """).SingleAsync();
        Assert.Contains("\"serial\"", attributes, StringComparison.Ordinal);
        Assert.Contains("SN-1", attributes, StringComparison.Ordinal);
    }

    [SkippableFact]
    public async Task The_model_has_no_change_without_a_migration()
    {
        await using var database = await TestDatabase.CreateAsync(provider, migrated: false);
        await using var db = database.NewContext();

        Assert.False(db.Database.HasPendingModelChanges(), "Run dotnet ef migrations add for this provider.");
    }
}

public sealed class SqliteMigrationTests() : MigrationTests(DbProvider.Sqlite)
{
    [Fact]
    public async Task Migrating_at_start_switches_the_file_to_write_ahead_logging_with_a_busy_timeout()
    {
        await using var database = await TestDatabase.CreateAsync(DbProvider.Sqlite, migrated: false);
        await using var db = database.NewContext();

        await BakeryBot.Core.Data.DatabaseSetup.MigrateAsync(db, CancellationToken.None);

        await db.Database.OpenConnectionAsync();
        Assert.Equal("wal", await db.Database.SqlQueryRaw<string>("PRAGMA journal_mode").ToAsyncEnumerable().SingleAsync());
        Assert.Equal(10000, await db.Database.SqlQueryRaw<int>("PRAGMA busy_timeout").ToAsyncEnumerable().SingleAsync());
    }
}

public sealed class PostgresMigrationTests() : MigrationTests(DbProvider.Postgres);
