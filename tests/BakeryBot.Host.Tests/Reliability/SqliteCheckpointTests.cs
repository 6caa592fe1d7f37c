using BakeryBot.Core.Tests.Infrastructure;
using BakeryBot.Host.Tests.Infrastructure;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;

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
