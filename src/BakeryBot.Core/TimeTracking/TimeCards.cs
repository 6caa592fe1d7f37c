using System.Globalization;
using BakeryBot.Core.Chat;
using Humanizer;

namespace BakeryBot.Core.TimeTracking;

/// <summary>The <c>/time</c> cards: a week's timesheet, a record's report and one's latest entries. Pure: data and culture in, card out.</summary>
public static class TimeCards
{
    /// <summary>More rows than this would outgrow a chat message; the rest are summed up in one line.</summary>
    public const int MaxRows = 25;

    /// <summary>A week as a card: the day totals side by side, then a line per row with its time on each day.</summary>
    public static Card Week(TimeSheet sheet, string person, CultureInfo culture)
    {
        var sunday = sheet.Monday.AddDays(6);
        var title = $"Timesheet of {person}: {sheet.Monday.ToString("ddd d MMM", culture)} – {TimeDays.Long(sunday, culture)}";
        var sections = new List<CardSection>();
        if (sheet.Rows.Count == 0)
        {
            sections.Add(new TextSection("No time in this week."));
        }
        else
        {
            var fields = sheet.Days
                .Select((day, i) => new CardField(TimeDays.Short(day, culture), Cell(sheet.DayTotals[i], culture)))
                .Append(new CardField("Week", Hours(sheet.Total, culture)))
                .ToList();
            sections.Add(new FieldsSection(fields));
            sections.Add(new DividerSection());
            foreach (var row in sheet.Rows.Take(MaxRows))
            {
                var days = sheet.Days
                    .Select((day, i) => (day, time: row.Days[i]))
                    .Where(d => d.time > TimeSpan.Zero)
                    .Select(d => $"{d.day.ToString("ddd", culture)} {Hours(d.time, culture)}");
                sections.Add(new TextSection($"{row.Label}: {Hours(row.Total, culture)}\n{string.Join(" · ", days)}"));
            }

            if (sheet.Rows.Count > MaxRows)
            {
                var rest = sheet.Rows.Skip(MaxRows).ToList();
                var time = rest.Aggregate(TimeSpan.Zero, (sum, r) => sum + r.Total);
                sections.Add(new TextSection($"…and {"more row".ToQuantity(rest.Count)}: {Hours(time, culture)}"));
            }
        }

        sections.Add(new ContextSection($"Days in {person}'s time zone ({sheet.Zone.Id}). Time that crosses midnight counts on each day it covers."));
        return new Card(title, CardAccent.Info, sections, [], $"total {Hours(sheet.Total, culture)}");
    }

    /// <summary>Who spent how long on a record.</summary>
    public static Card Report(TimeReport report, CultureInfo culture)
    {
        if (report.People.Count == 0)
        {
            return new Card($"Time on {report.RecordKey}", CardAccent.Info, [new TextSection($"No time is logged on {report.RecordKey} yet.")], [], "none yet");
        }

        var first = report.People.Min(p => p.FirstDay);
        var last = report.People.Max(p => p.LastDay);
        var sections = new List<CardSection>
        {
            new FieldsSection(
            [
                new("Total", Hours(report.Total, culture)),
                new("Entries", report.Entries.ToString(culture)),
                new("People", report.People.Count.ToString(culture)),
                new("Days", Span(first, last, culture)),
            ]),
            new DividerSection(),
        };
        var lines = report.People.Take(MaxRows)
            .Select(p => $"{p.Person}: {Hours(p.Total, culture)} in {"entry".ToQuantity(p.Entries)}, {Span(p.FirstDay, p.LastDay, culture)}")
            .ToList();
        if (report.People.Count > MaxRows)
        {
            lines.Add($"…and {"more person".ToQuantity(report.People.Count - MaxRows)}");
        }

        sections.Add(new TextSection(string.Join('\n', lines)));
        sections.Add(new ContextSection("Days are when the entries began, in each person's time zone."));
        return new Card($"Time on {report.RecordKey}", CardAccent.Info, sections, [], $"total {Hours(report.Total, culture)}");
    }

    /// <summary>One's latest entries with their ids, in one's own time zone.</summary>
    public static Card List(IReadOnlyList<TimeEntry> entries, TimeZoneInfo zone, CultureInfo culture)
    {
        var lines = entries.Select(e =>
        {
            var local = TimeZoneInfo.ConvertTime(e.StartedAt, zone);
            var day = TimeDays.Short(DateOnly.FromDateTime(local.DateTime), culture);
            return $"{e.Id.ToString(CultureInfo.InvariantCulture)} · {day} {local.ToString("HH:mm", culture)} · {Hours(e.Duration, culture)} · {TimerService.Subject(e.RecordKey, e.Note)}";
        });
        return new Card(
            $"Your latest time entries ({entries.Count})",
            CardAccent.Info,
            [
                new TextSection(string.Join('\n', lines)),
                new ContextSection("The first number is the entry's id: `/time edit <id> 45m` changes an entry, `/time delete <id>` removes it."),
            ],
            []);
    }

    /// <summary>A duration on a timesheet, in hours and minutes ("25 hours", not "1 day, 1 hour").</summary>
    public static string Hours(TimeSpan span, CultureInfo culture) => Durations.Humanize(span, culture, TimeUnit.Hour);

    private static string Cell(TimeSpan span, CultureInfo culture) => span > TimeSpan.Zero ? Hours(span, culture) : "–";

    private static string Span(DateOnly first, DateOnly last, CultureInfo culture) =>
        first == last ? TimeDays.Long(first, culture) : $"{TimeDays.Long(first, culture)} – {TimeDays.Long(last, culture)}";
}
