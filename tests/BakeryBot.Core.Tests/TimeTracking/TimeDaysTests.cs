using System.Globalization;
using BakeryBot.Core.Chat;
using BakeryBot.Core.TimeTracking;

namespace BakeryBot.Core.Tests.TimeTracking;

/// <summary>Local days: where they start, how long they last, and days as people write them.</summary>
public sealed class TimeDaysTests
{
    // Thursday 2026-11-26, 09:00 UTC.
    private static readonly DateTimeOffset Now = new(2026, 11, 26, 9, 0, 0, TimeSpan.Zero);
    private static readonly TimeZoneInfo Paris = TimeZoneInfo.FindSystemTimeZoneById("Europe/Paris");

    [Theory]
    [InlineData("2026-10-25", 25)] // clocks go back at 03:00
    [InlineData("2026-03-29", 23)] // clocks go forward at 02:00
    [InlineData("2026-11-26", 24)]
    public void A_day_lasts_as_long_as_its_clocks_say(string day, int hours)
    {
        var date = DateOnly.Parse(day, CultureInfo.InvariantCulture);

        Assert.Equal(TimeSpan.FromHours(hours), TimeDays.LengthOf(date, Paris));
        Assert.Equal(TimeSpan.FromHours(Math.Min(hours, 24)), TimeDays.LimitOf(date, Paris));
    }

    [Fact]
    public void Days_start_at_local_midnight_and_instants_fall_on_local_days()
    {
        var tokyo = TimeZoneInfo.FindSystemTimeZoneById("Asia/Tokyo");
        var losAngeles = TimeZoneInfo.FindSystemTimeZoneById("America/Los_Angeles");
        var day = new DateOnly(2026, 11, 26);

        Assert.Equal(new DateTimeOffset(2026, 11, 25, 15, 0, 0, TimeSpan.Zero), TimeDays.StartOf(day, tokyo));
        Assert.Equal(new DateTimeOffset(2026, 11, 26, 8, 0, 0, TimeSpan.Zero), TimeDays.StartOf(day, losAngeles));
        Assert.Equal(new DateOnly(2026, 11, 26), TimeDays.DayOf(Now, tokyo));
        Assert.Equal(new DateOnly(2026, 11, 26), TimeDays.DayOf(Now, losAngeles));
        Assert.Equal(new DateOnly(2026, 11, 27), TimeDays.DayOf(Now.AddHours(6), tokyo));
        Assert.Equal(new DateOnly(2026, 11, 25), TimeDays.DayOf(Now.AddHours(-2), losAngeles));
        Assert.Equal(new DateOnly(2026, 11, 23), TimeDays.MondayOf(new DateOnly(2026, 11, 29)));
        Assert.Equal(new DateOnly(2026, 11, 30), TimeDays.MondayOf(new DateOnly(2026, 11, 30)));
    }

    [Fact]
    public void Where_clocks_skip_midnight_the_day_starts_when_they_resume()
    {
        // Chile starts summer time at midnight: on Sunday 6 September 2026 the clocks go from 00:00 to 01:00.
        var santiago = TimeZoneInfo.FindSystemTimeZoneById("America/Santiago");
        var sunday = new DateOnly(2026, 9, 6);

        var start = TimeDays.StartOf(sunday, santiago);

        Assert.Equal(new DateTimeOffset(2026, 9, 6, 4, 0, 0, TimeSpan.Zero), start);
        Assert.Equal(new TimeOnly(1, 0), TimeOnly.FromDateTime(TimeZoneInfo.ConvertTime(start, santiago).DateTime));
        Assert.Equal(TimeSpan.FromHours(23), TimeDays.LengthOf(sunday, santiago));
    }

    [Fact]
    public void Time_is_split_at_the_bounds_it_crosses()
    {
        var from = new DateTimeOffset(2026, 11, 26, 0, 0, 0, TimeSpan.Zero);
        var to = from.AddDays(1);

        Assert.Equal(TimeSpan.FromHours(1), TimeDays.Overlap(from.AddHours(-1), 7200, from, to));
        Assert.Equal(TimeSpan.FromHours(1), TimeDays.Overlap(to.AddHours(-1), 7200, from, to));
        Assert.Equal(TimeSpan.FromHours(24), TimeDays.Overlap(from.AddHours(-1), 26 * 3600, from, to));
        Assert.Equal(TimeSpan.Zero, TimeDays.Overlap(to, 3600, from, to));
        Assert.Equal((new DateOnly(2026, 11, 26), new DateOnly(2026, 11, 26)), TimeDays.DaysCovered(to.AddHours(-1), 3600, TimeZoneInfo.Utc));
        Assert.Equal((new DateOnly(2026, 11, 26), new DateOnly(2026, 11, 27)), TimeDays.DaysCovered(to.AddHours(-1), 3601, TimeZoneInfo.Utc));
    }

    [Theory]
    [InlineData("2026-11-20", true, "2026-11-20")]
    [InlineData("today", true, "2026-11-26")]
    [InlineData("yesterday", true, "2026-11-25")]
    [InlineData("Yesterday", false, "2026-11-25")]
    [InlineData("tomorrow", true, "2026-11-27")]
    [InlineData("mon", true, "2026-11-23")]
    [InlineData("thu", true, "2026-11-26")]
    [InlineData("friday", true, "2026-11-20")]
    [InlineData("mon", false, "2026-11-30")]
    [InlineData("thu", false, "2026-12-03")]
    public void Days_are_read_as_people_write_them(string text, bool past, string expected) =>
        Assert.Equal(DateOnly.Parse(expected, CultureInfo.InvariantCulture), WhenParser.ParseDay(text, Now, Paris, past));

    [Fact]
    public void Yesterday_is_the_persons_yesterday()
    {
        var tokyo = TimeZoneInfo.FindSystemTimeZoneById("Asia/Tokyo");
        // 15:00 UTC on the 26th is already the 27th in Tokyo, and still the 26th in Los Angeles.
        var late = new DateTimeOffset(2026, 11, 26, 15, 0, 0, TimeSpan.Zero);

        Assert.Equal(new DateOnly(2026, 11, 26), WhenParser.ParseDay("yesterday", late, tokyo, past: true));
        Assert.Equal(new DateOnly(2026, 11, 25), WhenParser.ParseDay("yesterday", late, TimeZoneInfo.FindSystemTimeZoneById("America/Los_Angeles"), past: true));
    }

    [Theory]
    [InlineData("soon")]
    [InlineData("tonight")]
    [InlineData("2026-02-30")]
    [InlineData("22:00")]
    [InlineData("")]
    [InlineData("mo")]
    public void Other_days_are_refused_with_examples(string text) =>
        Assert.Contains("write it like `2026-11-20`, `yesterday` or `mon`", Assert.Throws<UserException>(() => WhenParser.ParseDay(text, Now, Paris, past: true)).Message, StringComparison.Ordinal);
}
