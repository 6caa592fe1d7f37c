using BakeryBot.Core.Chat;
using BakeryBot.Core.Data;
using BakeryBot.Core.Data.Outbox;
using BakeryBot.Core.Jobs;
using BakeryBot.Core.People;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace BakeryBot.Core.Changes;

/// <summary>Settings of releases (section <c>Releases</c>).</summary>
public sealed class ReleaseOptions
{
    public const string Section = "Releases";

    /// <summary>How long before its window opens an approved change's release reminder is posted.</summary>
    public TimeSpan RemindBefore { get; set; } = TimeSpan.FromMinutes(30);

    /// <summary>How often the reminder jobs (release reminders and expiries, drill reminders, timer nudges) run.</summary>
    public TimeSpan CheckEvery { get; set; } = TimeSpan.FromMinutes(1);
}

/// <summary>What a release step did: the change as it is now, whether anything changed, and what to say.</summary>
public sealed record ReleaseResult(Change Change, bool Changed, string Message);

/// <summary>
/// When a change may be released. Pure.
/// <list type="bullet">
/// <item>An approved change (normal or standard) from <see cref="EarlyStart"/> before its window opens
/// until its window ends: earlier is refused (start it nearer the time, or ask for another window),
/// later too (it was approved for that window only: request it again), and so is a release while a
/// change freeze is on.</item>
/// <item>An emergency change at any time, even before the CAB has decided and outside its window or a
/// freeze: emergencies are released first and reviewed after.</item>
/// <item>Never a rejected, expired or withdrawn change, nor a normal or standard one the CAB has not
/// approved yet.</item>
/// <item>Only with rollback steps: an approved change has them; an emergency without them gets them
/// from its requester first (<c>/change rollback</c>), so a rollback is always possible.</item>
/// </list>
/// Anyone may carry out a release (its requester or the engineer doing the work); the card and the
/// audit trail say who started and who finished it.
/// </summary>
public static class ReleasePolicy
{
    /// <summary>How long before its window opens an approved change may start its release.</summary>
    public static readonly TimeSpan EarlyStart = TimeSpan.FromHours(1);

    internal static readonly System.Globalization.CultureInfo Culture = System.Globalization.CultureInfo.GetCultureInfo("en-GB");

    /// <summary>
    /// Why a change that is neither in release nor released cannot start now; null when it can.
    /// <paramref name="freeze"/> is the freeze in force now, if any.
    /// </summary>
    public static string? WhyNotStart(Change change, DateTimeOffset now, FreezeWindow? freeze)
    {
        var id = change.RecordId;
        if (NotReleasable(change) is { } never)
        {
            return never;
        }

        if (change.State == ChangeState.Pending && change.Type != ChangeType.Emergency)
        {
            return $"{id} is awaiting the CAB's decision; a {ChangeService.Word(change.Type)} change is released once approved (only emergency changes go before the CAB decides).";
        }

        if (change.Rollback is null)
        {
            return $"{id} has no rollback steps: its requester adds them with `/change rollback {id} \"...\"` before it is released.";
        }

        if (change.Type == ChangeType.Emergency)
        {
            return null;
        }

        if (now < change.WindowStart - EarlyStart)
        {
            return $"{id}'s window opens {Times.At(change.WindowStart)}, in {Durations.Humanize(change.WindowStart - now, Culture)}; " +
                   "a release may start at most an hour before its window. Start it then, or ask for an earlier window with a new request.";
        }

        if (now > change.WindowEnd)
        {
            return $"{id}'s window ended {Times.At(change.WindowEnd)}; it was approved for that window only. Request it again with a new window.";
        }

        if (freeze is not null)
        {
            return $"The change freeze \"{freeze.Reason}\" is on ({Times.Span(freeze.From, freeze.To)}): only emergency changes are released now.";
        }

        return null;
    }

    /// <summary>Why a change can never be released (rejected, expired, withdrawn); null otherwise.</summary>
    public static string? NotReleasable(Change change) => change.State switch
    {
        ChangeState.Rejected => $"{change.RecordId} was rejected ({change.DecisionReason ?? "by the CAB"}), so it can't be released. Request it again once the CAB's concern is met.",
        ChangeState.Expired => $"{change.RecordId} expired: the CAB did not decide before its window. Request it again with a new window.",
        ChangeState.Cancelled => $"{change.RecordId} was withdrawn by its requester, so it can't be released.",
        _ => null,
    };
}

/// <summary>
/// Releases of changes: start, done (succeeded or failed) and rollback, each with its card updated
/// everywhere it was posted in the same transaction; a repeat changes nothing and says so, a step out
/// of order says why.
/// </summary>
public sealed class ReleaseService(BakeryDbContext db, ChangeService changes, Incidents.IncidentService incidents, CardPublisher publisher, ReleaseReminderPlan plan, IOptions<ReleaseOptions> options, TimeProvider clock, ILogger<ReleaseService> logger)
{
    /// <summary>The longest note a release step takes (it goes with the card's update).</summary>
    public const int MaxNote = 500;

    /// <summary>
    /// The record type of a release reminder's posted card, keyed by the change's id; its card is the
    /// change's own, updated with it.
    /// </summary>
    public const string ReminderRecordType = "release-reminder";

    /// <summary>The most reminders one round handles; the rest wait for the next round.</summary>
    public const int MaxPerRound = 500;

    /// <summary>
    /// Posts the release reminders that are due (<see cref="ReleaseReminderPlan"/>), each in the
    /// channel where its change was requested: the change's card with its Start release button (Done
    /// and Roll back follow once it starts). Each is claimed with a conditional update of its row in
    /// the transaction that writes the post, so a later round, another instance or a restart never
    /// posts it twice, and one missed while the bot was down is posted once when it is back, saying
    /// how long ago the window opened if it has. One that no longer makes sense (the change's window
    /// has closed, or it is no longer approved) is dropped with a log line. Returns the reminded changes.
    /// </summary>
    public async Task<IReadOnlyList<RecordId>> RemindAsync(CancellationToken ct)
    {
        if (options.Value.RemindBefore <= TimeSpan.Zero)
        {
            throw new InvalidOperationException($"{ReleaseOptions.Section}:{nameof(ReleaseOptions.RemindBefore)} must be positive.");
        }

        // Stored times are UTC: SQLite compares them as encoded integers, and PostgreSQL accepts only UTC offsets.
        var now = clock.GetUtcNow().ToUniversalTime();
        var due = await db.Reminders.AsNoTracking()
            .Where(r => r.Kind == ReminderKind.ReleaseWindow && r.HandledAt == null && r.DueAt <= now)
            .OrderBy(r => r.DueAt).ThenBy(r => r.Id)
            .Take(MaxPerRound)
            .ToListAsync(ct);
        var reminded = new List<RecordId>();
        await Rounds.EachAsync(db, logger, due, r => $"The release reminder #{r.Id} (change #{r.RecordId})", async reminder =>
        {
            var change = await db.Changes.WithCisAndVotes().FirstOrDefaultAsync(c => c.Id == reminder.RecordId, ct);
            var why = change is null ? "its change is gone"
                : change.State != ChangeState.Approved ? $"{change.RecordId} is {ChangeService.Word(change.State)}"
                : now >= change.WindowEnd ? $"{change.RecordId}'s window closed {Durations.Humanize(now - change.WindowEnd, Culture)} ago"
                : null;
            if (why is not null)
            {
                if (await db.ClaimAsync(reminder, now, $"dropped: {why}", ct))
                {
                    logger.LogInformation("Dropped the release reminder of change #{ChangeId} due {Due:O}: {Why}", reminder.RecordId, reminder.DueAt, why);
                }

                db.ChangeTracker.Clear();
                return;
            }

            await using var transaction = await db.Database.BeginTransactionAsync(ct);
            if (!await db.ClaimAsync(reminder, now, "sent", ct))
            {
                db.ChangeTracker.Clear();
                return; // Another instance has it.
            }

            var key = change!.RecordId.ToString();
            var lead = change.WindowStart > now
                ? $"⏰ {key} {change.Title}: its window opens in {Durations.Humanize(change.WindowStart - now, Culture)} ({Times.At(change.WindowStart)}). "
                : $"⏰ {key} {change.Title}: its window opened {Durations.Humanize(now - change.WindowStart, Culture)} ago and closes in {Durations.Humanize(change.WindowEnd - now, Culture)} ({Times.At(change.WindowEnd)}). ";
            publisher.Post(change.TenantId, change.Platform, change.ChannelId, null, ReminderRecordType, key, await changes.CardAsync(change, ct),
                lead + $"Start the release on the card (or `/release start {key}`) when you begin.");
            await db.SaveChangesAsync(ct);
            await db.CommitAsync(transaction, ct);
            reminded.Add(change.RecordId);
        }, ct);

        return reminded;
    }

    /// <summary>Starts the release (<see cref="ReleasePolicy"/>): the change is in release, with who and when.</summary>
    public async Task<ReleaseResult> StartAsync(Tenant tenant, Person actor, RecordId id, CancellationToken ct)
    {
        var change = await changes.GetAsync(tenant.Id, id, ct);
        // A normal change still undecided at its deadline expires first, and says so below (an emergency never expires).
        await changes.ExpireIfDueAsync(tenant, change, ct);

        switch (change.State)
        {
            case ChangeState.InRelease:
                return new ReleaseResult(change, false, $"{id}'s release started already ({await WhoWhenAsync(change.ReleaseStartedById, change.ReleaseStartedAt, ct)}); nothing changed.");
            case ChangeState.Completed:
                return new ReleaseResult(change, false, $"{id} was released already ({ChangeService.Word(change.Outcome ?? ReleaseOutcome.Succeeded)}, {await WhoWhenAsync(change.ReleasedById, change.ReleasedAt, ct)}); nothing changed.");
        }

        var now = clock.GetUtcNow();
        var freeze = change.Type == ChangeType.Emergency ? null : await changes.FreezeAtAsync(tenant.Id, now, now.AddTicks(1), ct);
        if (ReleasePolicy.WhyNotStart(change, now, freeze) is { } why)
        {
            throw new UserException(why);
        }

        (change.State, change.ReleaseStartedAt, change.ReleaseStartedById) = (ChangeState.InRelease, now, actor.Id);
        var before = change.Decision is null ? " before the CAB's decision (an emergency)" : "";
        await SaveAndUpdateAsync(tenant.Id, change, $"{actor.DisplayName} started releasing {id}{before}.", ct);
        return new ReleaseResult(change, true, $"{id} is in release. When it is done: `/release done {id}` (add `failed` if it failed), or `/release rollback {id}`.");
    }

    /// <summary>Ends a release in progress as succeeded, or as failed with <paramref name="failed"/>.</summary>
    public Task<ReleaseResult> DoneAsync(Tenant tenant, Person actor, RecordId id, bool failed, string? note, CancellationToken ct) =>
        FinishAsync(tenant, actor, id, failed ? ReleaseOutcome.Failed : ReleaseOutcome.Succeeded, note, ct);

    /// <summary>Ends a release in progress as rolled back (its rollback steps were carried out).</summary>
    public Task<ReleaseResult> RollbackAsync(Tenant tenant, Person actor, RecordId id, string? note, CancellationToken ct) =>
        FinishAsync(tenant, actor, id, ReleaseOutcome.RolledBack, note, ct);

    private async Task<ReleaseResult> FinishAsync(Tenant tenant, Person actor, RecordId id, ReleaseOutcome outcome, string? note, CancellationToken ct)
    {
        note = string.IsNullOrWhiteSpace(note) ? null : note.Trim();
        if (note is { Length: > MaxNote })
        {
            throw new UserException($"Keep the note under {MaxNote} characters.");
        }

        var change = await changes.GetAsync(tenant.Id, id, ct);
        var rollback = outcome == ReleaseOutcome.RolledBack;
        switch (change.State)
        {
            case ChangeState.Completed when rollback && change.Outcome == ReleaseOutcome.RolledBack:
                return new ReleaseResult(change, false, $"{id} was rolled back already ({await WhoWhenAsync(change.ReleasedById, change.ReleasedAt, ct)}); nothing changed.");
            case ChangeState.Completed when rollback:
                throw new UserException($"{id}'s release is over ({ChangeService.Word(change.Outcome ?? ReleaseOutcome.Succeeded)}, {await WhoWhenAsync(change.ReleasedById, change.ReleasedAt, ct)}), so there is no release left to roll back. " +
                                        $"If it broke something, link the incident to it (`/incident link INC-42 {id}`) and undo it with a new change.");
            case ChangeState.Completed:
                return new ReleaseResult(change, false, $"{id} was released already ({ChangeService.Word(change.Outcome ?? ReleaseOutcome.Succeeded)}, {await WhoWhenAsync(change.ReleasedById, change.ReleasedAt, ct)}); nothing changed." +
                                                        (outcome == ReleaseOutcome.Failed && change.Outcome == ReleaseOutcome.Succeeded ? $" If it broke something, link the incident to it: `/incident link INC-42 {id}`." : ""));
            case ChangeState.InRelease:
                break;
            default:
                throw new UserException(ReleasePolicy.NotReleasable(change)
                    ?? $"{id}'s release has not started, so there is nothing to {(rollback ? "roll back" : "finish")}. Start it with `/release start {id}`.");
        }

        var now = clock.GetUtcNow();
        (change.State, change.Outcome, change.ReleasedAt, change.ReleasedById) = (ChangeState.Completed, outcome, now, actor.Id);
        var what = outcome switch
        {
            ReleaseOutcome.Succeeded => "released",
            ReleaseOutcome.Failed => "recorded a failed release of",
            _ => "rolled back",
        };
        await SaveAndUpdateAsync(tenant.Id, change, $"{actor.DisplayName} {what} {id}{(note is null ? "." : $": {note}")}", ct);
        return new ReleaseResult(change, true, outcome switch
        {
            ReleaseOutcome.Succeeded => $"{id} is released.",
            ReleaseOutcome.Failed => $"{id} is recorded as a failed release. If it left an incident, link it: `/incident link INC-42 {id}`.",
            _ => $"{id} is recorded as rolled back.",
        });
    }

    /// <summary>
    /// Records that a change's release caused an incident (the incident card's "Caused by" button, or
    /// <c>/incident link INC-4 CHG-7</c>): the incident names the change, the change is marked as a
    /// failure (<see cref="Change.CausedFailure"/>, which counts in the change failure rate), both are
    /// audited and both cards are updated everywhere they were posted, in one transaction. Only a
    /// change whose release started before the incident was declared can have caused it. Saying it
    /// again changes nothing; naming another change moves the link, and the first change stays a
    /// failure only if another incident names it.
    /// </summary>
    public async Task<ReleaseResult> LinkCauseAsync(Tenant tenant, Person actor, RecordId incidentId, RecordId changeId, CancellationToken ct)
    {
        var change = await changes.GetAsync(tenant.Id, changeId, ct);
        var incident = await incidents.GetAsync(tenant.Id, incidentId, ct);
        if (incident.CausedByChangeId == change.Id)
        {
            return new ReleaseResult(change, false, $"{incidentId} is linked to {changeId} as its cause already; nothing changed.");
        }

        if (change.ReleaseStartedAt is not { } started)
        {
            throw new UserException($"{changeId} has not been released, so it can't have caused {incidentId}.");
        }

        if (started > incident.DeclaredAt)
        {
            throw new UserException($"{changeId}'s release started {Times.At(started)}, after {incidentId} was declared ({Times.At(incident.DeclaredAt)}), so it can't have caused it.");
        }

        var previous = incident.CausedByChangeId is { } previousId
            ? await db.Changes.WithCisAndVotes().FirstAsync(c => c.Id == previousId, ct)
            : null;
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        change.CausedFailure = true;
        // Saves the change's mark with the incident, and updates the incident's cards.
        await incidents.LinkChangeAsync(tenant, actor, incidentId, change, ct);
        var lead = $"{actor.DisplayName} marked {changeId} as the cause of {incidentId}.";
        if (previous is not null)
        {
            previous.CausedFailure = await db.Incidents.AnyAsync(i => i.CausedByChangeId == previous.Id, ct);
            lead = $"{actor.DisplayName} moved the cause of {incidentId} from {previous.RecordId} to {changeId}.";
            await db.SaveChangesAsync(ct);
            await UpdateCardsAsync(tenant.Id, previous, lead, ct);
        }

        await UpdateCardsAsync(tenant.Id, change, lead, ct);
        await db.SaveChangesAsync(ct);
        await db.CommitAsync(tx, ct);
        return new ReleaseResult(change, true, previous is null
            ? $"{incidentId} is linked to {changeId} as its cause; {changeId} counts as a change failure."
            : $"{incidentId} is linked to {changeId} as its cause now, no longer to {previous.RecordId}; {changeId} counts as a change failure.");
    }

    /// <summary>
    /// The release metrics of [<paramref name="from"/>, <paramref name="to"/>) (<see cref="ReleaseMetrics"/>):
    /// one query for the completed releases' four columns, one for the times of the incidents caused
    /// by a change, then arithmetic in memory.
    /// </summary>
    public async Task<ReleaseMetricsReport> MetricsAsync(int tenantId, DateTimeOffset from, DateTimeOffset to, CancellationToken ct)
    {
        // Stored times are UTC: SQLite compares them as encoded integers, and PostgreSQL accepts only UTC offsets.
        var (fromUtc, toUtc) = (from.ToUniversalTime(), to.ToUniversalTime());
        var releases = await db.Changes.AsNoTracking()
            .Where(c => c.TenantId == tenantId && c.State == ChangeState.Completed && c.ReleasedAt >= fromUtc && c.ReleasedAt < toUtc)
            .Select(c => new ReleaseFacts(c.RequestedAt, c.ReleasedAt!.Value, c.Outcome ?? ReleaseOutcome.Succeeded, c.CausedFailure))
            .ToListAsync(ct);
        var restores = await db.Incidents.AsNoTracking()
            .Where(i => i.TenantId == tenantId && i.CausedByChangeId != null && i.DeclaredAt >= fromUtc && i.DeclaredAt < toUtc)
            .Select(i => new RestoreFacts(i.DeclaredAt, i.ResolvedAt))
            .ToListAsync(ct);
        return ReleaseMetrics.Compute(from, to, releases, restores);
    }

    /// <summary>Changes in release now, then those released in the last week, newest first.</summary>
    public async Task<List<Change>> ListAsync(int tenantId, CancellationToken ct)
    {
        var since = clock.GetUtcNow().AddDays(-7).ToUniversalTime();
        var list = await db.Changes.AsNoTracking()
            .Where(c => c.TenantId == tenantId && (c.State == ChangeState.InRelease || (c.State == ChangeState.Completed && c.ReleasedAt >= since)))
            .ToListAsync(ct);
        return list.OrderBy(c => c.State == ChangeState.InRelease ? 0 : 1).ThenByDescending(c => c.ReleasedAt ?? c.ReleaseStartedAt).ThenBy(c => c.Number).ToList();
    }

    /// <summary>The change's card, updated everywhere it was posted, committed with the change itself.</summary>
    private async Task SaveAndUpdateAsync(int tenantId, Change change, string lead, CancellationToken ct)
    {
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        // Released (or being released) before its reminder: the reminder goes.
        await plan.PlanAsync(change, ct);
        await db.SaveChangesAsync(ct);
        await UpdateCardsAsync(tenantId, change, lead, ct);
        await db.SaveChangesAsync(ct);
        await db.CommitAsync(tx, ct);
    }

    /// <summary>Updates every posted copy of the change's card.</summary>
    private async Task UpdateCardsAsync(int tenantId, Change change, string lead, CancellationToken ct)
    {
        var card = await changes.CardAsync(change, ct);
        await publisher.UpdateEverywhereAsync(tenantId, ChangeService.RecordType, change.RecordId.ToString(), card, lead, ct);
        await publisher.UpdateEverywhereAsync(tenantId, ReminderRecordType, change.RecordId.ToString(), card, lead, ct);
    }

    private static System.Globalization.CultureInfo Culture => ReleasePolicy.Culture;

    /// <summary>"by Bob, Thu 26 Nov 22:05 UTC".</summary>
    private async Task<string> WhoWhenAsync(int? personId, DateTimeOffset? at, CancellationToken ct)
    {
        var name = personId is { } pid ? await db.People.Where(p => p.Id == pid).Select(p => p.DisplayName).FirstOrDefaultAsync(ct) : null;
        return $"by {name ?? "someone"}{(at is { } when ? $", {Times.At(when)}" : "")}";
    }
}
