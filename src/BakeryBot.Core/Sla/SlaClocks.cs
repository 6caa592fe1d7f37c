using System.Globalization;
using BakeryBot.Core.Chat;
using BakeryBot.Core.Cmdb;
using BakeryBot.Core.Data;
using BakeryBot.Core.Data.Outbox;
using BakeryBot.Core.Incidents;
using BakeryBot.Core.Jobs;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;

namespace BakeryBot.Core.Sla;

/// <summary>What a round of the SLA clocks did: the warnings and breaches posted (<c>INC-42 acknowledge 75%</c>) and the reminders dropped.</summary>
public sealed record SlaClockRound(IReadOnlyList<string> Warned, IReadOnlyList<string> Breached, IReadOnlyList<string> Dropped);

/// <summary>The clocks a new incident needs, by kind: when each is due and the target it comes from (<see cref="SlaClocks.PlanNewAsync"/>).</summary>
public sealed record SlaClockPlan(IReadOnlyDictionary<ReminderKind, (DateTimeOffset Due, string Detail)> Wanted);

/// <summary>Whether this instance has planned, since it started, the clocks of open incidents that had none (<see cref="SlaClocks.PlanUnplannedAsync"/>).</summary>
public sealed class SlaClockStart
{
    private int _done;

    public bool Done => Volatile.Read(ref _done) == 1;

    public void MarkDone() => Volatile.Write(ref _done, 1);
}

/// <summary>
/// The SLA clocks of incidents: a warning at 75% of the time to acknowledge and to resolve, and a
/// notice at the breach of each, against the strictest target of the services the incident reaches in
/// the CMDB (the severity's own target, else the service's target for all severities, as
/// <c>/sla report</c> counts breaches). Each is a <see cref="Reminder"/> row, planned when the incident
/// is declared and moved whenever it or a target changes (<see cref="PlanAsync"/>); the
/// <c>sla-clocks</c> job claims the due ones (<see cref="RunAsync"/>).
/// </summary>
public sealed class SlaClocks(BakeryDbContext db, CmdbGraph graph, CardPublisher publisher, TimeProvider clock, ILogger<SlaClocks> logger)
{
    /// <summary>The share of a target at which the warning comes.</summary>
    public const int WarnPercent = 75;

    /// <summary>The most reminders one round handles; the rest wait for the next round.</summary>
    public const int MaxPerRound = 500;

    internal static readonly ReminderKind[] Kinds =
        [ReminderKind.SlaAcknowledgeWarning, ReminderKind.SlaAcknowledgeBreach, ReminderKind.SlaResolveWarning, ReminderKind.SlaResolveBreach];

    private static readonly CultureInfo Culture = CultureInfo.GetCultureInfo("en-GB");

    /// <summary>
    /// Brings the incident's clocks in line with it: adds the ones it needs, moves those whose target
    /// or start changed, and removes those that no longer run (acknowledged, resolved, no target). A
    /// clock already handled stays handled unless its target changed and the new moment is still ahead.
    /// Call with the incident saved at least once (it needs its id), before saving its change: the
    /// clocks commit with it.
    /// </summary>
    public async Task PlanAsync(Incident incident, CancellationToken ct)
    {
        var wanted = await WantedAsync(incident, ct);
        var existing = await db.Reminders.Where(r => r.RecordId == incident.Id && Kinds.Contains(r.Kind)).ToListAsync(ct);
        Apply(incident, wanted, existing);
    }

    /// <summary>
    /// The clocks a new incident starts with, read from the targets and the CMDB as they are now: before
    /// its transaction begins, as nothing here depends on its number. <see cref="Start"/> adds them.
    /// </summary>
    public async Task<SlaClockPlan> PlanNewAsync(Incident incident, CancellationToken ct) =>
        new(await WantedAsync(incident, ct));

    /// <summary>
    /// Adds the clocks planned for a new incident (<see cref="PlanNewAsync"/>), as <see cref="PlanAsync"/>
    /// would: call with the incident saved once (it needs its id), before saving them. An incident only
    /// just added has no clocks to move, so none are read. False when it needs none.
    /// </summary>
    public bool Start(Incident incident, SlaClockPlan plan)
    {
        Apply(incident, plan.Wanted, []);
        return plan.Wanted.Count > 0;
    }

    private void Apply(Incident incident, IReadOnlyDictionary<ReminderKind, (DateTimeOffset Due, string Detail)> wanted, List<Reminder> existing)
    {
        var now = clock.GetUtcNow();
        foreach (var kind in Kinds)
        {
            var row = existing.FirstOrDefault(r => r.Kind == kind);
            if (!wanted.TryGetValue(kind, out var want))
            {
                if (row is { HandledAt: null })
                {
                    db.Reminders.Remove(row);
                }

                continue;
            }

            if (row is null)
            {
                db.Reminders.Add(new Reminder { TenantId = incident.TenantId, Kind = kind, RecordId = incident.Id, DueAt = want.Due, Detail = want.Detail });
            }
            else if (row.HandledAt is null)
            {
                if (row.Outcome is { } outcome && outcome == RearmedOutcome(want.Detail) && want.Due <= now)
                {
                    // Back to the target it was already sent for, whose moment has passed: sent it stays.
                    (row.DueAt, row.Detail, row.HandledAt, row.Outcome) = (want.Due, want.Detail, now, "sent");
                }
                else
                {
                    (row.DueAt, row.Detail) = (want.Due, want.Detail);
                }
            }
            else if (row.Detail != want.Detail && want.Due > now)
            {
                // A new target: its clock runs again (remembering what it was sent for).
                (row.DueAt, row.Detail, row.HandledAt, row.Outcome) = (want.Due, want.Detail, null, RearmedOutcome(row.Detail));
            }
        }
    }

    /// <summary>What an incident's clocks are planned from (besides the targets and the CMDB): when these are unchanged, so are its clocks.</summary>
    public static string InputsOf(Incident incident) =>
        string.Join('|', incident.State, incident.Severity, incident.RespondedAt?.UtcTicks, string.Join(',', incident.Cis.Select(c => c.CiId).Order()));

    /// <summary>Plans again the clocks of a tenant's open incidents: after a target changed.</summary>
    public async Task PlanOpenAsync(int tenantId, CancellationToken ct)
    {
        var open = await db.Incidents.Include(i => i.Cis).Where(i => i.TenantId == tenantId).Where(Incident.Open).ToListAsync(ct);
        foreach (var incident in open)
        {
            await PlanAsync(incident, ct);
        }
    }

    /// <summary>Plans again the clocks of a tenant's open incidents and saves them, in one commit: after the CMDB's relations changed what they reach.</summary>
    public async Task PlanOpenAndSaveAsync(int tenantId, CancellationToken ct)
    {
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        await PlanOpenAsync(tenantId, ct);
        await db.SaveChangesAsync(ct);
        await transaction.CommitAsync(ct);
    }

    /// <summary>
    /// Plans the clocks of the open incidents that have none at all: those open when this version of the
    /// bot first started (their clocks were not planned when they were declared). One that has no target
    /// gets none again, and is looked at again on the next start; each instance does this once per start.
    /// </summary>
    public async Task<int> PlanUnplannedAsync(CancellationToken ct)
    {
        var open = await db.Incidents.Include(i => i.Cis)
            .Where(Incident.Open)
            .Where(i => i.Cis.Any() && !db.Reminders.Any(r => r.RecordId == i.Id && Kinds.Contains(r.Kind)))
            .OrderBy(i => i.Id)
            .ToListAsync(ct);
        foreach (var incident in open)
        {
            await PlanAsync(incident, ct);
        }

        await db.SaveChangesAsync(ct);
        return open.Count;
    }

    /// <summary>
    /// Posts the warnings and breaches that are due, each once: a reminder is claimed with a
    /// conditional update committed with its post, so a second instance, a later round or a restart
    /// finds it handled. One that no longer makes sense (the incident was acknowledged or resolved, or
    /// a warning whose breach is due as well after the bot was down) is dropped with a log line.
    /// </summary>
    public async Task<SlaClockRound> RunAsync(CancellationToken ct)
    {
        // Stored times are UTC: SQLite compares them as encoded integers, and PostgreSQL accepts only UTC offsets.
        var now = clock.GetUtcNow().ToUniversalTime();
        var due = await db.Reminders.AsNoTracking()
            .Where(r => r.HandledAt == null && r.DueAt <= now && Kinds.Contains(r.Kind))
            .OrderBy(r => r.DueAt).ThenBy(r => r.Id)
            .Take(MaxPerRound)
            .ToListAsync(ct);
        List<string> warned = [], breached = [], dropped = [];
        await Rounds.EachAsync(db, logger, due, r => $"The SLA reminder #{r.Id} ({r.Kind} of incident #{r.RecordId})", async reminder =>
        {
            var incident = await db.Incidents.AsNoTracking().FirstOrDefaultAsync(i => i.Id == reminder.RecordId, ct);
            var what = incident is null ? $"incident #{reminder.RecordId} {Describe(reminder.Kind)}" : $"{incident.RecordId} {Describe(reminder.Kind)}";
            if (WhyDrop(reminder, incident, due) is { } why)
            {
                if (await db.ClaimAsync(reminder, now, $"dropped: {why}", ct))
                {
                    logger.LogInformation("Dropped the SLA reminder {Reminder} due {Due:O}: {Why}", what, reminder.DueAt, why);
                    dropped.Add(what);
                }

                return;
            }

            await using var transaction = await db.Database.BeginTransactionAsync(ct);
            if (!await db.ClaimAsync(reminder, now, "sent", ct))
            {
                return; // Another instance has it.
            }

            var text = await TextAsync(reminder, incident!, now, ct);
            foreach (var channel in new[] { incident!.ChannelId, incident.IncidentChannelId }.OfType<string>().Distinct())
            {
                publisher.PostText(incident.TenantId, incident.Platform, channel, await IncidentService.ThreadOfAsync(db, incident.TenantId, incident, channel, ct), text);
            }

            await db.SaveChangesAsync(ct);
            await db.CommitAsync(transaction, ct);
            (IsWarning(reminder.Kind) ? warned : breached).Add(what);
        }, ct);

        return new SlaClockRound(warned, breached, dropped);
    }

    /// <summary>Whether the reminder has no more point, and why.</summary>
    private static string? WhyDrop(Reminder reminder, Incident? incident, IReadOnlyList<Reminder> due)
    {
        if (incident is null)
        {
            return "its incident is gone";
        }

        if (!incident.IsOpen)
        {
            return $"{incident.RecordId} is {incident.State.ToString().ToLowerInvariant()}";
        }

        if (reminder.Kind is ReminderKind.SlaAcknowledgeWarning or ReminderKind.SlaAcknowledgeBreach && incident.RespondedAt is not null)
        {
            return $"{incident.RecordId} was acknowledged";
        }

        var breach = reminder.Kind switch
        {
            ReminderKind.SlaAcknowledgeWarning => ReminderKind.SlaAcknowledgeBreach,
            ReminderKind.SlaResolveWarning => ReminderKind.SlaResolveBreach,
            _ => (ReminderKind?)null,
        };
        return breach is { } b && due.Any(r => r.RecordId == reminder.RecordId && r.Kind == b)
            ? "its breach is due as well, and says more"
            : null;
    }

    private async Task<string> TextAsync(Reminder reminder, Incident incident, DateTimeOffset now, CancellationToken ct)
    {
        var (serviceId, target) = ParseDetail(reminder.Detail);
        var service = await db.ConfigurationItems.Where(c => c.Id == serviceId).Select(c => c.Name).FirstOrDefaultAsync(ct) ?? "its service";
        var id = incident.RecordId;
        var head = $"{id} (SEV{incident.Severity}) {incident.Title}";
        var elapsed = now - incident.DeclaredAt;
        var left = target - elapsed;
        string Span(TimeSpan span) => Durations.Humanize(span, Culture);
        return reminder.Kind switch
        {
            ReminderKind.SlaAcknowledgeWarning =>
                $"⏳ {head}: not acknowledged after {Span(elapsed)}. {service}'s time to acknowledge is {Span(target)}: {Span(left)} left. Acknowledge on the card or with `/incident ack {id}`.",
            ReminderKind.SlaAcknowledgeBreach =>
                $"🚨 {head} breached {service}'s time to acknowledge ({Span(target)}): not acknowledged after {Span(elapsed)}. Acknowledge on the card or with `/incident ack {id}`.",
            ReminderKind.SlaResolveWarning =>
                $"⏳ {head}: open for {Span(elapsed)}. {service}'s time to resolve is {Span(target)}: {Span(left)} left.",
            _ =>
                $"🚨 {head} breached {service}'s time to resolve ({Span(target)}): open for {Span(elapsed)}.",
        };
    }

    /// <summary>The moments each clock of the incident is due, with the target it comes from.</summary>
    private async Task<Dictionary<ReminderKind, (DateTimeOffset Due, string Detail)>> WantedAsync(Incident incident, CancellationToken ct)
    {
        var wanted = new Dictionary<ReminderKind, (DateTimeOffset, string)>();
        if (!incident.IsOpen || incident.Cis.Count == 0)
        {
            return wanted;
        }

        var reach = (await graph.ReachAsync(incident.TenantId, incident.Cis.Select(c => c.CiId).ToList(), ct)).Values.SelectMany(s => s).Distinct().ToList();
        var severity = incident.Severity;
        var targets = await db.Set<SlaTarget>().AsNoTracking()
            .Where(t => t.TenantId == incident.TenantId && reach.Contains(t.ServiceId) && (t.Severity == severity || t.Severity == null))
            .Select(t => new { t.ServiceId, t.Severity, t.AcknowledgeSeconds, t.ResolveSeconds })
            .ToListAsync(ct);
        // Per service, the severity's own target, else its target for all severities.
        var perService = targets.GroupBy(t => t.ServiceId).Select(g => g.OrderBy(t => t.Severity is null ? 1 : 0).First()).ToList();

        void Plan(IEnumerable<(int ServiceId, long? Seconds)> candidates, ReminderKind warning, ReminderKind breach)
        {
            if (candidates.Where(c => c.Seconds is > 0).OrderBy(c => c.Seconds).ThenBy(c => c.ServiceId).Select(c => (c.ServiceId, Seconds: c.Seconds!.Value)).FirstOrDefault() is not { Seconds: > 0 } strictest)
            {
                return;
            }

            var detail = $"{strictest.ServiceId}:{strictest.Seconds}";
            wanted[warning] = (incident.DeclaredAt + TimeSpan.FromSeconds(strictest.Seconds * WarnPercent / 100.0), detail);
            wanted[breach] = (incident.DeclaredAt + TimeSpan.FromSeconds(strictest.Seconds), detail);
        }

        if (incident.RespondedAt is null)
        {
            Plan(perService.Select(t => (t.ServiceId, t.AcknowledgeSeconds)), ReminderKind.SlaAcknowledgeWarning, ReminderKind.SlaAcknowledgeBreach);
        }

        Plan(perService.Select(t => (t.ServiceId, t.ResolveSeconds)), ReminderKind.SlaResolveWarning, ReminderKind.SlaResolveBreach);
        return wanted;
    }

    private static (int ServiceId, TimeSpan Target) ParseDetail(string? detail)
    {
        var parts = (detail ?? "").Split(':');
        return parts.Length == 2 && int.TryParse(parts[0], CultureInfo.InvariantCulture, out var service) && long.TryParse(parts[1], CultureInfo.InvariantCulture, out var seconds)
            ? (service, TimeSpan.FromSeconds(seconds))
            : (0, TimeSpan.Zero);
    }

    private static string RearmedOutcome(string? sentFor) => $"re-armed; sent for {sentFor}";

    private static bool IsWarning(ReminderKind kind) => kind is ReminderKind.SlaAcknowledgeWarning or ReminderKind.SlaResolveWarning;

    private static string Describe(ReminderKind kind) => kind switch
    {
        ReminderKind.SlaAcknowledgeWarning => $"acknowledge {WarnPercent}%",
        ReminderKind.SlaAcknowledgeBreach => "acknowledge breach",
        ReminderKind.SlaResolveWarning => $"resolve {WarnPercent}%",
        _ => "resolve breach",
    };
}
