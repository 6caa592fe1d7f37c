using System.Globalization;
using BakeryBot.Core.Chat;
using Humanizer;

namespace BakeryBot.Core.Drills;

/// <summary>What a drill's cards need besides the drill: names resolved from other tables.</summary>
public sealed record DrillView(
    ContinuityDrill Drill,
    string? CiName,
    IReadOnlyDictionary<int, string> Names,
    IReadOnlyDictionary<int, RecordId> Problems,
    TimeZoneInfo ScheduleZone)
{
    public string Name(int? personId) => personId is { } id ? Names.GetValueOrDefault(id, "someone") : "someone";
}

/// <summary>How drills and their runs look. Pure: view, now, zone and culture in; card out.</summary>
public static class DrillCards
{
    /// <summary>At most this many runs are listed on a drill's card, newest first.</summary>
    public const int MaxHistory = 5;

    /// <summary>The drill's card: scenario, owner, schedule, when it is due, its targets, its last result and runs.</summary>
    public static Card Card(DrillView view, DateTimeOffset now, TimeZoneInfo zone, CultureInfo culture, bool withTimeline = false)
    {
        var drill = view.Drill;
        var id = drill.RecordId.ToString();
        var fields = new List<CardField>
        {
            new("Scenario", Word(drill.Scenario)),
        };
        if (view.CiName is { } ci)
        {
            fields.Add(new("About", ci));
        }

        fields.Add(new("Owner", view.Name(drill.OwnerId)));
        fields.Add(new("Schedule", $"{DrillSchedule.Parse(drill.Schedule).Describe()}, in {view.ScheduleZone.Id}"));
        fields.Add(new("Next due", Due(drill, now, zone, culture)));
        fields.Add(new("RTO target", Durations.Humanize(drill.Rto, culture)));
        fields.Add(new("RPO target", Durations.Humanize(drill.Rpo, culture)));
        if (drill.OpenRun is { } open)
        {
            fields.Add(new("Under way", $"run {open.Number}, started {At(open.StartedAt, zone, culture)} by {view.Name(open.StartedById)} ({open.StartedAt.Humanize(now, culture)})"));
        }

        fields.Add(new("Last result", drill.LastFinishedRun is { } last ? $"run {last.Number}, {Day(last.FinishedAt!.Value, zone, culture)}: {Verdict(drill, last)}" : "never run yet"));

        var sections = new List<CardSection> { new FieldsSection(fields) };
        var history = drill.Runs.Where(r => r.FinishedAt is not null).OrderByDescending(r => r.Number).Take(MaxHistory).ToList();
        if (history.Count > 0)
        {
            sections.Add(new TextSection("Runs:\n" + string.Join('\n', history.Select(r => HistoryLine(drill, r, zone, culture)))));
        }

        if (withTimeline && drill.OpenRun is { } running)
        {
            sections.Add(new DividerSection());
            sections.Add(new TextSection(Timeline(running, zone, culture)));
        }

        var buttons = new List<CardButton>();
        if (StartButton(drill) is { } start)
        {
            buttons.Add(start);
        }

        if (drill.State == DrillState.Active)
        {
            buttons.Add(new CardButton("Start timer", TimeTracking.TimerCommands.StartAction, id));
        }

        return new Card($"{id}: {drill.Title}", Accent(drill, now), sections, buttons, $"created by {view.Name(drill.CreatedById)} {Day(drill.CreatedAt, zone, culture)}");
    }

    /// <summary>Start drill, on an active drill with no run under way; null otherwise. The card, the reminder and the home show it.</summary>
    public static CardButton? StartButton(ContinuityDrill drill) =>
        drill.State == DrillState.Active && drill.OpenRun is null
            ? new CardButton("Start drill", DrillCommands.StartAction, drill.RecordId.ToString(), ButtonStyle.Primary)
            : null;

    /// <summary>A run's card: its status, its result against the targets, its timeline and findings (with "Make a problem" for each not made one yet).</summary>
    public static Card RunCard(DrillView view, DrillRun run, DateTimeOffset now, TimeZoneInfo zone, CultureInfo culture)
    {
        var drill = view.Drill;
        var id = drill.RecordId.ToString();
        var fields = new List<CardField>
        {
            new("Status", run.FinishedAt is null ? $"under way for {Durations.Humanize(now - run.StartedAt, culture)}" : Verdict(drill, run)),
            new("Scenario", Word(drill.Scenario) + (view.CiName is { } ci ? $" ({ci})" : "")),
            new("Started", $"{At(run.StartedAt, zone, culture)} by {view.Name(run.StartedById)}"),
        };
        if (run.FinishedAt is { } finished)
        {
            fields.Add(new("Finished", $"{At(finished, zone, culture)} by {view.Name(run.FinishedById)}"));
            fields.Add(new("RTO", Against("RTO", drill.Rto, run.RtoAchieved, culture)));
            fields.Add(new("RPO", Against("RPO", drill.Rpo, run.RpoAchieved, culture)));
        }
        else
        {
            fields.Add(new("Targets", $"RTO {Durations.Humanize(drill.Rto, culture)}, RPO {Durations.Humanize(drill.Rpo, culture)}"));
        }

        var sections = new List<CardSection> { new FieldsSection(fields), new TextSection(Timeline(run, zone, culture)) };
        var buttons = new List<CardButton>();
        if (run.Findings.Count > 0)
        {
            var lines = run.Findings.OrderBy(f => f.Number).Select(f =>
                $"{f.Number}. {f.Text}" + (f.ProblemId is { } p && view.Problems.TryGetValue(p, out var problem) ? $" → {problem}" : ""));
            sections.Add(new TextSection("Findings:\n" + string.Join('\n', lines)));
            buttons.AddRange(run.Findings.Where(f => f.ProblemId is null).OrderBy(f => f.Number)
                .Select(f => new CardButton(run.Findings.Count == 1 ? "Make a problem" : $"Make a problem of {f.Number}", DrillCommands.MakeProblemAction, FindingValue(drill, f))));
        }

        if (run.FinishedAt is null && drill.State == DrillState.Active)
        {
            buttons.Add(new CardButton("Start timer", TimeTracking.TimerCommands.StartAction, id));
        }

        var accent = run.FinishedAt is null ? CardAccent.Info : RunAccent(drill, run);
        return new Card($"{id} run {run.Number}: {drill.Title}", accent, sections, buttons, $"due {Day(run.DueAt, zone, culture)}");
    }

    /// <summary>The value of a finding's "Make a problem" button: <c>DRL-2/3</c> for finding 3.</summary>
    public static string FindingValue(ContinuityDrill drill, DrillFinding finding) =>
        string.Create(CultureInfo.InvariantCulture, $"{drill.RecordId}/{finding.Number}");

    /// <summary>One line of <c>/drill list</c>.</summary>
    public static string Line(DrillView view, DateTimeOffset now, TimeZoneInfo zone, CultureInfo culture)
    {
        var drill = view.Drill;
        var status = drill.State == DrillState.Retired
            ? "retired"
            : drill.OpenRun is { } open
                ? $"run {open.Number} under way"
                : Due(drill, now, zone, culture);
        return $"{drill.RecordId} {drill.Title} · {Word(drill.Scenario)} · {view.Name(drill.OwnerId)} · {status}";
    }

    /// <summary>"RTO 4 hours: achieved 3 hours, 10 minutes ✅ met", or "❌ missed by 50 minutes"; a time equal to the target meets it.</summary>
    public static string Against(string what, TimeSpan target, TimeSpan? achieved, CultureInfo culture)
    {
        var head = $"{what} {Durations.Humanize(target, culture)}";
        return achieved switch
        {
            null => $"{head}: not measured",
            { } a when a <= target => $"{head}: achieved {Durations.Humanize(a, culture)} ✅ met",
            { } a => $"{head}: achieved {Durations.Humanize(a, culture)} ❌ missed by {Durations.Humanize(a - target, culture)}",
        };
    }

    /// <summary>How a finished run went: a pass whose RTO or RPO was missed says so.</summary>
    public static string Verdict(ContinuityDrill drill, DrillRun run)
    {
        if (run.Result == DrillResult.Fail)
        {
            return "❌ failed";
        }

        var missed = Missed(drill, run);
        return missed.Count == 0
            ? "✅ passed, RTO and RPO met"
            : $"⚠️ passed, but the {string.Join(" and the ", missed)} {(missed.Count == 1 ? "was" : "were")} missed";
    }

    /// <summary>The targets a run missed: "RTO", "RPO".</summary>
    public static List<string> Missed(ContinuityDrill drill, DrillRun run)
    {
        var missed = new List<string>();
        if (run.RtoAchieved > drill.Rto)
        {
            missed.Add("RTO");
        }

        if (run.RpoAchieved > drill.Rpo)
        {
            missed.Add("RPO");
        }

        return missed;
    }

    /// <summary>"in 3 months (Fri 26 Feb 2027 09:00 UTC+01:00)", or the overdue flag: "⚠️ overdue by 2 days (due ...)".</summary>
    public static string Due(ContinuityDrill drill, DateTimeOffset now, TimeZoneInfo zone, CultureInfo culture)
    {
        if (drill.State == DrillState.Retired)
        {
            return "retired: no longer due";
        }

        return drill.IsOverdue(now)
            ? $"⚠️ overdue by {Durations.Humanize(now - drill.NextDueAt, culture)} (due {At(drill.NextDueAt, zone, culture)})"
            : $"{drill.NextDueAt.Humanize(now, culture)} ({At(drill.NextDueAt, zone, culture)})";
    }

    /// <summary>The scenario as people say it: "site down", "key person leaves".</summary>
    public static string Word(DrillScenario scenario) => Scenarios.Name(scenario).Replace('-', ' ');

    /// <summary>A moment in a zone, with the zone's offset: "Fri 26 Feb 2027 09:00 UTC+01:00".</summary>
    public static string At(DateTimeOffset at, TimeZoneInfo zone, CultureInfo culture)
    {
        var local = TimeZoneInfo.ConvertTime(at, zone);
        return $"{local.ToString("ddd d MMM yyyy HH:mm", culture)} {ZoneName(zone, local)}";
    }

    private static string Day(DateTimeOffset at, TimeZoneInfo zone, CultureInfo culture) =>
        TimeZoneInfo.ConvertTime(at, zone).ToString("d MMM yyyy", culture);

    private static string ZoneName(TimeZoneInfo zone, DateTimeOffset local) =>
        zone == TimeZoneInfo.Utc ? "UTC" : $"UTC{local:zzz}";

    private static string HistoryLine(ContinuityDrill drill, DrillRun run, TimeZoneInfo zone, CultureInfo culture)
    {
        string Mark(TimeSpan? achieved, TimeSpan target) => achieved is null ? "not measured" : achieved <= target ? "✅" : "❌";
        var findings = run.Findings.Count switch
        {
            0 => "",
            1 => " · 1 finding",
            var n => $" · {n} findings",
        };
        return $"• Run {run.Number} · {Day(run.FinishedAt!.Value, zone, culture)} · {Verdict(drill, run)} · RTO {Mark(run.RtoAchieved, drill.Rto)} · RPO {Mark(run.RpoAchieved, drill.Rpo)}{findings}";
    }

    private static string Timeline(DrillRun run, TimeZoneInfo zone, CultureInfo culture) =>
        "Timeline:\n" + string.Join('\n', run.Timeline
            .OrderBy(e => e.At).ThenBy(e => e.Id)
            .TakeLast(20)
            .Select(e => $"{TimeZoneInfo.ConvertTime(e.At, zone).ToString("dd MMM HH:mm", culture)}  {e.Text}"));

    private static CardAccent Accent(ContinuityDrill drill, DateTimeOffset now)
    {
        if (drill.State == DrillState.Retired)
        {
            return CardAccent.Neutral;
        }

        if (drill.IsOverdue(now))
        {
            return CardAccent.Danger;
        }

        if (drill.OpenRun is not null)
        {
            return CardAccent.Info;
        }

        return drill.LastFinishedRun is { } last ? RunAccent(drill, last) : CardAccent.Info;
    }

    private static CardAccent RunAccent(ContinuityDrill drill, DrillRun run) =>
        run.Result == DrillResult.Fail ? CardAccent.Danger : Missed(drill, run).Count > 0 ? CardAccent.Warning : CardAccent.Success;
}

/// <summary>The scenario kinds as written in commands: <c>site-down</c> ... <c>custom</c>.</summary>
public static class Scenarios
{
    private static readonly (DrillScenario Kind, string Name)[] All =
    [
        (DrillScenario.SiteDown, "site-down"),
        (DrillScenario.SupplierDown, "supplier-down"),
        (DrillScenario.ThirdPartyDown, "third-party-down"),
        (DrillScenario.ZoneDown, "zone-down"),
        (DrillScenario.RegionDown, "region-down"),
        (DrillScenario.KeyPersonLeaves, "key-person-leaves"),
        (DrillScenario.Custom, "custom"),
    ];

    /// <summary>The kinds, as a refusal lists them.</summary>
    public static string Names => string.Join(", ", All.Select(s => $"`{s.Name}`"));

    public static string Name(DrillScenario kind) => All.First(s => s.Kind == kind).Name;

    /// <summary>Reads a kind (<c>site-down</c>, also <c>site_down</c> or <c>SiteDown</c>), or lists the kinds.</summary>
    public static DrillScenario Parse(string text)
    {
        var key = text.Trim().Replace('_', '-').ToLowerInvariant();
        foreach (var (kind, name) in All)
        {
            if (key == name || key == name.Replace("-", "", StringComparison.Ordinal))
            {
                return kind;
            }
        }

        throw new UserException($"`{text}` is not a scenario. Scenarios: {Names}.");
    }
}
