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
}
