using BakeryBot.Core.Chat;
using BakeryBot.Core.Data;
using BakeryBot.Core.Data.Outbox;
using BakeryBot.Core.People;
using Microsoft.EntityFrameworkCore;

namespace BakeryBot.Core.TimeTracking;

/// <summary>What starting a timer did: the new timer, and the entry of the one it stopped.</summary>
public sealed record TimerStart(Timer Started, TimeEntry? Stopped);

/// <summary>Timers and the time entries they become.</summary>
public sealed class TimerService(BakeryDbContext db, CardPublisher publisher, TimeProvider clock)
{
    /// <summary>Starts a timer; a running one is stopped first (one timer per person).</summary>
    public async Task<TimerStart> StartAsync(Tenant tenant, Person person, RecordId? record, string? text, string? sourceLink, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        var stopped = await StopRunningAsync(tenant, person, null, now, ct);
        var timer = new Timer
        {
            TenantId = tenant.Id,
            PersonId = person.Id,
            StartedAt = now,
            RecordKey = record?.ToString(),
            Text = Clip(text, 500),
            SourceLink = Clip(sourceLink, 1000),
        };
        db.Set<Timer>().Add(timer);
        await db.SaveChangesAsync(ct);
        await db.CommitAsync(tx, ct);
        return new TimerStart(timer, stopped);
    }

    /// <summary>
    /// Stops the running timer into a time entry; null when none was running, or when
    /// <paramref name="onlyTimerId"/> is given and the running timer is another one (a button on an
    /// old timer's card must not stop the timer that replaced it).
    /// </summary>
    public async Task<TimeEntry?> StopAsync(Tenant tenant, Person person, string? note, CancellationToken ct, int? onlyTimerId = null)
    {
        var entry = await StopRunningAsync(tenant, person, note, clock.GetUtcNow(), ct, onlyTimerId);
        if (entry is not null)
        {
            await db.SaveChangesAsync(ct);
        }

        return entry;
    }

    public Task<Timer?> RunningAsync(Person person, CancellationToken ct) =>
        db.Set<Timer>().AsNoTracking().FirstOrDefaultAsync(t => t.PersonId == person.Id, ct);

    /// <summary>What a timer is for, as people read it.</summary>
    public static string Subject(string? recordKey, string? text) => (recordKey, text) switch
    {
        (not null, { Length: > 0 }) => $"{recordKey} ({text})",
        (not null, _) => recordKey,
        (null, { Length: > 0 }) => text,
        _ => "no particular record",
    };

    private async Task<TimeEntry?> StopRunningAsync(Tenant tenant, Person person, string? note, DateTimeOffset now, CancellationToken ct, int? onlyTimerId = null)
    {
        var running = await db.Set<Timer>().FirstOrDefaultAsync(t => t.PersonId == person.Id, ct);
        if (running is null || (onlyTimerId is { } only && running.Id != only))
        {
            return null;
        }

        var entry = new TimeEntry
        {
            TenantId = tenant.Id,
            PersonId = person.Id,
            StartedAt = running.StartedAt,
            Seconds = Math.Max(0, (long)(now - running.StartedAt).TotalSeconds),
            RecordKey = running.RecordKey,
            Note = Clip(string.IsNullOrWhiteSpace(note) ? running.Text : note, 1000),
            SourceLink = running.SourceLink,
            CreatedAt = now,
        };
        db.Set<Timer>().Remove(running);
        db.Set<TimeEntry>().Add(entry);
        // A nudge about this timer, however it was stopped (the nudge's button, /timer stop, or another
        // timer started), shows what was logged instead of buttons that can no longer do anything.
        var logged = $"Logged {Durations.Humanize(entry.Duration, TimerReminders.Culture)} on {Subject(entry.RecordKey, entry.Note)}.";
        await publisher.UpdateEverywhereAsync(tenant.Id, TimerReminders.NudgeRecordType, TimerCards.Key(running),
            TimerCards.Stopped(entry, now, TimeZones.Find(person.TimeZone), TimerReminders.Culture), $"⏱ Timer stopped. {logged}", ct);
        return entry;
    }

    private static string? Clip(string? text, int max) =>
        string.IsNullOrWhiteSpace(text) ? null : text.Length <= max ? text.Trim() : text[..(max - 1)].Trim() + "…";
}
