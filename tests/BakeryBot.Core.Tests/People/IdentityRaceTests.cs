using BakeryBot.Core.Chat;
using BakeryBot.Core.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

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
                CoreTestApp.Request(objectId) with { Command = "bakery", Text = "whoami", UserAliases = ["dana-29"] },
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
}

public sealed class SqliteIdentityRaceTests() : IdentityRaceTests(DbProvider.Sqlite);

public sealed class PostgresIdentityRaceTests() : IdentityRaceTests(DbProvider.Postgres);
