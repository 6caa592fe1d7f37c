using BakeryBot.Core.Chat;
using CsCheck;

namespace BakeryBot.Core.Tests.Chat;

public sealed class ValueParserTests
{
    [Theory]
    [InlineData("90m", 90 * 60)]
    [InlineData("2h30m", (2 * 3600) + (30 * 60))]
    [InlineData("1d", 86400)]
    [InlineData("1w2d", 9 * 86400)]
    [InlineData("45s", 45)]
    [InlineData("1h 30m", 5400)]
    [InlineData("2H", 7200)]
    [InlineData("3 hours", 3 * 3600)]
    [InlineData("1.5h", 5400)]
    [InlineData("0.25d", 6 * 3600)]
    [InlineData("2.5 hours", 9000)]
    [InlineData("1h 7.5m", 3600 + 450)]
    [InlineData("0.001h", 4)]
    [InlineData("1:30", 5400)]
    [InlineData("0:45", 2700)]
    [InlineData("12:05", (12 * 3600) + 300)]
    public void Parses_durations(string text, int seconds)
    {
        Assert.True(DurationParser.TryParse(text, out var duration));
        Assert.Equal(TimeSpan.FromSeconds(seconds), duration);
    }

    [Theory]
    [InlineData("")]
    [InlineData("abc")]
    [InlineData("0m")]
    [InlineData("30m2h")]
    [InlineData("2h2h")]
    [InlineData("5x")]
    [InlineData("-5m")]
    [InlineData("h")]
    [InlineData("99999999999d")]
    [InlineData("4000d")]
    [InlineData("1.h")]
    [InlineData(".5h")]
    [InlineData("1.2345h")]
    [InlineData("1.5.5h")]
    [InlineData("1,5h")]
    [InlineData("0.0001s")]
    [InlineData("1:75")]
    [InlineData("0:00")]
    [InlineData("1:5")]
    [InlineData(":30")]
    [InlineData("1:30m")]
    public void Refuses_bad_durations(string text)
    {
        Assert.False(DurationParser.TryParse(text, out _));
        var error = Assert.Throws<UserException>(() => DurationParser.Parse(text));
        Assert.Contains("2h30m", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Durations_never_throw_on_random_input() =>
        Gen.OneOf(Gen.String, Gen.Char["0123456789wdhms .:"].Array[0, 30].Select(c => new string(c)))
            .Sample(text => { _ = DurationParser.TryParse(text, out var d); Assert.True(d >= TimeSpan.Zero && d <= DurationParser.Max); }, iter: 5000);

    [Theory]
    [InlineData("INC-42", "INC", 42)]
    [InlineData("inc-7", "INC", 7)]
    [InlineData("PRB-3", "PRB", 3)]
    [InlineData("CHG-1", "CHG", 1)]
    [InlineData("DRL-2", "DRL", 2)]
    public void Parses_record_ids(string text, string prefix, int number)
    {
        Assert.True(RecordId.TryParse(text, out var id));
        Assert.Equal(new RecordId(prefix, number), id);
        Assert.Equal($"{prefix}-{number}", id.ToString());
    }

    [Theory]
    [InlineData("INC-0")]
    [InlineData("INC-")]
    [InlineData("INC42")]
    [InlineData("ABC-1")]
    [InlineData("INC-99999999999")]
    [InlineData("INC-1a")]
    [InlineData("INC--1")]
    public void Refuses_bad_record_ids(string text) => Assert.False(RecordId.TryParse(text, out _));

    [Theory]
    [InlineData("sev1", 1)]
    [InlineData("SEV4", 4)]
    [InlineData("sev-2", 2)]
    [InlineData("3", 3)]
    public void Parses_severities(string text, int expected)
    {
        Assert.True(Severity.TryParse(text, out var severity));
        Assert.Equal(expected, severity);
    }

    [Theory]
    [InlineData("sev0")]
    [InlineData("sev5")]
    [InlineData("severe")]
    public void Refuses_bad_severities(string text) => Assert.False(Severity.TryParse(text, out _));

    [Fact]
    public void A_bare_number_in_a_title_is_not_a_severity()
    {
        var args = new CommandArgs(CommandTokenizer.Tokenize("bakery 3 is down"));
        Assert.Null(args.TakeSeverity());
        Assert.Equal("bakery 3 is down", args.RestAsText());
    }
}
