using System.Globalization;
using BakeryBot.Core.Chat;
using BakeryBot.Core.Data;
using BakeryBot.Core.People;
using Humanizer;
using Microsoft.EntityFrameworkCore;

namespace BakeryBot.Core.TimeTracking;

/// <summary>What logging did: the entry, the local day it is on, and the person's total for that day now.</summary>
public sealed record LoggedTime(TimeEntry Entry, DateOnly Day, TimeSpan DayTotal);

/// <summary>What an edit asks to change; null leaves a value as it is.</summary>
public sealed record TimeEntryEdit(TimeSpan? Duration, RecordId? Record, string? Note, DateOnly? Day)
{
    public bool IsEmpty => Duration is null && Record is null && Note is null && Day is null;
}

/// <summary>One person's time on a record.</summary>
public sealed record TimeReportLine(string Person, TimeSpan Total, int Entries, DateOnly FirstDay, DateOnly LastDay);

/// <summary>Who spent how long on a record: per person (most time first) and in all.</summary>
public sealed record TimeReport(string RecordKey, IReadOnlyList<TimeReportLine> People)
{
    public TimeSpan Total => People.Aggregate(TimeSpan.Zero, (sum, p) => sum + p.Total);

    public int Entries => People.Sum(p => p.Entries);
}

/// <summary>
/// Time entries written by hand (<c>/time log</c>, <c>edit</c>, <c>delete</c>) and read back as lists,
/// timesheets and reports. Days are the person's local days; a day holds at most 24 hours of logged
/// time (and no more than it lasts). Every change is audited through the entry's <see cref="IAudited"/>.
/// </summary>
public sealed class TimeEntryService(BakeryDbContext db, TimeProvider clock)
{
    /// <summary>A note holds at most this many characters (the column's size).</summary>
    public const int MaxNote = 1000;

    private static readonly CultureInfo Culture = CultureInfo.GetCultureInfo("en-GB");

    /// <summary>Logs time on a local day of <paramref name="person"/> (today unless said).</summary>
    public async Task<LoggedTime> LogAsync(Person person, TimeZoneInfo zone, TimeSpan duration, RecordId? record, string? note, DateOnly day, CancellationToken ct)
    {
        var now = Now();
        CheckDay(day, now, zone);
        CheckFits(duration, day, zone);
        var entry = new TimeEntry
        {
            TenantId = person.TenantId,
            PersonId = person.Id,
            StartedAt = Place(day, duration, now, zone),
            Seconds = (long)duration.TotalSeconds,
            RecordKey = record?.ToString(),
            Note = CheckNote(note),
            CreatedAt = now,
        };
        await CheckDayLimitsAsync(person, zone, entry.StartedAt, entry.Seconds, null, ct);
        db.Set<TimeEntry>().Add(entry);
        await db.SaveChangesAsync(ct);
        return new LoggedTime(entry, day, await DayTotalAsync(person, zone, day, ct));
    }

    /// <summary>Changes one of the person's own entries; false when it already was as asked.</summary>
    public async Task<(TimeEntry Entry, bool Changed)> EditAsync(Person person, TimeZoneInfo zone, long entryId, TimeEntryEdit edit, CancellationToken ct)
    {
        var entry = await OwnAsync(person, entryId, ct);
        var seconds = edit.Duration is { } duration ? (long)duration.TotalSeconds : entry.Seconds;
        var start = entry.StartedAt;
        if (edit.Day is { } day)
        {
            var now = Now();
            CheckDay(day, now, zone);
            CheckFits(TimeSpan.FromSeconds(seconds), day, zone);
            start = Place(day, TimeSpan.FromSeconds(seconds), now, zone);
        }
        else if (seconds != entry.Seconds)
        {
            // A new duration on the entry's own day: it must fit that day, and it keeps its start unless
            // it would then run past the day's end, when it is placed on its day as /time log would.
            var own = TimeDays.DayOf(entry.StartedAt, zone);
            CheckFits(TimeSpan.FromSeconds(seconds), own, zone);
            if (entry.StartedAt.AddSeconds(seconds) > TimeDays.StartOf(own.AddDays(1), zone))
            {
                start = Place(own, TimeSpan.FromSeconds(seconds), Now(), zone);
            }
        }

        if (start != entry.StartedAt || seconds != entry.Seconds)
        {
            await CheckDayLimitsAsync(person, zone, start, seconds, entry.Id, ct);
        }

        entry.StartedAt = start;
        entry.Seconds = seconds;
        if (edit.Record is { } record)
        {
            entry.RecordKey = record.ToString();
        }

        if (edit.Note is not null)
        {
            entry.Note = CheckNote(edit.Note);
        }

        db.ChangeTracker.DetectChanges();
        var changed = db.Entry(entry).State == EntityState.Modified;
        await db.SaveChangesAsync(ct);
        return (entry, changed);
    }

    /// <summary>Deletes one of the person's own entries; what it was.</summary>
    public async Task<TimeEntry> DeleteAsync(Person person, long entryId, CancellationToken ct)
    {
        var entry = await OwnAsync(person, entryId, ct);
        db.Set<TimeEntry>().Remove(entry);
        await db.SaveChangesAsync(ct);
        return entry;
    }

    /// <summary>The person's latest entries, newest first.</summary>
    public Task<List<TimeEntry>> RecentAsync(Person person, int count, CancellationToken ct) =>
        db.Set<TimeEntry>().AsNoTracking()
            .Where(e => e.TenantId == person.TenantId && e.PersonId == person.Id)
            .OrderByDescending(e => e.StartedAt).ThenByDescending(e => e.Id)
            .Take(count)
            .ToListAsync(ct);

    /// <summary>The person's week of <paramref name="monday"/> in <paramref name="zone"/> (theirs).</summary>
    public async Task<TimeSheet> WeekAsync(Person person, TimeZoneInfo zone, DateOnly monday, CancellationToken ct)
    {
        var (from, to) = TimeSheet.Bounds(monday, zone);
        return TimeSheet.Build(monday, zone, await OverlappingAsync(person, from, to, null, ct));
    }

    /// <summary>How much the person has on a local day.</summary>
    public async Task<TimeSpan> DayTotalAsync(Person person, TimeZoneInfo zone, DateOnly day, CancellationToken ct)
    {
        var from = TimeDays.StartOf(day, zone);
        var to = TimeDays.StartOf(day.AddDays(1), zone);
        var entries = await OverlappingAsync(person, from, to, null, ct);
        return entries.Aggregate(TimeSpan.Zero, (sum, e) => sum + TimeDays.Overlap(e.StartedAt, e.Seconds, from, to));
    }

    /// <summary>
    /// Who spent how long on a record: each person's total, number of entries, and the first and last
    /// day they worked on it (the days their entries began, in their own time zone).
    /// </summary>
    public async Task<TimeReport> ReportAsync(int tenantId, RecordId record, CancellationToken ct)
    {
        var key = record.ToString();
        var rows = await db.Set<TimeEntry>().AsNoTracking()
            .Where(e => e.TenantId == tenantId && e.RecordKey == key)
            .Join(db.People, e => e.PersonId, p => p.Id, (e, p) => new { e.PersonId, p.DisplayName, p.TimeZone, e.StartedAt, e.Seconds })
            .ToListAsync(ct);
        var people = rows
            .GroupBy(r => r.PersonId)
            .Select(g =>
            {
                var zone = TimeZones.Find(g.First().TimeZone);
                var days = g.Select(r => TimeDays.DayOf(r.StartedAt, zone)).ToList();
                return new TimeReportLine(g.First().DisplayName, TimeSpan.FromSeconds(g.Sum(r => r.Seconds)), g.Count(), days.Min(), days.Max());
            })
            .OrderByDescending(p => p.Total).ThenBy(p => p.Person, StringComparer.OrdinalIgnoreCase)
            .ToList();
        return new TimeReport(key, people);
    }

    /// <summary>The person a mention names in the tenant, without creating one; null when the bot has never seen them.</summary>
    public Task<Person?> FindPersonAsync(int tenantId, string userId, CancellationToken ct) =>
        db.People.AsNoTracking().FirstOrDefaultAsync(p => p.TenantId == tenantId && p.Identities.Any(i => i.ExternalId == userId), ct);

    /// <summary>
    /// Where logged time goes on its day: logged today, it ends now (or starts at midnight when there
    /// has not been that much of today yet); on an earlier day, it starts at that day's midnight. Either
    /// way it stays on the day it was logged for.
    /// </summary>
    internal static DateTimeOffset Place(DateOnly day, TimeSpan duration, DateTimeOffset now, TimeZoneInfo zone)
    {
        var start = TimeDays.StartOf(day, zone);
        if (day == TimeDays.Today(now, zone) && now - duration > start)
        {
            start = now - duration;
        }

        return start;
    }

    private DateTimeOffset Now()
    {
        // Whole seconds: entries count seconds, and day totals then add up exactly.
        var now = clock.GetUtcNow();
        return now.AddTicks(-(now.Ticks % TimeSpan.TicksPerSecond));
    }

    private static void CheckDay(DateOnly day, DateTimeOffset now, TimeZoneInfo zone)
    {
        var today = TimeDays.Today(now, zone);
        if (day > today)
        {
            throw new UserException($"{TimeDays.Long(day, Culture)} is in the future (today is {TimeDays.Long(today, Culture)} in {zone.Id}): log time once it is spent.");
        }
    }

    private static void CheckFits(TimeSpan duration, DateOnly day, TimeZoneInfo zone)
    {
        var limit = TimeDays.LimitOf(day, zone);
        if (duration > limit)
        {
            throw new UserException($"{Hours(duration)} is more than one day holds ({Hours(limit)} on {TimeDays.Long(day, Culture)}): log each day's time on its own day, with `on:`.");
        }
    }

    private static string? CheckNote(string? note)
    {
        if (string.IsNullOrWhiteSpace(note))
        {
            return null;
        }

        var trimmed = note.Trim();
        return trimmed.Length <= MaxNote
            ? trimmed
            : throw new UserException($"The note has {trimmed.Length} characters; a note holds at most {MaxNote}.");
    }

    /// <summary>Refuses time that would put any local day it covers over what a day may hold.</summary>
    private async Task CheckDayLimitsAsync(Person person, TimeZoneInfo zone, DateTimeOffset start, long seconds, long? except, CancellationToken ct)
    {
        var (first, last) = TimeDays.DaysCovered(start, seconds, zone);
        var others = await OverlappingAsync(person, TimeDays.StartOf(first, zone), TimeDays.StartOf(last.AddDays(1), zone), except, ct);
        for (var day = first; day <= last; day = day.AddDays(1))
        {
            var from = TimeDays.StartOf(day, zone);
            var to = TimeDays.StartOf(day.AddDays(1), zone);
            var already = others.Aggregate(TimeSpan.Zero, (sum, e) => sum + TimeDays.Overlap(e.StartedAt, e.Seconds, from, to));
            var total = already + TimeDays.Overlap(start, seconds, from, to);
            var limit = TimeDays.LimitOf(day, zone);
            if (total > limit)
            {
                throw new UserException(
                    $"That would make {Hours(total)} on {TimeDays.Long(day, Culture)}, more than a day may hold ({Hours(limit)}). " +
                    $"You have {Hours(already)} there already; `/time list` shows your entries.");
            }
        }
    }

    /// <summary>The person's entries with time between <paramref name="from"/> and <paramref name="to"/>.</summary>
    private async Task<List<TimeEntry>> OverlappingAsync(Person person, DateTimeOffset from, DateTimeOffset to, long? except, CancellationToken ct)
    {
        var entries = db.Set<TimeEntry>().AsNoTracking().Where(e => e.TenantId == person.TenantId && e.PersonId == person.Id);
        // An entry that began before the span can reach into it: look back as far as the longest one lasts.
        var longest = await entries.MaxAsync(e => (long?)e.Seconds, ct) ?? 0;
        var earliest = from.AddSeconds(-Math.Min(longest, (long)DurationParser.Max.TotalSeconds));
        var found = await entries.Where(e => e.StartedAt < to && e.StartedAt >= earliest).ToListAsync(ct);
        return found.Where(e => e.Id != except && e.StartedAt.AddSeconds(e.Seconds) > from).ToList();
    }

    private async Task<TimeEntry> OwnAsync(Person person, long entryId, CancellationToken ct)
    {
        var entry = await db.Set<TimeEntry>().FirstOrDefaultAsync(e => e.Id == entryId && e.TenantId == person.TenantId, ct)
                    ?? throw new UserException($"There is no time entry {entryId.ToString(CultureInfo.InvariantCulture)}. `/time list` shows yours with their ids.");
        return entry.PersonId == person.Id
            ? entry
            : throw new UserException($"Time entry {entryId.ToString(CultureInfo.InvariantCulture)} is someone else's: only the person whose time it is can change or delete it.");
    }

    private static string Hours(TimeSpan span) => Durations.Humanize(span, Culture, TimeUnit.Hour);
}
