using System.Globalization;

namespace BakeryBot.Core.Chat;

/// <summary>
/// Reads moments written for people, in their time zone: <c>2026-12-01T22:00</c>, <c>2026-12-01 22:00</c>,
/// <c>2026-12-01</c> (its midnight), <c>today 22:00</c>, <c>tomorrow 06:30</c>, <c>tonight</c> (22:00),
/// <c>fri 22:00</c> (the next Friday), <c>22:00</c> (the next time it is 22:00). Also windows
/// (<c>&lt;when&gt;+2h</c>) and spans (<c>&lt;from&gt;..&lt;to&gt;</c>). Every refusal is a
/// <see cref="UserException"/> with an example.
/// </summary>
public static class WhenParser
{
    public const string Examples = "`2026-12-01T22:00`, `tomorrow 22:00`, `fri 06:30` or `22:00`";

    private static readonly string[] Days = ["sunday", "monday", "tuesday", "wednesday", "thursday", "friday", "saturday"];

    /// <summary>A moment, as UTC, read in <paramref name="zone"/> relative to <paramref name="now"/>.</summary>
    public static DateTimeOffset Parse(string text, DateTimeOffset now, TimeZoneInfo zone, string what = "time")
    {
        var s = text.Trim().ToLowerInvariant().Replace('@', ' ');
        if (s.Length >= 11 && char.IsAsciiDigit(s[0]) && s[10] == 't')
        {
            // "2026-12-01T22:00": the T joins date and time.
            s = s[..10] + " " + s[11..];
        }

        var words = s.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        var local = TimeZoneInfo.ConvertTime(now, zone).DateTime;
        var today = DateOnly.FromDateTime(local);
        if (words.Length is 0 or > 2 || s.Length > 40)
        {
            throw Refusal(text, what);
        }

        DateOnly? day = null;
        TimeOnly? time = null;
        foreach (var word in words)
        {
            if (day is null && time is null && DayOf(word, today) is { } d)
            {
                day = d;
                time = word == "tonight" ? new TimeOnly(22, 0) : null;
            }
            else if (time is null && TimeOnly.TryParseExact(word, ["HH:mm", "H:mm"], CultureInfo.InvariantCulture, DateTimeStyles.None, out var t))
            {
                time = t;
            }
            else
            {
                throw Refusal(text, what);
            }
        }

        if (day is null)
        {
            // A time alone: the next time the clock shows it.
            day = TimeOnly.FromDateTime(local) < time!.Value ? today : today.AddDays(1);
        }

        return ToUtc(day.Value.ToDateTime(time ?? TimeOnly.MinValue), zone, text);
    }

    /// <summary>A window <c>&lt;start&gt;[+&lt;duration&gt;]</c> (one hour unless said).</summary>
    public static (DateTimeOffset Start, DateTimeOffset End) ParseWindow(string text, DateTimeOffset now, TimeZoneInfo zone)
    {
        var plus = text.LastIndexOf('+');
        var length = TimeSpan.FromHours(1);
        var start = text;
        if (plus > 0)
        {
            if (!DurationParser.TryParse(text[(plus + 1)..], out length) || length <= TimeSpan.Zero || length > TimeSpan.FromDays(30))
            {
                throw new UserException($"`{Shorten(text[(plus + 1)..])}` is not how long the window is; write it like `window:\"tomorrow 22:00+2h\"` (at most 30 days).");
            }

            start = text[..plus];
        }

        var from = Parse(start, now, zone, "window start");
        return (from, from + length);
    }

    /// <summary>A span <c>&lt;from&gt;..&lt;to&gt;</c>; a date alone as its end means to the end of that day.</summary>
    public static (DateTimeOffset From, DateTimeOffset To) ParseSpan(string text, DateTimeOffset now, TimeZoneInfo zone)
    {
        var dots = text.IndexOf("..", StringComparison.Ordinal);
        if (dots <= 0 || dots + 2 >= text.Length)
        {
            throw new UserException($"`{Shorten(text)}` is not a span; write it like `2026-12-20..2026-12-27` or `\"2026-12-20 18:00..2026-12-21 06:00\"`.");
        }

        var from = Parse(text[..dots], now, zone, "start");
        var endText = text[(dots + 2)..].Trim();
        var to = Parse(endText, now, zone, "end");
        if (endText.Length == 10 && !endText.Contains(':', StringComparison.Ordinal))
        {
            to = ToUtc(DateOnly.ParseExact(endText, "yyyy-MM-dd", CultureInfo.InvariantCulture).AddDays(1).ToDateTime(TimeOnly.MinValue), zone, endText);
        }

        return to > from ? (from, to) : throw new UserException($"`{Shorten(text)}` ends before it starts.");
    }

    /// <summary>
    /// A day, read in <paramref name="zone"/>: <c>2026-11-20</c>, <c>today</c>, <c>yesterday</c>,
    /// <c>tomorrow</c> or a weekday (<c>mon</c>, <c>friday</c>). A weekday is the next one, or with
    /// <paramref name="past"/> the latest one up to today (<c>mon</c> on a Monday is that day).
    /// </summary>
    public static DateOnly ParseDay(string text, DateTimeOffset now, TimeZoneInfo zone, bool past, string what = "day")
    {
        var word = text.Trim().ToLowerInvariant();
        var today = DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(now, zone).DateTime);
        if (word == "yesterday")
        {
            return today.AddDays(-1);
        }

        var day = word.Length <= 20 ? DayOf(word, today) : null;
        if (day is not { } found || word == "tonight")
        {
            throw new UserException($"`{Shorten(text)}` is not a {what}; write it like `2026-11-20`, `yesterday` or `mon`.");
        }

        var weekday = char.IsAsciiLetter(word[0]) && word is not ("today" or "tomorrow");
        var result = weekday && past ? found.AddDays(-7) : found;
        if (result < EarliestDay)
        {
            throw new UserException($"`{Shorten(text)}` is too long ago: give a {what} from {EarliestDay:yyyy-MM-dd} on.");
        }

        if (result > today.AddYears(DaysAheadYears))
        {
            throw new UserException($"`{Shorten(text)}` is too far ahead: give a {what} within {DaysAheadYears} years from today.");
        }

        return result;
    }

    /// <summary>The earliest day <see cref="ParseDay"/> accepts: older dates are typos, and far ones overflow date arithmetic.</summary>
    public static readonly DateOnly EarliestDay = new(2000, 1, 1);

    /// <summary>How many years ahead <see cref="ParseDay"/> accepts a day.</summary>
    public const int DaysAheadYears = 10;

    private static DateOnly? DayOf(string word, DateOnly today)
    {
        if (DateOnly.TryParseExact(word, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date))
        {
            return date;
        }

        switch (word)
        {
            case "today" or "tonight":
                return today;
            case "tomorrow":
                return today.AddDays(1);
        }

        var index = Array.FindIndex(Days, d => word.Length >= 3 && d.StartsWith(word, StringComparison.Ordinal));
        if (index < 0)
        {
            return null;
        }

        var ahead = ((index - (int)today.DayOfWeek) + 7) % 7;
        return today.AddDays(ahead == 0 ? 7 : ahead);
    }

    private static DateTimeOffset ToUtc(DateTime local, TimeZoneInfo zone, string text)
    {
        if (zone.IsInvalidTime(local))
        {
            throw new UserException($"`{Shorten(text)}` does not exist in {zone.Id}: the clocks skip it. Pick a time an hour later.");
        }

        // An hour that happens twice (clocks going back) is taken the first time.
        var offset = zone.IsAmbiguousTime(local) ? zone.GetAmbiguousTimeOffsets(local).Max() : zone.GetUtcOffset(local);
        return new DateTimeOffset(local, offset).ToUniversalTime();
    }

    private static UserException Refusal(string text, string what) =>
        new($"`{Shorten(text)}` is not a {what}; write it like {Examples}.");

    private static string Shorten(string text) => text.Length <= 40 ? text : text[..40] + "…";
}
