using System.Globalization;
using System.Text.RegularExpressions;
using BakeryBot.Core.Chat;
using Cronos;

namespace BakeryBot.Core.Drills;

/// <summary>
/// How often a drill is due: an interval (calendar months, or days) or a five-field cron expression.
/// <para>
/// Accepted: <c>quarter</c>, <c>month</c>, <c>week</c>, <c>year</c>, <c>day</c> (also with <c>every</c>
/// before them, or as <c>quarterly</c>, <c>monthly</c>, <c>weekly</c>, <c>yearly</c>, <c>daily</c>,
/// <c>fortnight</c>), a count of <c>months</c>, <c>quarters</c> or <c>years</c> (<c>6 months</c>),
/// a duration of whole days or weeks as <see cref="DurationParser"/> reads it (<c>2 weeks</c>,
/// <c>90 days</c>, <c>2w</c>), and cron expressions of five fields (minute, hour, day of month, month,
/// day of week: <c>0 9 1 */3 *</c>).
/// </para>
/// <para>
/// The next due date (<see cref="NextDue"/>) is computed in the owner's time zone, so a drill due at
/// 09:00 stays due at 09:00 across daylight saving changes:
/// <list type="bullet">
/// <item>An interval counts from the end of the last finished run (from the drill's creation while it
/// has never run), on the wall clock: the same time of day, that many days or calendar months later.
/// Adding months keeps the day of the month, or takes the month's last day when it is shorter
/// (31 January + 1 month = 28 February, or 29 February in a leap year). A time the clocks skip is
/// moved on by the skipped hour; a time they repeat is the first of the two.</item>
/// <item>A cron expression gives the first time it matches after the last finished run ended, or after
/// the due date that run answered when that is later (a run started before its due date counts for
/// it); after the drill's creation while it has never run. A time the clocks skip fires when they
/// jump; a repeated time fires once.</item>
/// </list>
/// </para>
/// </summary>
public sealed partial class DrillSchedule
{
    public const int MaxLength = 100;

    /// <summary>What a refusal names: the accepted forms.</summary>
    public const string Forms =
        "`every:quarter`, `every:month`, `every:week`, `every:year`, `every:\"6 months\"`, `every:\"2 weeks\"`, `every:\"90 days\"`, " +
        "or a cron expression of five fields (minute hour day-of-month month day-of-week), as in `every:\"0 9 1 */3 *\"` (09:00 on the 1st of every third month)";

    private const int MaxMonths = 120;

    private static readonly string[] DayNames = ["Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"];

    private readonly int _months;
    private readonly TimeSpan _interval;
    private readonly CronExpression? _cron;

    private DrillSchedule(string text, int months, TimeSpan interval, CronExpression? cron)
    {
        Text = text;
        _months = months;
        _interval = interval;
        _cron = cron;
    }

    /// <summary>The schedule as stored and read back: <c>3 months</c>, <c>14 days</c>, <c>0 9 1 */3 *</c>.</summary>
    public string Text { get; }

    public bool IsCron => _cron is not null;

    /// <summary>Reads a schedule, or explains the accepted forms.</summary>
    public static DrillSchedule Parse(string? text)
    {
        var s = Regex.Replace((text ?? "").Trim().ToLowerInvariant(), @"\s+", " ");
        if (s.Length is 0 or > MaxLength)
        {
            throw Refusal(text);
        }

        var fields = s.Split(' ');
        // A cron expression starts with a minute: a number, `*`, or the `H` some cron dialects write for a spread-out time.
        if (fields.Length == 5 && (char.IsAsciiDigit(fields[0][0]) || fields[0][0] is '*' or 'h'))
        {
            return ParseCron(s);
        }

        if (s.StartsWith("every ", StringComparison.Ordinal))
        {
            s = s[6..];
        }

        switch (s)
        {
            case "quarter" or "quarterly":
                return Months(3);
            case "month" or "monthly":
                return Months(1);
            case "year" or "yearly" or "annually" or "annual":
                return Months(12);
            case "week" or "weekly":
                return Days(TimeSpan.FromDays(7));
            case "fortnight" or "fortnightly":
                return Days(TimeSpan.FromDays(14));
            case "day" or "daily":
                return Days(TimeSpan.FromDays(1));
        }

        if (CountOf().Match(s) is { Success: true } match)
        {
            if (!int.TryParse(match.Groups[1].Value, NumberStyles.None, CultureInfo.InvariantCulture, out var count) || count == 0)
            {
                throw Refusal(text);
            }

            var months = match.Groups[2].Value switch
            {
                "quarter" => 3L * count,
                "year" => 12L * count,
                _ => count,
            };
            return months <= MaxMonths ? Months((int)months) : throw new UserException($"`{text}` is too far apart: a drill is due at least every {MaxMonths / 12} years.");
        }

        if (DurationParser.TryParse(s, out var interval))
        {
            if (interval < TimeSpan.FromDays(1) || interval.Ticks % TimeSpan.TicksPerDay != 0)
            {
                throw new UserException($"`{text}` is not a schedule for a drill: an interval is whole days or weeks (`every:\"90 days\"`, `every:\"2 weeks\"`), or months.");
            }

            return Days(interval);
        }

        throw Refusal(text);
    }

    /// <summary>
    /// When the drill is due next, as UTC: see the type's remarks. <paramref name="lastFinished"/> is
    /// when the last run ended and <paramref name="answered"/> the due date it answered (both null
    /// while the drill has never run); <paramref name="created"/> is when the drill was created.
    /// </summary>
    public DateTimeOffset NextDue(DateTimeOffset created, DateTimeOffset? lastFinished, DateTimeOffset? answered, TimeZoneInfo zone)
    {
        if (_cron is not null)
        {
            var from = lastFinished is { } finished ? (answered is { } due && due > finished ? due : finished) : created;
            // A cron expression that matches no date (30 February) is refused when it is read.
            return _cron.GetNextOccurrence(from.ToUniversalTime(), zone) ?? throw new InvalidOperationException($"The schedule `{Text}` never comes.");
        }

        var local = TimeZoneInfo.ConvertTime(lastFinished ?? created, zone).DateTime;
        var next = _months > 0 ? local.AddMonths(_months) : local + _interval;
        return FromLocal(next, zone);
    }

    /// <summary>The schedule in words: "every quarter", "every 2 weeks", "at 09:00 on day 1 of every 3rd month".</summary>
    public string Describe()
    {
        if (_cron is not null)
        {
            return DescribeCron(Text) is { } words ? $"{words} (cron `{Text}`)" : $"on the cron schedule `{Text}`";
        }

        if (_months > 0)
        {
            return _months switch
            {
                1 => "every month",
                3 => "every quarter",
                12 => "every year",
                _ when _months % 12 == 0 => $"every {_months / 12} years",
                _ => $"every {_months} months",
            };
        }

        var days = (int)_interval.TotalDays;
        return days switch
        {
            1 => "every day",
            7 => "every week",
            _ when days % 7 == 0 => $"every {days / 7} weeks",
            _ => $"every {days} days",
        };
    }

    private static DrillSchedule Months(int months) => new(months == 1 ? "1 month" : $"{months} months", months, TimeSpan.Zero, null);

    private static DrillSchedule Days(TimeSpan interval)
    {
        var days = (int)interval.TotalDays;
        return new DrillSchedule(days == 1 ? "1 day" : $"{days} days", 0, interval, null);
    }

    private static DrillSchedule ParseCron(string text)
    {
        string Unreadable(string why) =>
            $"`{text}` is not a cron expression I can read ({why}). Write one of five fields, minute hour day-of-month month day-of-week, as in `every:\"0 9 1 */3 *\"`; or use {Forms}.";

        // No month or day name starts with h: this is the spread-out time (`H`, `H(0-29)`) of other cron dialects.
        if (text.Split(' ').Any(f => f.StartsWith('h')))
        {
            throw new UserException(Unreadable("`H`, a time spread out by a hash, is not read here: give the minute and the hour"));
        }

        CronExpression cron;
        try
        {
            cron = CronExpression.Parse(text, CronFormat.Standard);
        }
        catch (CronFormatException e)
        {
            throw new UserException(Unreadable(e.Message.TrimEnd('.')));
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // Whatever else the parser throws for a text it cannot take is as unreadable, not an unexpected error.
            throw new UserException(Unreadable("a form not read here"));
        }

        // Within four years every date that exists comes at least once (29 February included).
        var from = new DateTime(2026, 1, 1, 0, 0, 0, DateTimeKind.Utc);
        if (cron.GetNextOccurrence(from, TimeZoneInfo.Utc) is not { } first || first > from.AddYears(5))
        {
            throw new UserException($"`{text}` never comes: no date matches it. Check the day of the month and the month.");
        }

        return new DrillSchedule(text, 0, TimeSpan.Zero, cron);
    }

    /// <summary>A wall-clock time in a zone as UTC: a skipped time moves on by the skipped hour, a repeated one is the first.</summary>
    internal static DateTimeOffset FromLocal(DateTime local, TimeZoneInfo zone)
    {
        local = DateTime.SpecifyKind(local, DateTimeKind.Unspecified);
        if (zone.IsInvalidTime(local))
        {
            // The offset in force before the gap reads it as the moment the clocks' jump passed over.
            var before = zone.GetUtcOffset(local.AddHours(-6));
            return new DateTimeOffset(local, before).ToUniversalTime();
        }

        var offset = zone.IsAmbiguousTime(local) ? zone.GetAmbiguousTimeOffsets(local).Max() : zone.GetUtcOffset(local);
        return new DateTimeOffset(local, offset).ToUniversalTime();
    }

    /// <summary>Words for the common cron shapes (a fixed time; a day of the month or days of the week; every nth month); null for others.</summary>
    private static string? DescribeCron(string text)
    {
        var f = text.Split(' ');
        if (!int.TryParse(f[0], NumberStyles.None, CultureInfo.InvariantCulture, out var minute) || !int.TryParse(f[1], NumberStyles.None, CultureInfo.InvariantCulture, out var hour))
        {
            return null;
        }

        var at = $"at {hour:00}:{minute:00}";
        string? day = (f[2], f[4]) switch
        {
            ("*", "*") => "every day",
            (var d, "*") when int.TryParse(d, NumberStyles.None, CultureInfo.InvariantCulture, out var dom) => $"on day {dom}",
            ("*", var w) when Weekdays(w) is { } names => $"on {names}",
            _ => null,
        };
        string? month = f[3] switch
        {
            "*" => "",
            var m when m.StartsWith("*/", StringComparison.Ordinal) && int.TryParse(m[2..], NumberStyles.None, CultureInfo.InvariantCulture, out var n) => n switch
            {
                1 => "",
                2 => " of every second month",
                3 => " of every third month",
                _ => $" of every {n}th month",
            },
            var m when int.TryParse(m, NumberStyles.None, CultureInfo.InvariantCulture, out var single) && single is >= 1 and <= 12 =>
                " of " + CultureInfo.InvariantCulture.DateTimeFormat.GetMonthName(single),
            _ => null,
        };
        if (day is null || month is null)
        {
            return null;
        }

        return day == "every day" && month.Length > 0 ? $"{at} every day{month.Replace(" of every", " in every", StringComparison.Ordinal)}" : $"{at} {day}{month}";
    }

    private static string? Weekdays(string field)
    {
        var names = new List<string>();
        foreach (var part in field.Split(','))
        {
            var range = part.Split('-');
            if (range.Length > 2 || !range.All(r => r.Length == 1 && r[0] is >= '0' and <= '7'))
            {
                return null;
            }

            var from = range[0][0] - '0';
            var to = range[^1][0] - '0';
            if (to < from)
            {
                return null;
            }

            names.Add(from == to ? DayNames[from % 7] + "s" : $"{DayNames[from % 7]} to {DayNames[to % 7]}");
        }

        return string.Join(" and ", names);
    }

    private static UserException Refusal(string? text) =>
        new($"`{(text is { Length: > 40 } ? text[..40] + "…" : text)}` is not a schedule. Write it as {Forms}.");

    [GeneratedRegex(@"^(\d{1,4}) ?(month|quarter|year)s?$")]
    private static partial Regex CountOf();
}
