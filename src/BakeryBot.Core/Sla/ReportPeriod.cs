using System.Globalization;
using BakeryBot.Core.Chat;

namespace BakeryBot.Core.Sla;

/// <summary>
/// A calendar month in a time zone, measured from its first midnight <see cref="From"/> up to
/// <see cref="To"/>: the next month's first midnight, or now for the month under way
/// (<see cref="SoFar"/>). Pure.
/// </summary>
public sealed record ReportPeriod(int Year, int Month, DateTimeOffset From, DateTimeOffset To, DateTimeOffset MonthEnd, TimeZoneInfo Zone)
{
    private const string Usage = "Write the month like `2026-10`, `october`, `oct` or `last`, or leave it out for this month so far";

    private static readonly Dictionary<string, int> MonthNames = BuildMonthNames();

    /// <summary>The month is under way: measured up to now, not to its end.</summary>
    public bool SoFar => To < MonthEnd;

    /// <summary>The time measured: the whole month, or the part of it that has passed.</summary>
    public TimeSpan Measured => To - From;

    /// <summary>The whole month (a day's length changes with daylight saving time, so months do too).</summary>
    public TimeSpan Length => MonthEnd - From;

    /// <summary>"October 2026".</summary>
    public string Name(CultureInfo culture) => new DateTime(Year, Month, 1, 0, 0, 0, DateTimeKind.Unspecified).ToString("MMMM yyyy", culture);

    /// <summary>
    /// Reads <c>2026-10</c>, a month's name or its first three letters (the latest such month that has
    /// begun: <c>october</c> in January is last year's), <c>last</c> (the month before this one), or
    /// nothing (this month so far).
    /// </summary>
    public static ReportPeriod Parse(string? text, DateTimeOffset now, TimeZoneInfo zone)
    {
        var local = TimeZoneInfo.ConvertTime(now, zone);
        var s = text?.Trim().ToLowerInvariant() ?? "";
        if (s.Length == 0)
        {
            return Of(local.Year, local.Month, now, zone);
        }

        if (s == "last")
        {
            var previous = new DateTime(local.Year, local.Month, 1, 0, 0, 0, DateTimeKind.Unspecified).AddMonths(-1);
            return Of(previous.Year, previous.Month, now, zone);
        }

        if (MonthNames.TryGetValue(s, out var named))
        {
            return Of(named <= local.Month ? local.Year : local.Year - 1, named, now, zone);
        }

        var dash = s.IndexOf('-', StringComparison.Ordinal);
        if (s.Length is >= 6 and <= 7 && dash == 4 && s.Remove(dash, 1).All(char.IsAsciiDigit))
        {
            var year = int.Parse(s.AsSpan(0, 4), CultureInfo.InvariantCulture);
            var month = int.Parse(s.AsSpan(5), CultureInfo.InvariantCulture);
            if (month is < 1 or > 12 || year < 1900)
            {
                throw new UserException($"`{text!.Trim()}` is not a month. {Usage}.");
            }

            if (year > local.Year || (year == local.Year && month > local.Month))
            {
                throw new UserException($"{new DateTime(year, month, 1, 0, 0, 0, DateTimeKind.Unspecified).ToString("MMMM yyyy", CultureInfo.InvariantCulture)} has not begun yet. {Usage}.");
            }

            return Of(year, month, now, zone);
        }

        var shown = text!.Trim();
        throw new UserException($"`{(shown.Length <= 40 ? shown : shown[..40] + "…")}` is not a month. {Usage}.");
    }

    /// <summary>The month <paramref name="year"/>-<paramref name="month"/>, measured up to now if it is under way.</summary>
    public static ReportPeriod Of(int year, int month, DateTimeOffset now, TimeZoneInfo zone)
    {
        var from = StartOf(year, month, zone);
        var next = new DateTime(year, month, 1, 0, 0, 0, DateTimeKind.Unspecified).AddMonths(1);
        var end = StartOf(next.Year, next.Month, zone);
        var utcNow = now.ToUniversalTime();
        return new ReportPeriod(year, month, from, utcNow < end ? (utcNow > from ? utcNow : from) : end, end, zone);
    }

    /// <summary>
    /// The instant a month begins in a zone, in UTC: its first local midnight, or where the clocks skip
    /// midnight the moment they jump; where midnight happens twice, the first.
    /// </summary>
    public static DateTimeOffset StartOf(int year, int month, TimeZoneInfo zone)
    {
        var local = new DateTime(year, month, 1, 0, 0, 0, DateTimeKind.Unspecified);
        var offset = zone.IsInvalidTime(local) ? zone.GetUtcOffset(local.AddDays(-1))
            : zone.IsAmbiguousTime(local) ? zone.GetAmbiguousTimeOffsets(local).Max()
            : zone.GetUtcOffset(local);
        return new DateTimeOffset(local, offset).ToUniversalTime();
    }

    private static Dictionary<string, int> BuildMonthNames()
    {
        var names = new Dictionary<string, int>(StringComparer.Ordinal) { ["sept"] = 9 };
        var format = CultureInfo.InvariantCulture.DateTimeFormat;
        for (var month = 1; month <= 12; month++)
        {
            names[format.GetMonthName(month).ToLowerInvariant()] = month;
            names[format.GetAbbreviatedMonthName(month).ToLowerInvariant()] = month;
        }

        return names;
    }
}
