using BakeryBot.Core.Chat;
using CsCheck;

namespace BakeryBot.Core.Tests.Chat;

/// <summary>Moments, windows and spans as people write them, in their time zone.</summary>
public sealed class WhenParserTests
{
    // Thursday 2026-11-26, 09:00 UTC = 10:00 in Paris.
    private static readonly DateTimeOffset Now = new(2026, 11, 26, 9, 0, 0, TimeSpan.Zero);
    private static readonly TimeZoneInfo Paris = TimeZoneInfo.FindSystemTimeZoneById("Europe/Paris");

    [Theory]
    [InlineData("2026-12-01T22:00", "2026-12-01T21:00:00Z")]
    [InlineData("2026-12-01 22:00", "2026-12-01T21:00:00Z")]
    [InlineData("2026-12-01", "2026-11-30T23:00:00Z")]
    [InlineData("today 22:00", "2026-11-26T21:00:00Z")]
    [InlineData("tonight", "2026-11-26T21:00:00Z")]
    [InlineData("tomorrow 06:30", "2026-11-27T05:30:00Z")]
    [InlineData("fri 22:00", "2026-11-27T21:00:00Z")]
    [InlineData("thursday 08:00", "2026-12-03T07:00:00Z")]
    [InlineData("11:00", "2026-11-26T10:00:00Z")]
    [InlineData("09:30", "2026-11-27T08:30:00Z")]
    [InlineData("tomorrow@7:15", "2026-11-27T06:15:00Z")]
    public void Moments_are_read_in_the_persons_time_zone(string text, string expected) =>
        Assert.Equal(DateTimeOffset.Parse(expected, System.Globalization.CultureInfo.InvariantCulture), WhenParser.Parse(text, Now, Paris));

    [Theory]
    [InlineData("soon")]
    [InlineData("25:00")]
    [InlineData("2026-02-30")]
    [InlineData("tomorrow tomorrow")]
    [InlineData("22:00 tomorrow 1")]
    [InlineData("")]
    public void Other_text_is_refused_with_examples(string text) =>
        Assert.Contains("write it like `2026-12-01T22:00`", Assert.Throws<UserException>(() => WhenParser.Parse(text, Now, Paris)).Message, StringComparison.Ordinal);

    [Fact]
    public void A_time_the_clocks_skip_is_refused_and_one_they_repeat_is_taken_the_first_time()
    {
        Assert.Contains("the clocks skip it", Assert.Throws<UserException>(() => WhenParser.Parse("2027-03-28 02:30", Now, Paris)).Message, StringComparison.Ordinal);
        Assert.Equal(new DateTimeOffset(2027, 10, 31, 0, 30, 0, TimeSpan.Zero), WhenParser.Parse("2027-10-31 02:30", Now, Paris));
    }

    [Fact]
    public void Windows_last_an_hour_unless_said_and_spans_end_at_the_end_of_a_date()
    {
        Assert.Equal((WhenParser.Parse("tomorrow 22:00", Now, Paris), WhenParser.Parse("tomorrow 23:00", Now, Paris)), WhenParser.ParseWindow("tomorrow 22:00", Now, Paris));
        Assert.Equal(TimeSpan.FromMinutes(150), WhenParser.ParseWindow("tomorrow 22:00+2h30m", Now, Paris) is var (a, b) ? b - a : default);
        Assert.Contains("is not how long the window is", Assert.Throws<UserException>(() => WhenParser.ParseWindow("tomorrow 22:00+forever", Now, Paris)).Message, StringComparison.Ordinal);
        var (from, to) = WhenParser.ParseSpan("2026-12-20..2026-12-27", Now, Paris);
        Assert.Equal((new DateTimeOffset(2026, 12, 19, 23, 0, 0, TimeSpan.Zero), new DateTimeOffset(2026, 12, 27, 23, 0, 0, TimeSpan.Zero)), (from, to));
        Assert.Contains("ends before it starts", Assert.Throws<UserException>(() => WhenParser.ParseSpan("2026-12-27..2026-12-20", Now, Paris)).Message, StringComparison.Ordinal);
        Assert.Contains("is not a span", Assert.Throws<UserException>(() => WhenParser.ParseSpan("2026-12-27", Now, Paris)).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Any_text_is_read_or_refused_politely() =>
        Gen.String["0123456789-:.+ tTodaymrwhfisun@"].Sample(text =>
        {
            foreach (var parse in new Action[] { () => WhenParser.Parse(text, Now, Paris), () => WhenParser.ParseWindow(text, Now, Paris), () => WhenParser.ParseSpan(text, Now, Paris) })
            {
                try
                {
                    parse();
                }
                catch (UserException ex)
                {
                    Assert.NotEmpty(ex.Message);
                }
            }
        }, iter: 5_000);
}
