using BakeryBot.Core.Data;

namespace BakeryBot.Core.Cmdb;

/// <summary>A CI reached by an impact walk, and how many hops from where it started (the fewest).</summary>
public sealed record ImpactedCi(int Id, string Name, CiType Type, int? Tier, int Depth);

/// <summary>
/// The reached CIs of one type other than service: how many, and their names when there are at most
/// <see cref="CmdbImpact.NamedPerType"/> (in ordinal order), else the <see cref="CmdbImpact.Examples"/>
/// nearest (fewest hops, then name).
/// </summary>
public sealed record ImpactedType(CiType Type, int Count, IReadOnlyList<string> Names);

/// <summary>
/// What a failure reaches, summed up without a row per CI: <paramref name="Count"/> CIs in all (the
/// start CIs excluded), every reached service (most critical tier first, then nearest, then name), and
/// the other CIs counted by type (in type order).
/// </summary>
public sealed record CmdbImpact(int Count, IReadOnlyList<ImpactedCi> Services, IReadOnlyList<ImpactedType> Others)
{
    /// <summary>A type with at most this many reached CIs has them all named.</summary>
    public const int NamedPerType = 5;

    /// <summary>A type with more has this many named as examples.</summary>
    public const int Examples = 3;

    public static CmdbImpact None { get; } = new(0, [], []);
}

/// <summary>
/// Walks the CMDB along the directions in which a failure spreads: from what is needed to what needs
/// it (depends-on, runs-on, located-in, supplied-by: the target's failure reaches the source), and
/// from a part to its whole (part-of: the source's failure reaches the target); owned-by does not
/// spread. Breadth first, each CI once, so cycles and diamonds end and each CI has its fewest hops.
/// The walk runs in memory over the tenant's <see cref="CmdbGraphIndex"/>, which
/// <see cref="CmdbGraphCache"/> checks against the database's graph version before each use.
/// </summary>
public sealed class CmdbGraph(BakeryDbContext db, CmdbGraphCache cache)
{
    /// <summary>Ids per query for walks that ask the database level by level: SQLite takes at most 32,766 parameters in one statement.</summary>
    public const int ChunkSize = 5_000;

    /// <summary>Everything the failure of <paramref name="start"/> reaches within <paramref name="maxDepth"/> hops, summed up.</summary>
    public async Task<CmdbImpact> ImpactAsync(int tenantId, IReadOnlyCollection<int> start, CancellationToken ct, int maxDepth = 64)
    {
        if (start.Count == 0)
        {
            return CmdbImpact.None;
        }

        var index = await cache.GetAsync(db, tenantId, ct);
        return index.Walk(start, maxDepth);
    }

    /// <summary>
    /// For each start CI, the CIs its failure reaches, itself included: what <see cref="ImpactAsync"/>
    /// finds for it alone, for many starts at once (a report over a month's incidents), over the same
    /// in-memory graph; the cost per start is what it reaches.
    /// </summary>
    public async Task<IReadOnlyDictionary<int, IReadOnlySet<int>>> ReachAsync(int tenantId, IReadOnlyCollection<int> start, CancellationToken ct, int maxDepth = 64)
    {
        if (start.Count == 0)
        {
            return new Dictionary<int, IReadOnlySet<int>>();
        }

        var index = await cache.GetAsync(db, tenantId, ct);
        return start.Distinct().ToDictionary(id => id, IReadOnlySet<int> (id) => index.Reach(id, maxDepth));
    }
}
