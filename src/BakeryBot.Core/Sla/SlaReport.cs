using BakeryBot.Core.Cmdb;

namespace BakeryBot.Core.Sla;

/// <summary>A CI the report covers, with what it promises.</summary>
public sealed record ReportCi(int Id, string Name, CiType Type, int? Tier, double? Commitment, bool ThirdParty, string? Vendor, string? ServiceCredits, decimal? Fee, string? Currency);

/// <summary>A service's acknowledge and resolve targets for one severity (null: for every severity without its own).</summary>
public sealed record ReportTarget(int ServiceId, int? Severity, TimeSpan? Acknowledge, TimeSpan? Resolve);

/// <summary>
/// The times of one incident the report needs, and the reported CIs its failure reaches (those it is
/// linked to, and those the CMDB's impact walk reaches from them).
/// </summary>
public sealed record ReportIncident(int Number, int Severity, DateTimeOffset DeclaredAt, DateTimeOffset? RespondedAt, DateTimeOffset? MitigatedAt, DateTimeOffset? ResolvedAt, IReadOnlyCollection<int> Reaches);

/// <summary>
/// A CI's measured uptime over the period (percent, rounded down so that any downtime shows), its
/// downtime, and for a commitment the downtime the whole month allows and whether it is kept: for a
/// month under way, not kept once the downtime so far is more than the month allows.
/// </summary>
public sealed record MeasuredUptime(decimal Percent, TimeSpan Downtime, double? Commitment, TimeSpan? Allowed, bool? Met);

/// <summary>Which target an incident missed.</summary>
public enum BreachKind
{
    Acknowledge,
    Resolve,
}

/// <summary>A missed target: by how much, and whether the step is still not done (<see cref="Pending"/>: the overrun grows).</summary>
public sealed record SlaBreach(int Number, int Severity, BreachKind Kind, TimeSpan Target, TimeSpan Over, bool Pending);

/// <summary>
/// A CI's service credit: the rule (null when the stored text can't be read), the step that applies
/// (null: no credit) and, with a fee, the amount. For a month under way, the credit the downtime so far
/// already brings (as if the rest of the month had none).
/// </summary>
public sealed record ServiceCredit(ServiceCreditRule? Rule, string Stored, CreditStep? Step, decimal? Fee, string? Currency, decimal? Amount);

/// <summary>One CI's lines in the report.</summary>
public sealed record CiSlaReport(ReportCi Ci, MeasuredUptime? Uptime, bool HasTargets, IReadOnlyList<SlaBreach> Breaches, ServiceCredit? Credit)
{
    public bool Missed => Uptime?.Met == false;

    /// <summary>Missed, breached or owed: what a reader must see first.</summary>
    public bool NeedsAttention => Missed || Breaches.Count > 0 || Credit?.Step is not null;
}

/// <summary>The report of one period: a line per CI, most critical tier first, then by name.</summary>
public sealed record SlaReport(ReportPeriod Period, DateTimeOffset Now, IReadOnlyList<CiSlaReport> Cis);

/// <summary>
/// The arithmetic of <c>/sla report</c>. Downtime is the union of the intervals of the incidents of
/// <see cref="DowntimeSeverities"/> that reach a CI, each from its declaration to its mitigation (else
/// its resolution, else now), clipped to the period, overlaps counted once. Breaches are of incidents
/// declared in the period, against the target of their severity, else the target for all severities.
/// Pure; <see cref="SlaService"/> feeds it from the database.
/// </summary>
public static class SlaReportCalculator
{
    /// <summary>The severities whose incidents count as downtime: SEV1 and SEV2 take a service down; SEV3 and SEV4 degrade it.</summary>
    public static readonly IReadOnlyList<int> DowntimeSeverities = [1, 2];

    public static SlaReport Compute(ReportPeriod period, DateTimeOffset now, IReadOnlyList<ReportCi> cis, IReadOnlyList<ReportTarget> targets, IReadOnlyList<ReportIncident> incidents)
    {
        var measured = cis.Where(c => c.Commitment is not null || c.ServiceCredits is not null).Select(c => c.Id).ToHashSet();
        var targetOf = targets.ToDictionary(t => (t.ServiceId, t.Severity));
        var withTargets = targets.Select(t => t.ServiceId).ToHashSet();
        var down = new Dictionary<int, List<(DateTimeOffset From, DateTimeOffset To)>>();
        var breaches = new Dictionary<int, List<SlaBreach>>();
        foreach (var incident in incidents)
        {
            if (DowntimeSeverities.Contains(incident.Severity))
            {
                var start = Max(incident.DeclaredAt, period.From);
                var end = Min(incident.MitigatedAt ?? incident.ResolvedAt ?? now, period.To);
                if (end > start)
                {
                    foreach (var id in incident.Reaches.Where(measured.Contains))
                    {
                        Of(down, id).Add((start, end));
                    }
                }
            }

            if (incident.DeclaredAt >= period.From && incident.DeclaredAt < period.To)
            {
                foreach (var id in incident.Reaches)
                {
                    if (targetOf.TryGetValue((id, incident.Severity), out var target) || targetOf.TryGetValue((id, null), out target))
                    {
                        Check(Of(breaches, id), incident, BreachKind.Acknowledge, target.Acknowledge, incident.RespondedAt, now);
                        Check(Of(breaches, id), incident, BreachKind.Resolve, target.Resolve, incident.ResolvedAt, now);
                    }
                }
            }
        }

        var lines = cis
            .OrderBy(c => c.Tier ?? int.MaxValue).ThenBy(c => c.Name, StringComparer.Ordinal)
            .Select(ci =>
            {
                var downtime = Union(down.GetValueOrDefault(ci.Id, []));
                return new CiSlaReport(
                    ci,
                    measured.Contains(ci.Id) ? Uptime(period, ci.Commitment, downtime) : null,
                    withTargets.Contains(ci.Id),
                    breaches.GetValueOrDefault(ci.Id, []).OrderBy(b => b.Number).ThenBy(b => b.Kind).ToList(),
                    ci.ServiceCredits is { } stored ? Credit(period, ci, stored, downtime) : null);
            })
            .ToList();
        return new SlaReport(period, now, lines);
    }

    /// <summary>The total length of intervals, each instant counted once however many intervals hold it.</summary>
    public static TimeSpan Union(IEnumerable<(DateTimeOffset From, DateTimeOffset To)> intervals)
    {
        var total = TimeSpan.Zero;
        DateTimeOffset? start = null;
        var end = DateTimeOffset.MinValue;
        foreach (var (from, to) in intervals.Where(i => i.To > i.From).OrderBy(i => i.From))
        {
            if (start is null || from > end)
            {
                total += start is { } s ? end - s : TimeSpan.Zero;
                (start, end) = (from, to);
            }
            else if (to > end)
            {
                end = to;
            }
        }

        return start is { } last ? total + (end - last) : total;
    }

    private static MeasuredUptime Uptime(ReportPeriod period, double? commitment, TimeSpan downtime)
    {
        var percent = period.Measured <= TimeSpan.Zero ? 100m : Percent(downtime, period.Measured);
        if (commitment is not { } promised)
        {
            return new MeasuredUptime(percent, downtime, null, null, null);
        }

        // In decimals, so that exactly the allowed downtime keeps a 99.9% commitment.
        var allowedTicks = (100m - (decimal)promised) * period.Length.Ticks / 100m;
        return new MeasuredUptime(percent, downtime, promised, TimeSpan.FromTicks((long)allowedTicks), downtime.Ticks <= allowedTicks);
    }

    private static ServiceCredit Credit(ReportPeriod period, ReportCi ci, string stored, TimeSpan downtime)
    {
        if (!ServiceCreditRule.TryParse(stored, out var rule) || rule.IsNone)
        {
            return new ServiceCredit(null, stored, null, ci.Fee, ci.Currency, null);
        }

        // Over the whole month: for a month under way, the credit its downtime so far already brings.
        var step = rule.StepFor(period.Length <= TimeSpan.Zero ? 100m : Percent(downtime, period.Length));
        var amount = step is { } s && ci.Fee is { } fee ? decimal.Round(fee * s.Percent / 100m, 2, MidpointRounding.AwayFromZero) : (decimal?)null;
        return new ServiceCredit(rule, stored, step, ci.Fee, ci.Currency, amount);
    }

    /// <summary>100 × (1 − down / length), rounded down to four decimals: a minute down in a month is not 100%.</summary>
    private static decimal Percent(TimeSpan downtime, TimeSpan length)
    {
        var up = 100m - (100m * downtime.Ticks / length.Ticks);
        return Math.Max(0m, decimal.Floor(up * 10_000m) / 10_000m);
    }

    private static void Check(List<SlaBreach> into, ReportIncident incident, BreachKind kind, TimeSpan? target, DateTimeOffset? doneAt, DateTimeOffset now)
    {
        if (target is { } limit && (doneAt ?? now) - incident.DeclaredAt is var took && took > limit)
        {
            into.Add(new SlaBreach(incident.Number, incident.Severity, kind, limit, took - limit, doneAt is null));
        }
    }

    private static List<T> Of<T>(Dictionary<int, List<T>> lists, int key)
    {
        if (!lists.TryGetValue(key, out var list))
        {
            lists[key] = list = [];
        }

        return list;
    }

    private static DateTimeOffset Max(DateTimeOffset a, DateTimeOffset b) => a > b ? a : b;

    private static DateTimeOffset Min(DateTimeOffset a, DateTimeOffset b) => a < b ? a : b;
}
