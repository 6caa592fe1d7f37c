using BakeryBot.Core.Changes;
using BakeryBot.Core.Data;
using BakeryBot.Core.Drills;
using BakeryBot.Core.Incidents;
using BakeryBot.Core.People;
using BakeryBot.Core.TimeTracking;
using Microsoft.EntityFrameworkCore;
using Timer = BakeryBot.Core.TimeTracking.Timer;

namespace BakeryBot.Core.Home;

/// <summary>A change waiting for the person's vote, with the approvals it needs and who requested it.</summary>
public sealed record HomeChange(Change Change, int Required, string RequestedBy);

/// <summary>
/// What needs one person, gathered from each area's own rules: the open incidents they answer for, the
/// changes waiting for their vote, their running timer, and the drills due soon. Each list holds at most
/// <see cref="HomeService.MaxItems"/>; the counts say how many there are in all.
/// </summary>
public sealed record HomeView(
    Person Person,
    IReadOnlyList<Incident> Incidents,
    int IncidentCount,
    bool OnCab,
    IReadOnlyList<HomeChange> Changes,
    int ChangeCount,
    Timer? Timer,
    IReadOnlyList<DrillView> Drills,
    int DrillCount)
{
    /// <summary>Nothing at all needs the person.</summary>
    public bool IsQuiet => IncidentCount == 0 && ChangeCount == 0 && Timer is null && DrillCount == 0;
}

/// <summary>Gathers a person's <see cref="HomeView"/>; the areas' services decide what belongs in it.</summary>
public sealed class HomeService(BakeryDbContext db, IncidentService incidents, ChangeService changes, TimerService timers, DrillService drills)
{
    /// <summary>
    /// Items per list. Slack's Home tab holds 100 blocks: the summary and section cards, the timer, and 8
    /// incidents (3 blocks each), 8 changes (4, with the reason box) and 8 drills (3) come to 92.
    /// </summary>
    public const int MaxItems = 8;

    /// <summary>How far ahead drills count as due soon.</summary>
    public static readonly TimeSpan DrillHorizon = TimeSpan.FromDays(14);

    public async Task<HomeView> ForAsync(Tenant tenant, Person person, bool onCab, DateTimeOffset now, CancellationToken ct)
    {
        var (open, openCount) = await incidents.OpenForAsync(tenant.Id, person.Id, MaxItems, ct);
        var (waiting, waitingCount) = await changes.AwaitingVoteAsync(tenant.Id, person, onCab, MaxItems, ct);
        var requesters = waiting.Select(w => w.Change.RequestedById).Distinct().ToList();
        var names = requesters.Count == 0 ? [] : await db.People.Where(p => requesters.Contains(p.Id)).ToDictionaryAsync(p => p.Id, p => p.DisplayName, ct);
        var timer = await timers.RunningAsync(person, ct);
        var (due, dueCount) = await drills.DueByAsync(tenant.Id, person.Id, now + DrillHorizon, MaxItems, ct);
        return new HomeView(
            person,
            open,
            openCount,
            onCab,
            waiting.Select(w => new HomeChange(w.Change, w.Required, names.GetValueOrDefault(w.Change.RequestedById, "someone"))).ToList(),
            waitingCount,
            timer,
            due,
            dueCount);
    }
}
