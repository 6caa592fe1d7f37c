using System.Globalization;
using BakeryBot.Core.Chat;
using BakeryBot.Core.Data;
using BakeryBot.Core.People;
using CsvHelper;
using Microsoft.EntityFrameworkCore;

namespace BakeryBot.Core.TimeTracking;

/// <summary>Which entries an export holds: a tenant's, one person's or everyone's, on the days from and to (included).</summary>
public sealed record TimeExportScope(int TenantId, int? PersonId, DateOnly From, DateOnly To)
{
    /// <summary>The name a downloaded file gets.</summary>
    public string FileName => $"time-{From:yyyy-MM-dd}-to-{To:yyyy-MM-dd}.csv";
}

/// <summary>A link made by <see cref="TimeExportService.CreateLinkAsync"/>: the token, shown once, and when it stops working.</summary>
public sealed record TimeExportLink(string Token, DateTimeOffset ExpiresAt);

/// <summary>
/// Time entries as CSV (RFC 4180, UTF-8), for <c>bakerybot export time</c> and the links of
/// <c>/time export</c>. One row per entry, on the day it began in its person's time zone. Text that a
/// spreadsheet would run as a formula (starting with <c>= + - @</c>, a tab or CR) is written with a
/// leading <c>'</c> so that it shows as text (CSV injection).
/// </summary>
public sealed class TimeExportService(BakeryDbContext db, TimeProvider clock)
{
    /// <summary>How long a link works.</summary>
    public static readonly TimeSpan LinkLifetime = TimeSpan.FromHours(1);

    /// <summary>The most days one export covers.</summary>
    public const int MaxDays = 366;

    public static readonly IReadOnlyList<string> Columns =
        ["entry_id", "person", "day", "started_at_utc", "hours", "seconds", "record", "note", "source_link"];

    /// <summary>RFC 4180 with formula-looking cells defused by a leading <c>'</c>; the audit export writes with it too.</summary>
    public static readonly CsvWriterOptions CsvOptions = new() { Injection = CsvInjection.Escape };

    /// <summary>Refuses a span that ends before it starts or covers more than <see cref="MaxDays"/> days.</summary>
    /// <summary>The last day an export may cover.</summary>
    public static readonly DateOnly LatestDay = new(2099, 12, 31);

    public static void CheckRange(DateOnly from, DateOnly to)
    {
        // Days far outside any timesheet are typos, and would overflow the zone arithmetic of the query.
        if (from < WhenParser.EarliestDay)
        {
            throw new UserException($"{from:yyyy-MM-dd} is too long ago: exports start from {WhenParser.EarliestDay:yyyy-MM-dd} on.");
        }

        if (to > LatestDay)
        {
            throw new UserException($"{to:yyyy-MM-dd} is too far ahead: exports end by {LatestDay:yyyy-MM-dd}.");
        }

        if (to < from)
        {
            throw new UserException($"The export would end ({to:yyyy-MM-dd}) before it starts ({from:yyyy-MM-dd}).");
        }

        var days = to.DayNumber - from.DayNumber + 1;
        if (days > MaxDays)
        {
            throw new UserException($"{from:yyyy-MM-dd} to {to:yyyy-MM-dd} is {days} days; an export covers at most {MaxDays}. Export it in parts.");
        }
    }

    /// <summary>A new link for <paramref name="person"/>; the token is returned once and only its hash is kept.</summary>
    public async Task<TimeExportLink> CreateLinkAsync(Person person, bool everyone, DateOnly from, DateOnly to, CancellationToken ct)
    {
        CheckRange(from, to);
        var now = clock.GetUtcNow();
        var token = SecretToken.New();
        var link = new TimeExportToken
        {
            TenantId = person.TenantId,
            PersonId = person.Id,
            TokenHash = SecretToken.HashHex(token),
            CreatedAt = now,
            ExpiresAt = now + LinkLifetime,
            From = from,
            To = to,
            Everyone = everyone,
        };
        db.Set<TimeExportToken>().Add(link);
        await db.SaveChangesAsync(ct);
        return new TimeExportLink(token, link.ExpiresAt);
    }

    /// <summary>
    /// What a link's token may download; null for a missing, unknown or expired one, without saying
    /// which. Everyone's entries only while the asker is still a manager or admin; else their own.
    /// </summary>
    public async Task<TimeExportScope?> VerifyAsync(string? token, CancellationToken ct)
    {
        if (!SecretToken.IsPlausible(token))
        {
            return null;
        }

        // Found by its hash, as calendar links are: nobody can steer a guess's SHA-256 toward a stored one.
        var hash = SecretToken.HashHex(token);
        var link = await db.Set<TimeExportToken>().AsNoTracking().FirstOrDefaultAsync(t => t.TokenHash == hash, ct);
        if (link is null || link.ExpiresAt <= clock.GetUtcNow())
        {
            return null;
        }

        var everyone = link.Everyone && await db.RoleAssignments.AnyAsync(
            r => r.TenantId == link.TenantId && r.PersonId == link.PersonId && (r.Role == Roles.Manager || r.Role == Roles.Admin), ct);
        return new TimeExportScope(link.TenantId, everyone ? null : link.PersonId, link.From, link.To);
    }

    /// <summary>Writes the scope's entries as CSV, oldest first, with a header row; how many entries.</summary>
    public async Task<int> WriteCsvAsync(Stream output, TimeExportScope scope, CancellationToken ct)
    {
        var people = (await db.People.AsNoTracking()
                .Where(p => p.TenantId == scope.TenantId && (scope.PersonId == null || p.Id == scope.PersonId))
                .Select(p => new { p.Id, p.DisplayName, p.TimeZone })
                .ToListAsync(ct))
            .ToDictionary(p => p.Id, p => (Name: p.DisplayName, Zone: TimeZones.Find(p.TimeZone)));

        // An entry's day is in its person's zone: UTC offsets run from -12 to +14 hours, so the entries
        // are read with that much to spare on either side and each is then placed on its own day.
        var lo = TimeDays.StartOf(scope.From, TimeZoneInfo.Utc).AddHours(-14);
        var hi = TimeDays.StartOf(scope.To.AddDays(1), TimeZoneInfo.Utc).AddHours(12);
        var entries = db.Set<TimeEntry>().AsNoTracking()
            .Where(e => e.TenantId == scope.TenantId && (scope.PersonId == null || e.PersonId == scope.PersonId) && e.StartedAt >= lo && e.StartedAt < hi)
            .OrderBy(e => e.StartedAt).ThenBy(e => e.Id)
            .AsAsyncEnumerable();

        var count = 0;
        await using var csv = CsvWriter.Create(output, CsvOptions, leaveOpen: true);
        csv.WriteHeader([.. Columns]);
        await foreach (var entry in entries.WithCancellation(ct))
        {
            if (!people.TryGetValue(entry.PersonId, out var person))
            {
                continue;
            }

            var day = TimeDays.DayOf(entry.StartedAt, person.Zone);
            if (day < scope.From || day > scope.To)
            {
                continue;
            }

            await csv.WriteRecordAsync(
                [
                    entry.Id.ToString(CultureInfo.InvariantCulture),
                    person.Name,
                    day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
                    entry.StartedAt.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture),
                    (entry.Seconds / 3600m).ToString("0.00", CultureInfo.InvariantCulture),
                    entry.Seconds.ToString(CultureInfo.InvariantCulture),
                    entry.RecordKey,
                    entry.Note,
                    entry.SourceLink,
                ],
                ct);
            count++;
        }

        await csv.FlushAsync(ct);
        return count;
    }
}
