using System.Collections.Concurrent;
using BakeryBot.Core.Data;
using Microsoft.EntityFrameworkCore;

namespace BakeryBot.Core.Cmdb;

/// <summary>
/// This instance's <see cref="CmdbGraphIndex"/> per database and tenant (a singleton). Before each use
/// the tenant's graph version (<see cref="CmdbGraphStamp"/>, one row read by key) is compared with the
/// index's: when anything, in this instance or another on the same database, has changed the graph
/// since, the index is loaded again (one load at a time per tenant; concurrent callers wait for it).
/// The version is bumped in the transaction of every change by <c>BakeryDbContext.SaveChangesAsync</c>.
/// </summary>
public sealed class CmdbGraphCache
{
    private readonly ConcurrentDictionary<(string Database, int TenantId), CmdbGraphIndex> _indexes = new();
    private readonly ConcurrentDictionary<(string Database, int TenantId), SemaphoreSlim> _loads = new();

    /// <summary>The tenant's graph as the database holds it now.</summary>
    public async Task<CmdbGraphIndex> GetAsync(BakeryDbContext db, int tenantId, CancellationToken ct)
    {
        var key = (db.Database.GetConnectionString() ?? "", tenantId);
        // The version is always read before the graph: an index is never labelled newer than what it holds.
        var version = await db.CmdbGraphVersionAsync(tenantId, ct);
        if (_indexes.TryGetValue(key, out var index) && index.Version == version)
        {
            return index;
        }

        if (db.Database.CurrentTransaction is not null)
        {
            // This unit of work may see its own uncommitted changes, version included, which may yet
            // roll back and the version number be taken by another change: never shared.
            return await CmdbGraphIndex.LoadAsync(db, tenantId, version, ct);
        }

        var load = _loads.GetOrAdd(key, _ => new SemaphoreSlim(1, 1));
        await load.WaitAsync(ct);
        try
        {
            version = await db.CmdbGraphVersionAsync(tenantId, ct);
            if (_indexes.TryGetValue(key, out index) && index.Version == version)
            {
                return index;
            }

            index = await CmdbGraphIndex.LoadAsync(db, tenantId, version, ct);
            _indexes[key] = index;
            return index;
        }
        finally
        {
            load.Release();
        }
    }
}
