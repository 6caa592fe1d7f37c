using System.Globalization;
using BakeryBot.Core.Chat;
using BakeryBot.Core.Cmdb;
using BakeryBot.Core.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace BakeryBot.Core.Tests.Cmdb;

/// <summary>
/// Impact walks run over a graph each instance keeps in memory: what one instance (or any writer)
/// changes is in every instance's next walk, and the walk answers as a plain breadth-first walk would.
/// </summary>
public abstract class CmdbGraphCacheTests(DbProvider provider)
{
    [SkippableFact]
    public async Task A_link_or_unlink_made_through_another_instance_is_in_the_next_impact()
    {
        await using var one = await CoreTestApp.CreateAsync(provider);
        await using var two = one.AnotherInstance();
        foreach (var add in new[] { "asset oven-2", "service cookie-shop tier:1", "service bread-delivery tier:2" })
        {
            await one.SendAsync("cmdb", "add " + add);
        }

        await one.SendAsync("cmdb", "link cookie-shop runs-on oven-2");
        Assert.Equal("Impact of oven-2: 1 CI", await ImpactTitleAsync(one, "oven-2"));
        Assert.Equal("Impact of oven-2: 1 CI", await ImpactTitleAsync(two, "oven-2"));

        await two.SendAsync("cmdb", "link bread-delivery depends-on cookie-shop");
        var card = await ImpactAsync(one, "oven-2");
        Assert.Equal("Impact of oven-2: 2 CIs", card.Title);
        Assert.Equal("Services (2):\n• cookie-shop (tier 1), directly\n• bread-delivery (tier 2), through 1 step", Assert.IsType<TextSection>(card.Sections[0]).Text);

        await two.SendAsync("cmdb", "unlink cookie-shop runs-on oven-2");
        Assert.Equal("Impact of oven-2", await ImpactTitleAsync(one, "oven-2"));
        Assert.Equal("Impact of cookie-shop: 1 CI", await ImpactTitleAsync(one, "cookie-shop"));
        Assert.Equal("Impact of oven-2", await ImpactTitleAsync(two, "oven-2"));
    }

    [SkippableFact]
    public async Task Cis_deleted_renamed_or_re_tiered_behind_the_commands_are_in_the_next_impact()
    {
        await using var one = await CoreTestApp.CreateAsync(provider);
        await using var two = one.AnotherInstance();
        foreach (var add in new[] { "component thermostat-7", "asset oven-2", "service cookie-shop tier:1", "service bread-delivery tier:2" })
        {
            await one.SendAsync("cmdb", "add " + add);
        }

        foreach (var link in new[] { "thermostat-7 part-of oven-2", "cookie-shop runs-on oven-2", "bread-delivery depends-on cookie-shop" })
        {
            await one.SendAsync("cmdb", "link " + link);
        }

        Assert.Equal("Impact of thermostat-7: 3 CIs", await ImpactTitleAsync(one, "thermostat-7"));
        await two.QueryAsync(async db =>
        {
            var shop = await db.ConfigurationItems.SingleAsync(c => c.Name == "cookie-shop");
            (shop.Name, shop.Tier) = ("cookie-shop-eu", 3);
            return await db.SaveChangesAsync();
        });
        var card = await ImpactAsync(one, "thermostat-7");
        Assert.Equal("Services (2):\n• bread-delivery (tier 2), through 2 steps\n• cookie-shop-eu (tier 3), through 1 step", Assert.IsType<TextSection>(card.Sections[0]).Text);

        // Its relationships go with it, by the database's cascade: the chain through it is cut.
        await two.QueryAsync(async db =>
        {
            db.ConfigurationItems.Remove(await db.ConfigurationItems.SingleAsync(c => c.Name == "cookie-shop-eu"));
            return await db.SaveChangesAsync();
        });
        card = await ImpactAsync(one, "thermostat-7");
        Assert.Equal("Impact of thermostat-7: 1 CI", card.Title);
        Assert.Equal([new CardField("Assets", "oven-2")], Assert.IsType<FieldsSection>(Assert.Single(card.Sections)).Fields);
    }

    [SkippableFact]
    public async Task A_walk_inside_a_transaction_sees_its_own_links_and_never_shares_them()
    {
        await using var one = await CoreTestApp.CreateAsync(provider);
        await using var two = one.AnotherInstance();
        foreach (var add in new[] { "asset oven-2", "service cookie-shop", "service bread-delivery" })
        {
            await one.SendAsync("cmdb", "add " + add);
        }

        var cis = await one.QueryAsync(db => db.ConfigurationItems.ToDictionaryAsync(c => c.Name, c => c.Id));
        var tenant = await one.QueryAsync(db => db.Tenants.Select(t => t.Id).SingleAsync());
        Assert.Equal("Impact of oven-2", await ImpactTitleAsync(one, "oven-2"));

        await using (var scope = one.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<BakeryBot.Core.Data.BakeryDbContext>();
            await using var tx = await db.Database.BeginTransactionAsync();
            db.CiRelationships.Add(new CiRelationship { TenantId = tenant, SourceId = cis["cookie-shop"], Relation = CiRelation.RunsOn, TargetId = cis["oven-2"], CreatedAt = CoreTestApp.Start });
            await db.SaveChangesAsync();
            var inside = await scope.ServiceProvider.GetRequiredService<CmdbGraph>().ImpactAsync(tenant, [cis["oven-2"]], CancellationToken.None);
            Assert.Equal(["cookie-shop"], inside.Services.Select(s => s.Name));
            await tx.RollbackAsync();
        }

        Assert.Equal("Impact of oven-2", await ImpactTitleAsync(two, "oven-2"));
        // Another change now takes the version number the rolled-back one had: the first instance must
        // not take the graph its transaction saw for it.
        await two.SendAsync("cmdb", "link bread-delivery depends-on oven-2");
        var card = await ImpactAsync(one, "oven-2");
        Assert.Equal("Services (1):\n• bread-delivery, directly", Assert.IsType<TextSection>(card.Sections[0]).Text);
    }

    [SkippableFact]
    public async Task Impact_on_a_random_graph_with_cycles_answers_as_a_plain_breadth_first_walk()
    {
        await using var app = await CoreTestApp.CreateAsync(provider);
        await app.SendAsync("cmdb", "add asset first");
        var tenant = await app.QueryAsync(db => db.Tenants.Select(t => t.Id).SingleAsync());
        var random = new Random(7);
        var types = Enum.GetValues<CiType>();
        var relations = Enum.GetValues<CiRelation>();
        await app.QueryAsync(async db =>
        {
            for (var i = 0; i < 300; i++)
            {
                var type = i % 4 == 0 ? CiType.Service : types[random.Next(types.Length)];
                var name = $"ci-{random.Next(1000):000}-{i}";
                db.ConfigurationItems.Add(new ConfigurationItem
                {
                    TenantId = tenant,
                    Type = type,
                    Name = name,
                    Key = name,
                    Tier = type == CiType.Service && random.Next(3) > 0 ? random.Next(1, 5) : null,
                    CreatedAt = CoreTestApp.Start,
                    UpdatedAt = CoreTestApp.Start,
                });
            }

            return await db.SaveChangesAsync();
        });
        var ids = await app.QueryAsync(db => db.ConfigurationItems.Where(c => c.TenantId == tenant).Select(c => c.Id).ToListAsync());
        await app.QueryAsync(async db =>
        {
            var seen = new HashSet<(int, CiRelation, int)>();
            for (var k = 0; k < 750; k++)
            {
                var (source, relation, target) = (ids[random.Next(ids.Count)], relations[random.Next(relations.Length)], ids[random.Next(ids.Count)]);
                if (source != target && seen.Add((source, relation, target)))
                {
                    db.CiRelationships.Add(new CiRelationship { TenantId = tenant, SourceId = source, Relation = relation, TargetId = target, CreatedAt = CoreTestApp.Start });
                }
            }

            return await db.SaveChangesAsync();
        });
        var all = await app.QueryAsync(db => db.ConfigurationItems.Where(c => c.TenantId == tenant).ToDictionaryAsync(c => c.Id));
        var links = await app.QueryAsync(db => db.CiRelationships.Where(r => r.TenantId == tenant).ToListAsync());

        await using var scope = app.Services.CreateAsyncScope();
        var graph = scope.ServiceProvider.GetRequiredService<CmdbGraph>();
        var starts = ids.Take(12).Select(id => (IReadOnlyCollection<int>)[id]).Append([ids[20], ids[40], ids[60]]).ToList();
        var large = 0;
        foreach (var start in starts)
        {
            foreach (var maxDepth in new[] { 64, 2 })
            {
                var expected = Reference(all, links, start, maxDepth);
                Assert.Equal(Describe(expected), Describe(await graph.ImpactAsync(tenant, start, CancellationToken.None, maxDepth)));
                large += expected.Services.Count > 15 && expected.Others.Any(t => t.Count > CmdbImpact.NamedPerType) ? 1 : 0;
            }
        }

        Assert.True(large > 5, "most walks should reach more services than a card names and more CIs of a type than it lists");
    }

    private static async Task<Card> ImpactAsync(CoreTestApp app, string ci) => Assert.Single((await app.SendAsync("cmdb", "impact " + ci)).Cards);

    private static async Task<string> ImpactTitleAsync(CoreTestApp app, string ci) => (await ImpactAsync(app, ci)).Title;

    /// <summary>The walk as it was done before the in-memory graph: level by level over every relationship, then summed up.</summary>
    private static CmdbImpact Reference(Dictionary<int, ConfigurationItem> cis, List<CiRelationship> links, IReadOnlyCollection<int> start, int maxDepth)
    {
        CiRelation[] towardsSource = [CiRelation.DependsOn, CiRelation.RunsOn, CiRelation.LocatedIn, CiRelation.SuppliedBy];
        var depth = start.Distinct().ToDictionary(id => id, _ => 0);
        var frontier = depth.Keys.ToList();
        for (var level = 1; level <= maxDepth && frontier.Count > 0; level++)
        {
            var next = links.Where(r => towardsSource.Contains(r.Relation) && frontier.Contains(r.TargetId)).Select(r => r.SourceId)
                .Concat(links.Where(r => r.Relation == CiRelation.PartOf && frontier.Contains(r.SourceId)).Select(r => r.TargetId));
            frontier = next.Where(id => depth.TryAdd(id, level)).ToList();
        }

        var reached = depth.Where(d => d.Value > 0).Select(d => (Ci: cis[d.Key], Depth: d.Value))
            .OrderBy(c => c.Depth).ThenBy(c => c.Ci.Name, StringComparer.Ordinal).ToList();
        var services = reached.Where(c => c.Ci.Type == CiType.Service)
            .Select(c => new ImpactedCi(c.Ci.Id, c.Ci.Name, c.Ci.Type, c.Ci.Tier, c.Depth))
            .OrderBy(c => c.Tier ?? 9).ThenBy(c => c.Depth).ThenBy(c => c.Name, StringComparer.Ordinal).ToList();
        var others = reached.Where(c => c.Ci.Type != CiType.Service).GroupBy(c => c.Ci.Type).OrderBy(g => g.Key)
            .Select(g => new ImpactedType(g.Key, g.Count(), g.Count() <= 5
                ? g.Select(c => c.Ci.Name).Order(StringComparer.Ordinal).ToList()
                : g.OrderBy(c => c.Depth).Take(3).Select(c => c.Ci.Name).ToList()))
            .ToList();
        return new CmdbImpact(reached.Count, services, others);
    }

    private static string Describe(CmdbImpact impact) =>
        string.Create(CultureInfo.InvariantCulture, $"{impact.Count} CIs; services: {string.Join(", ", impact.Services.Select(s => $"{s.Id}:{s.Name}:{s.Tier}:{s.Depth}"))}; ") +
        string.Join("; ", impact.Others.Select(t => $"{t.Type} {t.Count}: {string.Join(", ", t.Names)}"));
}

public sealed class SqliteCmdbGraphCacheTests() : CmdbGraphCacheTests(DbProvider.Sqlite);

public sealed class PostgresCmdbGraphCacheTests() : CmdbGraphCacheTests(DbProvider.Postgres);
