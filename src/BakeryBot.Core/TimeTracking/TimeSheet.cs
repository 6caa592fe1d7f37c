using BakeryBot.Core.Chat;

namespace BakeryBot.Core.TimeTracking;

/// <summary>One row of a timesheet: a record, a note, or "other", with its time on each day of the week.</summary>
public sealed record TimeSheetRow(string Label, IReadOnlyList<TimeSpan> Days, TimeSpan Total);

/// <summary>
/// A person's Monday–Sunday week in their own time zone: rows by record (time without one grouped by
/// its note, or as "other"), a column per day, the day totals and the week's. Time that crosses local
/// midnight counts on each day it covers, so a day can hold 23 or 25 hours where clocks change.
/// </summary>
public sealed record TimeSheet(DateOnly Monday, TimeZoneInfo Zone, IReadOnlyList<TimeSheetRow> Rows, IReadOnlyList<TimeSpan> DayTotals, TimeSpan Total)
{
    public const string Other = "other";

    private static readonly string[] RecordOrder = [RecordId.Incident, RecordId.Problem, RecordId.Change, RecordId.Drill];

    public IEnumerable<DateOnly> Days => Enumerable.Range(0, 7).Select(Monday.AddDays);

    /// <summary>Where the week starts and ends, as UTC: the local midnights of its Monday and of the Monday after.</summary>
    public static (DateTimeOffset From, DateTimeOffset To) Bounds(DateOnly monday, TimeZoneInfo zone) =>
        (TimeDays.StartOf(monday, zone), TimeDays.StartOf(monday.AddDays(7), zone));

    /// <summary>Builds the week of <paramref name="monday"/> from entries (those outside the week count for nothing).</summary>
    public static TimeSheet Build(DateOnly monday, TimeZoneInfo zone, IEnumerable<TimeEntry> entries)
    {
        var bounds = Enumerable.Range(0, 8).Select(i => TimeDays.StartOf(monday.AddDays(i), zone)).ToArray();
        var rows = new Dictionary<string, (string Label, long[] Ticks)>(StringComparer.OrdinalIgnoreCase);
        foreach (var entry in entries)
        {
            var parts = new long[7];
            for (var day = 0; day < 7; day++)
            {
                parts[day] = TimeDays.Overlap(entry.StartedAt, entry.Seconds, bounds[day], bounds[day + 1]).Ticks;
            }

            if (parts.All(p => p == 0))
            {
                continue;
            }

            var label = RowLabel(entry);
            if (!rows.TryGetValue(label, out var row))
            {
                row = (label, new long[7]);
                rows[label] = row;
            }

            for (var day = 0; day < 7; day++)
            {
                row.Ticks[day] += parts[day];
            }
        }

        var ordered = rows.Values
            .OrderBy(r => RecordId.TryParse(r.Label, out _) ? 0 : r.Label == Other ? 2 : 1)
            .ThenBy(r => RecordId.TryParse(r.Label, out var id) ? Array.IndexOf(RecordOrder, id.Prefix) : 0)
            .ThenBy(r => RecordId.TryParse(r.Label, out var id) ? id.Number : 0)
            .ThenBy(r => r.Label, StringComparer.OrdinalIgnoreCase)
            .Select(r => new TimeSheetRow(r.Label, r.Ticks.Select(t => TimeSpan.FromTicks(t)).ToList(), TimeSpan.FromTicks(r.Ticks.Sum())))
            .ToList();
        var dayTotals = Enumerable.Range(0, 7).Select(day => TimeSpan.FromTicks(rows.Values.Sum(r => r.Ticks[day]))).ToList();
        return new TimeSheet(monday, zone, ordered, dayTotals, TimeSpan.FromTicks(rows.Values.Sum(r => r.Ticks.Sum())));
    }

    /// <summary>The row an entry belongs to: its record, else its note, else <see cref="Other"/>.</summary>
    public static string RowLabel(TimeEntry entry) =>
        entry.RecordKey ?? (string.IsNullOrWhiteSpace(entry.Note) ? Other : entry.Note.Trim());
}
