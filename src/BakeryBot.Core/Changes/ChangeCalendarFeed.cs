using System.Globalization;
using BakeryBot.Core.Chat;
using BakeryBot.Core.Drills;
using Ical.Net;
using Ical.Net.CalendarComponents;
using Ical.Net.DataTypes;
using Ical.Net.Serialization;

namespace BakeryBot.Core.Changes;

/// <summary>A change with what its calendar event says besides the change itself.</summary>
public sealed record CalendarChange(Change Change, IReadOnlyList<string> CiNames, string? RequestedBy);

/// <summary>
/// A continuity drill with what its calendar events say besides the drill itself: whether its due
/// date is in the feed's range, and its runs that are.
/// </summary>
public sealed record CalendarDrill(ContinuityDrill Drill, string? Owner, string? CiName, bool DueInRange, IReadOnlyList<DrillRun> Runs);

/// <summary>
/// The change calendar of one tenant as iCalendar (RFC 5545): one event per change window, one per
/// freeze window, and for continuity drills one for each drill's next due date (UID
/// <c>drl-&lt;tenant&gt;-&lt;number&gt;@bakerybot</c>, moved in place as the date moves) and one per run
/// (<c>drl-&lt;tenant&gt;-&lt;number&gt;-run-&lt;n&gt;@bakerybot</c>), for calendar apps that subscribe
/// to <c>/calendar/changes.ics</c>.
/// </summary>
public sealed record ChangeCalendarFeed(string CalendarName, IReadOnlyList<CalendarChange> Changes, IReadOnlyList<FreezeWindow> Freezes, IReadOnlyList<CalendarDrill> Drills)
{
    /// <summary>How long a drill's due-date event lasts: it marks a moment, but calendars show a slot.</summary>
    public static readonly TimeSpan DueEventLength = TimeSpan.FromHours(1);

    /// <summary>How often calendar apps are asked to fetch the feed again (those that honour the hint).</summary>
    public static readonly TimeSpan RefreshInterval = TimeSpan.FromHours(1);

    /// <summary>
    /// The feed's text. It depends only on the records (no time of generation), so the same records
    /// give the same bytes and the endpoint can answer a repeated fetch with 304 Not Modified.
    /// </summary>
    public string Serialize()
    {
        var calendar = new Ical.Net.Calendar { ProductId = "-//BakeryBot//Change calendar//EN" };
        calendar.AddProperty("X-WR-CALNAME", CalendarName);
        calendar.AddProperty("X-WR-CALDESC", $"Change windows, change freezes and continuity drills, {ChangeCalendarService.Range}.");
        var refresh = System.Xml.XmlConvert.ToString(RefreshInterval);
        var interval = new CalendarProperty("REFRESH-INTERVAL", refresh);
        interval.Parameters.Set("VALUE", "DURATION");
        calendar.AddProperty(interval);
        calendar.AddProperty("X-PUBLISHED-TTL", refresh);

        foreach (var change in Changes.OrderBy(c => c.Change.WindowStart).ThenBy(c => c.Change.Number))
        {
            calendar.Events.Add(ChangeEvent(change));
        }

        foreach (var freeze in Freezes.OrderBy(f => f.From).ThenBy(f => f.Id))
        {
            calendar.Events.Add(FreezeEvent(freeze));
        }

        foreach (var drill in Drills.OrderBy(d => d.Drill.Number))
        {
            if (drill.DueInRange)
            {
                calendar.Events.Add(DrillDueEvent(drill));
            }

            foreach (var run in drill.Runs.OrderBy(r => r.Number))
            {
                calendar.Events.Add(DrillRunEvent(drill, run));
            }
        }

        return new CalendarSerializer().SerializeToString(calendar) ?? "";
    }

    /// <summary>A change's UID: stable for the change's life, so calendar apps update its event in place.</summary>
    public static string ChangeUid(Change change) =>
        string.Create(CultureInfo.InvariantCulture, $"chg-{change.TenantId}-{change.Number}@bakerybot");

    public static string FreezeUid(FreezeWindow freeze) =>
        string.Create(CultureInfo.InvariantCulture, $"freeze-{freeze.TenantId}-{freeze.Id}@bakerybot");

    public static string DrillUid(ContinuityDrill drill) =>
        string.Create(CultureInfo.InvariantCulture, $"drl-{drill.TenantId}-{drill.Number}@bakerybot");

    public static string DrillRunUid(ContinuityDrill drill, DrillRun run) =>
        string.Create(CultureInfo.InvariantCulture, $"drl-{drill.TenantId}-{drill.Number}-run-{run.Number}@bakerybot");

    /// <summary>TENTATIVE while the CAB decides, CONFIRMED once it may go ahead, CANCELLED when it won't.</summary>
    public static string Status(ChangeState state) => state switch
    {
        ChangeState.Pending => EventStatus.Tentative,
        ChangeState.Approved or ChangeState.InRelease or ChangeState.Completed => EventStatus.Confirmed,
        _ => EventStatus.Cancelled,
    };

    private static CalendarEvent ChangeEvent(CalendarChange item)
    {
        var change = item.Change;
        return new CalendarEvent
        {
            Uid = ChangeUid(change),
            // Moves with every edit of the change, so calendar apps replace what they kept.
            Sequence = change.Version,
            // Without a METHOD, DTSTAMP is when the event last changed: the latest moment the change records.
            DtStamp = Utc(Latest(change.RequestedAt, change.DecidedAt, change.ReleaseStartedAt, change.ReleasedAt)),
            Created = Utc(change.RequestedAt),
            DtStart = Utc(change.WindowStart),
            DtEnd = Utc(change.WindowEnd),
            Summary = $"{change.RecordId}: {change.Title}",
            Description = Describe(item),
            Status = Status(change.State),
            // Someone else's change window does not make the subscriber busy.
            Transparency = TransparencyType.Transparent,
        };
    }

    private static CalendarEvent FreezeEvent(FreezeWindow freeze) => new()
    {
        Uid = FreezeUid(freeze),
        DtStamp = Utc(freeze.CreatedAt),
        Created = Utc(freeze.CreatedAt),
        DtStart = Utc(freeze.From),
        DtEnd = Utc(freeze.To),
        Summary = $"Change freeze: {freeze.Reason}",
        Description = "Only emergency changes may be approved or released during a change freeze.",
        Status = EventStatus.Confirmed,
        Transparency = TransparencyType.Opaque,
    };

    /// <summary>A drill's next due date: confirmed while it is practised, cancelled once retired.</summary>
    private static CalendarEvent DrillDueEvent(CalendarDrill item)
    {
        var drill = item.Drill;
        var lines = DrillLines(item);
        lines.Add(drill.State == DrillState.Retired ? "State: retired" : drill.OpenRun is { } open ? $"State: run {open.Number} under way" : "State: due");
        lines.Add(drill.LastFinishedRun is { } last ? $"Last result: run {last.Number}, {PlainVerdict(drill, last)}" : "Last result: never run yet");
        return new CalendarEvent
        {
            Uid = DrillUid(drill),
            // Moves with every edit of the drill (a run finished moves its due date), so calendar apps replace what they kept.
            Sequence = drill.Version,
            DtStamp = Utc(Latest(drill.CreatedAt, drill.Runs.SelectMany(r => new[] { r.StartedAt, r.FinishedAt }).Append(drill.RetiredAt).ToArray())),
            Created = Utc(drill.CreatedAt),
            DtStart = Utc(drill.NextDueAt),
            DtEnd = Utc(drill.NextDueAt + DueEventLength),
            Summary = $"{drill.RecordId} due: {drill.Title}",
            Description = string.Join('\n', lines),
            Status = drill.State == DrillState.Retired ? EventStatus.Cancelled : EventStatus.Confirmed,
            Transparency = TransparencyType.Transparent,
        };
    }

    /// <summary>
    /// A run of a drill, from its start to its end; one under way is shown until the time its RTO
    /// allows (the feed must not depend on when it is fetched).
    /// </summary>
    private static CalendarEvent DrillRunEvent(CalendarDrill item, DrillRun run)
    {
        var drill = item.Drill;
        var lines = DrillLines(item);
        if (run.FinishedAt is null)
        {
            lines.Add("State: under way");
        }
        else
        {
            lines.Add($"Result: {PlainVerdict(drill, run)}");
            lines.Add(DrillCards.Against("RTO", drill.Rto, run.RtoAchieved, Culture));
            lines.Add(DrillCards.Against("RPO", drill.Rpo, run.RpoAchieved, Culture));
            lines.AddRange(run.Findings.OrderBy(f => f.Number).Select(f => $"Finding {f.Number}: {f.Text}"));
        }

        return new CalendarEvent
        {
            Uid = DrillRunUid(drill, run),
            Sequence = run.FinishedAt is null ? 0 : 1,
            DtStamp = Utc(run.FinishedAt ?? run.StartedAt),
            Created = Utc(run.StartedAt),
            DtStart = Utc(run.StartedAt),
            DtEnd = Utc(run.FinishedAt is { } end && end > run.StartedAt ? end : run.StartedAt + (run.FinishedAt is null ? drill.Rto : TimeSpan.FromMinutes(1))),
            Summary = $"{drill.RecordId} run {run.Number}{(run.FinishedAt is null ? " (under way)" : "")}: {drill.Title}",
            Description = string.Join('\n', lines),
            Status = EventStatus.Confirmed,
            Transparency = TransparencyType.Transparent,
        };
    }

    private static List<string> DrillLines(CalendarDrill item)
    {
        var drill = item.Drill;
        var lines = new List<string> { $"Continuity drill: {DrillCards.Word(drill.Scenario)}" };
        if (item.CiName is { } ci)
        {
            lines.Add($"About: {ci}");
        }

        lines.Add($"Owner: {item.Owner ?? "someone"}");
        lines.Add($"Schedule: {DrillSchedule.Parse(drill.Schedule).Describe()}");
        lines.Add($"RTO: {Durations.Humanize(drill.Rto, Culture)}, RPO: {Durations.Humanize(drill.Rpo, Culture)}");
        return lines;
    }

    /// <summary>The verdict without its emoji, for calendar apps that show plain text.</summary>
    private static string PlainVerdict(ContinuityDrill drill, DrillRun run)
    {
        var verdict = DrillCards.Verdict(drill, run);
        return verdict[(verdict.IndexOf(' ', StringComparison.Ordinal) + 1)..];
    }

    private static CultureInfo Culture => CultureInfo.GetCultureInfo("en-GB");

    private static string Describe(CalendarChange item)
    {
        var change = item.Change;
        var lines = new List<string>
        {
            $"Type: {change.Type}",
            $"Risk: {change.Risk}",
            $"State: {State(change.State)}",
            $"CIs: {(item.CiNames.Count == 0 ? "none named" : string.Join(", ", item.CiNames))}",
            $"Rollback: {(string.IsNullOrWhiteSpace(change.Rollback) ? "not given yet" : change.Rollback.Trim())}",
        };
        if (change.SchemaChange)
        {
            lines.Add($"Rollback migration: {change.RollbackMigration ?? "not given yet"}");
        }

        if (change.Outcome is { } outcome)
        {
            lines.Add($"Outcome: {Outcome(outcome)}");
        }

        if (!string.IsNullOrWhiteSpace(change.DecisionReason))
        {
            lines.Add($"Decision: {change.DecisionReason.Trim()}");
        }

        if (item.RequestedBy is { } requester)
        {
            lines.Add($"Requested by: {requester}");
        }

        return string.Join('\n', lines);
    }

    private static string State(ChangeState state) => state switch
    {
        ChangeState.Pending => "pending (waiting for the CAB)",
        ChangeState.InRelease => "in release",
        _ => state.ToString().ToLowerInvariant(),
    };

    private static string Outcome(ReleaseOutcome outcome) => outcome switch
    {
        ReleaseOutcome.RolledBack => "rolled back",
        _ => outcome.ToString().ToLowerInvariant(),
    };

    private static DateTimeOffset Latest(DateTimeOffset first, params DateTimeOffset?[] others) =>
        others.Aggregate(first, (latest, at) => at is { } value && value > latest ? value : latest);

    private static CalDateTime Utc(DateTimeOffset at) => new(at.UtcDateTime, CalDateTime.UtcTzId);
}
