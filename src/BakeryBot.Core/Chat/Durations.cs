using System.Globalization;
using Humanizer;

namespace BakeryBot.Core.Chat;

/// <summary>Durations as people read them, the same everywhere: "1 hour, 35 minutes", "less than a minute".</summary>
public static class Durations
{
    public static string Humanize(TimeSpan span, CultureInfo culture) =>
        span < TimeSpan.FromMinutes(1) ? "less than a minute" : span.Humanize(2, culture, minUnit: TimeUnit.Minute);
}
