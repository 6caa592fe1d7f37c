using BakeryBot.Core.Data;
using Microsoft.EntityFrameworkCore;

namespace BakeryBot.Core.Cmdb;

/// <summary>A CI reached by an impact walk, and how many hops from where it started.</summary>
public sealed record ImpactedCi(int Id, string Name, CiType Type, int? Tier, int Depth);

/// <summary>
/// Walks the CMDB along the directions in which a failure spreads: from what is needed to what needs
/// it (depends-on, runs-on, located-in, supplied-by: the target's failure reaches the source), and
/// from a part to its whole (part-of: the source's failure reaches the target). Level by level, each
/// CI once, so cycles and diamonds end; one query per level and direction.
/// </summary>
public sealed class CmdbGraph(BakeryDbContext db)
{
    /// <summary>Ids per query: SQLite takes at most 32,766 parameters in one statement.</summary>
    public const int ChunkSize = 5_000;

    private static readonly CiRelation[] TowardsSource = [CiRelation.DependsOn, CiRelation.RunsOn, CiRelation.LocatedIn, CiRelation.SuppliedBy];

    /// <summary>Everything the failure of <paramref name="start"/> reaches, nearest first (the start CIs excluded).</summary>
    public async Task<IReadOnlyList<ImpactedCi>> ImpactAsync(int tenantId, IReadOnlyCollection<int> start, CancellationToken ct, int maxDepth = 64)
    {
        var depth = start.ToDictionary(id => id, _ => 0);
        var frontier = start.ToList();
        for (var level = 1; level <= maxDepth && frontier.Count > 0; level++)
        {
            var needers = new List<int>();
            var wholes = new List<int>();
            foreach (var current in frontier.Chunk(ChunkSize))
            {
                needers.AddRange(await db.CiRelationships
                    .Where(r => r.TenantId == tenantId && current.Contains(r.TargetId) && TowardsSource.Contains(r.Relation))
                    .Select(r => r.SourceId)
                    .ToListAsync(ct));
                wholes.AddRange(await db.CiRelationships
                    .Where(r => r.TenantId == tenantId && current.Contains(r.SourceId) && r.Relation == CiRelation.PartOf)
                    .Select(r => r.TargetId)
                    .ToListAsync(ct));
            }

            frontier = [];
            foreach (var id in needers.Concat(wholes))
            {
                if (depth.TryAdd(id, level))
                {
                    frontier.Add(id);
                }
            }
        }

        var reached = depth.Where(d => d.Value > 0).Select(d => d.Key).ToList();
        if (reached.Count == 0)
        {
            return [];
        }

        var cis = new List<(int Id, string Name, CiType Type, int? Tier)>(reached.Count);
        foreach (var chunk in reached.Chunk(ChunkSize))
        {
            cis.AddRange((await db.ConfigurationItems
                    .Where(c => c.TenantId == tenantId && chunk.Contains(c.Id))
                    .Select(c => new { c.Id, c.Name, c.Type, c.Tier })
                    .ToListAsync(ct))
                .Select(c => (c.Id, c.Name, c.Type, c.Tier)));
        }

        return cis.Select(c => new ImpactedCi(c.Id, c.Name, c.Type, c.Tier, depth[c.Id]))
            .OrderBy(c => c.Depth).ThenBy(c => c.Name, StringComparer.Ordinal)
            .ToList();
    }

    /// <summary>
    /// For each start CI, the CIs its failure reaches, itself included: what <see cref="ImpactAsync"/>
    /// finds for it alone, for many starts at once (a report over a month's incidents). One walk for all
    /// starts, one query per level and direction; then each start's reach is followed in memory over
    /// the edges found, so the cost is that of one walk plus, per start, the part of it that start reaches.
    /// </summary>
    public async Task<IReadOnlyDictionary<int, IReadOnlySet<int>>> ReachAsync(int tenantId, IReadOnlyCollection<int> start, CancellationToken ct, int maxDepth = 64)
    {
        var spreads = new Dictionary<int, List<int>>();
        var seen = start.ToHashSet();
        var frontier = seen.ToList();
        for (var level = 1; level <= maxDepth && frontier.Count > 0; level++)
        {
            var edges = new List<(int From, int To)>();
            foreach (var current in frontier.Chunk(ChunkSize))
            {
                edges.AddRange((await db.CiRelationships
                        .Where(r => r.TenantId == tenantId && current.Contains(r.TargetId) && TowardsSource.Contains(r.Relation))
                        .Select(r => new { r.TargetId, r.SourceId })
                        .ToListAsync(ct))
                    .Select(r => (r.TargetId, r.SourceId)));
                edges.AddRange((await db.CiRelationships
                        .Where(r => r.TenantId == tenantId && current.Contains(r.SourceId) && r.Relation == CiRelation.PartOf)
                        .Select(r => new { r.SourceId, r.TargetId })
                        .ToListAsync(ct))
                    .Select(r => (r.SourceId, r.TargetId)));
            }

            frontier = [];
            foreach (var (from, to) in edges)
            {
                if (!spreads.TryGetValue(from, out var targets))
                {
                    spreads[from] = targets = [];
                }

                targets.Add(to);
                if (seen.Add(to))
                {
                    frontier.Add(to);
                }
            }
        }

        var reach = new Dictionary<int, IReadOnlySet<int>>(seen.Count);
        foreach (var id in start.Distinct())
        {
            var reached = new HashSet<int> { id };
            var next = new List<int> { id };
            for (var level = 1; level <= maxDepth && next.Count > 0; level++)
            {
                next = next.SelectMany(n => spreads.GetValueOrDefault(n, [])).Where(reached.Add).ToList();
            }

            reach[id] = reached;
        }

        return reach;
    }
}
