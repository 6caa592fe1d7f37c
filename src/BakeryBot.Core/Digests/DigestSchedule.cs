using BakeryBot.Core.TimeTracking;

namespace BakeryBot.Core.Digests;

/// <summary>
/// When weekly digests are due, in a subscription's zone: each Monday at <see cref="SendAt"/> local
/// time, covering the seven local days that ended at that Monday's midnight. Pure.
/// </summary>
public static class DigestSchedule
{
    /// <summary>The local time of day a digest goes out on Mondays.</summary>
    public static readonly TimeOnly SendAt = new(9, 0);

    /// <summary>The first Monday 09:00 in <paramref name="zone"/> strictly after <paramref name="now"/>.</summary>
    public static DateTimeOffset NextAfter(DateTimeOffset now, TimeZoneInfo zone)
    {
        var monday = TimeDays.MondayOf(TimeDays.DayOf(now, zone));
        var due = At(monday, zone);
        return due > now ? due : At(monday.AddDays(7), zone);
    }

    /// <summary>The latest Monday 09:00 in <paramref name="zone"/> at or before <paramref name="now"/>.</summary>
    public static DateTimeOffset LatestAtOrBefore(DateTimeOffset now, TimeZoneInfo zone)
    {
        var monday = TimeDays.MondayOf(TimeDays.DayOf(now, zone));
        var due = At(monday, zone);
        return due <= now ? due : At(monday.AddDays(-7), zone);
    }

    /// <summary>
    /// The week a digest due at <paramref name="due"/> covers: from the Monday midnight a week before its
    /// Monday to its Monday's midnight, in <paramref name="zone"/> (168 hours, or 167 or 169 across a clock change).
    /// </summary>
    public static (DateTimeOffset From, DateTimeOffset To) WeekBefore(DateTimeOffset due, TimeZoneInfo zone)
    {
        var monday = TimeDays.MondayOf(TimeDays.DayOf(due, zone));
        return (TimeDays.StartOf(monday.AddDays(-7), zone), TimeDays.StartOf(monday, zone));
    }

    /// <summary>
    /// Monday 09:00 of the week of <paramref name="monday"/> in <paramref name="zone"/>, as UTC. Where the
    /// clocks skip that hour the moment they resume; where it happens twice, the first time.
    /// </summary>
    public static DateTimeOffset At(DateOnly monday, TimeZoneInfo zone)
    {
        var local = monday.ToDateTime(SendAt);
        while (zone.IsInvalidTime(local))
        {
            local = local.AddMinutes(15);
        }

        var offset = zone.IsAmbiguousTime(local) ? zone.GetAmbiguousTimeOffsets(local).Max() : zone.GetUtcOffset(local);
        return new DateTimeOffset(local, offset).ToUniversalTime();
    }
}
