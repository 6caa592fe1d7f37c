using System.Globalization;
using BakeryBot.Core.Changes;
using BakeryBot.Core.Chat;
using BakeryBot.Core.Drills;
using BakeryBot.Core.Incidents;
using BakeryBot.Core.TimeTracking;
using Humanizer;
using Timer = BakeryBot.Core.TimeTracking.Timer;

namespace BakeryBot.Core.Home;

/// <summary>
/// How a person's home looks: a summary card, then one card per section with a card per item under it,
/// each item with the buttons its own card has (the same action ids, so a click does the same). An empty
/// section says so in one line. Pure: view, now, zone and culture in; cards out.
/// </summary>
public static class HomeCards
{
    public const string IncidentsTitle = "🔥 My open incidents";
    public const string ChangesTitle = "🗳 Changes waiting for my vote";
    public const string TimerTitle = "⏱ My running timer";
    public const string DrillsTitle = "🧯 Upcoming drills";

    public static List<Card> Cards(HomeView view, DateTimeOffset now, TimeZoneInfo zone, CultureInfo culture)
    {
        var cards = new List<Card> { Summary(view, now, zone, culture) };

        cards.Add(Section($"{IncidentsTitle} ({view.IncidentCount})", view.IncidentCount, view.Incidents.Count,
            "Nothing needs you here: no open incident has you as its commander, scribe or communications lead.",
            "`/incident list` shows every open incident."));
        cards.AddRange(view.Incidents.Select(i => IncidentCard(i, view.Person.Id, now, zone, culture)));

        cards.Add(Section($"{ChangesTitle} ({view.ChangeCount})", view.ChangeCount, view.Changes.Count,
            view.OnCab ? "No change waits for your vote." : "No change waits for your vote: only CAB members vote (an admin adds you with `/bakery role add @you cab`).",
            "`/change list pending` shows every change the CAB has not decided."));
        cards.AddRange(view.Changes.Select(c => ChangeCard(c, now, zone, culture)));

        cards.Add(TimerCard(view.Timer, now, zone, culture));

        var horizon = Durations.Humanize(HomeService.DrillHorizon, culture);
        cards.Add(Section($"{DrillsTitle}, due within {horizon} ({view.DrillCount})", view.DrillCount, view.Drills.Count,
            $"No drill is due within {horizon}.",
            "`/drill list` shows every drill."));
        cards.AddRange(view.Drills.Select(d => DrillCard(d, view.Person.Id, now, zone, culture)));
        return cards;
    }

    /// <summary>What needs the person at a glance, or that nothing does.</summary>
    private static Card Summary(HomeView view, DateTimeOffset now, TimeZoneInfo zone, CultureInfo culture)
    {
        var parts = new List<string>();
        if (view.IncidentCount > 0)
        {
            parts.Add(Count(view.IncidentCount, "open incident", "open incidents"));
        }

        if (view.ChangeCount > 0)
        {
            parts.Add(Count(view.ChangeCount, "change waiting for your vote", "changes waiting for your vote"));
        }

        if (view.Timer is { } timer)
        {
            parts.Add($"your timer running on {TimerService.Subject(timer.RecordKey, timer.Text)}");
        }

        if (view.DrillCount > 0)
        {
            parts.Add(Count(view.DrillCount, "drill due soon", "drills due soon"));
        }

        var joined = parts.Count <= 1 ? string.Concat(parts) : $"{string.Join(", ", parts[..^1])} and {parts[^1]}";
        var text = parts.Count == 0 ? "✅ Nothing needs you right now." : $"{joined.Transform(CultureInfo.InvariantCulture, To.SentenceCase)}.";
        var accent = view.Incidents.Count > 0 ? Severity.Accent(view.Incidents.Min(i => i.Severity)) : view.IsQuiet ? CardAccent.Success : CardAccent.Info;
        return new Card($"🏠 Home: what needs you, {view.Person.DisplayName}", accent, [new TextSection(text)], [], $"As of {TimerCards.Local(now, zone, culture)} ({zone.Id}).");
    }

    /// <summary>A section's heading card: the empty section's line, or how to see the items past the cap.</summary>
    private static Card Section(string title, int count, int shown, string empty, string all)
    {
        IReadOnlyList<CardSection> sections = count == 0
            ? [new TextSection(empty)]
            : count > shown ? [new ContextSection($"…and {count - shown} more: {all}")] : [];
        return new Card(title, count == 0 ? CardAccent.Neutral : CardAccent.Info, sections, []);
    }

    private static Card IncidentCard(Incident incident, int me, DateTimeOffset now, TimeZoneInfo zone, CultureInfo culture)
    {
        var line = $"SEV{incident.Severity} · {IncidentCards.StateText(incident.State)} · {Role(incident, me)} · open for {Durations.Humanize(now - incident.DeclaredAt, culture)}, since {TimerCards.Local(incident.DeclaredAt, zone, culture)}";
        return new Card($"{incident.RecordId}: {incident.Title}", Severity.Accent(incident.Severity), [new ContextSection(line)], IncidentCards.LifecycleButtons(incident));
    }

    /// <summary>Why the incident is the person's: the roles they hold, or that they raised it and nobody leads it.</summary>
    public static string Role(Incident incident, int me)
    {
        var roles = new List<string>();
        if (incident.CommanderId == me)
        {
            roles.Add("commander");
        }

        if (incident.ScribeId == me)
        {
            roles.Add("scribe");
        }

        if (incident.CommunicationsId == me)
        {
            roles.Add("communications lead");
        }

        if (roles.Count > 0)
        {
            return $"you are {roles.Humanize("and")}";
        }

        var did = (incident.DeclaredById == me, incident.AcknowledgedById == me) switch
        {
            (true, true) => "declared and acknowledged",
            (true, false) => "declared",
            _ => "acknowledged",
        };
        return $"you {did} it; no commander yet";
    }

    private static Card ChangeCard(HomeChange item, DateTimeOffset now, TimeZoneInfo zone, CultureInfo culture)
    {
        var change = item.Change;
        var approvals = change.Votes.Count(v => v.Kind == VoteKind.Approve);
        var line = $"{ChangeService.Word(change.Type)} · {ChangeService.Word(change.Risk)} risk · window {Window(change, zone, culture)} ({change.WindowStart.Humanize(now, culture)}) · " +
                   $"{approvals} of {item.Required} approval{(item.Required == 1 ? "" : "s")} · requested by {item.RequestedBy}";
        return new Card($"{change.RecordId}: {change.Title}", CardAccent.Warning, [new ContextSection(line), ChangeCards.ReasonBox], ChangeCards.VoteButtons(change));
    }

    /// <summary>The change's window in the reader's zone: <c>Tue 1 Dec 22:00–23:00</c>.</summary>
    private static string Window(Change change, TimeZoneInfo zone, CultureInfo culture)
    {
        var start = TimeZoneInfo.ConvertTime(change.WindowStart, zone);
        var end = TimeZoneInfo.ConvertTime(change.WindowEnd, zone);
        return start.Date == end.Date
            ? $"{TimerCards.Local(change.WindowStart, zone, culture)}–{end.ToString("HH:mm", culture)}"
            : $"{TimerCards.Local(change.WindowStart, zone, culture)} – {TimerCards.Local(change.WindowEnd, zone, culture)}";
    }

    private static Card TimerCard(Timer? timer, DateTimeOffset now, TimeZoneInfo zone, CultureInfo culture) => timer is null
        ? new Card(TimerTitle, CardAccent.Neutral, [new TextSection("No timer is running. Start one with `/timer start INC-42`.")], [])
        : new Card(
            TimerTitle,
            CardAccent.Info,
            [new TextSection($"Running on {TimerService.Subject(timer.RecordKey, timer.Text)} for {Durations.Humanize(now - timer.StartedAt, culture)}, since {TimerCards.Local(timer.StartedAt, zone, culture)}.")],
            [TimerCards.StopButton(timer)]);

    private static Card DrillCard(DrillView view, int me, DateTimeOffset now, TimeZoneInfo zone, CultureInfo culture)
    {
        var drill = view.Drill;
        var owner = drill.OwnerId == me ? $"{view.Name(drill.OwnerId)} (you)" : view.Name(drill.OwnerId);
        var status = drill.OpenRun is { } run
            ? $"run {run.Number} under way since {TimerCards.Local(run.StartedAt, zone, culture)}"
            : drill.IsOverdue(now) ? DrillCards.Due(drill, now, zone, culture) : $"due {DrillCards.Due(drill, now, zone, culture)}";
        var line = $"{DrillCards.Word(drill.Scenario)} · owner {owner} · {status}";
        var buttons = DrillCards.StartButton(drill) is { } start ? new[] { start } : [];
        return new Card($"{drill.RecordId}: {drill.Title}", drill.IsOverdue(now) ? CardAccent.Danger : CardAccent.Info, [new ContextSection(line)], buttons);
    }

    private static string Count(int n, string one, string many) =>
        n == 1 ? $"1 {one}" : $"{n.ToString(CultureInfo.InvariantCulture)} {many}";
}
