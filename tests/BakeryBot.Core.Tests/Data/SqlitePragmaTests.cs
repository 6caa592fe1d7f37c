using BakeryBot.Core.Tests.Infrastructure;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;

namespace BakeryBot.Core.Tests.Data;

/// <summary>
/// Every SQLite connection the bot opens waits on a busy database, syncs as WAL allows, leaves checkpoints
/// to the bot's checkpoint worker, keeps temporary tables in memory and cuts a grown log back to 64 MB, whether the
/// pool hands out a connection it kept or a new one; the settings are given once to each native connection.
/// </summary>
public sealed class SqlitePragmaTests
{
    [Fact]
    public async Task Every_open_connection_has_the_settings_new_or_kept_by_the_pool()
    {
        await using var database = await TestDatabase.CreateAsync(DbProvider.Sqlite);
        for (var round = 0; round < 3; round++)
        {
            for (var open = 0; open < 3; open++)
            {
                await using var context = database.NewContext();
                Assert.Equal((10000L, 1L, 0L, 2L, 64L << 20), await SettingsAsync(context));
            }

            // The pool lets go of its connections: the next open is a new native connection.
            SqliteConnection.ClearAllPools();
        }
    }

    [Fact]
    public async Task A_connection_kept_by_the_pool_is_not_set_up_again_on_its_next_open()
    {
        await using var database = await TestDatabase.CreateAsync(DbProvider.Sqlite);
        SQLitePCL.sqlite3? first;
        await using (var context = database.NewContext())
        {
            await context.Database.OpenConnectionAsync();
            first = ((SqliteConnection)context.Database.GetDbConnection()).Handle;
            // Marks the native connection: a second set-up would put NORMAL (1) back.
            await context.Database.ExecuteSqlRawAsync("PRAGMA synchronous=FULL;");
        }

        await using (var context = database.NewContext())
        {
            await context.Database.OpenConnectionAsync();
            Assert.Same(first, ((SqliteConnection)context.Database.GetDbConnection()).Handle);
            Assert.Equal((10000L, 2L, 0L, 2L, 64L << 20), await SettingsAsync(context));
        }
    }

    private static async Task<(long BusyTimeout, long Synchronous, long AutoCheckpoint, long TempStore, long LogLimit)> SettingsAsync(BakeryBot.Core.Data.BakeryDbContext context)
    {
        await context.Database.OpenConnectionAsync();
        try
        {
            var connection = context.Database.GetDbConnection();
            await using var command = connection.CreateCommand();
            command.CommandText = "PRAGMA busy_timeout;";
            var busy = (long)(await command.ExecuteScalarAsync())!;
            command.CommandText = "PRAGMA synchronous;";
            var synchronous = (long)(await command.ExecuteScalarAsync())!;
            command.CommandText = "PRAGMA wal_autocheckpoint;";
            var autoCheckpoint = (long)(await command.ExecuteScalarAsync())!;
            command.CommandText = "PRAGMA temp_store;";
            var tempStore = (long)(await command.ExecuteScalarAsync())!;
            command.CommandText = "PRAGMA journal_size_limit;";
            var logLimit = (long)(await command.ExecuteScalarAsync())!;
            return (busy, synchronous, autoCheckpoint, tempStore, logLimit);
        }
        finally
        {
            await context.Database.CloseConnectionAsync();
        }
    }
}
