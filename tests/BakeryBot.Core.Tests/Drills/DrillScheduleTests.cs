using BakeryBot.Core.Chat;
using BakeryBot.Core.Drills;

namespace BakeryBot.Core.Tests.Drills;

/// <summary>Reading schedules and computing when a drill is due next: interval forms, month ends, cron, daylight saving.</summary>
public sealed class DrillScheduleTests
{
    private static readonly TimeZoneInfo Paris = TimeZoneInfo.FindSystemTimeZoneById("Europe/Paris");
    private static readonly TimeZoneInfo NewYork = TimeZoneInfo.FindSystemTimeZoneById("America/New_York");

    /// <summary>Thu 26 Nov 2026 10:00 in Paris (09:00 UTC).</summary>
    private static readonly DateTimeOffset Created = new(2026, 11, 26, 9, 0, 0, TimeSpan.Zero);

    [Theory]
    [InlineData("quarter", "3 months", "every quarter", "2027-02-26T09:00Z")]
    [InlineData("every quarter", "3 months", "every quarter", "2027-02-26T09:00Z")]
    [InlineData("Quarterly", "3 months", "every quarter", "2027-02-26T09:00Z")]
    [InlineData("6 months", "6 months", "every 6 months", "2027-05-26T08:00Z")]
    [InlineData("every 6 months", "6 months", "every 6 months", "2027-05-26T08:00Z")]
    [InlineData("2 quarters", "6 months", "every 6 months", "2027-05-26T08:00Z")]
    [InlineData("month", "1 month", "every month", "2026-12-26T09:00Z")]
    [InlineData("monthly", "1 month", "every month", "2026-12-26T09:00Z")]
    [InlineData("year", "12 months", "every year", "2027-11-26T09:00Z")]
    [InlineData("2 years", "24 months", "every 2 years", "2028-11-26T09:00Z")]
    [InlineData("week", "7 days", "every week", "2026-12-03T09:00Z")]
    [InlineData("weekly", "7 days", "every week", "2026-12-03T09:00Z")]
    [InlineData("2 weeks", "14 days", "every 2 weeks", "2026-12-10T09:00Z")]
    [InlineData("2w", "14 days", "every 2 weeks", "2026-12-10T09:00Z")]
    [InlineData("fortnight", "14 days", "every 2 weeks", "2026-12-10T09:00Z")]
    [InlineData("90 days", "90 days", "every 90 days", "2027-02-24T09:00Z")]
    [InlineData("every  90d", "90 days", "every 90 days", "2027-02-24T09:00Z")]
    [InlineData("day", "1 day", "every day", "2026-11-27T09:00Z")]
    public void Interval_forms_are_read_kept_described_and_count_from_creation(string text, string stored, string words, string due)
    {
        var schedule = DrillSchedule.Parse(text);

        Assert.Equal((stored, words, false), (schedule.Text, schedule.Describe(), schedule.IsCron));
        // 10:00 in Paris stays 10:00 in Paris: in summer that is 08:00 UTC.
        Assert.Equal(DateTimeOffset.Parse(due, System.Globalization.CultureInfo.InvariantCulture), schedule.NextDue(Created, null, null, Paris));
        // Read back from what is stored, it is the same schedule.
        Assert.Equal(schedule.NextDue(Created, null, null, Paris), DrillSchedule.Parse(schedule.Text).NextDue(Created, null, null, Paris));
    }

    [Theory]
    [InlineData("2027-01-31T10:00", "1 month", "2027-02-28T10:00")]
    [InlineData("2028-01-31T10:00", "1 month", "2028-02-29T10:00")]
    [InlineData("2027-03-31T10:00", "1 month", "2027-04-30T10:00")]
    [InlineData("2026-11-30T10:00", "quarter", "2027-02-28T10:00")]
    [InlineData("2027-08-31T10:00", "6 months", "2028-02-29T10:00")]
    [InlineData("2028-02-29T10:00", "year", "2029-02-28T10:00")]
    [InlineData("2027-01-30T10:00", "1 month", "2027-02-28T10:00")]
    [InlineData("2027-01-28T10:00", "1 month", "2027-02-28T10:00")]
    public void Months_added_at_a_month_end_take_the_last_day_of_a_shorter_month(string from, string every, string expected)
    {
        var finished = Local(from, Paris);

        var due = DrillSchedule.Parse(every).NextDue(Created, finished, null, Paris);

        Assert.Equal(Local(expected, Paris), due);
    }

    [Fact]
    public void An_interval_keeps_the_owners_wall_clock_across_daylight_saving_changes()
    {
        // Paris springs forward on 28 March 2027; New York falls back on 7 November 2027.
        var week = DrillSchedule.Parse("week");
        var beforeSpring = Local("2027-03-22T09:00", Paris);
        var beforeFall = Local("2027-11-02T09:00", NewYork);

        Assert.Equal(new DateTimeOffset(2027, 3, 22, 8, 0, 0, TimeSpan.Zero), beforeSpring);
        Assert.Equal(new DateTimeOffset(2027, 3, 29, 7, 0, 0, TimeSpan.Zero), week.NextDue(Created, beforeSpring, null, Paris));
        Assert.Equal(new DateTimeOffset(2027, 11, 9, 14, 0, 0, TimeSpan.Zero), week.NextDue(Created, beforeFall, null, NewYork));
        // In UTC the same interval is exactly seven days.
        Assert.Equal(beforeSpring.AddDays(7), week.NextDue(Created, beforeSpring, null, TimeZoneInfo.Utc));
    }

    [Fact]
    public void An_interval_landing_in_the_hour_the_clocks_skip_moves_on_by_that_hour_and_a_repeated_hour_is_taken_the_first_time()
    {
        // 02:30 on 28 March 2027 does not exist in Paris: it is 03:30 CEST, 01:30 UTC.
        var skipped = DrillSchedule.Parse("day").NextDue(Created, Local("2027-03-27T02:30", Paris), null, Paris);
        // 01:30 on 7 November 2027 happens twice in New York: the first is EDT, 05:30 UTC.
        var repeated = DrillSchedule.Parse("day").NextDue(Created, Local("2027-11-06T01:30", NewYork), null, NewYork);

        Assert.Equal(new DateTimeOffset(2027, 3, 28, 1, 30, 0, TimeSpan.Zero), skipped);
        Assert.Equal(new DateTimeOffset(2027, 11, 7, 5, 30, 0, TimeSpan.Zero), repeated);
    }

    [Fact]
    public void A_cron_schedule_is_the_next_match_in_the_owners_zone_winter_and_summer()
    {
        var schedule = DrillSchedule.Parse("0 9 1 */3 *");

        var first = schedule.NextDue(Created, null, null, Paris);
        var afterRun = schedule.NextDue(Created, first.AddHours(3), first, Paris);

        Assert.Equal((true, "0 9 1 */3 *", "at 09:00 on day 1 of every third month (cron `0 9 1 */3 *`)"), (schedule.IsCron, schedule.Text, schedule.Describe()));
        // 09:00 CET on 1 January is 08:00 UTC; 09:00 CEST on 1 April is 07:00 UTC.
        Assert.Equal(new DateTimeOffset(2027, 1, 1, 8, 0, 0, TimeSpan.Zero), first);
        Assert.Equal(new DateTimeOffset(2027, 4, 1, 7, 0, 0, TimeSpan.Zero), afterRun);
    }

    [Fact]
    public void A_cron_time_the_clocks_skip_fires_when_they_jump_and_a_repeated_one_fires_once()
    {
        var nightly = DrillSchedule.Parse("30 2 * * *");
        var early = DrillSchedule.Parse("30 1 * * *");

        var spring = nightly.NextDue(Created, Local("2027-03-27T03:00", Paris), null, Paris);
        var fall = early.NextDue(Created, Local("2027-11-06T02:00", NewYork), null, NewYork);
        var afterFall = early.NextDue(Created, fall.AddMinutes(1), null, NewYork);

        // Paris jumps from 02:00 to 03:00 on 28 March: the drill is due at the jump, 01:00 UTC.
        Assert.Equal(new DateTimeOffset(2027, 3, 28, 1, 0, 0, TimeSpan.Zero), spring);
        // 01:30 comes twice in New York on 7 November: due at the first (EDT), and next on the 8th (EST).
        Assert.Equal(new DateTimeOffset(2027, 11, 7, 5, 30, 0, TimeSpan.Zero), fall);
        Assert.Equal(new DateTimeOffset(2027, 11, 8, 6, 30, 0, TimeSpan.Zero), afterFall);
    }

    [Fact]
    public void A_cron_run_finished_before_its_due_date_counts_for_it_and_an_interval_counts_from_the_run()
    {
        var cron = DrillSchedule.Parse("0 9 1 */3 *");
        var quarter = DrillSchedule.Parse("quarter");
        var due = new DateTimeOffset(2027, 1, 1, 8, 0, 0, TimeSpan.Zero);
        var earlyFinish = new DateTimeOffset(2026, 12, 28, 15, 0, 0, TimeSpan.Zero);

        Assert.Equal(new DateTimeOffset(2027, 4, 1, 7, 0, 0, TimeSpan.Zero), cron.NextDue(Created, earlyFinish, due, Paris));
        Assert.Equal(Local("2027-03-28T16:00", Paris), quarter.NextDue(Created, earlyFinish, due, Paris));
    }

    [Theory]
    [InlineData("0 9 * * 1-5", "at 09:00 on Monday to Friday (cron `0 9 * * 1-5`)")]
    [InlineData("30 8 * * 1", "at 08:30 on Mondays (cron `30 8 * * 1`)")]
    [InlineData("0 6 15 1 *", "at 06:00 on day 15 of January (cron `0 6 15 1 *`)")]
    [InlineData("0 9 * * *", "at 09:00 every day (cron `0 9 * * *`)")]
    [InlineData("*/5 9 1 * *", "on the cron schedule `*/5 9 1 * *`")]
    public void Cron_schedules_are_put_in_words_where_their_shape_is_common(string text, string words) =>
        Assert.Equal(words, DrillSchedule.Parse(text).Describe());

    [Theory]
    [InlineData("every blue moon", "is not a schedule. Write it as `every:quarter`")]
    [InlineData("", "is not a schedule")]
    [InlineData("0 months", "is not a schedule")]
    [InlineData("200 months", "too far apart")]
    [InlineData("12h", "an interval is whole days or weeks")]
    [InlineData("1d12h", "an interval is whole days or weeks")]
    [InlineData("0 9 * *", "is not a schedule")]
    [InlineData("61 9 * * *", "is not a cron expression I can read")]
    [InlineData("0 9 30 2 *", "never comes")]
    [InlineData("0 H * * *", "is not a cron expression I can read (`H`, a time spread out by a hash, is not read here: give the minute and the hour)")]
    [InlineData("H H * * *", "is not a cron expression I can read (`H`, a time spread out by a hash, is not read here")]
    [InlineData("H(0-29) 9 * * *", "is not a cron expression I can read (`H`, a time spread out by a hash")]
    [InlineData("0 9 h * *", "is not a cron expression I can read (`H`")]
    [InlineData("a b c d e f g", "is not a schedule")]
    public void An_unreadable_schedule_is_refused_naming_the_accepted_forms(string text, string expected)
    {
        var refusal = Assert.Throws<UserException>(() => DrillSchedule.Parse(text));

        Assert.Contains(expected, refusal.Message, StringComparison.Ordinal);
        if (!expected.Contains("never", StringComparison.Ordinal) && !expected.Contains("far", StringComparison.Ordinal) && !expected.Contains("whole", StringComparison.Ordinal))
        {
            Assert.Contains("`every:\"0 9 1 */3 *\"`", refusal.Message, StringComparison.Ordinal);
        }
    }

    private static DateTimeOffset Local(string text, TimeZoneInfo zone) =>
        DrillSchedule.FromLocal(DateTime.Parse(text, System.Globalization.CultureInfo.InvariantCulture), zone);
}
