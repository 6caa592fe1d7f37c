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
    public async Task The_model_has_no_change_without_a_migration()
    {
        await using var database = await TestDatabase.CreateAsync(provider, migrated: false);
        await using var db = database.NewContext();

        Assert.False(db.Database.HasPendingModelChanges(), "Run dotnet ef migrations add for this provider.");
    }
}

public sealed class SqliteMigrationTests() : MigrationTests(DbProvider.Sqlite);

public sealed class PostgresMigrationTests() : MigrationTests(DbProvider.Postgres);
