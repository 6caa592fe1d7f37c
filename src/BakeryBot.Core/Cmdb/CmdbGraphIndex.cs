using System.Buffers;
using System.Data.Common;
using BakeryBot.Core.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;

namespace BakeryBot.Core.Cmdb;

/// <summary>
/// One tenant's CMDB graph as arrays, as it was at one graph version (<see cref="CmdbGraphStamp"/>):
/// the CIs sorted by id with their name, type and tier, and for each CI the CIs its failure reaches in
/// one hop, as compressed rows (offsets into one array). Immutable, so concurrent walks share it.
/// About 30 bytes per CI besides its name, and 4 per relationship: some 9 MB at 100k CIs and 300k
/// relationships.
/// </summary>
public sealed class CmdbGraphIndex
{
    /// <summary>The relations along which a failure of the target reaches the source.</summary>
    internal static readonly CiRelation[] TowardsSource = [CiRelation.DependsOn, CiRelation.RunsOn, CiRelation.LocatedIn, CiRelation.SuppliedBy];

    private static readonly CiRelation[] Spreading = [.. TowardsSource, CiRelation.PartOf];

    // Types and relations are stored by their enum names (CmdbMapping).
    private const string CisSql = """
        SELECT "Id", "Name", "Type", "Tier" FROM "ConfigurationItems" WHERE "TenantId" = @tenant ORDER BY "Id"
        """;

    private static readonly string RelationshipsSql = $"""
        SELECT "SourceId", "TargetId", CASE WHEN "Relation" = '{CiRelation.PartOf}' THEN 1 ELSE 0 END
        FROM "CiRelationships" WHERE "TenantId" = @tenant AND "Relation" IN ({string.Join(", ", Spreading.Select(r => $"'{r}'"))})
        """;

    private static readonly int TypeSlots = Enum.GetValues<CiType>().Max(t => (int)t) + 1;

    private readonly int[] _ids;
    private readonly string[] _names;
    private readonly CiType[] _types;
    private readonly int?[] _tiers;

    /// <summary>CI <c>i</c> reaches <c>_reaches[_offsets[i].._offsets[i + 1]]</c> (positions, not ids).</summary>
    private readonly int[] _offsets;

    private readonly int[] _reaches;

    private CmdbGraphIndex(long version, int[] ids, string[] names, CiType[] types, int?[] tiers, int[] offsets, int[] reaches)
    {
        Version = version;
        (_ids, _names, _types, _tiers, _offsets, _reaches) = (ids, names, types, tiers, offsets, reaches);
    }

    /// <summary>The graph version the index was loaded at (read before the graph, so never newer than it).</summary>
    public long Version { get; }

    /// <summary>
    /// Reads the tenant's CIs and spreading relationships: two queries, no parameter lists, read
    /// with a plain data reader (at 100k CIs and 300k relationships, EF's materialiser took about
    /// twice as long). A relationship whose CI is gone (deleted between the two reads) is left out;
    /// the version read before them is then older than the database's, so the next use loads again.
    /// </summary>
    internal static async Task<CmdbGraphIndex> LoadAsync(BakeryDbContext db, int tenantId, long version, CancellationToken ct)
    {
        var ciIds = new List<int>();
        int[] ids;
        var names = new List<string>();
        var types = new List<CiType>();
        var tiers = new List<int?>();
        var from = new List<int>();
        var to = new List<int>();
        await db.Database.OpenConnectionAsync(ct);
        try
        {
            await using (var command = Command(db, CisSql, tenantId))
            await using (var reader = await command.ExecuteReaderAsync(ct))
            {
                while (await reader.ReadAsync(ct))
                {
                    ciIds.Add(reader.GetInt32(0));
                    names.Add(reader.GetString(1));
                    types.Add(Enum.Parse<CiType>(reader.GetString(2)));
                    tiers.Add(reader.IsDBNull(3) ? null : reader.GetInt32(3));
                }
            }

            ids = [.. ciIds];
            await using (var command = Command(db, RelationshipsSql, tenantId))
            await using (var reader = await command.ExecuteReaderAsync(ct))
            {
                while (await reader.ReadAsync(ct))
                {
                    // Oriented the way the failure spreads: a part's reaches its whole, anything else's reaches what needs it.
                    var (source, target) = (reader.GetInt32(0), reader.GetInt32(1));
                    var (failing, reached) = reader.GetInt32(2) == 1 ? (source, target) : (target, source);
                    var f = Array.BinarySearch(ids, failing);
                    var t = Array.BinarySearch(ids, reached);
                    if (f >= 0 && t >= 0)
                    {
                        from.Add(f);
                        to.Add(t);
                    }
                }
            }
        }
        finally
        {
            await db.Database.CloseConnectionAsync();
        }

        // Counting sort of the edges by the failing CI.
        var offsets = new int[ids.Length + 1];
        foreach (var f in from)
        {
            offsets[f + 1]++;
        }

        for (var i = 0; i < ids.Length; i++)
        {
            offsets[i + 1] += offsets[i];
        }

        var next = offsets[..^1];
        var reaches = new int[from.Count];
        for (var k = 0; k < from.Count; k++)
        {
            reaches[next[from[k]]++] = to[k];
        }

        return new CmdbGraphIndex(version, ids, [.. names], [.. types], [.. tiers], offsets, reaches);
    }

    /// <summary>A command on the context's connection, in its transaction if it has one, with the tenant as <c>@tenant</c>.</summary>
    private static DbCommand Command(BakeryDbContext db, string sql, int tenantId)
    {
        var command = db.Database.GetDbConnection().CreateCommand();
        command.CommandText = sql;
        command.Transaction = db.Database.CurrentTransaction?.GetDbTransaction();
        command.AddParameter("@tenant", tenantId);
        return command;
    }

    /// <summary>
    /// Breadth first from <paramref name="start"/> (ids; unknown ones reach nothing), each CI once with
    /// its fewest hops, up to <paramref name="maxDepth"/> hops; the start CIs are not counted.
    /// </summary>
    public CmdbImpact Walk(IReadOnlyCollection<int> start, int maxDepth)
    {
        var n = _ids.Length;
        // Hops + 1 per CI, 0 while unreached; and the queue of reached positions, in order of hops.
        var hops = ArrayPool<int>.Shared.Rent(Math.Max(n, 1));
        var queue = ArrayPool<int>.Shared.Rent(Math.Max(n, 1));
        try
        {
            Array.Clear(hops, 0, n);
            int head = 0, tail = 0;
            foreach (var id in start)
            {
                var i = Array.BinarySearch(_ids, id);
                if (i >= 0 && hops[i] == 0)
                {
                    hops[i] = 1;
                    queue[tail++] = i;
                }
            }

            var summary = new Summary(this);
            while (head < tail)
            {
                var u = queue[head++];
                var next = hops[u]; // the hops of what u reaches, as hops[u] is one more than u's own
                if (next > maxDepth)
                {
                    continue;
                }

                for (var k = _offsets[u]; k < _offsets[u + 1]; k++)
                {
                    var v = _reaches[k];
                    if (hops[v] == 0)
                    {
                        hops[v] = next + 1;
                        queue[tail++] = v;
                        summary.Add(v, next);
                    }
                }
            }

            return summary.Build();
        }
        finally
        {
            ArrayPool<int>.Shared.Return(hops);
            ArrayPool<int>.Shared.Return(queue);
        }
    }

    /// <summary>The ids of the CIs the failure of <paramref name="start"/> reaches within <paramref name="maxDepth"/> hops, itself included.</summary>
    public HashSet<int> Reach(int start, int maxDepth)
    {
        var reached = new HashSet<int> { start };
        var i = Array.BinarySearch(_ids, start);
        if (i < 0)
        {
            return reached;
        }

        var seen = new HashSet<int> { i };
        var level = new List<int> { i };
        for (var depth = 1; depth <= maxDepth && level.Count > 0; depth++)
        {
            var next = new List<int>();
            foreach (var u in level)
            {
                for (var k = _offsets[u]; k < _offsets[u + 1]; k++)
                {
                    if (seen.Add(_reaches[k]))
                    {
                        next.Add(_reaches[k]);
                        reached.Add(_ids[_reaches[k]]);
                    }
                }
            }

            level = next;
        }

        return reached;
    }

    /// <summary>Sums the reached CIs up as they come, nearest first: services kept, others counted with their nearest few names.</summary>
    private sealed class Summary(CmdbGraphIndex index)
    {
        private readonly List<ImpactedCi> _services = [];
        private readonly int[] _counts = new int[TypeSlots];
        private readonly List<(int Depth, string Name)>?[] _nearest = new List<(int, string)>?[TypeSlots];
        private int _count;

        public void Add(int position, int depth)
        {
            _count++;
            var type = index._types[position];
            var name = index._names[position];
            if (type == CiType.Service)
            {
                _services.Add(new ImpactedCi(index._ids[position], name, type, index._tiers[position], depth));
                return;
            }

            var slot = (int)type;
            _counts[slot]++;
            // The NamedPerType nearest by (hops, name): all of them when there are no more, and the examples otherwise.
            var nearest = _nearest[slot] ??= new List<(int, string)>(CmdbImpact.NamedPerType + 1);
            if (nearest.Count == CmdbImpact.NamedPerType && Compare((depth, name), nearest[^1]) >= 0)
            {
                return;
            }

            var at = nearest.Count;
            while (at > 0 && Compare((depth, name), nearest[at - 1]) < 0)
            {
                at--;
            }

            nearest.Insert(at, (depth, name));
            if (nearest.Count > CmdbImpact.NamedPerType)
            {
                nearest.RemoveAt(nearest.Count - 1);
            }
        }

        public CmdbImpact Build()
        {
            if (_count == 0)
            {
                return CmdbImpact.None;
            }

            var services = _services
                .OrderBy(s => s.Tier ?? 9).ThenBy(s => s.Depth).ThenBy(s => s.Name, StringComparer.Ordinal)
                .ToList();
            var others = new List<ImpactedType>();
            for (var slot = 0; slot < TypeSlots; slot++)
            {
                if (_counts[slot] == 0)
                {
                    continue;
                }

                var names = _nearest[slot]!.Select(c => c.Name);
                others.Add(new ImpactedType((CiType)slot, _counts[slot], _counts[slot] <= CmdbImpact.NamedPerType
                    ? names.Order(StringComparer.Ordinal).ToList()
                    : names.Take(CmdbImpact.Examples).ToList()));
            }

            return new CmdbImpact(_count, services, others);
        }

        private static int Compare((int Depth, string Name) a, (int Depth, string Name) b) =>
            a.Depth != b.Depth ? a.Depth.CompareTo(b.Depth) : string.CompareOrdinal(a.Name, b.Name);
    }
}
