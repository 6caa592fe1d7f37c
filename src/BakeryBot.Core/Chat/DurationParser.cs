using System.Globalization;

namespace BakeryBot.Core.Chat;

/// <summary>Reads durations written for people: <c>90m</c>, <c>2h30m</c>, <c>1d</c>, <c>1w2d</c>, <c>45s</c>, <c>1h 30m</c> as one token.</summary>
public static class DurationParser
{
    /// <summary>Ten years: anything longer is a typo.</summary>
    public static readonly TimeSpan Max = TimeSpan.FromDays(3650);

    public static bool TryParse(string? text, out TimeSpan duration)
    {
        duration = TimeSpan.Zero;
        if (string.IsNullOrWhiteSpace(text) || text.Length > 40)
        {
            return false;
        }

        var s = text.Trim().ToLowerInvariant();
        var i = 0;
        long totalSeconds = 0;
        var any = false;
        var lastUnitRank = int.MaxValue;
        while (i < s.Length)
        {
            if (s[i] == ' ')
            {
                i++;
                continue;
            }

            var numStart = i;
            while (i < s.Length && char.IsAsciiDigit(s[i]))
            {
                i++;
            }

            if (i == numStart || i - numStart > 6)
            {
                return false;
            }

            var number = long.Parse(s.AsSpan(numStart, i - numStart), CultureInfo.InvariantCulture);
            while (i < s.Length && s[i] == ' ')
            {
                i++;
            }

            var unitStart = i;
            while (i < s.Length && char.IsAsciiLetter(s[i]))
            {
                i++;
            }

            var (seconds, rank) = s[unitStart..i] switch
            {
                "w" or "wk" or "week" or "weeks" => (7L * 24 * 3600, 5),
                "d" or "day" or "days" => (24L * 3600, 4),
                "h" or "hr" or "hrs" or "hour" or "hours" => (3600L, 3),
                "m" or "min" or "mins" or "minute" or "minutes" => (60L, 2),
                "s" or "sec" or "secs" or "second" or "seconds" => (1L, 1),
                _ => (-1L, 0),
            };
            // Units must be given largest first, each once: "30m2h" is a typo, not 2.5 hours.
            if (seconds < 0 || rank >= lastUnitRank)
            {
                return false;
            }

            lastUnitRank = rank;
            totalSeconds += number * seconds;
            if (totalSeconds > Max.TotalSeconds)
            {
                return false;
            }

            any = true;
        }

        if (!any || totalSeconds == 0)
        {
            return false;
        }

        duration = TimeSpan.FromSeconds(totalSeconds);
        return true;
    }

    /// <summary>Parses or explains what a duration looks like.</summary>
    public static TimeSpan Parse(string text, string what = "duration") =>
        TryParse(text, out var d)
            ? d
            : throw new UserException($"`{text}` is not a {what}. Write it like `90m`, `2h30m` or `1d`.");
}
