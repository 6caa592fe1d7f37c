using System.Globalization;

namespace BakeryBot.Core.Chat;

/// <summary>
/// Reads durations written for people: <c>90m</c>, <c>2h30m</c>, <c>1d</c>, <c>1w2d</c>, <c>45s</c>, <c>1h 30m</c> as one token,
/// decimals as timesheets write them (<c>1.5h</c>, <c>0.25d</c>) and clock style <c>1:30</c> (hours and minutes).
/// Every command reads durations through this one parser, so a duration that works in one works in all.
/// </summary>
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
        if (TryParseClock(s, out duration))
        {
            return true;
        }

        var i = 0;
        decimal totalSeconds = 0;
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

            // A decimal part, as in 1.5h: at most three digits after the point.
            if (i < s.Length && s[i] == '.' && i > numStart)
            {
                var point = i++;
                while (i < s.Length && char.IsAsciiDigit(s[i]))
                {
                    i++;
                }

                if (i == point + 1 || i - point > 4)
                {
                    return false;
                }
            }

            if (i == numStart || i - numStart > 10)
            {
                return false;
            }

            var number = decimal.Parse(s.AsSpan(numStart, i - numStart), NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture);
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
                "w" or "wk" or "week" or "weeks" => (7m * 24 * 3600, 5),
                "d" or "day" or "days" => (24m * 3600, 4),
                "h" or "hr" or "hrs" or "hour" or "hours" => (3600m, 3),
                "m" or "min" or "mins" or "minute" or "minutes" => (60m, 2),
                "s" or "sec" or "secs" or "second" or "seconds" => (1m, 1),
                _ => (-1m, 0),
            };
            // Units must be given largest first, each once: "30m2h" is a typo, not 2.5 hours.
            if (seconds < 0 || rank >= lastUnitRank)
            {
                return false;
            }

            lastUnitRank = rank;
            totalSeconds += number * seconds;
            if (totalSeconds > (decimal)Max.TotalSeconds)
            {
                return false;
            }

            any = true;
        }

        // Decimals are counted to the second: 0.001h is 3.6 seconds, kept as 4.
        var whole = (long)Math.Round(totalSeconds, MidpointRounding.AwayFromZero);
        if (!any || whole == 0)
        {
            return false;
        }

        duration = TimeSpan.FromSeconds(whole);
        return true;
    }

    /// <summary><c>h:mm</c> as on a timesheet: <c>1:30</c> is an hour and a half, <c>0:45</c> three quarters of an hour.</summary>
    private static bool TryParseClock(string s, out TimeSpan duration)
    {
        duration = TimeSpan.Zero;
        var colon = s.IndexOf(':', StringComparison.Ordinal);
        if (colon is < 1 or > 3 || s.Length != colon + 3)
        {
            return false;
        }

        var hours = s.AsSpan(0, colon);
        var minutes = s.AsSpan(colon + 1);
        foreach (var c in s.Remove(colon, 1))
        {
            if (!char.IsAsciiDigit(c))
            {
                return false;
            }
        }

        var m = int.Parse(minutes, CultureInfo.InvariantCulture);
        var total = (int.Parse(hours, CultureInfo.InvariantCulture) * 60) + m;
        if (m >= 60 || total == 0)
        {
            return false;
        }

        duration = TimeSpan.FromMinutes(total);
        return true;
    }

    /// <summary>Parses or explains what a duration looks like.</summary>
    public static TimeSpan Parse(string text, string what = "duration") =>
        TryParse(text, out var d)
            ? d
            : throw new UserException($"`{text}` is not a {what}. Write it like `90m`, `2h30m`, `1.5h`, `1:30` or `1d`.");
}
