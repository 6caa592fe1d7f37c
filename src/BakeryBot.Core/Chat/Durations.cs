using System.Globalization;
using Humanizer;

namespace BakeryBot.Core.Chat;

/// <summary>Durations as people read them, the same everywhere: "1 hour, 35 minutes", "less than a minute".</summary>
public static class Durations
{
    /// <param name="span">The duration.</param>
    /// <param name="culture">The reader's culture.</param>
    /// <param name="maxUnit">The largest unit: timesheets count in hours ("25 hours", not "1 day, 1 hour").</param>
    public static string Humanize(TimeSpan span, CultureInfo culture, TimeUnit maxUnit = TimeUnit.Week) =>
        span < TimeSpan.FromMinutes(1) ? "less than a minute" : span.Humanize(2, culture, maxUnit: maxUnit, minUnit: TimeUnit.Minute);
}
