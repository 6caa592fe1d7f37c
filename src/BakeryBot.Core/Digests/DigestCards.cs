using System.Globalization;
using BakeryBot.Core.Chat;
using BakeryBot.Core.Cmdb;
using Humanizer;

namespace BakeryBot.Core.Digests;

/// <summary>The digest card. Pure: figures, zone and culture in, card out.</summary>
public static class DigestCards
{
    /// <summary>The bars of a sparkline, lowest first.</summary>
    public const string Bars = "▁▂▃▄▅▆▇█";

    /// <summary>Where a week has no value (no incident resolved, so no MTTR).</summary>
    public const char NoValue = '·';

    /// <summary>More names than this in one line of the card are summarised.</summary>
    private const int MaxNames = 10;

    public static Card Card(Digest digest, TimeZoneInfo zone, CultureInfo culture)
    {
        var i = digest.Incidents;
        var p = digest.Previous;
        var sections = new List<CardSection>
        {
            new FieldsSection(
            [
                new("Incidents", $"{i.Count.ToString(culture)} ({Severities(i, culture)}) · {CountChange(i.Count, p.Count, culture)}"),
                new("MTTA", TimeChange(i.Mtta, p.Mtta, culture)),
                new("MTTR", TimeChange(i.Mttr, p.Mttr, culture)),
                new("Detected by", $"monitoring {i.ByMonitoring.ToString(culture)} · people {i.ByPeople.ToString(culture)}"),
            ]),
            new TextSection(
                $"Incidents, last {DigestService.SparklineWeeks} weeks: {Sparkline(digest.Weeks.Select(w => (double?)w.Incidents).ToList())}\n" +
                $"MTTR, last {DigestService.SparklineWeeks} weeks: {Sparkline(digest.Weeks.Select(w => w.Mttr?.TotalSeconds).ToList())}"),
            new DividerSection(),
            new FieldsSection(
            [
                new("SLA breaches", digest.Sla.Breaches == 0 ? "none" : $"{digest.Sla.Breaches.ToString(culture)} ({Names(digest.Sla.BreachedCis, culture)})"),
                new("Uptime", digest.Sla.Uptimes.Count == 0 ? "no commitments" : string.Join("; ", digest.Sla.Uptimes.Select(u => Uptime(u, culture)))),
                new("Changes released", Released(digest.Changes, culture)),
                new("Deployments", $"{digest.Changes.PerWeek.ToString("0.##", culture)} a week · change failure rate {FailureRate(digest.Changes, culture)}"),
                new("Drills", $"{digest.Drills.Passed.ToString(culture)} passed, {digest.Drills.Failed.ToString(culture)} failed · overdue: {(digest.Drills.Overdue.Count == 0 ? "none" : Names(digest.Drills.Overdue, culture))}"),
                new("Time logged", TimeLogged(digest.TimeLogged, culture)),
            ]),
            new DividerSection(),
            new FieldsSection(
            [
                new("Most incidents", digest.TopCis.Count == 0 ? "none" : string.Join(", ", digest.TopCis.Select(c => $"{c.Name} ({c.Incidents.ToString(culture)})"))),
                new("Stale assets", digest.StaleAssets.Count == 0 ? "none" : Names(digest.StaleAssets, culture)),
                new("CMDB risks", Risks(digest.Risks, culture)),
            ]),
        };
        var accent = digest.Sla.Breaches > 0 || digest.Sla.Uptimes.Any(u => !u.Met) || i.BySeverity.GetValueOrDefault(1) > 0 ? CardAccent.Warning : CardAccent.Info;
        return new Card(Title(digest, zone, culture), accent, sections, [],
            "MTTA: declared to first response; MTTR: declared to resolved. Changes since the week before. Sparklines: one bar a week, this one last.");
    }

    /// <summary>"Weekly digest, 16 – 22 Nov 2026": the days covered, the end exclusive, in the reader's zone.</summary>
    public static string Title(Digest digest, TimeZoneInfo zone, CultureInfo culture)
    {
        var from = TimeZoneInfo.ConvertTime(digest.From, zone);
        var to = TimeZoneInfo.ConvertTime(digest.To, zone).AddTicks(-1);
        return $"Weekly digest, {from.ToString("d MMM yyyy", culture)} – {to.ToString("d MMM yyyy", culture)}";
    }

    /// <summary>
    /// One bar per value, scaled from zero to the largest value (so zero is the lowest bar and the largest
    /// the highest); <see cref="NoValue"/> where a value is missing.
    /// </summary>
    public static string Sparkline(IReadOnlyList<double?> values)
    {
        var max = values.Max() ?? 0;
        return string.Concat(values.Select(v => v switch
        {
            null => NoValue,
            _ when max <= 0 => Bars[0],
            { } x => Bars[(int)Math.Round(x / max * (Bars.Length - 1), MidpointRounding.AwayFromZero)],
        }));
    }

    private static string Severities(DigestIncidents figures, CultureInfo culture) =>
        string.Join(" · ", figures.BySeverity.OrderBy(s => s.Key).Select(s => $"SEV{s.Key.ToString(culture)} {s.Value.ToString(culture)}"));

    private static string CountChange(int now, int before, CultureInfo culture) => (now - before) switch
    {
        0 => "same as the week before",
        > 0 and var up => $"▲ {up.ToString(culture)} since the week before",
        var down => $"▼ {(-down).ToString(culture)} since the week before",
    };

    private static string TimeChange(TimeSpan? now, TimeSpan? before, CultureInfo culture) => (now, before) switch
    {
        (null, null) => "no data",
        (null, { } b) => $"no data (the week before: {Durations.Humanize(b, culture)})",
        ({ } n, null) => $"{Durations.Humanize(n, culture)} (no data the week before)",
        ({ } n, { } b) when n == b => $"{Durations.Humanize(n, culture)} (same as the week before)",
        ({ } n, { } b) when n > b => $"{Durations.Humanize(n, culture)} (▲ {Durations.Humanize(n - b, culture)} since the week before)",
        ({ } n, { } b) => $"{Durations.Humanize(n, culture)} (▼ {Durations.Humanize(b - n, culture)} since the week before)",
    };

    private static string Uptime(DigestUptime u, CultureInfo culture) =>
        $"{u.Ci} {u.Percent.ToString("0.####", culture)}% of {u.Commitment.ToString("0.####", culture)}% {(u.Met ? "✓" : "✗ missed")}";

    private static string Released(DigestChanges changes, CultureInfo culture)
    {
        if (changes.Count == 0)
        {
            return "none";
        }

        var more = changes.Count - changes.Released.Count;
        return $"{changes.Count.ToString(culture)}: {string.Join(", ", changes.Released)}{(more > 0 ? $" and {more.ToString(culture)} more" : "")}";
    }

    private static string FailureRate(DigestChanges changes, CultureInfo culture) =>
        changes.FailureRate is { } rate ? $"{(rate * 100).ToString("0.#", culture)}% ({changes.Failures.ToString(culture)} of {changes.Count.ToString(culture)})" : "n/a";

    private static string TimeLogged(IReadOnlyDictionary<string, TimeSpan> logged, CultureInfo culture)
    {
        var parts = DigestService.RecordTypes.Append(DigestService.NoRecord)
            .Where(t => logged.GetValueOrDefault(t) > TimeSpan.Zero)
            .Select(t => $"{(t == DigestService.NoRecord ? "no record" : t)} {Durations.Humanize(logged[t], culture, TimeUnit.Hour)}")
            .ToList();
        return parts.Count == 0 ? "none" : string.Join(" · ", parts);
    }

    private static string Risks(RiskReport risks, CultureInfo culture)
    {
        var parts = new List<string>();
        void Add(IReadOnlyList<string> items, string what)
        {
            if (items.Count > 0)
            {
                parts.Add($"{what}: {Names(items, culture)}");
            }
        }

        Add(risks.OneExpert, "one expert");
        Add(risks.NoExpert, "no expert");
        Add(risks.EndingSoon, "ending soon");
        Add(risks.PastEndOfLife, "past end of life");
        Add(risks.ThirdPartiesOnTierOne, "third parties on tier-1 chains");
        return parts.Count == 0 ? "none" : string.Join("; ", parts);
    }

    private static string Names(IReadOnlyList<string> names, CultureInfo culture) =>
        names.Count <= MaxNames
            ? string.Join(", ", names)
            : $"{string.Join(", ", names.Take(MaxNames))} and {(names.Count - MaxNames).ToString(culture)} more";
}
