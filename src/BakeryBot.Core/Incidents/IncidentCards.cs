using System.Globalization;
using BakeryBot.Core.Chat;
using Humanizer;

namespace BakeryBot.Core.Incidents;

/// <summary>What a card needs besides the incident: names resolved from other tables.</summary>
public sealed record IncidentView(
    Incident Incident,
    IReadOnlyList<string> CiNames,
    IReadOnlyList<string> ImpactedServices,
    string DeclaredBy,
    string? Commander,
    string? Scribe = null,
    string? Communications = null,
    string? Problem = null,
    IReadOnlyList<string>? Runbooks = null)
{
    /// <summary>Changes released shortly before it on its CIs or what they depend on (<see cref="Changes.RecentReleases"/>), newest first.</summary>
    public IReadOnlyList<Changes.RecentRelease> RecentReleases { get; init; } = [];

    /// <summary>"CHG-7: replace thermostat" once someone said that change caused it.</summary>
    public string? CausedBy { get; init; }
}

/// <summary>Turns an incident into the neutral card. Pure: incident, now, zone and culture in; card out.</summary>
public static class IncidentCards
{
    public static Card Card(IncidentView view, DateTimeOffset now, TimeZoneInfo zone, CultureInfo culture, bool withTimeline = false)
    {
        var incident = view.Incident;
        var id = incident.RecordId.ToString();
        var fields = new List<CardField>
        {
            new("Status", StateText(incident.State)),
            new("Severity", $"SEV{incident.Severity}"),
            new("Commander", view.Commander ?? "nobody yet"),
            new("Affected CIs", view.CiNames.Count == 0 ? "none named" : string.Join(", ", view.CiNames)),
            new("Services impacted", view.ImpactedServices.Count == 0 ? "none known" : string.Join(", ", view.ImpactedServices)),
            new("Declared", When(incident.DeclaredAt, now, zone, culture)),
            incident.ResolvedAt is { } resolved
                ? new("Resolved after", (resolved - incident.DeclaredAt).Humanize(2, culture, minUnit: TimeUnit.Minute))
                : new("Open for", Durations.Humanize(now - incident.DeclaredAt, culture)),
        };

        if (view.Scribe is { } scribe)
        {
            fields.Add(new("Scribe", scribe));
        }

        if (view.Communications is { } communications)
        {
            fields.Add(new("Communications", communications));
        }

        if (view.Problem is { } problem)
        {
            fields.Add(new("Problem", problem));
        }

        if (view.CausedBy is { } cause)
        {
            fields.Add(new("Caused by", cause));
        }

        fields.Add(new("Detected by", Words.Detection(incident.DetectedBy)));
        if (view.Runbooks is { Count: > 0 } runbooks)
        {
            fields.Add(new("Runbooks", string.Join("; ", runbooks) + " (`/kb search` for the text)"));
        }

        var sections = new List<CardSection> { new FieldsSection(fields) };
        if (withTimeline && incident.Timeline.Count > 0)
        {
            sections.Add(new DividerSection());
            sections.Add(new TextSection(string.Join('\n', incident.Timeline
                .OrderBy(e => e.At)
                .TakeLast(20)
                .Select(e => $"{TimeZoneInfo.ConvertTime(e.At, zone).ToString("dd MMM HH:mm", culture)}  {e.Text}"))));
        }

        var buttons = LifecycleButtons(incident);
        if (incident.ProblemId is null && incident.State != IncidentState.Closed)
        {
            // Empty links a new problem made from this incident; a PRB id links that one.
            sections.Add(new InputSection(IncidentCommands.ProblemInput, "Problem", "PRB-3, or leave empty for a new one"));
            buttons.Add(new CardButton("Link problem", IncidentCommands.LinkProblemAction, id));
        }

        if (view.RecentReleases.Count > 0)
        {
            // The changes that may have caused it, newest first, each with a button to say so (until someone has).
            var shown = view.RecentReleases.Take(MaxRecentReleases).ToList();
            var lines = shown.Select(r => $"• {r.Id} {r.Title} ({ReleaseWord(r)} {r.At.Humanize(now, culture)} on {string.Join(", ", r.CiNames)})").ToList();
            if (view.RecentReleases.Count > shown.Count)
            {
                lines.Add($"…and {view.RecentReleases.Count - shown.Count} more (`/incident link {id} CHG-n` links any of them)");
            }

            sections.Add(new TextSection("Recent changes:\n" + string.Join('\n', lines)));
            if (incident.CausedByChangeId is null)
            {
                buttons.AddRange(shown.Select(r => new CardButton($"Caused by {r.Id}", Changes.ReleaseCommands.CausedByAction, $"{id}/{r.Id}")));
            }
        }

        var accent = incident.IsOpen ? Severity.Accent(incident.Severity) : CardAccent.Success;
        return new Card($"{id}: {incident.Title}", accent, sections, buttons, $"Declared by {view.DeclaredBy}");
    }

    /// <summary>
    /// The buttons that take an incident through its life, as far as its state allows: Acknowledge,
    /// Mitigated, Resolve, and Start timer while it is open. The card and the home show the same ones.
    /// </summary>
    public static List<CardButton> LifecycleButtons(Incident incident)
    {
        var id = incident.RecordId.ToString();
        var buttons = new List<CardButton>();
        if (incident.State == IncidentState.Declared)
        {
            buttons.Add(new CardButton("Acknowledge", IncidentCommands.AckAction, id, ButtonStyle.Primary));
        }

        if (incident.State is IncidentState.Declared or IncidentState.Acknowledged)
        {
            buttons.Add(new CardButton("Mitigated", IncidentCommands.MitigateAction, id));
        }

        if (incident.IsOpen)
        {
            buttons.Add(new CardButton("Resolve", IncidentCommands.ResolveAction, id, ButtonStyle.Danger));
            buttons.Add(new CardButton("Start timer", TimeTracking.TimerCommands.StartAction, id));
        }

        return buttons;
    }

    /// <summary>At most this many recent changes are listed on a card, each with its "Caused by" button.</summary>
    public const int MaxRecentReleases = 3;

    private static string ReleaseWord(Changes.RecentRelease release) => release.State == Changes.ChangeState.InRelease
        ? "release started"
        : release.Outcome switch
        {
            Changes.ReleaseOutcome.RolledBack => "rolled back",
            Changes.ReleaseOutcome.Failed => "release failed",
            _ => "released",
        };

    /// <summary>One line per incident for lists.</summary>
    public static string Line(Incident incident, DateTimeOffset now, CultureInfo culture) =>
        $"{incident.RecordId} · SEV{incident.Severity} · {StateText(incident.State)} · {incident.Title} · declared {(now - incident.DeclaredAt).Humanize(1, culture)} ago";

    public static string StateText(IncidentState state) => state switch
    {
        IncidentState.Declared => "Declared",
        IncidentState.Acknowledged => "Acknowledged",
        IncidentState.Mitigated => "Mitigated",
        IncidentState.Resolved => "Resolved",
        IncidentState.Closed => "Closed",
        _ => state.ToString(),
    };

    private static string When(DateTimeOffset at, DateTimeOffset now, TimeZoneInfo zone, CultureInfo culture)
    {
        var local = TimeZoneInfo.ConvertTime(at, zone);
        return $"{local.ToString("dd MMM HH:mm", culture)} {ZoneName(zone, local)} ({at.Humanize(now, culture)})";
    }


    private static string ZoneName(TimeZoneInfo zone, DateTimeOffset local) =>
        zone == TimeZoneInfo.Utc ? "UTC" : $"UTC{local:zzz}";
}
