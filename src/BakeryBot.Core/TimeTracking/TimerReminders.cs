using System.Globalization;
using BakeryBot.Core.Chat;
using BakeryBot.Core.Data;
using BakeryBot.Core.Data.Outbox;
using BakeryBot.Core.People;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace BakeryBot.Core.TimeTracking;

/// <summary>Settings of timers (section <c>Timers</c>).</summary>
public sealed class TimerOptions
{
    public const string Section = "Timers";

    /// <summary>A timer running this long gets its owner asked whether it still runs; then again after each further work day.</summary>
    public TimeSpan WorkDay { get; set; } = TimeSpan.FromHours(8);
}

/// <summary>What a nudge's Stop or Keep did: whether anything changed, the card as it is now (when the timer still exists), what to say.</summary>
public sealed record NudgeAnswer(bool Changed, Card? Card, string Message);

/// <summary>
/// Nudges for timers left running: a timer that has run a work day (<see cref="TimerOptions.WorkDay"/>) since
/// it started, since its owner was last asked, or since they said to keep it, gets its owner a direct message
/// with Stop and Keep. Its owner alone can answer; an answer after the timer stopped changes nothing.
/// </summary>
public sealed class TimerReminders(BakeryDbContext db, TimerService timers, CardPublisher publisher, IOptions<TimerOptions> options, TimeProvider clock)
{
    /// <summary>The record type of nudge cards (<see cref="PostedCard"/>), keyed by the timer's id, so Stop and Keep update them.</summary>
    public const string NudgeRecordType = "timer-nudge";

    /// <summary>Timers claimed per run; the rest wait for the next run.</summary>
    private const int BatchSize = 200;

    internal static readonly CultureInfo Culture = CultureInfo.GetCultureInfo("en-GB");

    private TimeSpan WorkDay => options.Value.WorkDay > TimeSpan.Zero
        ? options.Value.WorkDay
        : throw new InvalidOperationException($"{TimerOptions.Section}:{nameof(TimerOptions.WorkDay)} must be positive.");

    /// <summary>
    /// Sends the nudges due: one per timer that has run a work day since it started, was last nudged or was
    /// kept. Each is claimed with a conditional update of its <see cref="Timer.NudgedAt"/> that commits with
    /// the card's outbox row, so two instances (or a run repeated after a restart) nudge a timer once per work
    /// day, and a crash leaves neither or both. Returns the ids of the timers nudged.
    /// </summary>
    public async Task<IReadOnlyList<int>> NudgeAsync(CancellationToken ct)
    {
        var workDay = WorkDay;
        // Stored times are UTC: SQLite compares them as encoded integers, and PostgreSQL accepts only UTC offsets.
        var now = clock.GetUtcNow().ToUniversalTime();
        var due = now - workDay;
        var candidates = await db.Set<Timer>().AsNoTracking()
            .Where(t => (t.NudgedAt ?? t.StartedAt) <= due && (t.KeptAt == null || t.KeptAt <= due))
            .OrderBy(t => t.Id)
            .Select(t => t.Id)
            .Take(BatchSize)
            .ToListAsync(ct);
        var nudged = new List<int>();
        foreach (var id in candidates)
        {
            if (await NudgeAsync(id, now, due, workDay, ct))
            {
                nudged.Add(id);
            }
        }

        return nudged;
    }

    /// <summary>Stops the nudged timer into a time entry, as <c>/timer stop</c> does; its cards show what was logged.</summary>
    public async Task<NudgeAnswer> StopAsync(Tenant tenant, Person actor, string timerKey, TimeZoneInfo zone, CancellationToken ct)
    {
        if (await OwnTimerAsync(tenant, actor, timerKey, ct) is not { } timer)
        {
            return Gone;
        }

        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        // Only this timer: one started meanwhile (replacing it) is not stopped by this card's button.
        if (await timers.StopAsync(tenant, actor, null, ct, timer.Id) is not { } entry)
        {
            return Gone;
        }

        // Stopping the timer updated its nudge cards.
        var card = TimerCards.Stopped(entry, entry.CreatedAt, zone, Culture);
        var logged = $"Logged {Durations.Humanize(entry.Duration, Culture)} on {TimerService.Subject(entry.RecordKey, entry.Note)}.";
        await db.SaveChangesAsync(ct);
        await db.CommitAsync(transaction, ct);
        return new NudgeAnswer(true, card, logged);
    }

    /// <summary>Leaves the nudged timer running: the next nudge waits another work day from now. Once per nudge.</summary>
    public async Task<NudgeAnswer> KeepAsync(Tenant tenant, Person actor, string timerKey, TimeZoneInfo zone, CancellationToken ct)
    {
        if (await OwnTimerAsync(tenant, actor, timerKey, ct) is not { } timer)
        {
            return Gone;
        }

        var workDay = WorkDay;
        if (timer.KeptAt is { } kept && kept >= (timer.NudgedAt ?? timer.StartedAt))
        {
            return new NudgeAnswer(false, TimerCards.Kept(timer, kept, workDay, zone, Culture), $"You kept this timer running already ({TimerCards.Local(kept, zone, Culture)}); nothing changed.");
        }

        var now = clock.GetUtcNow().ToUniversalTime();
        timer.KeptAt = now;
        var card = TimerCards.Kept(timer, now, workDay, zone, Culture);
        var subject = TimerService.Subject(timer.RecordKey, timer.Text);
        await publisher.UpdateEverywhereAsync(tenant.Id, NudgeRecordType, TimerCards.Key(timer), card, $"⏱ Your timer on {subject} keeps running.", ct);
        await db.SaveChangesAsync(ct);
        return new NudgeAnswer(true, card, $"Your timer on {subject} keeps running; you'll be asked again after another work day ({Durations.Humanize(workDay, Culture)}).");
    }

    private static NudgeAnswer Gone { get; } =
        new(false, null, "That timer is not running any more (it was stopped, or another timer replaced it); nothing changed.");

    /// <summary>The timer a nudge's button names, when it still runs; only its owner may answer for it.</summary>
    private async Task<Timer?> OwnTimerAsync(Tenant tenant, Person actor, string timerKey, CancellationToken ct)
    {
        if (!int.TryParse(timerKey, NumberStyles.None, CultureInfo.InvariantCulture, out var id))
        {
            throw new UserException("That button does not name a timer. `/timer status` shows yours.");
        }

        var timer = await db.Set<Timer>().FirstOrDefaultAsync(t => t.Id == id && t.TenantId == tenant.Id, ct);
        if (timer is not null && timer.PersonId != actor.Id)
        {
            var owner = await db.People.Where(p => p.Id == timer.PersonId).Select(p => p.DisplayName).FirstOrDefaultAsync(ct);
            throw new UserException($"That is {owner ?? "someone else"}'s timer: only they can stop or keep it.");
        }

        return timer;
    }

    private async Task<bool> NudgeAsync(int id, DateTimeOffset now, DateTimeOffset due, TimeSpan workDay, CancellationToken ct)
    {
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        // The claim: of two runs at once only one moves the nudge time (the other's update finds the timer
        // no longer due), and the card's outbox row commits with it.
        var claimed = await db.Set<Timer>()
            .Where(t => t.Id == id && (t.NudgedAt ?? t.StartedAt) <= due && (t.KeptAt == null || t.KeptAt <= due))
            .ExecuteUpdateAsync(s => s.SetProperty(t => t.NudgedAt, now), ct);
        if (claimed == 0)
        {
            return false;
        }

        var timer = await db.Set<Timer>().AsNoTracking().SingleAsync(t => t.Id == id, ct);
        var tenant = await db.Tenants.AsNoTracking().SingleAsync(t => t.Id == timer.TenantId, ct);
        var person = await db.People.AsNoTracking().Include(p => p.Identities).SingleAsync(p => p.Id == timer.PersonId, ct);
        // The main id first (the one the person was first known by), then the others the platform uses.
        var userIds = person.Identities.Where(i => i.Platform == tenant.Platform).OrderBy(i => i.Id).Select(i => i.ExternalId).ToList();
        if (userIds.Count > 0)
        {
            var zone = TimeZones.Find(person.TimeZone);
            var subject = TimerService.Subject(timer.RecordKey, timer.Text);
            var lead = $"⏰ Your timer on {subject} has run {Durations.Humanize(now - timer.StartedAt, Culture)}. Still on it? Stop logs the time; Keep leaves it running.";
            publisher.PostDirect(tenant.Id, tenant.Platform, userIds, NudgeRecordType, TimerCards.Key(timer), TimerCards.Nudge(timer, now, workDay, zone, Culture), lead);
            await db.SaveChangesAsync(ct);
        }

        await db.CommitAsync(transaction, ct);
        return true;
    }
}
