using System.Globalization;
using BakeryBot.Core.Digests;

namespace BakeryBot.Core.Tests.Digests;

/// <summary>Monday 09:00 in a zone, as UTC instants, and the week a digest covers. Pure.</summary>
public sealed class DigestScheduleTests
{
    private static DateTimeOffset Utc(string text) => DateTimeOffset.Parse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal);

    [Theory]
    [InlineData("Europe/Paris", "2026-11-26T09:00Z", "2026-11-30T08:00Z")] // Thursday: the coming Monday
    [InlineData("Europe/Paris", "2026-11-30T07:59Z", "2026-11-30T08:00Z")] // a minute before
    [InlineData("Europe/Paris", "2026-11-30T08:00Z", "2026-12-07T08:00Z")] // strictly after: at 09:00 the next is a week on
    [InlineData("Asia/Tokyo", "2026-11-29T23:59Z", "2026-11-30T00:00Z")] // Monday 08:59 in Tokyo
    [InlineData("Asia/Tokyo", "2026-11-29T15:00Z", "2026-11-30T00:00Z")] // already Monday 00:00 in Tokyo
    [InlineData("America/New_York", "2026-11-30T13:59Z", "2026-11-30T14:00Z")] // EST
    [InlineData("America/New_York", "2027-03-10T00:00Z", "2027-03-15T13:00Z")] // EDT from Sun 14 Mar
    [InlineData("Europe/Paris", "2027-03-23T00:00Z", "2027-03-29T07:00Z")] // CEST from Sun 28 Mar
    [InlineData("UTC", "2026-11-30T09:00Z", "2026-12-07T09:00Z")]
    public void The_next_digest_is_the_first_monday_09_00_local_after_now(string zone, string now, string expected) =>
        Assert.Equal(Utc(expected), DigestSchedule.NextAfter(Utc(now), TimeZoneInfo.FindSystemTimeZoneById(zone)));

    [Theory]
    [InlineData("Europe/Paris", "2026-12-17T10:00Z", "2026-12-14T08:00Z")]
    [InlineData("Europe/Paris", "2026-12-14T08:00Z", "2026-12-14T08:00Z")]
    [InlineData("Europe/Paris", "2026-12-14T07:59Z", "2026-12-07T08:00Z")]
    public void The_latest_monday_09_00_is_at_or_before_now(string zone, string now, string expected) =>
        Assert.Equal(Utc(expected), DigestSchedule.LatestAtOrBefore(Utc(now), TimeZoneInfo.FindSystemTimeZoneById(zone)));

    [Theory]
    [InlineData("Europe/Paris", "2026-11-30T08:00Z", "2026-11-22T23:00Z", "2026-11-29T23:00Z", 168)]
    [InlineData("Europe/Paris", "2027-03-29T07:00Z", "2027-03-21T23:00Z", "2027-03-28T22:00Z", 167)] // the week the clocks go forward
    [InlineData("America/New_York", "2027-11-08T14:00Z", "2027-11-01T04:00Z", "2027-11-08T05:00Z", 169)] // the week they go back
    public void A_digest_covers_the_seven_local_days_before_its_monday(string zone, string due, string from, string to, int hours)
    {
        var week = DigestSchedule.WeekBefore(Utc(due), TimeZoneInfo.FindSystemTimeZoneById(zone));

        Assert.Equal((Utc(from), Utc(to)), week);
        Assert.Equal(TimeSpan.FromHours(hours), week.To - week.From);
    }
}
