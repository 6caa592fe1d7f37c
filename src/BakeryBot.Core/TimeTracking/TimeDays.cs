using System.Globalization;

namespace BakeryBot.Core.TimeTracking;

/// <summary>
/// Local days in a person's time zone: where they start in UTC, which day an instant falls on, and
/// how much of a stretch of time falls on each. A day is not always 24 hours: the day clocks go back is
/// 25, the day they go forward 23.
/// </summary>
public static class TimeDays
{
    /// <summary>The most time that can be logged on one day (product rule), and never more than the day holds.</summary>
    public static readonly TimeSpan MaxPerDay = TimeSpan.FromHours(24);

    /// <summary>The instant <paramref name="day"/> begins in <paramref name="zone"/>: its local midnight.</summary>
    public static DateTimeOffset StartOf(DateOnly day, TimeZoneInfo zone)
    {
        var local = day.ToDateTime(TimeOnly.MinValue);
        // Where clocks skip midnight (some zones start summer time at 00:00), the day starts when they resume.
        while (zone.IsInvalidTime(local))
        {
            local = local.AddMinutes(15);
        }

        // Where midnight happens twice (clocks going back at 01:00 to 00:00), the day starts the first time.
        var offset = zone.IsAmbiguousTime(local) ? zone.GetAmbiguousTimeOffsets(local).Max() : zone.GetUtcOffset(local);
        return new DateTimeOffset(local, offset).ToUniversalTime();
    }

    /// <summary>How long <paramref name="day"/> lasts in <paramref name="zone"/> (23, 24 or 25 hours).</summary>
    public static TimeSpan LengthOf(DateOnly day, TimeZoneInfo zone) => StartOf(day.AddDays(1), zone) - StartOf(day, zone);

    /// <summary>The most that may be logged on <paramref name="day"/>: 24 hours, or less on a shorter day.</summary>
    public static TimeSpan LimitOf(DateOnly day, TimeZoneInfo zone)
    {
        var length = LengthOf(day, zone);
        return length < MaxPerDay ? length : MaxPerDay;
    }

    /// <summary>The local day <paramref name="instant"/> falls on in <paramref name="zone"/>.</summary>
    public static DateOnly DayOf(DateTimeOffset instant, TimeZoneInfo zone) =>
        DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(instant, zone).DateTime);

    /// <summary>Today in <paramref name="zone"/>.</summary>
    public static DateOnly Today(DateTimeOffset now, TimeZoneInfo zone) => DayOf(now, zone);

    /// <summary>The Monday of the Monday–Sunday week <paramref name="day"/> is in.</summary>
    public static DateOnly MondayOf(DateOnly day) => day.AddDays(-(((int)day.DayOfWeek + 6) % 7));

    /// <summary>How much of the stretch from <paramref name="start"/> for <paramref name="seconds"/> lies between <paramref name="from"/> and <paramref name="to"/>.</summary>
    public static TimeSpan Overlap(DateTimeOffset start, long seconds, DateTimeOffset from, DateTimeOffset to)
    {
        var end = start.AddSeconds(seconds);
        var a = start > from ? start : from;
        var b = end < to ? end : to;
        return b > a ? b - a : TimeSpan.Zero;
    }

    /// <summary>The first and last local day a stretch of time covers (the day it starts, for no time at all).</summary>
    public static (DateOnly First, DateOnly Last) DaysCovered(DateTimeOffset start, long seconds, TimeZoneInfo zone)
    {
        var first = DayOf(start, zone);
        // The end is exclusive: time that ends at midnight does not touch the next day.
        var last = seconds > 0 ? DayOf(start.AddSeconds(seconds).AddTicks(-1), zone) : first;
        return (first, last);
    }

    /// <summary>A day as people read it in lists: "Wed 25 Nov".</summary>
    public static string Short(DateOnly day, CultureInfo culture) => day.ToString("ddd d MMM", culture);

    /// <summary>A day with its year: "Wed 25 Nov 2026".</summary>
    public static string Long(DateOnly day, CultureInfo culture) => day.ToString("ddd d MMM yyyy", culture);
}
