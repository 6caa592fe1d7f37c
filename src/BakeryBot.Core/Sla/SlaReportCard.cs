using System.Globalization;
using BakeryBot.Core.Chat;
using BakeryBot.Core.Incidents;

namespace BakeryBot.Core.Sla;

/// <summary>
/// The <c>/sla report</c> card: a summary, then a section per CI (most critical tier first). Danger
/// when a commitment is missed, warning when targets were only breached, success otherwise. Pure.
/// </summary>
public static class SlaReportCard
{
    /// <summary>
    /// CI sections shown at most: with the header, the summary and the line naming the rest, a card
    /// stays within Slack's 50 blocks. When there are more, those needing attention are shown first.
    /// </summary>
    public const int MaxCiSections = 40;

    /// <summary>Breaches listed per CI at most; the rest are counted.</summary>
    public const int MaxBreachLines = 5;

    public static Card Build(SlaReport report, CultureInfo culture)
    {
        var period = report.Period;
        var title = $"Service levels, {period.Name(culture)}{(period.SoFar ? " so far" : "")}";
        var shown = Shown(report.Cis);
        var sections = new List<CardSection> { new FieldsSection(Summary(report, culture)) };
        sections.AddRange(shown.Select(ci => (CardSection)new TextSection(Section(ci, period, culture))));
        var rest = report.Cis.Where(ci => !shown.Contains(ci)).ToList();
        if (rest.Count > 0)
        {
            var attention = rest.Count(ci => ci.NeedsAttention);
            var names = string.Join(", ", rest.Take(30).Select(ci => ci.Ci.Name)) + (rest.Count > 30 ? ", …" : "");
            sections.Add(new ContextSection(
                $"{rest.Count} more not shown{(attention > 0 ? $" ({attention} missed a commitment, breached a target or are owed a credit)" : ", all within their commitments and targets")}: {names}."));
        }

        var accent = report.Cis.Any(ci => ci.Missed) ? CardAccent.Danger
            : report.Cis.Any(ci => ci.Breaches.Count > 0) ? CardAccent.Warning
            : CardAccent.Success;
        return new Card(title, accent, sections, []);
    }

    private static List<CiSlaReport> Shown(IReadOnlyList<CiSlaReport> cis)
    {
        if (cis.Count <= MaxCiSections)
        {
            return cis.ToList();
        }

        var first = cis.Where(ci => ci.NeedsAttention).Take(MaxCiSections).ToHashSet();
        foreach (var ci in cis.Where(ci => !ci.NeedsAttention).Take(MaxCiSections - first.Count))
        {
            first.Add(ci);
        }

        return cis.Where(first.Contains).ToList();
    }

    private static List<CardField> Summary(SlaReport report, CultureInfo culture)
    {
        var period = report.Period;
        var from = TimeZoneInfo.ConvertTime(period.From, period.Zone);
        var to = period.SoFar
            ? TimeZoneInfo.ConvertTime(period.To, period.Zone).ToString("d MMM yyyy HH:mm", culture)
            : TimeZoneInfo.ConvertTime(period.MonthEnd, period.Zone).AddDays(-1).ToString("d MMM yyyy", culture);
        var fields = new List<CardField> { new("Period", $"{from.ToString("d MMM yyyy", culture)} – {to} ({ZoneName(period.Zone)})") };

        var committed = report.Cis.Where(ci => ci.Uptime?.Met is not null).ToList();
        var missed = committed.Count(ci => ci.Missed);
        fields.Add(new CardField("Commitments", committed.Count == 0
            ? "none set"
            : $"{missed} missed, {committed.Count - missed} {(period.SoFar ? "within budget so far" : "met")}"));

        var breached = report.Cis.Where(ci => ci.Breaches.Count > 0).ToList();
        if (report.Cis.Any(ci => ci.HasTargets))
        {
            fields.Add(new CardField("SLA breaches", breached.Count == 0
                ? "none"
                : $"{breached.Sum(ci => ci.Breaches.Count)} ({string.Join(", ", breached.Take(10).Select(ci => $"{ci.Ci.Name} {ci.Breaches.Count}"))}{(breached.Count > 10 ? ", …" : "")})"));
        }

        var credits = report.Cis.Where(ci => ci.Credit is not null).Select(ci => ci.Credit!).ToList();
        if (credits.Count > 0)
        {
            var owed = credits.Where(c => c.Amount is not null).GroupBy(c => c.Currency)
                .OrderBy(g => g.Key, StringComparer.Ordinal)
                .Select(g => MonthlyFee.Format(g.Sum(c => c.Amount!.Value), g.Key, culture))
                .ToList();
            var withoutFee = credits.Count(c => c.Step is not null && c.Amount is null);
            if (withoutFee > 0)
            {
                owed.Add($"{withoutFee} in percent only (no fee set)");
            }

            fields.Add(new CardField(period.SoFar ? "Service credits so far" : "Service credits", owed.Count == 0 ? "none owed" : string.Join(", ", owed)));
        }

        return fields;
    }

    private static string Section(CiSlaReport line, ReportPeriod period, CultureInfo culture)
    {
        var ci = line.Ci;
        var head = new List<string> { ci.Name, ci.Type.ToString().ToLowerInvariant() };
        if (ci.Tier is { } tier)
        {
            head.Add($"tier {tier}");
        }

        if (ci.ThirdParty)
        {
            head.Add(ci.Vendor is { } vendor ? $"third party ({vendor})" : "third party");
        }

        var lines = new List<string> { string.Join(" · ", head) };
        var soFar = period.SoFar ? " so far" : "";
        if (line.Uptime is { } uptime)
        {
            var percent = $"{ServiceCreditRule.Format(uptime.Percent)}%";
            lines.Add(uptime.Commitment is { } promised
                ? $"Uptime{soFar} {percent} against {promised.ToString(CultureInfo.InvariantCulture)}%: {Verdict(uptime, period)}"
                : $"Uptime{soFar} {percent} (no commitment set)");
            var downtime = uptime.Downtime > TimeSpan.Zero ? $"Downtime{soFar} {Durations.Humanize(uptime.Downtime, culture)}" : $"No downtime{soFar}";
            if (uptime.Allowed is { } allowed)
            {
                downtime += $" · error budget {Durations.Humanize(allowed, culture)}";
                if (period.SoFar)
                {
                    downtime += uptime.Met == true ? $" for the month, {Durations.Humanize(allowed - uptime.Downtime, culture)} left" : " for the month, spent";
                }
            }

            lines.Add(downtime);
        }

        if (line.HasTargets)
        {
            lines.Add(line.Breaches.Count == 0 ? "SLA breaches: none" : $"SLA breaches: {Breaches(line.Breaches)}");
            lines.AddRange(line.Breaches.Take(MaxBreachLines).Select(b => "• " + Breach(b, culture)));
            if (line.Breaches.Count > MaxBreachLines)
            {
                lines.Add($"• and {line.Breaches.Count - MaxBreachLines} more");
            }
        }

        if (line.Credit is { } credit)
        {
            lines.Add(Credit(ci, credit, period, culture));
        }

        return string.Join('\n', lines);
    }

    private static string Verdict(MeasuredUptime uptime, ReportPeriod period) => (uptime.Met, period.SoFar) switch
    {
        (true, false) => "met",
        (true, true) => "within the month's error budget",
        (_, false) => "missed",
        _ => "missed (more downtime than the whole month allows)",
    };

    private static string Breaches(IReadOnlyList<SlaBreach> breaches)
    {
        var ack = breaches.Count(b => b.Kind == BreachKind.Acknowledge);
        var resolve = breaches.Count - ack;
        var kinds = new List<string>();
        if (ack > 0)
        {
            kinds.Add($"{ack} acknowledge");
        }

        if (resolve > 0)
        {
            kinds.Add($"{resolve} resolve");
        }

        return $"{breaches.Count} ({string.Join(", ", kinds)})";
    }

    private static string Breach(SlaBreach breach, CultureInfo culture)
    {
        var id = new RecordId(RecordId.Incident, breach.Number);
        var (done, notDone) = breach.Kind == BreachKind.Acknowledge ? ("acknowledged", "not acknowledged yet") : ("resolved", "not resolved yet");
        var target = Durations.Humanize(breach.Target, culture);
        var over = Durations.Humanize(breach.Over, culture);
        return breach.Pending
            ? $"{id} · SEV{breach.Severity} · {notDone}: {over} over the target of {target}"
            : $"{id} · SEV{breach.Severity} · {done} {over} late (target {target})";
    }

    private static string Credit(ReportCi ci, ServiceCredit credit, ReportPeriod period, CultureInfo culture)
    {
        var label = period.SoFar ? "Service credit so far" : "Service credit";
        if (credit.Rule is not { } rule)
        {
            return $"{label}: the stored rule \"{credit.Stored}\" can't be read; set it again with /sla set {ci.Name} credit:\"99.9:10,99:25\"";
        }

        if (credit.Step is not { } step)
        {
            return $"{label}: no credit ({rule.Describe()})";
        }

        var share = $"{ServiceCreditRule.Format(step.Percent)}%";
        var why = $"uptime{(period.SoFar ? " for the month already" : "")} below {ServiceCreditRule.Format(step.Below)}%";
        return credit.Amount is { } amount
            ? $"{label}: {(period.SoFar ? "at least " : "")}{MonthlyFee.Format(amount, credit.Currency, culture)} owed ({share} of the {MonthlyFee.Format(credit.Fee!.Value, credit.Currency, culture)} monthly fee; {why})"
            : $"{label}: {share} of the monthly fee ({why}); no fee is set, add one with /sla set {ci.Name} fee:\"1000 EUR\"";
    }

    private static string ZoneName(TimeZoneInfo zone) => zone == TimeZoneInfo.Utc ? "UTC" : zone.Id;
}
