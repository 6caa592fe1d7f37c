using System.Data.Common;
using BakeryBot.Core.Chat;
using BakeryBot.Core.Data;
using BakeryBot.Core.People;
using BakeryBot.Core.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.Extensions.DependencyInjection;

namespace BakeryBot.Core.Tests.People;

/// <summary>Requests of one person arriving together: each is handled, and the person stays one person.</summary>
public abstract class IdentityRaceTests(DbProvider provider)
{
    [SkippableFact]
    public async Task A_persons_first_requests_arriving_together_each_add_the_id_they_bring_once_and_none_fails()
    {
        await using var first = await CoreTestApp.CreateAsync(provider);
        var log = new LogLines();
        await using var app = first.AnotherInstance(log.AddTo);
        // Known so far only by the id a mention named them by (Teams: the 29: id), as a role grant leaves them.
        await app.SendAsync("bakery", "whoami", user: "dana-29");

        for (var round = 0; round < 5; round++)
        {
            // Each round: the person's object id is new, so every request of the round adds it.
            var objectId = $"dana-aad-{round}";
            var requests = Enumerable.Range(0, 8).Select(_ => app.Router.HandleAsync(
                CoreTestApp.Request(objectId) with { Command = "bakery", Text = "whoami", UserAlias = "dana-29" },
                CancellationToken.None));

            var replies = await Task.WhenAll(requests);

            Assert.All(replies, r => Assert.NotEqual(ReplyKind.Error, r.Kind));
            Assert.All(replies, r => Assert.NotEqual(ReplyKind.Warning, r.Kind));
            var ids = await app.QueryAsync(db => db.PersonIdentities.Where(i => i.ExternalId == objectId).CountAsync());
            Assert.Equal(1, ids);
        }

        Assert.Equal(1, await app.QueryAsync(db => db.People.CountAsync()));
        // The ids are added by conditional inserts: no statement failed on the way.
        Assert.Empty(log.Errors);
    }

    [SkippableFact]
    public async Task A_new_workspaces_and_a_new_persons_first_requests_arriving_together_make_one_of_each_and_no_error()
    {
        await using var first = await CoreTestApp.CreateAsync(provider);
        var log = new LogLines();
        await using var app = first.AnotherInstance(log.AddTo);

        for (var round = 0; round < 3; round++)
        {
            // Each round a workspace nobody has seen, and in it a person known by two ids (Teams: 29: and object id).
            var (tenant, user) = ($"T-new-{round}", $"erin-{round}");
            // Each on a thread of its own: on SQLite a request may otherwise run to its end before the next starts.
            using var go = new ManualResetEventSlim();
            var requests = Enumerable.Range(0, 8).Select(_ => Task.Run(() =>
            {
                go.Wait();
                return app.Router.HandleAsync(
                    CoreTestApp.Request(user, tenant) with { Command = "bakery", Text = "whoami", UserAlias = $"{user}-aad" },
                    CancellationToken.None);
            })).ToList();
            go.Set();

            var replies = await Task.WhenAll(requests);

            Assert.All(replies, r => Assert.Equal(ReplyKind.Private, r.Kind));
            Assert.Equal(1, await app.QueryAsync(db => db.Tenants.CountAsync(t => t.ExternalId == tenant)));
            var people = await app.QueryAsync(db => db.People.Where(p => p.Identities.Any(i => i.ExternalId == user)).Select(p => new { p.Id, Ids = p.Identities.Count }).ToListAsync());
            Assert.Single(people);
            Assert.Equal(2, people[0].Ids);
            // One person created, so one audit row for it.
            Assert.Equal(1, await app.QueryAsync(db => db.AuditEntries.CountAsync(a => a.RecordType == "person" && a.RecordKey == $"person-{people[0].Id}")));
        }

        Assert.Equal(3, await app.QueryAsync(db => db.People.CountAsync()));
        // First sight is taken with conditional inserts: no statement failed on the way, so nothing was logged as an error.
        Assert.Empty(log.Errors);
    }

    [SkippableFact]
    public async Task A_new_person_created_by_another_request_between_the_look_and_the_insert_is_the_one_that_stands()
    {
        await using var app = await CoreTestApp.CreateAsync(provider);
        await app.SendAsync("bakery", "whoami");
        var tenantId = await app.QueryAsync(db => db.Tenants.Select(t => t.Id).SingleAsync());
        var log = new LogLines();
        // When the request begins the transaction that creates frank, another request has just created him.
        var hook = new BeforeFirstTransaction(() => app.QueryAsync(async db =>
        {
            db.People.Add(new Person
            {
                TenantId = tenantId,
                DisplayName = "Frank (the other request)",
                CreatedAt = app.Clock.GetUtcNow(),
                Identities = [new PersonIdentity { TenantId = tenantId, Platform = "test", ExternalId = "frank" }],
            });
            return await db.SaveChangesAsync();
        }));
        await using var logged = app.AnotherInstanceWithTransactionHook(hook, log.AddTo);

        var reply = await logged.SendAsync("bakery", "whoami", user: "frank");

        Assert.Equal(ReplyKind.Private, reply.Kind);
        Assert.True(hook.Fired);
        var franks = await app.QueryAsync(db => db.People.Where(p => p.Identities.Any(i => i.ExternalId == "frank")).Select(p => p.DisplayName).ToListAsync());
        Assert.Equal(["Frank (the other request)"], franks);
        // The person this request began was undone with its audit row: two people, two audit rows.
        Assert.Equal(2, await app.QueryAsync(db => db.People.CountAsync()));
        Assert.Equal(2, await app.QueryAsync(db => db.AuditEntries.CountAsync(a => a.RecordType == "person")));
        Assert.Empty(log.Errors);
    }

    [SkippableFact]
    public async Task An_alias_that_is_another_persons_is_not_tried_again_on_every_request()
    {
        await using var app = await CoreTestApp.CreateAsync(provider);
        await app.SendAsync("bakery", "whoami", user: "ivan");
        await app.SendAsync("bakery", "whoami", user: "shared-aad");
        var counter = new TransactionsBegun();
        await using var counted = app.AnotherInstanceWithTransactionHook(counter);

        for (var i = 0; i < 3; i++)
        {
            var reply = await counted.Router.HandleAsync(CoreTestApp.Request("ivan") with { Command = "bakery", Text = "whoami", UserAlias = "shared-aad" }, CancellationToken.None);
            Assert.Equal(ReplyKind.Private, reply.Kind);
        }

        // Ivan is Ivan (his main id wins), the alias stays the other person's, and nothing was written.
        Assert.Equal(0, counter.Count);
        Assert.Equal(2, await app.QueryAsync(db => db.People.CountAsync()));
        var owners = await app.QueryAsync(db => db.PersonIdentities.Where(i => i.ExternalId == "ivan" || i.ExternalId == "shared-aad").Select(i => i.PersonId).ToListAsync());
        Assert.Equal(2, owners.Count);
        Assert.Equal(2, owners.Distinct().Count());
    }

    private sealed class TransactionsBegun : DbTransactionInterceptor
    {
        private int _count;

        public int Count => Volatile.Read(ref _count);

        public override ValueTask<DbTransaction> TransactionStartedAsync(DbConnection connection, TransactionEndEventData eventData, DbTransaction result, CancellationToken cancellationToken = default)
        {
            Interlocked.Increment(ref _count);
            return ValueTask.FromResult(result);
        }
    }

    private sealed class BeforeFirstTransaction(Func<Task> action) : DbTransactionInterceptor
    {
        private Func<Task>? _action = action;

        public bool Fired { get; private set; }

        public override async ValueTask<InterceptionResult<DbTransaction>> TransactionStartingAsync(
            DbConnection connection, TransactionStartingEventData eventData, InterceptionResult<DbTransaction> result, CancellationToken cancellationToken = default)
        {
            if (Interlocked.Exchange(ref _action, null) is { } act)
            {
                Fired = true;
                await act();
            }

            return result;
        }
    }
}

public sealed class SqliteIdentityRaceTests() : IdentityRaceTests(DbProvider.Sqlite);

public sealed class PostgresIdentityRaceTests() : IdentityRaceTests(DbProvider.Postgres)
{
    /// <summary>
    /// Inside a caller's transaction (an import naming owners), another request can create the same new
    /// person only on PostgreSQL (on SQLite the caller holds the one write turn): the person begun here is
    /// undone to a savepoint, theirs stands, and the caller's transaction goes on to commit its own work.
    /// </summary>
    [SkippableFact]
    public async Task Inside_a_callers_transaction_a_person_created_meanwhile_is_the_one_that_stands_and_the_rest_commits()
    {
        await using var app = await CoreTestApp.CreateAsync(DbProvider.Postgres);
        await app.SendAsync("bakery", "whoami");
        var tenant = await app.QueryAsync(db => db.Tenants.AsNoTracking().SingleAsync());
        var competitor = new BeforePersonInsert(() => app.QueryAsync(async db =>
        {
            db.People.Add(new Person
            {
                TenantId = tenant.Id,
                DisplayName = "Gina (the other request)",
                CreatedAt = app.Clock.GetUtcNow(),
                Identities = [new PersonIdentity { TenantId = tenant.Id, Platform = "test", ExternalId = "gina" }],
            });
            return await db.SaveChangesAsync();
        }));
        await using var hooked = app.AnotherInstance(s => s.ConfigureDbContext<PostgresBakeryDbContext>((_, o) => o.AddInterceptors(competitor)));

        string name;
        await using (var scope = hooked.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<BakeryDbContext>();
            await using var tx = await db.Database.BeginTransactionAsync();
            var gina = await scope.ServiceProvider.GetRequiredService<IdentityService>().FindOrCreateAsync(await db.Tenants.SingleAsync(), "gina", CancellationToken.None);
            name = gina.DisplayName;
            db.InboundDeliveries.Add(new InboundDelivery { Platform = "test", DeliveryId = "import-1", ReceivedAt = app.Clock.GetUtcNow() });
            await db.SaveChangesAsync();
            await tx.CommitAsync();
        }

        Assert.True(competitor.Fired);
        Assert.Equal("Gina (the other request)", name);
        Assert.Equal(["Gina (the other request)"], await app.QueryAsync(db => db.People.Where(p => p.DisplayName.StartsWith("Gina") || p.DisplayName == "gina").Select(p => p.DisplayName).ToListAsync()));
        Assert.Equal(1, await app.QueryAsync(db => db.InboundDeliveries.CountAsync(d => d.DeliveryId == "import-1")));
        Assert.Equal(2, await app.QueryAsync(db => db.AuditEntries.CountAsync(a => a.RecordType == "person")));
    }

    private sealed class BeforePersonInsert(Func<Task> action) : DbCommandInterceptor
    {
        private Func<Task>? _action = action;

        public bool Fired { get; private set; }

        public override async ValueTask<InterceptionResult<DbDataReader>> ReaderExecutingAsync(DbCommand command, CommandEventData eventData, InterceptionResult<DbDataReader> result, CancellationToken cancellationToken = default)
        {
            if (command.CommandText.Contains("INSERT INTO \"People\"", StringComparison.Ordinal) && Interlocked.Exchange(ref _action, null) is { } act)
            {
                Fired = true;
                await act();
            }

            return result;
        }
    }
}
