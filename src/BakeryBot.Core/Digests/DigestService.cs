using BakeryBot.Core.Changes;
using BakeryBot.Core.Cmdb;
using BakeryBot.Core.Cmdb.Discovery;
using BakeryBot.Core.Data;
using BakeryBot.Core.Drills;
using BakeryBot.Core.Incidents;
using BakeryBot.Core.Sla;
using BakeryBot.Core.TimeTracking;
using Microsoft.EntityFrameworkCore;

namespace BakeryBot.Core.Digests;

/// <summary>
/// The figures of a digest. Every query is bounded by the period (or by the eight weeks of the
/// sparklines) on an indexed time column, and what is read is a projection of a few columns or an
/// aggregate: the cost grows with the incidents and time entries of those weeks, not with the history.
/// </summary>
public sealed class DigestService(BakeryDbContext db, SlaService sla, ReleaseService releases, DiscoveryService discovery, CmdbRisks risks, TimeProvider clock)
{
    /// <summary>How many weeks the sparklines show, the digest's own week last.</summary>
    public const int SparklineWeeks = 8;

    /// <summary>How many CIs with the most incidents the digest names.</summary>
    public const int TopCiCount = 5;

    /// <summary>The most released changes the digest lists by name (all are counted).</summary>
    public const int MaxReleasedListed = 10;

    /// <summary>The record types time is logged against, as the digest groups it; entries on no record are <see cref="NoRecord"/>.</summary>
    public static readonly IReadOnlyList<string> RecordTypes = [Chat.RecordId.Incident, Chat.RecordId.Problem, Chat.RecordId.Change, Chat.RecordId.Drill];

    public const string NoRecord = "none";

    /// <summary>
    /// The digest of [<paramref name="from"/>, <paramref name="to"/>): the week before it (of the same
    /// length) is the comparison, and the <see cref="SparklineWeeks"/> periods of that length ending at
    /// <paramref name="to"/> are the sparklines.
    /// </summary>
    public Task<Digest> BuildAsync(int tenantId, DateTimeOffset from, DateTimeOffset to, CancellationToken ct) => BuildAsync(tenantId, from, to, null, ct);

    /// <summary>
    /// As above; with <paramref name="localWeeksIn"/>, the period is a local week (Monday midnight to
    /// Monday midnight) and the week before and the sparklines' weeks are that zone's local weeks too, so
    /// a week across a clock change (167 or 169 hours) does not shift the others by an hour.
    /// </summary>
    public async Task<Digest> BuildAsync(int tenantId, DateTimeOffset from, DateTimeOffset to, TimeZoneInfo? localWeeksIn, CancellationToken ct)
    {
        if (to <= from)
        {
            throw new ArgumentException("The period must end after it starts.", nameof(to));
        }

        // Stored times are UTC: SQLite compares them as encoded integers, and PostgreSQL accepts only UTC offsets.
        (from, to) = (from.ToUniversalTime(), to.ToUniversalTime());
        var now = clock.GetUtcNow().ToUniversalTime();
        var length = to - from;
        var endDay = localWeeksIn is null ? default : TimeTracking.TimeDays.DayOf(to, localWeeksIn);
        DateTimeOffset WeeksBack(int weeks) => localWeeksIn is null
            ? to - (length * weeks)
            : TimeTracking.TimeDays.StartOf(endDay.AddDays(-7 * weeks), localWeeksIn).ToUniversalTime();
        var previousFrom = WeeksBack(2);
        var firstWeek = WeeksBack(SparklineWeeks);

        var rows = await db.Incidents.AsNoTracking()
            .Where(i => i.TenantId == tenantId && i.DeclaredAt >= firstWeek && i.DeclaredAt < to)
            .Select(i => new IncidentRow(i.Severity, i.DetectedBy, i.DeclaredAt, i.DeclaredById, i.AcknowledgedAt, i.MitigatedAt, i.MitigatedById, i.ResolvedAt))
            .ToListAsync(ct);
        var times = rows.Select(r => new IncidentTimes(
                r.Severity,
                r.DetectedBy,
                r.DeclaredAt,
                Incident.FirstResponse(r.AcknowledgedAt, r.MitigatedAt, r.MitigatedById, r.ResolvedAt, r.DeclaredById, r.DetectedBy),
                r.ResolvedAt,
                []))
            .ToList();
        var weeks = Enumerable.Range(0, SparklineWeeks)
            .Select(w => Of(times, WeeksBack(SparklineWeeks - w), WeeksBack(SparklineWeeks - w - 1)))
            .Select(m => new DigestWeek(m.From, m.Overall.Count, m.Overall.Mttr))
            .ToList();

        return new Digest(
            from,
            to,
            previousFrom,
            now,
            Figures(Of(times, from, to)),
            Figures(Of(times, previousFrom, from)),
            weeks,
            await SlaAsync(tenantId, from, to, now, ct),
            await ChangesAsync(tenantId, from, to, ct),
            await DrillsAsync(tenantId, from, to, now, ct),
            await TimeLoggedAsync(tenantId, from, to, ct),
            await TopCisAsync(tenantId, from, to, ct),
            (await discovery.StaleAsync(tenantId, ct)).Select(c => c.Name).ToList(),
            await risks.FindAsync(tenantId, ct));
    }

    private static MetricsReport Of(List<IncidentTimes> times, DateTimeOffset from, DateTimeOffset to) =>
        IncidentMetrics.Compute(from, to, times.Where(t => t.DeclaredAt >= from && t.DeclaredAt < to));

    private static DigestIncidents Figures(MetricsReport report)
    {
        var bySeverity = Enumerable.Range(1, 4).ToDictionary(s => s, _ => 0);
        foreach (var s in report.BySeverity)
        {
            bySeverity[s.Severity] = s.Figures.Count;
        }

        var o = report.Overall;
        return new DigestIncidents(
            o.Count,
            bySeverity,
            o.Responded,
            o.Mtta,
            o.Resolved,
            o.Mttr,
            report.DetectedBy[Detection.Alert] + report.DetectedBy[Detection.Synthetic],
            report.DetectedBy[Detection.Person] + report.DetectedBy[Detection.Customer]);
    }

    private async Task<DigestSla> SlaAsync(int tenantId, DateTimeOffset from, DateTimeOffset to, DateTimeOffset now, CancellationToken ct)
    {
        // The week as a report period: measured over the whole week, which is also its length.
        var local = from.UtcDateTime;
        var report = await sla.ReportAsync(tenantId, new ReportPeriod(local.Year, local.Month, from, to, to, TimeZoneInfo.Utc), now, ct);
        var breached = report.Cis.Where(c => c.Breaches.Count > 0).ToList();
        return new DigestSla(
            breached.Sum(c => c.Breaches.Count),
            breached.Select(c => c.Ci.Name).ToList(),
            report.Cis.Where(c => c.Uptime is { Commitment: not null })
                .Select(c => new DigestUptime(c.Ci.Name, c.Uptime!.Percent, c.Uptime.Commitment!.Value, c.Uptime.Met == true))
                .ToList());
    }

    private async Task<DigestChanges> ChangesAsync(int tenantId, DateTimeOffset from, DateTimeOffset to, CancellationToken ct)
    {
        var metrics = await releases.MetricsAsync(tenantId, from, to, ct);
        var listed = await db.Changes.AsNoTracking()
            .Where(c => c.TenantId == tenantId && c.State == ChangeState.Completed && c.ReleasedAt >= from && c.ReleasedAt < to)
            .OrderBy(c => c.ReleasedAt).ThenBy(c => c.Number)
            .Take(MaxReleasedListed)
            .Select(c => new { c.Number, c.Title, c.Outcome, c.CausedFailure })
            .ToListAsync(ct);
        var released = listed.Select(c =>
        {
            var id = new Chat.RecordId(Chat.RecordId.Change, c.Number);
            var failed = c.CausedFailure || c.Outcome is ReleaseOutcome.Failed or ReleaseOutcome.RolledBack;
            return failed ? $"{id} {c.Title} (failed)" : $"{id} {c.Title}";
        }).ToList();
        return new DigestChanges(released, metrics.Releases, metrics.PerWeek, metrics.Failures, metrics.FailureRate);
    }

    private async Task<DigestDrills> DrillsAsync(int tenantId, DateTimeOffset from, DateTimeOffset to, DateTimeOffset now, CancellationToken ct)
    {
        var results = await db.DrillRuns.AsNoTracking()
            .Where(r => r.TenantId == tenantId && r.FinishedAt >= from && r.FinishedAt < to && r.Result != null)
            .GroupBy(r => r.Result)
            .Select(g => new { g.Key, Count = g.Count() })
            .ToListAsync(ct);
        var overdue = await db.Drills.AsNoTracking()
            .Where(d => d.TenantId == tenantId && d.State == DrillState.Active && d.NextDueAt <= now && !d.Runs.Any(r => r.FinishedAt == null))
            .OrderBy(d => d.NextDueAt).ThenBy(d => d.Number)
            .Select(d => new { d.Number, d.Title })
            .ToListAsync(ct);
        return new DigestDrills(
            results.Where(r => r.Key == DrillResult.Pass).Sum(r => r.Count),
            results.Where(r => r.Key == DrillResult.Fail).Sum(r => r.Count),
            overdue.Select(d => $"{new Chat.RecordId(Chat.RecordId.Drill, d.Number)} {d.Title}").ToList());
    }

    /// <summary>Time entries started in the period, summed by the type of record they are on (in SQL).</summary>
    private async Task<IReadOnlyDictionary<string, TimeSpan>> TimeLoggedAsync(int tenantId, DateTimeOffset from, DateTimeOffset to, CancellationToken ct)
    {
        var sums = await db.Set<TimeEntry>().AsNoTracking()
            .Where(e => e.TenantId == tenantId && e.StartedAt >= from && e.StartedAt < to)
            .GroupBy(e => e.RecordKey == null ? null : e.RecordKey.Substring(0, 3))
            .Select(g => new { Type = g.Key, Seconds = g.Sum(e => e.Seconds) })
            .ToListAsync(ct);
        var logged = RecordTypes.Append(NoRecord).ToDictionary(t => t, _ => TimeSpan.Zero, StringComparer.Ordinal);
        foreach (var sum in sums)
        {
            var type = sum.Type is { } t && logged.ContainsKey(t) ? t : NoRecord;
            logged[type] += TimeSpan.FromSeconds(sum.Seconds);
        }

        return logged;
    }

    /// <summary>The CIs named by the most incidents declared in the period (counted in SQL), most first, then by name.</summary>
    private async Task<IReadOnlyList<DigestCi>> TopCisAsync(int tenantId, DateTimeOffset from, DateTimeOffset to, CancellationToken ct)
    {
        var top = await db.Incidents.AsNoTracking()
            .Where(i => i.TenantId == tenantId && i.DeclaredAt >= from && i.DeclaredAt < to)
            .SelectMany(i => i.Cis)
            .GroupBy(c => new { c.CiId, c.Ci!.Name })
            .Select(g => new { g.Key.Name, Count = g.Count() })
            .OrderByDescending(g => g.Count).ThenBy(g => g.Name)
            .Take(TopCiCount)
            .ToListAsync(ct);
        return top.Select(t => new DigestCi(t.Name, t.Count)).ToList();
    }

    /// <summary>The columns of an incident the digest reads, and nothing else.</summary>
    private sealed record IncidentRow(
        int Severity,
        Detection DetectedBy,
        DateTimeOffset DeclaredAt,
        int DeclaredById,
        DateTimeOffset? AcknowledgedAt,
        DateTimeOffset? MitigatedAt,
        int? MitigatedById,
        DateTimeOffset? ResolvedAt);
}
