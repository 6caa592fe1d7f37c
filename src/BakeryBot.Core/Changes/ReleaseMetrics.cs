using System.Globalization;
using BakeryBot.Core.Chat;
using Humanizer;

namespace BakeryBot.Core.Changes;

/// <summary>What the metrics need of one completed release.</summary>
public sealed record ReleaseFacts(DateTimeOffset RequestedAt, DateTimeOffset ReleasedAt, ReleaseOutcome Outcome, bool CausedFailure)
{
    /// <summary>A change failure: it failed, was rolled back, or an incident was linked to it as caused by it.</summary>
    public bool Failed => CausedFailure || Outcome is ReleaseOutcome.Failed or ReleaseOutcome.RolledBack;
}

/// <summary>What the metrics need of one incident caused by a change: declared, and resolved (null while it is not).</summary>
public sealed record RestoreFacts(DateTimeOffset DeclaredAt, DateTimeOffset? ResolvedAt);

/// <summary>
/// DORA-style figures for [<see cref="From"/>, <see cref="To"/>). Null where nothing qualifies: "no
/// data" is not zero.
/// </summary>
public sealed record ReleaseMetricsReport(
    DateTimeOffset From,
    DateTimeOffset To,
    int Releases,
    double PerWeek,
    double PerDay,
    TimeSpan? LeadTimeMedian,
    TimeSpan? LeadTimeP90,
    int Failures,
    double? FailureRate,
    int Restored,
    int NotRestored,
    TimeSpan? TimeToRestoreMedian);

/// <summary>
/// The arithmetic of <c>/change metrics</c>. Pure; <see cref="ReleaseService.MetricsAsync"/> feeds it.
/// <list type="bullet">
/// <item>Deployment frequency: completed releases (whatever their outcome: a rolled-back release was
/// still a deployment) whose release ended in the period, per week and per day of the period.</item>
/// <item>Lead time: from the request to the end of the release, over those releases; the median (the
/// middle one, or the mean of the two middle ones) and the 90th percentile (nearest rank: the
/// ⌈0.9·n⌉-th smallest).</item>
/// <item>Change failure rate: those releases that failed, were rolled back or caused an incident,
/// divided by all of them.</item>
/// <item>Time to restore: the median time from declaration to resolution of the incidents declared in
/// the period and linked to a change as caused by it; those not resolved yet are counted apart.</item>
/// </list>
/// </summary>
public static class ReleaseMetrics
{
    public static ReleaseMetricsReport Compute(DateTimeOffset from, DateTimeOffset to, IEnumerable<ReleaseFacts> releases, IEnumerable<RestoreFacts> restores)
    {
        if (to <= from)
        {
            throw new ArgumentException("The period must end after it starts.", nameof(to));
        }

        var released = releases.Where(r => r.ReleasedAt >= from && r.ReleasedAt < to).ToList();
        var days = (to - from).TotalDays;
        var leadTimes = released.Select(r => r.ReleasedAt - r.RequestedAt).Order().ToList();
        var failures = released.Count(r => r.Failed);
        var caused = restores.Where(i => i.DeclaredAt >= from && i.DeclaredAt < to).ToList();
        var restoreTimes = caused.Where(i => i.ResolvedAt is not null).Select(i => i.ResolvedAt!.Value - i.DeclaredAt).Order().ToList();
        return new ReleaseMetricsReport(
            from,
            to,
            released.Count,
            released.Count / days * 7,
            released.Count / days,
            Median(leadTimes),
            Percentile(leadTimes, 0.9),
            failures,
            released.Count == 0 ? null : (double)failures / released.Count,
            restoreTimes.Count,
            caused.Count - restoreTimes.Count,
            Median(restoreTimes));
    }

    /// <summary>The middle of sorted values, or the mean of the two middle ones; null for none.</summary>
    public static TimeSpan? Median(IReadOnlyList<TimeSpan> sorted) => sorted.Count switch
    {
        0 => null,
        var n when n % 2 == 1 => sorted[n / 2],
        var n => (sorted[(n / 2) - 1] + sorted[n / 2]) / 2,
    };

    /// <summary>The nearest-rank percentile of sorted values: the ⌈p·n⌉-th smallest; null for none.</summary>
    public static TimeSpan? Percentile(IReadOnlyList<TimeSpan> sorted, double p) =>
        sorted.Count == 0 ? null : sorted[Math.Clamp((int)Math.Ceiling(p * sorted.Count) - 1, 0, sorted.Count - 1)];
}

/// <summary>The <c>/change metrics</c> card. Pure: report and culture in, card out.</summary>
public static class ReleaseMetricsCards
{
    public static Card Report(ReleaseMetricsReport report, CultureInfo culture)
    {
        // The end is exclusive: a period ending at midnight is shown ending the day before, as people count days.
        var title = $"Release metrics, {report.From.ToString("d MMM yyyy", culture)} – {report.To.AddTicks(-1).ToString("d MMM yyyy", culture)}";
        var frequency = report.Releases == 0
            ? "no releases"
            : $"{"release".ToQuantity(report.Releases)}: {Rate(report.PerWeek, culture)} a week, {Rate(report.PerDay, culture)} a day";
        var lead = report.LeadTimeMedian is { } median
            ? $"median {Durations.Humanize(median, culture)} · p90 {Durations.Humanize(report.LeadTimeP90!.Value, culture)}"
            : "n/a: nothing was released";
        var failure = report.FailureRate is { } rate
            ? $"{(rate * 100).ToString("0.#", culture)}% ({report.Failures.ToString(culture)} of {"release".ToQuantity(report.Releases)})"
            : "n/a: nothing was released";
        var restore = (report.TimeToRestoreMedian, report.NotRestored) switch
        {
            ({ } m, 0) => $"median {Durations.Humanize(m, culture)} over {report.Restored.ToString(culture)} resolved {Incidents(report.Restored)}",
            ({ } m, var open) => $"median {Durations.Humanize(m, culture)} over {report.Restored.ToString(culture)} resolved {Incidents(report.Restored)}, {open.ToString(culture)} still open",
            (null, 0) => "n/a: no incident caused by a change was declared in this period",
            (null, var open) => $"n/a: {"incident".ToQuantity(open)} caused by a change, none resolved yet",
        };
        var sections = new List<CardSection>
        {
            new FieldsSection(
            [
                new("Deployment frequency", frequency),
                new("Lead time (request to release)", lead),
                new("Change failure rate", failure),
                new("Time to restore (incidents caused by a change)", restore),
            ]),
            new ContextSection("Releases counted: completed in the period, whatever their outcome. A change failure failed, was rolled back or caused an incident " +
                               "(\"Caused by\" on the incident's card, or `/incident link INC-4 CHG-7`). Lead time: requested to released; p90: 9 in 10 were faster or as fast. " +
                               "Time to restore: declared to resolved, for incidents declared in the period."),
        };
        // Above 15% a team is past what DORA counts as the best performers' change failure rate.
        var accent = report.FailureRate is > 0.15 ? CardAccent.Warning : CardAccent.Info;
        return new Card(title, accent, sections, []);
    }

    private static string Rate(double value, CultureInfo culture) => value.ToString("0.##", culture);

    private static string Incidents(int count) => count == 1 ? "incident" : "incidents";
}
