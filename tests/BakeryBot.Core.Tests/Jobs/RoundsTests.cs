using BakeryBot.Core.Data;
using BakeryBot.Core.Jobs;
using BakeryBot.Core.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace BakeryBot.Core.Tests.Jobs;

/// <summary>A job's round goes through every due item even when one fails, then fails itself.</summary>
public sealed class RoundsTests
{
    [Fact]
    public async Task One_failing_item_is_logged_and_rolled_back_the_others_are_done_and_the_round_then_fails()
    {
        var log = new LogLines();
        await using var app = await CoreTestApp.CreateAsync(DbProvider.Sqlite, log.AddTo);
        await using var scope = app.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<BakeryDbContext>();
        var logger = scope.ServiceProvider.GetRequiredService<ILogger<RoundsTests>>();
        var done = new List<int>();

        var failure = await Assert.ThrowsAsync<InvalidOperationException>(() => Rounds.EachAsync(db, logger, [1, 2, 3], i => $"Item {i}", async i =>
        {
            await using var transaction = await db.Database.BeginTransactionAsync();
            db.JobRuns.Add(new JobRun { Job = $"item-{i}", Instance = "test" });
            await db.SaveChangesAsync();
            if (i == 2)
            {
                throw new InvalidOperationException("item 2 is broken");
            }

            await transaction.CommitAsync();
            done.Add(i);
        }, CancellationToken.None));

        Assert.Equal("item 2 is broken", failure.Message);
        Assert.Equal([1, 3], done);
        Assert.Equal(["item-1", "item-3"], await app.QueryAsync(d => d.JobRuns.OrderBy(r => r.Id).Select(r => r.Job).ToListAsync()));
        Assert.Single(log.Lines, l => l == "Item 2 failed; the round goes on with the others, and the next round tries it again");
    }
}
