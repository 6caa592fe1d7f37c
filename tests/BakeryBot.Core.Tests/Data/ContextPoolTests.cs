using BakeryBot.Core.Data;
using BakeryBot.Core.Incidents;
using BakeryBot.Core.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace BakeryBot.Core.Tests.Data;

/// <summary>
/// The bot's database contexts are pooled: one context serves one unit of work after another. What a
/// unit of work set on it (who its changes are by) must not carry over to the next. On each database.
/// </summary>
public abstract class ContextPoolTests(DbProvider provider)
{
    [SkippableFact]
    public async Task A_context_lent_again_has_no_actor_from_the_unit_of_work_before()
    {
        await using var app = await CoreTestApp.CreateAsync(provider);
        Guid instance;
        int lease;
        await using (var scope = app.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<BakeryDbContext>();
            instance = db.ContextId.InstanceId;
            lease = db.ContextId.Lease;
            db.Actor = new AuditActor(42, "test");
            Assert.Equal(42, db.Actor?.PersonId);
        }

        var lentAgain = false;
        for (var i = 0; i < 8 && !lentAgain; i++)
        {
            await using var scope = app.Services.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<BakeryDbContext>();
            if (db.ContextId.InstanceId == instance)
            {
                lentAgain = true;
                Assert.NotEqual(lease, db.ContextId.Lease);
                Assert.Null(db.Actor);
            }
        }

        Assert.True(lentAgain, "the pool lent the same context again");
    }

    [SkippableFact]
    public async Task A_change_saved_without_an_actor_is_audited_as_by_no_one_after_a_person_used_the_context()
    {
        await using var app = await CoreTestApp.CreateAsync(provider);
        await app.SendAsync("incident", "oven 3 smoking sev2", user: "alice");
        var alice = await app.QueryAsync(db => db.AuditEntries.Where(a => a.RecordKey == "INC-1" && a.Action == "created").Select(a => a.ActorId).SingleAsync());
        Assert.NotNull(alice);

        // Saves by no one (as a scheduled job's are), on whichever pooled contexts the pool lends.
        for (var i = 0; i < 4; i++)
        {
            await using var scope = app.Services.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<BakeryDbContext>();
            var incident = await db.Incidents.SingleAsync(x => x.Number == 1);
            incident.Title = $"oven 3 smoking ({i})";
            await db.SaveChangesAsync();
        }

        var updates = await app.QueryAsync(db => db.AuditEntries.Where(a => a.RecordKey == "INC-1" && a.Action == "updated").Select(a => a.ActorId).ToListAsync());
        Assert.Equal(4, updates.Count);
        Assert.All(updates, actor => Assert.Null(actor));
    }
}

public sealed class SqliteContextPoolTests() : ContextPoolTests(DbProvider.Sqlite);

public sealed class PostgresContextPoolTests() : ContextPoolTests(DbProvider.Postgres);
