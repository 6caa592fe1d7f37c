using System.Globalization;
using Ical.Net;
using Ical.Net.CalendarComponents;
using Ical.Net.DataTypes;
using Ical.Net.Serialization;

namespace BakeryBot.Core.Changes;

/// <summary>A change with what its calendar event says besides the change itself.</summary>
public sealed record CalendarChange(Change Change, IReadOnlyList<string> CiNames, string? RequestedBy);

/// <summary>
/// The change calendar of one tenant as iCalendar (RFC 5545): one event per change window and one per
/// freeze window, for calendar apps that subscribe to <c>/calendar/changes.ics</c>.
/// <para>
/// Drills (<c>DRL-n</c>, a later issue) are meant to join as a third kind of event: a list of them
/// here beside <see cref="Changes"/> and <see cref="Freezes"/>, a <c>DrillEvent</c> beside
/// <c>ChangeEvent</c> and <c>FreezeEvent</c> with UIDs <c>drl-&lt;tenant&gt;-&lt;number&gt;@bakerybot</c>,
/// and their query in <see cref="ChangeCalendarService.FeedAsync"/>. The link, its checks and the
/// endpoint stay as they are.
/// </para>
/// </summary>
public sealed record ChangeCalendarFeed(string CalendarName, IReadOnlyList<CalendarChange> Changes, IReadOnlyList<FreezeWindow> Freezes)
{
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
        calendar.AddProperty("X-WR-CALDESC", $"Change windows and change freezes, {ChangeCalendarService.Range}.");
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

        return new CalendarSerializer().SerializeToString(calendar) ?? "";
    }

    /// <summary>A change's UID: stable for the change's life, so calendar apps update its event in place.</summary>
    public static string ChangeUid(Change change) =>
        string.Create(CultureInfo.InvariantCulture, $"chg-{change.TenantId}-{change.Number}@bakerybot");

    public static string FreezeUid(FreezeWindow freeze) =>
        string.Create(CultureInfo.InvariantCulture, $"freeze-{freeze.TenantId}-{freeze.Id}@bakerybot");

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
