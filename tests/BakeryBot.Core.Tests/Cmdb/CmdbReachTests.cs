using BakeryBot.Core.Cmdb;
using BakeryBot.Core.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace BakeryBot.Core.Tests.Cmdb;

/// <summary>The many-starts walk finds, for each start, exactly what the impact walk finds for it alone.</summary>
public abstract class CmdbReachTests(DbProvider provider)
{
    [SkippableFact]
    public async Task Each_start_reaches_what_its_own_impact_walk_reaches_itself_included()
    {
        await using var app = await CoreTestApp.CreateAsync(provider);
        foreach (var add in new[]
        {
            "component thermostat-7", "asset oven-2", "asset oven-3", "facility bakery-2", "service cookie-shop", "service bread-delivery",
            "software baking-planner", "cloud region-1", "team bakers",
        })
        {
            await app.SendAsync("cmdb", "add " + add);
        }

        foreach (var link in new[]
        {
            "thermostat-7 part-of oven-2", "cookie-shop runs-on oven-2", "baking-planner depends-on oven-2", "bread-delivery depends-on cookie-shop",
            "bread-delivery depends-on baking-planner", "cookie-shop depends-on bread-delivery", "oven-3 located-in bakery-2",
            "baking-planner runs-on region-1", "cookie-shop owned-by bakers",
        })
        {
            await app.SendAsync("cmdb", "link " + link);
        }

        await using var scope = app.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<BakeryBot.Core.Data.BakeryDbContext>();
        var graph = scope.ServiceProvider.GetRequiredService<CmdbGraph>();
        var ids = await db.ConfigurationItems.ToDictionaryAsync(c => c.Name, c => c.Id);
        var tenantId = await db.Tenants.Select(t => t.Id).SingleAsync();

        var reach = await graph.ReachAsync(tenantId, ids.Values.ToList(), CancellationToken.None);

        Assert.Equal(ids.Count, reach.Count);
        foreach (var (name, id) in ids)
        {
            // The graph is small: every reached CI is named in the impact summary.
            var impact = await graph.ImpactAsync(tenantId, [id], CancellationToken.None);
            var alone = impact.Services.Select(c => c.Name).Concat(impact.Others.SelectMany(o => o.Names)).Append(name).Order(StringComparer.Ordinal);
            Assert.Equal(impact.Count + 1, reach[id].Count);
            Assert.True(alone.SequenceEqual(reach[id].Select(r => ids.Single(p => p.Value == r).Key).Order(StringComparer.Ordinal)), name);
        }

        Assert.Equal(["baking-planner", "bread-delivery", "cookie-shop", "region-1"], reach[ids["region-1"]].Select(id => ids.Single(p => p.Value == id).Key).Order());
        Assert.Equal(["bakers"], reach[ids["bakers"]].Select(id => ids.Single(p => p.Value == id).Key));
    }
}

public sealed class SqliteCmdbReachTests() : CmdbReachTests(DbProvider.Sqlite);

public sealed class PostgresCmdbReachTests() : CmdbReachTests(DbProvider.Postgres);
