using Microsoft.EntityFrameworkCore;

namespace BakeryBot.Core.Changes;

/// <summary>How changes are loaded with what hangs off them.</summary>
internal static class ChangeQueries
{
    /// <summary>
    /// Changes with their CI links and each link's CI, as split queries. In one statement EF Core joins
    /// the changes to a subquery of every CI link with its CI, which SQLite cannot narrow on the right of
    /// a LEFT JOIN: it builds that subquery in full, every tenant's links, on every CAB click (30 ms for
    /// one change at 40,000 links). Split, the links are looked up by the changes chosen
    /// (<c>CiLinkQueryPlanTests</c>).
    /// </summary>
    public static IQueryable<Change> WithCis(this IQueryable<Change> changes) =>
        changes.Include(c => c.Cis).ThenInclude(c => c.Ci).AsSplitQuery();

    /// <summary><see cref="WithCis"/>, and the CAB's votes.</summary>
    public static IQueryable<Change> WithCisAndVotes(this IQueryable<Change> changes) =>
        changes.WithCis().Include(c => c.Votes);
}
