using BakeryBot.Core.Data;
using BakeryBot.Core.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace BakeryBot.Host.Tests.Deploy;

/// <summary>
/// Replicas (the Helm chart's two, compose restarts) apply migrations as they start, possibly at the same
/// moment: on an empty database, several starts at once must all succeed and leave every migration applied once.
/// </summary>
public sealed class ConcurrentStartMigrationTests
{
    [SkippableTheory]
    [InlineData(DbProvider.Sqlite)]
    [InlineData(DbProvider.Postgres)]
    public async Task Instances_starting_together_on_an_empty_database_all_start_with_every_migration_applied_once(DbProvider provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider, migrated: false);
        using var go = new ManualResetEventSlim();

        var starts = Enumerable.Range(0, 3).Select(_ => Task.Run(async () =>
        {
            await using var db = database.NewContext();
            go.Wait();
            await DatabaseSetup.MigrateAsync(db, CancellationToken.None);
        })).ToList();
        go.Set();
        await Task.WhenAll(starts);

        await using var check = database.NewContext();
        var all = check.Database.GetMigrations().ToList();
        var applied = (await check.Database.GetAppliedMigrationsAsync()).ToList();
        Assert.True(all.Count > 10, $"Only {all.Count} migrations found.");
        Assert.Equal(all, applied);
        Assert.Empty(await check.Database.GetPendingMigrationsAsync());
    }
}
