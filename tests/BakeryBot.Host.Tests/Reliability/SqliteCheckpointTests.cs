using BakeryBot.Core.Data;
using BakeryBot.Core.Tests.Infrastructure;
using BakeryBot.Host.Tests.Infrastructure;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;

namespace BakeryBot.Host.Tests.Reliability;

/// <summary>The bot's commits leave the SQLite log to its checkpoint worker, which copies all of it into the database.</summary>
public sealed class SqliteCheckpointTests
{
    [Fact]
    public async Task Commits_leave_the_log_to_the_worker_and_a_checkpoint_copies_all_of_it()
    {
        await using var slack = await FakeSlack.StartAsync();
        await using var bot = await BotFactory.CreateAsync(DbProvider.Sqlite, slack);
        using var http = bot.CreateClient();
        var worker = bot.Services.GetRequiredService<SqliteCheckpointWorker>();
        var connectionString = bot.Database.ConnectionString;
        // The worker may have run a round already: start from an empty log.
        worker.Checkpoint(connectionString, CheckpointMode.Truncate);

        for (var i = 0; i < 5; i++)
        {
            await http.SendAsync(BotFactory.Signed("/slack/commands", bot.CommandBody("incident", $"oven {i} runs cold sev2")));
        }

        var checkpoint = worker.Checkpoint(connectionString, CheckpointMode.Passive);
        Assert.NotNull(checkpoint);
        Assert.True(checkpoint.Value.Frames > 0, "The commits wrote nothing to the log.");
        Assert.Equal(checkpoint.Value.Frames, checkpoint.Value.Copied);

        worker.Checkpoint(connectionString, CheckpointMode.Truncate);
        Assert.Equal(0, new FileInfo(new SqliteConnectionStringBuilder(connectionString).DataSource + "-wal").Length);
        Assert.Equal(5, await bot.QueryAsync(db => Microsoft.EntityFrameworkCore.EntityFrameworkQueryableExtensions.CountAsync(db.Incidents)));
    }

    [Fact]
    public async Task An_idle_bot_s_log_is_left_alone_and_the_next_commit_is_checkpointed()
    {
        await using var slack = await FakeSlack.StartAsync();
        await using var bot = await BotFactory.CreateAsync(DbProvider.Sqlite, slack);
        using var http = bot.CreateClient();
        var worker = bot.Services.GetRequiredService<SqliteCheckpointWorker>();
        await http.SendAsync(BotFactory.Signed("/slack/commands", bot.CommandBody("incident", "oven 1 runs cold sev2")));

        // Once the command and its delivery are written, rounds stop: nothing new in the log. (A worker
        // that checkpointed every second regardless would never be still for three.)
        var still = await StillForAsync(worker, TimeSpan.FromSeconds(3), TimeSpan.FromSeconds(30));
        Assert.True(still, $"The worker kept checkpointing an unchanged log ({worker.Rounds} rounds).");

        var rounds = worker.Rounds;
        await http.SendAsync(BotFactory.Signed("/slack/commands", bot.CommandBody("incident", "oven 2 runs cold sev2")));
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (worker.Rounds == rounds && DateTime.UtcNow < deadline)
        {
            await Task.Delay(50);
        }

        Assert.True(worker.Rounds > rounds, "The commit was not checkpointed.");
    }

    [Fact]
    public async Task A_round_starts_a_long_log_again_from_the_front_once_its_readers_finish()
    {
        using var file = new LogFile();
        var worker = Worker(TimeSpan.FromSeconds(10));
        file.Fill(SqliteCheckpointWorker.RestartAfterFrames + 100);

        // A request reading while the round runs, as under steady load there always is one: a log
        // in use is never started again from the front by a commit, only appended to.
        using var reader = file.Reading();
        var finished = Task.Run(async () =>
        {
            await Task.Delay(200);
            reader.Dispose();
        });

        await worker.RoundAsync(file.ConnectionString);
        file.Write();
        await finished;

        var log = worker.Checkpoint(file.ConnectionString, CheckpointMode.Passive);
        Assert.NotNull(log);
        Assert.True(log.Value.Frames < 10, $"The commit after the round was appended to the log at frame {log.Value.Frames}: the log was not started again.");
        Assert.Equal(1, worker.Restarts);
        Assert.True(await file.TurnIsFreeAsync(), "The round kept the write turn.");
    }

    [Fact]
    public async Task A_reader_that_stays_leaves_the_restart_to_the_next_round_and_the_write_turn_free()
    {
        using var file = new LogFile();
        var worker = Worker(TimeSpan.FromMilliseconds(50));
        file.Fill(SqliteCheckpointWorker.RestartAfterFrames + 100);
        using (file.Reading())
        {
            await worker.RoundAsync(file.ConnectionString);
            Assert.Equal(0, worker.Restarts);
            Assert.True(await file.TurnIsFreeAsync(), "The round kept the write turn.");
            file.Write();
        }

        // The reader gone, the next round restarts the log.
        await worker.RoundAsync(file.ConnectionString);
        Assert.Equal(1, worker.Restarts);
    }

    [Fact]
    public async Task A_short_log_is_only_copied()
    {
        using var file = new LogFile();
        var worker = Worker(TimeSpan.FromSeconds(10));
        file.Fill(SqliteCheckpointWorker.RestartAfterFrames / 2);
        using (file.Reading())
        {
            // Nothing waits for this reader: the round does not take the write turn for a short log.
            await worker.RoundAsync(file.ConnectionString).WaitAsync(TimeSpan.FromSeconds(5));
        }

        Assert.Equal(0, worker.Restarts);
        var log = worker.Checkpoint(file.ConnectionString, CheckpointMode.Passive);
        Assert.Equal(log!.Value.Frames, log.Value.Copied);
    }

    private static SqliteCheckpointWorker Worker(TimeSpan restartWait) =>
        new(new ServiceCollection().BuildServiceProvider().GetRequiredService<IServiceScopeFactory>(), NullLogger<SqliteCheckpointWorker>.Instance)
        {
            RestartWait = restartWait,
        };

    /// <summary>A SQLite file in write-ahead-log mode with the bot's settings, written without the gate by a connection of its own.</summary>
    private sealed class LogFile : IDisposable
    {
        private readonly string _folder = Directory.CreateTempSubdirectory("bakerybot-checkpoint-").FullName;
        private readonly SqliteConnection _writer;

        public LogFile()
        {
            ConnectionString = new SqliteConnectionStringBuilder { DataSource = Path.Combine(_folder, "log.db"), Pooling = false }.ToString();
            _writer = new SqliteConnection(ConnectionString);
            _writer.Open();
            Execute(_writer, "PRAGMA journal_mode=WAL; PRAGMA wal_autocheckpoint=0; PRAGMA synchronous=NORMAL; CREATE TABLE Rows (Id INTEGER PRIMARY KEY, Body BLOB);");
        }

        public string ConnectionString { get; }

        /// <summary>Commits about <paramref name="pages"/> pages to the log, one row of nearly a page each.</summary>
        public void Fill(long pages)
        {
            using var transaction = _writer.BeginTransaction();
            for (var i = 0; i < pages; i++)
            {
                Execute(_writer, "INSERT INTO Rows (Body) VALUES (zeroblob(3900));", transaction);
            }

            transaction.Commit();
        }

        public void Write() => Execute(_writer, "INSERT INTO Rows (Body) VALUES (zeroblob(10));");

        /// <summary>A connection in a read transaction that sees the log as it is now, until disposed.</summary>
        public IDisposable Reading()
        {
            var reader = new SqliteConnection(ConnectionString);
            reader.Open();
            var transaction = reader.BeginTransaction(deferred: true);
            Execute(reader, "SELECT count(*) FROM Rows;", transaction);
            return new Reader(reader, transaction);
        }

        /// <summary>Whether this file's write turn is free: taken within a second.</summary>
        public async Task<bool> TurnIsFreeAsync()
        {
            using var cancel = new CancellationTokenSource(TimeSpan.FromSeconds(1));
            try
            {
                using var turn = await SqliteWriteGate.TakeTurnAsync(ConnectionString, cancel.Token);
                return true;
            }
            catch (OperationCanceledException)
            {
                return false;
            }
        }

        public void Dispose()
        {
            _writer.Dispose();
            Directory.Delete(_folder, recursive: true);
        }

        private static void Execute(SqliteConnection connection, string sql, SqliteTransaction? transaction = null)
        {
            using var command = connection.CreateCommand();
            command.Transaction = transaction;
            command.CommandText = sql;
            command.ExecuteNonQuery();
        }

        private sealed class Reader(SqliteConnection connection, SqliteTransaction transaction) : IDisposable
        {
            private int _done;

            public void Dispose()
            {
                if (Interlocked.Exchange(ref _done, 1) == 0)
                {
                    transaction.Commit();
                    connection.Dispose();
                }
            }
        }
    }

    /// <summary>Waits until the worker has run no round for <paramref name="still"/>; false if that never happens within <paramref name="within"/>.</summary>
    private static async Task<bool> StillForAsync(SqliteCheckpointWorker worker, TimeSpan still, TimeSpan within)
    {
        var deadline = DateTime.UtcNow + within;
        var rounds = worker.Rounds;
        var since = DateTime.UtcNow;
        while (DateTime.UtcNow < deadline)
        {
            await Task.Delay(100);
            if (worker.Rounds != rounds)
            {
                rounds = worker.Rounds;
                since = DateTime.UtcNow;
            }
            else if (DateTime.UtcNow - since >= still)
            {
                return true;
            }
        }

        return false;
    }
}
