using BakeryBot.Core.Cmdb;
using BakeryBot.Core.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace BakeryBot.Core.Tests.Cmdb;

/// <summary>
/// The tenant's CMDB graph version, which instances compare their in-memory graph with: it moves with
/// every save that changes what an impact walk reads, whoever writes, in the transaction of the change.
/// </summary>
public abstract class CmdbGraphVersionTests(DbProvider provider)
{
    [SkippableFact]
    public async Task The_version_moves_with_links_and_with_deleted_renamed_retyped_or_re_tiered_cis_only()
    {
        await using var app = await CoreTestApp.CreateAsync(provider);
        foreach (var add in new[] { "asset oven-2", "service cookie-shop tier:1", "facility bakery-2" })
        {
            await app.SendAsync("cmdb", "add " + add);
        }

        var tenant = await app.QueryAsync(db => db.Tenants.Select(t => t.Id).SingleAsync());
        Task<long> Version() => app.QueryAsync(db => db.CmdbGraphVersionAsync(tenant, CancellationToken.None));
        Task Change(string name, Action<ConfigurationItem> change) => app.QueryAsync(async db =>
        {
            change(await db.ConfigurationItems.SingleAsync(c => c.Name == name));
            return await db.SaveChangesAsync();
        });
        Assert.Equal(0, await Version()); // a CI on its own is in no walk

        await app.SendAsync("cmdb", "link cookie-shop runs-on oven-2");
        Assert.Equal(1, await Version());
        await app.SendAsync("cmdb", "link cookie-shop runs-on oven-2"); // linked already: no save
        await app.SendAsync("incident", "burnt ci:oven-2");
        await Change("oven-2", c => c.Health = "degraded");
        Assert.Equal(1, await Version());

        await app.SendAsync("cmdb", "unlink cookie-shop runs-on oven-2");
        Assert.Equal(2, await Version());
        await Change("cookie-shop", c => c.Tier = 2);
        Assert.Equal(3, await Version());
        await Change("cookie-shop", c => c.Name = "cookie-shop-eu");
        Assert.Equal(4, await Version());
        await Change("oven-2", c => c.Type = CiType.Component);
        Assert.Equal(5, await Version());

        await app.SendAsync("cmdb", "link oven-2 located-in bakery-2");
        Assert.Equal(6, await Version());
        // Deleted without its relationships loaded: the database cascades them, and the version still moves.
        await app.QueryAsync(async db =>
        {
            db.ConfigurationItems.Remove(await db.ConfigurationItems.SingleAsync(c => c.Name == "bakery-2"));
            return await db.SaveChangesAsync();
        });
        Assert.Equal(7, await Version());
        Assert.Equal(0, await app.QueryAsync(db => db.CiRelationships.CountAsync()));
    }

    [SkippableFact]
    public async Task The_version_moves_in_the_transaction_of_the_change_and_rolls_back_with_it()
    {
        await using var app = await CoreTestApp.CreateAsync(provider);
        await app.SendAsync("cmdb", "add asset oven-2");
        await app.SendAsync("cmdb", "add service cookie-shop");
        var (tenant, shop, oven) = await app.QueryAsync(async db => (
            await db.Tenants.Select(t => t.Id).SingleAsync(),
            await db.ConfigurationItems.Where(c => c.Name == "cookie-shop").Select(c => c.Id).SingleAsync(),
            await db.ConfigurationItems.Where(c => c.Name == "oven-2").Select(c => c.Id).SingleAsync()));
        Task<long> Committed() => app.QueryAsync(db => db.CmdbGraphVersionAsync(tenant, CancellationToken.None));

        await app.QueryAsync(async db =>
        {
            await using var tx = await db.Database.BeginTransactionAsync();
            db.CiRelationships.Add(new CiRelationship { TenantId = tenant, SourceId = shop, Relation = CiRelation.RunsOn, TargetId = oven, CreatedAt = CoreTestApp.Start });
            await db.SaveChangesAsync();
            Assert.Equal(1, await db.CmdbGraphVersionAsync(tenant, CancellationToken.None));
            Assert.Equal(0, await Committed());
            await tx.RollbackAsync();
            return 0;
        });

        Assert.Equal(0, await Committed());
        Assert.Equal(0, await app.QueryAsync(db => db.CiRelationships.CountAsync()));
    }

    [SkippableFact]
    public async Task A_write_around_the_change_tracker_moves_the_version_by_touching_the_graph()
    {
        await using var app = await CoreTestApp.CreateAsync(provider);
        await app.SendAsync("cmdb", "add asset oven-2");
        await app.SendAsync("cmdb", "add service cookie-shop");
        await app.SendAsync("cmdb", "link cookie-shop runs-on oven-2");
        var tenant = await app.QueryAsync(db => db.Tenants.Select(t => t.Id).SingleAsync());

        await app.QueryAsync(async db =>
        {
            await using var tx = await db.Database.BeginTransactionAsync();
            var removed = await db.CiRelationships.Where(r => r.TenantId == tenant).ExecuteDeleteAsync();
            await db.TouchCmdbGraphAsync(tenant, CancellationToken.None);
            await tx.CommitAsync();
            return removed;
        });

        Assert.Equal(2, await app.QueryAsync(db => db.CmdbGraphVersionAsync(tenant, CancellationToken.None)));
    }
}

public sealed class SqliteCmdbGraphVersionTests() : CmdbGraphVersionTests(DbProvider.Sqlite);

public sealed class PostgresCmdbGraphVersionTests() : CmdbGraphVersionTests(DbProvider.Postgres);
