using BakeryBot.Core.Chat;
using BakeryBot.Core.Cmdb;
using BakeryBot.Core.Data;
using BakeryBot.Core.Incidents;
using Microsoft.EntityFrameworkCore;

namespace BakeryBot.Core.Sla;

/// <summary>What <c>/sla set</c> changes: null leaves a setting as it is; <see cref="ServiceCreditRule.None"/> and <see cref="MonthlyFee.None"/> remove one.</summary>
public sealed record SlaSettings(int? Severity, TimeSpan? Acknowledge, TimeSpan? Resolve, double? Uptime, ServiceCreditRule? Credit, MonthlyFee? Fee)
{
    public bool IsEmpty => Acknowledge is null && Resolve is null && Uptime is null && Credit is null && Fee is null;
}

/// <summary>Service levels: targets per service and severity, commitments and credit rules, the availability a dependency chain allows, and the monthly report.</summary>
public sealed class SlaService(BakeryDbContext db, CmdbService cmdb, CmdbGraph graph, SlaClocks clocks, TimeProvider clock)
{

    /// <summary>
    /// Sets what is given (the rest stays as it was); false when nothing changed. A commitment, credit
    /// rule and fee go on any CI (third parties are often clouds, software or assets); acknowledge and
    /// resolve targets only on services.
    /// </summary>
    public async Task<bool> SetAsync(int tenantId, string ciName, SlaSettings settings, CancellationToken ct)
    {
        var ci = await cmdb.FindAsync(tenantId, ciName, ct)
            ?? throw new UserException($"`{ciName}` is not in the CMDB. Add it with `/cmdb add service {ciName} tier:1`.");
        if ((settings.Acknowledge is not null || settings.Resolve is not null) && ci.Type != CiType.Service)
        {
            throw new UserException($"`{ci.Name}` is {CmdbService.WithArticle(ci.Type)}, not a service; acknowledge and resolve targets are set on services " +
                                    "(`uptime:`, `credit:` and `fee:` go on any CI).");
        }

        var now = clock.GetUtcNow();
        var (changed, retimed) = (false, false);
        if (settings.Uptime is { } pct && ci.UptimeCommitment != pct)
        {
            ci.UptimeCommitment = pct;
            changed = true;
        }

        if (settings.Credit is { } credit && ci.ServiceCredits != (credit.IsNone ? null : credit.ToString()))
        {
            ci.ServiceCredits = credit.IsNone ? null : credit.ToString();
            changed = true;
        }

        if (settings.Fee is { } fee && (ci.MonthlyFee != fee.Amount || ci.Currency != fee.Currency))
        {
            (ci.MonthlyFee, ci.Currency) = fee;
            changed = true;
        }

        if (changed)
        {
            ci.UpdatedAt = now;
        }

        if (settings.Acknowledge is not null || settings.Resolve is not null)
        {
            var severity = settings.Severity;
            var target = await db.Set<SlaTarget>().FirstOrDefaultAsync(t => t.ServiceId == ci.Id && t.Severity == severity, ct);
            if (target is null)
            {
                target = new SlaTarget { TenantId = tenantId, ServiceId = ci.Id, Severity = severity };
                db.Set<SlaTarget>().Add(target);
            }

            var ack = settings.Acknowledge is { } a ? (long)a.TotalSeconds : target.AcknowledgeSeconds;
            var res = settings.Resolve is { } r ? (long)r.TotalSeconds : target.ResolveSeconds;
            if (ack is { } ackSeconds && res is { } resSeconds && resSeconds < ackSeconds)
            {
                throw new UserException("The time to resolve can't be shorter than the time to acknowledge.");
            }

            if (target.Id == 0 || target.AcknowledgeSeconds != ack || target.ResolveSeconds != res)
            {
                (target.AcknowledgeSeconds, target.ResolveSeconds, target.UpdatedAt) = (ack, res, now);
                changed = true;
                retimed = true;
            }
        }

        if (!changed)
        {
            return false;
        }

        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        await db.SaveChangesAsync(ct);
        if (retimed)
        {
            // The open incidents' clocks move to the new target in the same commit.
            await clocks.PlanOpenAsync(tenantId, ct);
            await db.SaveChangesAsync(ct);
        }

        await transaction.CommitAsync(ct);
        return true;
    }

    /// <summary>The targets of one service, or of all, by service then severity.</summary>
    public Task<List<SlaTarget>> TargetsAsync(int tenantId, string? serviceName, CancellationToken ct)
    {
        var key = serviceName is null ? null : ConfigurationItem.KeyOf(serviceName);
        return db.Set<SlaTarget>().Include(t => t.Service)
            .Where(t => t.TenantId == tenantId && (key == null || t.Service!.Key == key))
            .OrderBy(t => t.Service!.Key).ThenBy(t => t.Severity ?? 0)
            .ToListAsync(ct);
    }

    /// <summary>
    /// The CIs of one name, or of all, that have a commitment, a credit rule or a fee, by name: what
    /// <c>/sla show</c> lists besides the targets.
    /// </summary>
    public Task<List<ConfigurationItem>> CommitmentsAsync(int tenantId, string? name, CancellationToken ct)
    {
        var key = name is null ? null : ConfigurationItem.KeyOf(name);
        return db.ConfigurationItems.AsNoTracking()
            .Where(c => c.TenantId == tenantId && (key == null || c.Key == key)
                        && (c.UptimeCommitment != null || c.ServiceCredits != null || c.MonthlyFee != null))
            .OrderBy(c => c.Key)
            .ToListAsync(ct);
    }

    /// <summary>The composite availability of a service from everything it needs, level by level (one query per level).</summary>
    public async Task<(ConfigurationItem Service, ChainResult Result)> ChainAsync(int tenantId, string serviceName, CancellationToken ct)
    {
        var service = await ServiceAsync(tenantId, serviceName, ct);
        var edges = new List<ChainEdge>();
        var seen = new HashSet<int> { service.Id };
        var frontier = new List<int> { service.Id };
        while (frontier.Count > 0 && seen.Count < 100_000)
        {
            var level = new List<ChainEdge>();
            foreach (var current in frontier.Chunk(CmdbGraph.ChunkSize))
            {
                level.AddRange(await db.CiRelationships
                    .Where(r => r.TenantId == tenantId && current.Contains(r.SourceId) && CmdbGraphIndex.TowardsSource.Contains(r.Relation))
                    .Select(r => new ChainEdge(r.SourceId, r.TargetId, r.RedundancyGroup))
                    .ToListAsync(ct));
            }

            edges.AddRange(level);
            frontier = level.Select(e => e.To).Where(seen.Add).ToList();
        }

        var nodes = new Dictionary<int, ChainNode>(seen.Count);
        foreach (var chunk in seen.Chunk(CmdbGraph.ChunkSize))
        {
            foreach (var node in await db.ConfigurationItems.Where(c => chunk.Contains(c.Id))
                         .Select(c => new ChainNode(c.Id, c.Name, c.UptimeCommitment / 100, c.ThirdParty))
                         .ToListAsync(ct))
            {
                nodes[node.Id] = node;
            }
        }

        return (service, CompositeAvailability.Compute(service.Id, nodes, edges));
    }

    /// <summary>
    /// The SLA report of a period: every service with a commitment, SLA targets or a credit rule, every
    /// third party with a commitment, and any other CI with a credit rule. Cost: a few queries for the
    /// CIs, the targets and the period's incidents (with their CI ids; the incidents declared in it, and
    /// the downtime ones declared before it that overlap it, both bounded by indexed time columns), then one CMDB impact walk from every CI those incidents name
    /// (<see cref="CmdbGraph.ReachAsync"/>: one read of the graph version, then in memory), not one per incident or per CI.
    /// Memory grows with the incidents read (a few dozen bytes each) and with what their CIs reach.
    /// </summary>
    public async Task<SlaReport> ReportAsync(int tenantId, ReportPeriod period, DateTimeOffset now, CancellationToken ct)
    {
        var cis = await db.ConfigurationItems.AsNoTracking()
            .Where(c => c.TenantId == tenantId
                        && (c.ServiceCredits != null
                            || (c.UptimeCommitment != null && (c.Type == CiType.Service || c.ThirdParty))
                            || (c.Type == CiType.Service && db.Set<SlaTarget>().Any(t => t.ServiceId == c.Id))))
            .Select(c => new ReportCi(c.Id, c.Name, c.Type, c.Tier, c.UptimeCommitment, c.ThirdParty, c.Vendor, c.ServiceCredits, c.MonthlyFee, c.Currency))
            .ToListAsync(ct);
        if (cis.Count == 0)
        {
            return SlaReportCalculator.Compute(period, now, [], [], []);
        }

        var targets = (await db.Set<SlaTarget>().AsNoTracking()
                .Where(t => t.TenantId == tenantId)
                .Select(t => new { t.ServiceId, t.Severity, t.AcknowledgeSeconds, t.ResolveSeconds })
                .ToListAsync(ct))
            .Select(t => new ReportTarget(t.ServiceId, t.Severity,
                t.AcknowledgeSeconds is { } a ? TimeSpan.FromSeconds(a) : null,
                t.ResolveSeconds is { } r ? TimeSpan.FromSeconds(r) : null))
            .ToList();

        // Stored times are UTC: SQLite compares them as encoded integers, and PostgreSQL accepts only UTC offsets.
        var (from, to) = (period.From.ToUniversalTime(), period.To.ToUniversalTime());
        var downtime = SlaReportCalculator.DowntimeSeverities.ToArray();
        // Range-bounded reads, so that the cost follows the period and not the history: the incidents
        // declared in it, and those declared before it that were still down when it began. A step that
        // ends the downtime (mitigation, else resolution) never comes after the resolution, so those are
        // among the incidents unresolved, or resolved after it began, which the index on the resolution
        // time finds (ids first: with the CIs' join and its ordering, SQLite would rather scan).
        var rows = await Rows(db.Incidents.Where(i => i.TenantId == tenantId && i.DeclaredAt >= from && i.DeclaredAt < to && i.Cis.Any()), ct);
        var ongoing = await db.Incidents
            .Where(i => i.TenantId == tenantId && i.ResolvedAt == null && i.DeclaredAt < from && downtime.Contains(i.Severity) && (i.MitigatedAt == null || i.MitigatedAt > from))
            .Select(i => i.Id).ToListAsync(ct);
        ongoing.AddRange(await db.Incidents
            .Where(i => i.TenantId == tenantId && i.ResolvedAt > from && i.DeclaredAt < from && downtime.Contains(i.Severity) && (i.MitigatedAt == null || i.MitigatedAt > from))
            .Select(i => i.Id).ToListAsync(ct));
        foreach (var chunk in ongoing.Chunk(CmdbGraph.ChunkSize))
        {
            rows.AddRange(await Rows(db.Incidents.Where(i => chunk.Contains(i.Id) && i.Cis.Any()), ct));
        }

        // After the read: the context runs one query at a time. One walk for every CI the incidents name.
        var reported = cis.Select(c => c.Id).ToHashSet();
        var reach = (await graph.ReachAsync(tenantId, rows.SelectMany(r => r.CiIds).Distinct().ToList(), ct))
            .ToDictionary(r => r.Key, r => r.Value.Where(reported.Contains).ToArray());

        var incidents = rows.Select(r => new ReportIncident(
                r.Number,
                r.Severity,
                r.DeclaredAt,
                Incident.FirstResponse(r.AcknowledgedAt, r.MitigatedAt, r.MitigatedById, r.ResolvedAt, r.DeclaredById, r.DetectedBy),
                r.MitigatedAt,
                r.ResolvedAt,
                r.CiIds.SelectMany(id => reach[id]).ToHashSet()))
            .ToList();
        return SlaReportCalculator.Compute(period, now, cis, targets, incidents);
    }

    private static Task<List<IncidentRow>> Rows(IQueryable<Incident> incidents, CancellationToken ct) =>
        incidents.AsNoTracking()
            .Select(i => new IncidentRow(i.Number, i.Severity, i.DetectedBy, i.DeclaredAt, i.DeclaredById, i.AcknowledgedAt, i.MitigatedAt, i.MitigatedById, i.ResolvedAt,
                i.Cis.Select(c => c.CiId).ToList()))
            .ToListAsync(ct);

    private async Task<ConfigurationItem> ServiceAsync(int tenantId, string name, CancellationToken ct)
    {
        var ci = await cmdb.FindAsync(tenantId, name, ct)
            ?? throw new UserException($"`{name}` is not in the CMDB. Add it with `/cmdb add service {name} tier:1`.");
        return ci.Type == CiType.Service
            ? ci
            : throw new UserException($"`{ci.Name}` is {CmdbService.WithArticle(ci.Type)}, not a service; service levels are set on services.");
    }

    /// <summary>The columns of an incident the report reads, and nothing else.</summary>
    private sealed record IncidentRow(
        int Number,
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
