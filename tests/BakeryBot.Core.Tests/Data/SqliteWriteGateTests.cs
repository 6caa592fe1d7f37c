using BakeryBot.Core.Data;
using BakeryBot.Core.People;
using BakeryBot.Core.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace BakeryBot.Core.Tests.Data;

/// <summary>
/// SQLite writers of one process take turns at the write gate: a second transaction waits (without a
/// thread) until the first ends however it ends, and many at once all land.
/// </summary>
public sealed class SqliteWriteGateTests
{
    [Fact]
    public async Task A_second_transaction_begins_only_when_the_first_commits()
    {
        await using var database = await TestDatabase.CreateAsync(DbProvider.Sqlite);
        await using var first = database.NewContext();
        await using var second = database.NewContext();

        await using var held = await first.Database.BeginTransactionAsync();
        var waiting = second.Database.BeginTransactionAsync();
        await Task.Delay(200);
        Assert.False(waiting.IsCompleted);

        first.Tenants.Add(NewTenant("T1"));
        await first.SaveChangesAsync();
        await held.CommitAsync();
        await using var next = await waiting.WaitAsync(TimeSpan.FromSeconds(5));
        second.Tenants.Add(NewTenant("T2"));
        await second.SaveChangesAsync();
        await next.CommitAsync();

        await using var check = database.NewContext();
        Assert.Equal(["T1", "T2"], await check.Tenants.OrderBy(t => t.ExternalId).Select(t => t.ExternalId).ToListAsync());
        Assert.Equal(1, Gate(database).CurrentCount);
    }

    [Fact]
    public async Task A_transaction_dropped_without_commit_or_rollback_frees_the_gate()
    {
        await using var database = await TestDatabase.CreateAsync(DbProvider.Sqlite);
        await using (var context = database.NewContext())
        {
            var transaction = await context.Database.BeginTransactionAsync();
            context.Tenants.Add(NewTenant("T1"));
            await context.SaveChangesAsync();
            Assert.Equal(0, Gate(database).CurrentCount);
            // As when an exception leaves a using block: disposed, neither committed nor rolled back.
            await transaction.DisposeAsync();
        }

        Assert.Equal(1, Gate(database).CurrentCount);
        await using var check = database.NewContext();
        Assert.Equal(0, await check.Tenants.CountAsync());
    }

    [Fact]
    public async Task A_rolled_back_transaction_frees_the_gate()
    {
        await using var database = await TestDatabase.CreateAsync(DbProvider.Sqlite);
        await using var context = database.NewContext();
        await using (var transaction = await context.Database.BeginTransactionAsync())
        {
            context.Tenants.Add(NewTenant("T1"));
            await context.SaveChangesAsync();
            await transaction.RollbackAsync();
        }

        Assert.Equal(1, Gate(database).CurrentCount);
    }

    [Fact]
    public async Task Many_writers_at_once_all_land()
    {
        await using var database = await TestDatabase.CreateAsync(DbProvider.Sqlite);
        await Task.WhenAll(Enumerable.Range(0, 64).Select(i => Task.Run(async () =>
        {
            await using var context = database.NewContext();
            await using var transaction = await context.Database.BeginTransactionAsync();
            context.Tenants.Add(NewTenant($"T{i:00}"));
            await context.SaveChangesAsync();
            await transaction.CommitAsync();
        })));

        await using var check = database.NewContext();
        Assert.Equal(64, await check.Tenants.CountAsync());
        Assert.Equal(1, Gate(database).CurrentCount);
    }

    private static Tenant NewTenant(string id) =>
        new() { Platform = "test", ExternalId = id, Name = id, CreatedAt = DateTimeOffset.UnixEpoch };

    private static SemaphoreSlim Gate(TestDatabase database)
    {
        using var connection = new Microsoft.Data.Sqlite.SqliteConnection(database.ConnectionString);
        return SqliteWriteGate.GateFor(connection);
    }
}
