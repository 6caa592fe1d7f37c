using BakeryBot.Core.Cmdb;
using BakeryBot.Core.Data;
using Microsoft.EntityFrameworkCore;

namespace BakeryBot.Core.Incidents;

/// <summary>
/// MTTA and MTTR per service and severity, for <c>/incident stats</c>, the digest and <c>/sla report</c>.
/// The incident's times are the ones its timeline records (each lifecycle step writes both).
/// </summary>
public sealed class IncidentMetricsService(BakeryDbContext db, CmdbService cmdb)
{
    /// <summary>
    /// Metrics of the tenant's incidents declared in [<paramref name="from"/>, <paramref name="to"/>).
    /// Cost: one query that reads six columns per incident plus one small row per incident CI, then one
    /// CMDB walk (<see cref="CmdbService.ImpactedServicesAsync"/>: two small queries and a walk in
    /// memory, the tenant's graph loaded once if it changed) per distinct set of CIs, not per incident.
    /// So it grows linearly in incidents for the read and the arithmetic (a few dozen bytes held per
    /// incident), and with the number of distinct CI sets for the walks, which repeat incidents on the
    /// same CIs keep small.
    /// </summary>
    public async Task<MetricsReport> ComputeAsync(int tenantId, DateTimeOffset from, DateTimeOffset to, CancellationToken ct)
    {
        if (to <= from)
        {
            throw new ArgumentException("The period must end after it starts.", nameof(to));
        }

        // Stored times are UTC: SQLite compares them as encoded integers, and PostgreSQL accepts only UTC offsets.
        var (fromUtc, toUtc) = (from.ToUniversalTime(), to.ToUniversalTime());
        var rows = new List<(Row Row, string CiKey)>();
        var ciSets = new Dictionary<string, int[]>(StringComparer.Ordinal);
        await foreach (var row in db.Incidents.AsNoTracking()
                           .Where(i => i.TenantId == tenantId && i.DeclaredAt >= fromUtc && i.DeclaredAt < toUtc)
                           .Select(i => new Row(i.Severity, i.DetectedBy, i.DeclaredAt, i.DeclaredById, i.AcknowledgedAt, i.MitigatedAt, i.MitigatedById, i.ResolvedAt,
                               i.Cis.Select(c => c.CiId).ToList()))
                           .AsAsyncEnumerable()
                           .WithCancellation(ct))
        {
            var ids = row.CiIds.Distinct().Order().ToArray();
            var key = string.Join(',', ids);
            ciSets.TryAdd(key, ids);
            rows.Add((row, key));
        }

        // After the read: the context runs one query at a time.
        var services = new Dictionary<string, IReadOnlyList<string>>(StringComparer.Ordinal);
        foreach (var (key, ids) in ciSets)
        {
            services[key] = await cmdb.ImpactedServicesAsync(tenantId, ids, ct);
        }

        return IncidentMetrics.Compute(from, to, rows.Select(r => new IncidentTimes(
            r.Row.Severity,
            r.Row.DetectedBy,
            r.Row.DeclaredAt,
            Incident.FirstResponse(r.Row.AcknowledgedAt, r.Row.MitigatedAt, r.Row.MitigatedById, r.Row.ResolvedAt, r.Row.DeclaredById, r.Row.DetectedBy),
            r.Row.ResolvedAt,
            (IReadOnlyCollection<string>)services[r.CiKey])));
    }

    /// <summary>The columns the metrics read, and nothing else.</summary>
    private sealed record Row(
        int Severity,
        Detection DetectedBy,
        DateTimeOffset DeclaredAt,
        int DeclaredById,
        DateTimeOffset? AcknowledgedAt,
        DateTimeOffset? MitigatedAt,
        int? MitigatedById,
        DateTimeOffset? ResolvedAt,
        List<int> CiIds);
}
