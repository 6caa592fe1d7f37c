namespace BakeryBot.Core.Cmdb;

/// <summary>
/// A tenant's CMDB graph version: moves, in the transaction of the change, whenever a relationship is
/// added, changed or removed, or a CI is deleted (its relationships cascade) or renamed, retyped or
/// re-tiered. Instances that keep the graph in memory compare it with this one row before each use,
/// so none answers from a graph another instance has changed. Bumped by
/// <see cref="Data.BakeryDbContext.TouchCmdbGraphAsync"/>, which <c>SaveChangesAsync</c> calls by itself;
/// no row means version 0.
/// </summary>
public sealed class CmdbGraphStamp
{
    public int TenantId { get; set; }

    public long Version { get; set; }
}
