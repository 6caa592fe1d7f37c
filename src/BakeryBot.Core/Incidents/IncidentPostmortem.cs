using System.Globalization;
using BakeryBot.Core.Chat;
using BakeryBot.Core.Problems;
using Humanizer;

namespace BakeryBot.Core.Incidents;

/// <summary>The linked problem as a postmortem shows it.</summary>
public sealed record PostmortemProblem(RecordId Id, string Title, ProblemState State, string? RootCause, string? Workaround)
{
    public static PostmortemProblem From(Problem problem) =>
        new(problem.RecordId, problem.Title, problem.State, problem.RootCause, problem.Workaround);
}

/// <summary>
/// Everything a postmortem draft is made of. Names, services and the problem are looked up by the
/// caller so that drafting stays pure and golden-testable.
/// </summary>
/// <param name="Names">Display names by person id: the declarer, the roles and everyone on the timeline.</param>
/// <param name="Changes">Linked changes, one line each (<c>CHG-7: replace thermostat</c>); empty until changes exist.</param>
public sealed record PostmortemInput(
    Incident Incident,
    IReadOnlyDictionary<int, string> Names,
    IReadOnlyList<string> CiNames,
    IReadOnlyList<string> ImpactedServices,
    PostmortemProblem? Problem,
    IReadOnlyList<string> Changes,
    TimeZoneInfo Zone,
    CultureInfo Culture,
    DateTimeOffset Now);

/// <summary>
/// The Markdown postmortem draft of an incident: the facts the bot recorded, and prompts (in
/// italics) for what only people can say. Pure: the same input gives the same text.
/// </summary>
public static class IncidentPostmortem
{
    /// <summary>Slack's advice is 4,000 characters of message text; the margin leaves room for a "(1/3)" marker.</summary>
    public const int SlackMaxChars = 3_900;

    /// <summary>Teams refuses activities over about 28 KB of payload; Markdown grows when converted, hence the margin.</summary>
    public const int TeamsMaxChars = 20_000;

    public static string Draft(PostmortemInput input)
    {
        var i = input.Incident;
        var id = i.RecordId.ToString();
        var md = new List<string>
        {
            $"# {id}: {OneLine(i.Title)} — postmortem (draft)",
            "",
            $"_Drafted by BakeryBot on {Stamp(input.Now, input)} from {id}'s record. Fill in the parts in italics, then share it._",
            "",
            $"- **Severity:** SEV{i.Severity}",
            $"- **State:** {IncidentCards.StateText(i.State)}",
            $"- **Declared:** {Stamp(i.DeclaredAt, input)} by {Name(i.DeclaredById, input) ?? "someone"}",
            $"- **Commander:** {Name(i.CommanderId, input) ?? "not assigned"}",
            $"- **Scribe:** {Name(i.ScribeId, input) ?? "not assigned"}",
            $"- **Communications:** {Name(i.CommunicationsId, input) ?? "not assigned"}",
            $"- **Detected by:** {Words.Detection(i.DetectedBy)}",
            "",
            "## Impact",
            "",
            $"- **Affected CIs:** {List(input.CiNames, "none named")}",
            $"- **Services impacted:** {List(input.ImpactedServices, "none known in the CMDB")}",
            i.ResolvedAt is { } resolved
                ? $"- **Duration:** {Span(resolved - i.DeclaredAt, input.Culture)}, from declaration to resolution"
                : $"- **Duration:** still open after {Span(input.Now - i.DeclaredAt, input.Culture)}",
            "- _Who was affected, how many, and how badly? (customers, orders, money, reputation)_",
            "",
            "## Timeline",
            "",
        };

        // Stable sort: events stamped in the same instant keep the order they were recorded in.
        var events = i.Timeline.OrderBy(e => e.At).ThenBy(e => e.Id).ToList();
        md.AddRange(events.Count == 0
            ? ["_No events were recorded._"]
            : events.Select(e => $"- **{Stamp(e.At, input, withYear: false)}** {(e.PersonId is { } p ? (Name(p, input) ?? "someone") + " — " : "")}{OneLine(e.Text)}"));

        md.AddRange(["", "## Response times", "", $"Measured from the declaration ({Stamp(i.DeclaredAt, input)}).", ""]);
        var acknowledge = i.AcknowledgedAt is { } acked
            ? Span(acked - i.DeclaredAt, input.Culture)
            : i.RespondedAt is { } responded
                ? $"{Span(responded - i.DeclaredAt, input.Culture)} (never acknowledged as such: counted to the first response)"
                : "not yet";
        md.Add($"- **Time to acknowledge:** {acknowledge}");
        md.Add($"- **Time to mitigate:** {Since(i.MitigatedAt, i, input, skipped: i.ResolvedAt is not null)}");
        md.Add($"- **Time to resolve:** {Since(i.ResolvedAt, i, input, skipped: false)}");

        md.AddRange(["", "## Detection", "", $"Detected by {Words.Detection(i.DetectedBy)}."]);
        var byMonitoring = i.DetectedBy is Detection.Alert or Detection.Synthetic;
        if (!byMonitoring)
        {
            // The seed's "did the smoke alarm trigger? why not?": asked every time a human noticed first.
            md.AddRange(["", "**Did monitoring alert? Why not?** _Say whether an alert fired (late, silenced, sent to the wrong place) or none exists, and which alert or synthetic check would have caught it before a person did._"]);
        }

        md.AddRange(["", "## Root cause", ""]);
        var problem = input.Problem;
        md.Add(problem switch
        {
            null => "_No problem is linked, so no root cause is recorded. What caused this? Keep asking \"why?\" until you reach something that can be fixed._",
            { RootCause: { } cause } when !string.IsNullOrWhiteSpace(cause) => $"From {problem.Id} ({ProblemStateText(problem.State)}): {OneLine(cause)}",
            _ => $"_{problem.Id} has no root cause recorded yet. What caused this? Record it with `/problem rca {problem.Id} <cause>`._",
        });
        if (problem?.Workaround is { } workaround && !string.IsNullOrWhiteSpace(workaround))
        {
            md.AddRange(["", $"Workaround: {OneLine(workaround)}"]);
        }

        md.AddRange(["", "## Linked problem and changes", ""]);
        md.Add(problem is null
            ? "- **Problem:** none linked"
            : $"- **Problem:** {problem.Id}: {OneLine(problem.Title)} ({ProblemStateText(problem.State)})");
        md.Add(input.Changes.Count == 0 ? "- **Changes:** none linked" : "- **Changes:**");
        md.AddRange(input.Changes.Select(c => $"  - {OneLine(c)}"));

        md.AddRange(["", "## Follow-ups", "", "_Give each one an owner and a due date; remove what does not apply._", ""]);
        if (problem is null)
        {
            md.Add($"- [ ] Create a problem for the cause and link this incident: `/problem new <title>`, then `/problem link PRB-n {id}`");
        }
        else if (string.IsNullOrWhiteSpace(problem.RootCause))
        {
            md.Add($"- [ ] Find the root cause and record it: `/problem rca {problem.Id} <cause>`");
        }

        if (!byMonitoring)
        {
            md.Add("- [ ] Add or fix the alert that should have caught this before a person did");
        }

        if (problem is null || problem.State != ProblemState.Resolved)
        {
            md.Add("- [ ] Fix the cause for good with a change, and link it here");
        }

        md.Add("- [ ] Write down what worked as a runbook: `/kb add <title> <text>`");
        md.Add("- [ ] _Anything else that would have made this shorter or smaller_");
        md.AddRange(["", "## Lessons learned", "", "- _What went well?_", "- _What went badly, or slower than it should have?_", "- _Where did we get lucky?_"]);
        return string.Join('\n', md) + "\n";
    }

    /// <summary>
    /// Cuts Markdown into messages of at most <paramref name="maxChars"/> characters, between lines and
    /// preferably before a heading, so each message reads on its own. Only a single line longer than the
    /// limit is cut inside (never between the halves of a surrogate pair). Blank lines at a cut are dropped.
    /// <paramref name="maxChars"/> is at least 2, so that a surrogate pair always fits.
    /// </summary>
    public static IReadOnlyList<string> Split(string markdown, int maxChars)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxChars, 2);
        if (string.IsNullOrWhiteSpace(markdown))
        {
            return [];
        }

        if (markdown.Length <= maxChars)
        {
            return [markdown];
        }

        // Sections start at headings; a section that fits stays whole in one message.
        var sections = new List<List<string>>();
        foreach (var line in markdown.Replace("\r\n", "\n", StringComparison.Ordinal).Split('\n').SelectMany(l => Wrap(l, maxChars)))
        {
            if (sections.Count == 0 || line.StartsWith('#'))
            {
                sections.Add([]);
            }

            sections[^1].Add(line);
        }

        var pieces = new List<string>();
        var current = new List<string>();
        var length = -1;
        foreach (var section in sections)
        {
            var sectionLength = section.Sum(l => l.Length + 1) - 1;
            if (current.Count > 0 && length + 1 + sectionLength > maxChars)
            {
                Flush();
            }

            foreach (var line in section)
            {
                if (current.Count > 0 && length + 1 + line.Length > maxChars)
                {
                    Flush();
                }

                current.Add(line);
                length += line.Length + 1;
            }
        }

        Flush();
        return pieces;

        void Flush()
        {
            var text = string.Join('\n', current).Trim('\n');
            if (!string.IsNullOrWhiteSpace(text))
            {
                pieces.Add(text);
            }

            current.Clear();
            length = -1;
        }
    }

    /// <summary>
    /// A zone's usual abbreviation (CET, CEST, EST...) where it is unambiguous, otherwise the UTC offset:
    /// .NET exposes only long, localised zone names, and people read abbreviations faster.
    /// </summary>
    public static string ZoneLabel(TimeZoneInfo zone, DateTimeOffset at)
    {
        var iana = zone.Id;
        if (!zone.HasIanaId && TimeZoneInfo.TryConvertWindowsIdToIanaId(zone.Id, out var converted))
        {
            iana = converted;
        }

        var local = TimeZoneInfo.ConvertTime(at, zone);
        if (Abbreviations.TryGetValue(iana, out var pair))
        {
            return zone.IsDaylightSavingTime(local) ? pair.Daylight : pair.Standard;
        }

        return local.Offset == TimeSpan.Zero ? "UTC" : $"UTC{local:zzz}";
    }

    private static readonly Dictionary<string, (string Standard, string Daylight)> Abbreviations = Build(
        ("CET", "CEST", "Europe/Paris Europe/Berlin Europe/Amsterdam Europe/Brussels Europe/Madrid Europe/Rome Europe/Vienna Europe/Zurich Europe/Stockholm Europe/Oslo Europe/Copenhagen Europe/Warsaw Europe/Prague Europe/Budapest Europe/Luxembourg Europe/Belgrade Europe/Zagreb Europe/Ljubljana Europe/Bratislava Europe/Malta"),
        ("EET", "EEST", "Europe/Athens Europe/Helsinki Europe/Kyiv Europe/Kiev Europe/Bucharest Europe/Sofia Europe/Riga Europe/Tallinn Europe/Vilnius"),
        ("WET", "WEST", "Europe/Lisbon Atlantic/Canary"),
        ("GMT", "BST", "Europe/London"),
        ("EST", "EDT", "America/New_York America/Toronto America/Detroit"),
        ("CST", "CDT", "America/Chicago America/Winnipeg"),
        ("MST", "MDT", "America/Denver America/Edmonton"),
        ("MST", "MST", "America/Phoenix"),
        ("PST", "PDT", "America/Los_Angeles America/Vancouver"),
        ("AEST", "AEDT", "Australia/Sydney Australia/Melbourne"),
        ("NZST", "NZDT", "Pacific/Auckland"),
        ("JST", "JST", "Asia/Tokyo"),
        ("IST", "IST", "Asia/Kolkata Asia/Calcutta"),
        ("UTC", "UTC", "UTC Etc/UTC Etc/GMT"));

    private static Dictionary<string, (string, string)> Build(params (string Standard, string Daylight, string Zones)[] groups) =>
        groups.SelectMany(g => g.Zones.Split(' ').Select(z => (z, (g.Standard, g.Daylight)))).ToDictionary(p => p.z, p => p.Item2, StringComparer.OrdinalIgnoreCase);

    private static string Stamp(DateTimeOffset at, PostmortemInput input, bool withYear = true)
    {
        var local = TimeZoneInfo.ConvertTime(at, input.Zone);
        return $"{local.ToString(withYear ? "d MMM yyyy HH:mm" : "d MMM HH:mm", input.Culture)} {ZoneLabel(input.Zone, at)}";
    }

    private static string Since(DateTimeOffset? at, Incident i, PostmortemInput input, bool skipped) =>
        at is { } value ? Span(value - i.DeclaredAt, input.Culture) : skipped ? "skipped (resolved without a separate mitigation)" : "not yet";

    private static string Span(TimeSpan span, CultureInfo culture) => Durations.Humanize(span, culture);

    private static string? Name(int? id, PostmortemInput input) =>
        id is { } value && input.Names.TryGetValue(value, out var name) ? OneLine(name) : null;

    private static string List(IReadOnlyList<string> items, string none) =>
        items.Count == 0 ? none : string.Join(", ", items.Select(OneLine));

    private static string ProblemStateText(ProblemState state) => state switch
    {
        ProblemState.KnownError => "known error",
        ProblemState.Resolved => "resolved",
        _ => "open",
    };

    /// <summary>User text on one line, so a title or note with line breaks cannot start a heading or end a list item.</summary>
    private static string OneLine(string text) =>
        string.Join(' ', text.Split(['\r', '\n'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));

    /// <summary>A line as is, or cut into pieces of at most <paramref name="max"/> characters.</summary>
    private static IEnumerable<string> Wrap(string line, int max)
    {
        var start = 0;
        while (line.Length - start > max)
        {
            var cut = char.IsHighSurrogate(line[start + max - 1]) ? max - 1 : max;
            yield return line.Substring(start, cut);
            start += cut;
        }

        yield return line[start..];
    }
}
