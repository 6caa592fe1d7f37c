using BakeryBot.Core.Data;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;

namespace BakeryBot.Host;

/// <summary>
/// Copies the SQLite write-ahead log into the database file every second, beside the requests. SQLite
/// would otherwise do it inside the commit that crosses its threshold (1,000 pages), with an fsync of the
/// database file, while that commit still holds the one write turn: every other writer waited for it.
/// The bot's connections have automatic checkpoints off (<see cref="DatabaseSetup"/>); a passive
/// checkpoint waits for no one and blocks no one. The last one, at shutdown, empties the log.
/// </summary>
public sealed class SqliteCheckpointWorker(IServiceScopeFactory scopes, ILogger<SqliteCheckpointWorker> logger) : BackgroundService
{
    public static readonly TimeSpan Interval = TimeSpan.FromSeconds(1);

    /// <summary>The passive checkpoints the worker has run.</summary>
    public int Rounds { get; private set; }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        string connectionString;
        await using (var scope = scopes.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<BakeryDbContext>();
            if (!db.Database.IsSqlite())
            {
                return;
            }

            // A connection of its own, not one of the pool's: its settings stay out of the bot's connections.
            connectionString = new SqliteConnectionStringBuilder(db.Database.GetConnectionString()) { Pooling = false }.ToString();
        }

        // A round when the log has been written since the last one: an idle bot's log does not change,
        // and opening a connection to learn that cost more than looking at the file.
        var log = new FileInfo(new SqliteConnectionStringBuilder(connectionString).DataSource + "-wal");
        (DateTime Written, long Length)? checkpointed = null;
        using var timer = new PeriodicTimer(Interval);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                log.Refresh();
                var seen = log.Exists ? (log.LastWriteTimeUtc, log.Length) : default;
                if (seen == checkpointed)
                {
                    continue;
                }

                // As seen before the checkpoint: a commit during it is checkpointed next round.
                checkpointed = seen;
                Rounds++;
                Checkpoint(connectionString, CheckpointMode.Passive);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Stopping: the log is emptied below.
        }

        Checkpoint(connectionString, CheckpointMode.Truncate);
    }

    /// <summary>Runs one checkpoint; returns the log's frames and how many of them are now in the database file.</summary>
    public (long Frames, long Copied)? Checkpoint(string connectionString, CheckpointMode mode)
    {
        try
        {
            using var connection = new SqliteConnection(connectionString);
            connection.Open();
            using var command = connection.CreateCommand();
            // The emptying one waits a moment for writers to finish; the passive one waits for no one.
            command.CommandText = "PRAGMA busy_timeout=5000;";
            command.ExecuteNonQuery();
            command.CommandText = mode == CheckpointMode.Truncate ? "PRAGMA wal_checkpoint(TRUNCATE);" : "PRAGMA wal_checkpoint(PASSIVE);";
            using var reader = command.ExecuteReader();
            return reader.Read() ? (reader.GetInt64(1), reader.GetInt64(2)) : null;
        }
        catch (SqliteException ex)
        {
            // Another process (the CLI) may hold the file for a moment: the next round copies what this one did not.
            logger.LogWarning(ex, "A {Mode} checkpoint of the SQLite log failed; the next one tries again", mode);
            return null;
        }
    }
}

/// <summary>The SQLite checkpoints the worker runs.</summary>
public enum CheckpointMode
{
    /// <summary>Copies what it can without waiting for or blocking anyone.</summary>
    Passive,

    /// <summary>Waits for writers, copies all of the log and empties its file.</summary>
    Truncate,
}
