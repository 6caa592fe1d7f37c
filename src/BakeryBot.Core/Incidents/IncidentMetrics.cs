using System.Globalization;
using BakeryBot.Core.Chat;
using Humanizer;

namespace BakeryBot.Core.Incidents;

/// <summary>
/// Counts and means for one group of incidents. <see cref="Mtta"/> is the mean time from declaration
/// to the first response (<see cref="Incident.RespondedAt"/>) over the <see cref="Responded"/> ones;
/// <see cref="Mttr"/> the mean time from declaration to resolution over the <see cref="Resolved"/>
/// ones. Null when none qualifies: "no data" is not "zero minutes".
/// </summary>
public sealed record MetricsFigures(int Count, int Responded, TimeSpan? Mtta, int Resolved, TimeSpan? Mttr);

/// <summary>One service at one severity; <see cref="Service"/> is <see cref="IncidentMetrics.NoService"/> for incidents that impact none.</summary>
public sealed record ServiceMetrics(string Service, int Severity, MetricsFigures Figures);

/// <summary>One severity across all services, each incident counted once.</summary>
public sealed record SeverityMetrics(int Severity, MetricsFigures Figures);

/// <summary>
/// Incident metrics for incidents declared in [<see cref="From"/>, <see cref="To"/>). An incident that
/// impacts two services counts for both in <see cref="ByService"/>, and once everywhere else.
/// <see cref="DetectedBy"/> holds every <see cref="Detection"/>, zero included, for the digest.
/// </summary>
public sealed record MetricsReport(
    DateTimeOffset From,
    DateTimeOffset To,
    IReadOnlyList<ServiceMetrics> ByService,
    IReadOnlyList<SeverityMetrics> BySeverity,
    MetricsFigures Overall,
    IReadOnlyDictionary<Detection, int> DetectedBy);

/// <summary>The times of one incident that the metrics need, and the services it impacted.</summary>
public sealed record IncidentTimes(
    int Severity,
    Detection DetectedBy,
    DateTimeOffset DeclaredAt,
    DateTimeOffset? RespondedAt,
    DateTimeOffset? ResolvedAt,
    IReadOnlyCollection<string> Services);

/// <summary>MTTA and MTTR arithmetic. Pure; <see cref="IncidentMetricsService"/> feeds it from the database.</summary>
public static class IncidentMetrics
{
    /// <summary>The service name of incidents whose CIs impact no service (or that name no CI).</summary>
    public const string NoService = "(no service)";

    public static MetricsReport Compute(DateTimeOffset from, DateTimeOffset to, IEnumerable<IncidentTimes> incidents)
    {
        var byService = new Dictionary<(string, int), Accumulator>();
        var bySeverity = new Dictionary<int, Accumulator>();
        var overall = new Accumulator();
        var detected = Enum.GetValues<Detection>().ToDictionary(d => d, _ => 0);
        foreach (var incident in incidents)
        {
            var services = incident.Services.Count == 0 ? [NoService] : incident.Services.Distinct(StringComparer.Ordinal);
            foreach (var service in services)
            {
                Of(byService, (service, incident.Severity)).Add(incident);
            }

            Of(bySeverity, incident.Severity).Add(incident);
            overall.Add(incident);
            detected[incident.DetectedBy]++;
        }

        return new MetricsReport(
            from,
            to,
            byService.OrderBy(p => p.Key.Item1, StringComparer.Ordinal).ThenBy(p => p.Key.Item2)
                .Select(p => new ServiceMetrics(p.Key.Item1, p.Key.Item2, p.Value.Figures())).ToList(),
            bySeverity.OrderBy(p => p.Key).Select(p => new SeverityMetrics(p.Key, p.Value.Figures())).ToList(),
            overall.Figures(),
            detected);
    }

    private static Accumulator Of<TKey>(Dictionary<TKey, Accumulator> groups, TKey key)
        where TKey : notnull
    {
        if (!groups.TryGetValue(key, out var accumulator))
        {
            groups[key] = accumulator = new Accumulator();
        }

        return accumulator;
    }

    /// <summary>Running sums, so that the means take one pass and constant memory per group.</summary>
    private sealed class Accumulator
    {
        private int _count;
        private int _responded;
        private int _resolved;

        // Int128: a long of ticks would overflow after about a million incident-days summed.
        private Int128 _respondTicks;
        private Int128 _resolveTicks;

        public void Add(IncidentTimes incident)
        {
            _count++;
            if (incident.RespondedAt is { } responded)
            {
                _responded++;
                _respondTicks += (responded - incident.DeclaredAt).Ticks;
            }

            if (incident.ResolvedAt is { } resolved)
            {
                _resolved++;
                _resolveTicks += (resolved - incident.DeclaredAt).Ticks;
            }
        }

        public MetricsFigures Figures() => new(_count, _responded, Mean(_respondTicks, _responded), _resolved, Mean(_resolveTicks, _resolved));

        private static TimeSpan? Mean(Int128 ticks, int count) => count == 0 ? null : TimeSpan.FromTicks((long)(ticks / count));
    }
}

/// <summary>The <c>/incident stats</c> card. Pure: report and culture in, card out.</summary>
public static class MetricsCards
{
    /// <summary>More lines than this would outgrow a chat message; the rest is summarised.</summary>
    private const int MaxServiceLines = 40;

    public static Card Report(MetricsReport report, CultureInfo culture)
    {
        // The end is exclusive: a period ending at midnight is shown ending the day before, as people count days.
        var title = $"Incident metrics, {report.From.ToString("d MMM yyyy", culture)} – {report.To.AddTicks(-1).ToString("d MMM yyyy", culture)}";
        if (report.Overall.Count == 0)
        {
            return new Card(title, CardAccent.Info, [new TextSection("No incidents were declared in this period.")], []);
        }

        var overall = report.Overall;
        var sections = new List<CardSection>
        {
            new FieldsSection(
            [
                new("Incidents", overall.Count.ToString(culture)),
                new("MTTA", Mean(overall.Mtta, overall.Responded, "responded to", culture)),
                new("MTTR", Mean(overall.Mttr, overall.Resolved, "resolved", culture)),
                new("Detected by", Detections(report.DetectedBy, culture)),
            ]),
            new DividerSection(),
            new TextSection("By severity\n" + string.Join('\n', report.BySeverity.Select(s => $"SEV{s.Severity} · {Line(s.Figures, culture)}"))),
        };

        var lines = report.ByService.Take(MaxServiceLines).Select(s => $"{s.Service} · SEV{s.Severity} · {Line(s.Figures, culture)}").ToList();
        if (report.ByService.Count > MaxServiceLines)
        {
            lines.Add($"…and {report.ByService.Count - MaxServiceLines} more");
        }

        sections.Add(new TextSection("By service\n" + string.Join('\n', lines)));
        sections.Add(new ContextSection("MTTA: declared to first response (acknowledged, or mitigated or resolved when that came first). " +
                                        "MTTR: declared to resolved. An incident impacting several services counts for each."));
        return new Card(title, CardAccent.Info, sections, []);
    }

    private static string Line(MetricsFigures f, CultureInfo culture) =>
        $"{"incident".ToQuantity(f.Count)} · MTTA {Duration(f.Mtta, culture)} · MTTR {Duration(f.Mttr, culture)}" +
        (f.Resolved < f.Count ? $" ({f.Count - f.Resolved} unresolved)" : "");

    private static string Mean(TimeSpan? mean, int over, string what, CultureInfo culture) =>
        mean is null ? $"none {what} yet" : $"{Duration(mean, culture)} ({over.ToString(culture)} {what})";

    private static string Duration(TimeSpan? span, CultureInfo culture) => span switch
    {
        null => "–",
        { } s when s < TimeSpan.FromMinutes(1) => s.Humanize(1, culture, minUnit: TimeUnit.Second),
        { } s => s.Humanize(2, culture, minUnit: TimeUnit.Minute),
    };

    private static string Detections(IReadOnlyDictionary<Detection, int> counts, CultureInfo culture)
    {
        var parts = Enum.GetValues<Detection>()
            .Where(d => counts.GetValueOrDefault(d) > 0)
            .Select(d => $"{counts[d].ToString(culture)} {Noun(d, counts[d])}")
            .ToList();
        return parts.Count == 0 ? "–" : string.Join(", ", parts);
    }

    private static string Noun(Detection detection, int count) => detection switch
    {
        Detection.Alert => count == 1 ? "alert" : "alerts",
        Detection.Synthetic => count == 1 ? "synthetic check" : "synthetic checks",
        Detection.Customer => count == 1 ? "customer" : "customers",
        _ => count == 1 ? "person" : "people",
    };
}
