using BakeryBot.Core.Chat;
using BakeryBot.Core.Cmdb;
using BakeryBot.Core.Data;
using Microsoft.EntityFrameworkCore;

namespace BakeryBot.Core.Changes;

/// <summary>
/// A change released shortly before an incident, on the incident's CIs or on what they depend on:
/// <see cref="At"/> is when its release ended (or started, while it is still in release), and
/// <see cref="CiNames"/> the change's CIs that are the incident's or whose failure reaches them.
/// </summary>
public sealed record RecentRelease(RecordId Id, string Title, ChangeState State, ReleaseOutcome? Outcome, DateTimeOffset At, IReadOnlyList<string> CiNames);

/// <summary>
/// The changes that may have caused an incident, for its card: those of the tenant whose release was
/// under way at some moment of the <see cref="Lookback"/> before the incident was declared (released
/// in that time, or started before the declaration and not finished by the start of that time), and
/// that touch one of the incident's CIs or a CI whose failure reaches one of them through the CMDB
/// (<see cref="CmdbGraph.ReachAsync"/>): a change on oven-2's thermostat shows on an incident on oven-2.
/// The moment is the declaration, not now, so the list is the same whenever the card is drawn.
/// </summary>
public sealed class RecentReleases(BakeryDbContext db, CmdbGraph graph)
{
    public static readonly TimeSpan Lookback = TimeSpan.FromHours(24);

    /// <summary>Newest first; none for an incident without CIs.</summary>
    public async Task<IReadOnlyList<RecentRelease>> BeforeAsync(int tenantId, IReadOnlyCollection<int> incidentCiIds, DateTimeOffset declaredAt, CancellationToken ct)
    {
        if (incidentCiIds.Count == 0)
        {
            return [];
        }

        // Stored times are UTC: SQLite compares them as encoded integers, and PostgreSQL accepts only UTC offsets.
        var at = declaredAt.ToUniversalTime();
        var from = at - Lookback;
        var candidates = await db.Changes.AsNoTracking().WithCis()
            .Where(c => c.TenantId == tenantId && (c.State == ChangeState.InRelease || c.State == ChangeState.Completed)
                        && c.ReleaseStartedAt != null && c.ReleaseStartedAt <= at
                        && (c.ReleasedAt == null || c.ReleasedAt >= from))
            .ToListAsync(ct);
        if (candidates.Count == 0)
        {
            return [];
        }

        var reach = await graph.ReachAsync(tenantId, candidates.SelectMany(c => c.Cis.Select(ci => ci.CiId)).Distinct().ToList(), ct);
        var hit = incidentCiIds.ToHashSet();
        var found = new List<RecentRelease>();
        foreach (var change in candidates)
        {
            // A CI's reach includes itself: the change's own CI being the incident's counts.
            var touching = change.Cis.Where(ci => reach.TryGetValue(ci.CiId, out var reached) && reached.Overlaps(hit)).ToList();
            if (touching.Count > 0)
            {
                found.Add(new RecentRelease(change.RecordId, change.Title, change.State, change.Outcome, change.ReleasedAt ?? change.ReleaseStartedAt!.Value,
                    touching.Select(ci => ci.Ci?.Name ?? "?").Order(StringComparer.Ordinal).ToList()));
            }
        }

        return found.OrderByDescending(r => r.At).ThenByDescending(r => r.Id.Number).ToList();
    }
}
