using System.Diagnostics;
using BakeryBot.Core.Data;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;

namespace BakeryBot.Host;

/// <summary>
/// Copies the SQLite write-ahead log into the database file every second, beside the requests. SQLite
/// would otherwise do it inside the commit that crosses its threshold (1,000 pages), with an fsync of the
/// database file, while that commit still holds the one write turn: every other writer waited for it.
/// The bot's connections have automatic checkpoints off (<see cref="DatabaseSetup"/>); a passive
/// checkpoint waits for no one and blocks no one. Once the log is long, a round also starts it again
/// from the front, in the write turn (<see cref="RoundAsync"/>). The last one, at shutdown, empties the log.
/// </summary>
public sealed class SqliteCheckpointWorker(IServiceScopeFactory scopes, ILogger<SqliteCheckpointWorker> logger) : BackgroundService
{
    public static readonly TimeSpan Interval = TimeSpan.FromSeconds(1);

    /// <summary>The log's size, in pages, past which a round starts it again from the front: SQLite's own checkpoint threshold.</summary>
    public const long RestartAfterFrames = 1_000;

    /// <summary>How long a restarting checkpoint waits, in the write turn, for readers to finish with the log before it leaves the restart to the next round.</summary>
    public TimeSpan RestartWait { get; init; } = TimeSpan.FromMilliseconds(100);

    /// <summary>The rounds the worker has run.</summary>
    public int Rounds { get; private set; }

    /// <summary>The rounds that started the log again from the front.</summary>
    public int Restarts { get; private set; }

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
                await RoundAsync(connectionString, stoppingToken);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Stopping: the log is emptied below.
        }

        Checkpoint(connectionString, CheckpointMode.Truncate);
    }

    /// <summary>
    /// One round: a passive checkpoint beside the writers, then, once the log has grown past
    /// <see cref="RestartAfterFrames"/>, a restarting one in the write turn. Under steady load some
    /// request is always reading, and a log that readers still use is never started again from the
    /// front: without the restart it grows by every commit's pages for as long as the load lasts
    /// (gigabytes in a minute at a thousand commits a second), and each commit extends the file.
    /// </summary>
    public async Task RoundAsync(string connectionString, CancellationToken cancellationToken = default)
    {
        Rounds++;
        var passive = Checkpoint(connectionString, CheckpointMode.Passive);
        if (passive is not { Frames: var frames } || frames < RestartAfterFrames)
        {
            return;
        }

        // In the turn no writer of this process waits in SQLite's busy handler for the checkpoint's
        // lock; the passive round has copied nearly all of it, so the turn is short.
        IDisposable turn;
        try
        {
            turn = await SqliteWriteGate.TakeTurnAsync(connectionString, cancellationToken);
        }
        catch (SqliteException ex)
        {
            logger.LogWarning(ex, "The write turn stayed taken; the log is started again from the front in a later round");
            return;
        }

        using (turn)
        {
            var started = Stopwatch.GetTimestamp();
            var restart = Checkpoint(connectionString, CheckpointMode.Restart);
            if (restart is { Busy: false })
            {
                Restarts++;
            }

            logger.LogDebug(
                "Restart of the log after {Frames} pages: {Outcome} in {Milliseconds:0.0} ms of the write turn",
                frames,
                restart is { Busy: false } ? "done" : "left to the next round",
                Stopwatch.GetElapsedTime(started).TotalMilliseconds);
        }
    }

    /// <summary>
    /// Runs one checkpoint; returns whether it could not finish (a restart that readers held up), the
    /// log's frames and how many of them are now in the database file.
    /// </summary>
    public (bool Busy, long Frames, long Copied)? Checkpoint(string connectionString, CheckpointMode mode)
    {
        try
        {
            using var connection = new SqliteConnection(connectionString);
            connection.Open();
            using var command = connection.CreateCommand();
            // The emptying one waits a moment for writers to finish; the restarting one, which holds
            // the write turn, only briefly for readers; the passive one waits for no one.
            command.CommandText = $"PRAGMA busy_timeout={(mode == CheckpointMode.Restart ? (int)RestartWait.TotalMilliseconds : 5000)};";
            command.ExecuteNonQuery();
            command.CommandText = mode switch
            {
                CheckpointMode.Truncate => "PRAGMA wal_checkpoint(TRUNCATE);",
                CheckpointMode.Restart => "PRAGMA wal_checkpoint(RESTART);",
                _ => "PRAGMA wal_checkpoint(PASSIVE);",
            };
            using var reader = command.ExecuteReader();
            return reader.Read() ? (reader.GetInt64(0) != 0, reader.GetInt64(1), reader.GetInt64(2)) : null;
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

    /// <summary>Waits for writers, copies all of the log and waits for readers to finish with it, so that the next commit writes the log from the front.</summary>
    Restart,

    /// <summary>Waits for writers, copies all of the log and empties its file.</summary>
    Truncate,
}
