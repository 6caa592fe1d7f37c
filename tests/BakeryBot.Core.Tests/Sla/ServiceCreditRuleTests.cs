using System.Globalization;
using BakeryBot.Core.Chat;
using BakeryBot.Core.Sla;

namespace BakeryBot.Core.Tests.Sla;

/// <summary>Reading, normalising and applying service-credit rules and monthly fees.</summary>
public sealed class ServiceCreditRuleTests
{
    [Theory]
    [InlineData("99.9:10,99:25,95:100", "99.9:10,99:25,95:100")]
    [InlineData("95:100, 99.9:10 ,99:25", "99.9:10,99:25,95:100")]
    [InlineData("99.90%:10.0%", "99.9:10")]
    [InlineData("100:5", "100:5")]
    [InlineData("99.9999:0.5", "99.9999:0.5")]
    public void A_rule_is_stored_with_its_thresholds_descending_and_without_trailing_zeros(string text, string stored)
    {
        Assert.Equal(stored, ServiceCreditRule.Parse(text).ToString());
    }

    [Fact]
    public void The_lowest_threshold_crossed_applies()
    {
        var rule = ServiceCreditRule.Parse("99.9:10,99:25,95:100");

        Assert.Null(rule.StepFor(100m));
        Assert.Null(rule.StepFor(99.9m)); // "below" is strict: exactly the threshold is no credit
        Assert.Equal(10m, rule.StepFor(99.8999m)!.Value.Percent);
        Assert.Equal(10m, rule.StepFor(99m)!.Value.Percent);
        Assert.Equal(25m, rule.StepFor(98.99m)!.Value.Percent);
        Assert.Equal(new CreditStep(95m, 100m), rule.StepFor(12m));
        Assert.Equal("below 99.9%: 10%, below 99%: 25%, below 95%: 100%", rule.Describe());
    }

    [Fact]
    public void None_removes_the_rule()
    {
        Assert.True(ServiceCreditRule.Parse(" NONE ").IsNone);
        Assert.Null(ServiceCreditRule.None.StepFor(0m));
    }

    [Theory]
    [InlineData("", "Give the credit rule as thresholds and shares")]
    [InlineData("99.9", "`99.9` is not a threshold and a share")]
    [InlineData("99.9:10:5", "`99.9:10:5` is not a threshold and a share")]
    [InlineData("99.9:10,,99:25", "an empty step")]
    [InlineData("99.9:10,", "an empty step")]
    [InlineData("abc:10", "`abc` is not a percentage for the uptime threshold")]
    [InlineData("99.9:ten", "`ten` is not a percentage for the share of the fee")]
    [InlineData("-5:10", "`-5` is not a percentage for the uptime threshold")]
    [InlineData("1e2:10", "`1e2` is not a percentage")]
    [InlineData("0:10", "`0` is out of range for the uptime threshold")]
    [InlineData("101:10", "`101` is out of range for the uptime threshold")]
    [InlineData("99:0", "`0` is out of range for the share of the fee")]
    [InlineData("99:150", "`150` is out of range for the share of the fee")]
    [InlineData("99.123456:10", "more decimals")]
    [InlineData("99:10,99.0:20", "The threshold 99% is given twice")]
    [InlineData("99.9:25,99:10", "A lower threshold must credit more: below 99% gives 10%, but below 99.9% already gives 25%.")]
    [InlineData("99.9:10,99:10", "A lower threshold must credit more")]
    [InlineData("1:1,2:2,3:3,4:4,5:5,6:6,7:7,8:8,9:9,10:10,11:11", "at most 10 thresholds")]
    public void A_wrong_rule_says_what_is_wrong(string text, string expected)
    {
        var error = Assert.Throws<UserException>(() => ServiceCreditRule.Parse(text));

        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
        Assert.False(ServiceCreditRule.TryParse(text, out _));
    }

    [Fact]
    public void Hostile_text_is_only_ever_refused_politely()
    {
        var random = new Random(20261126);
        const string alphabet = "0123456789.:,% -+eE\u0660\u06F1\u00A0\t\"'`\\n∞NaN";
        var texts = new List<string> { new('9', 5000), "9:" + new string('9', 400), "99." + new string('9', 30) + ":1", "79228162514264337593543950335:1", "1:79228162514264337593543950336" };
        for (var i = 0; i < 5000; i++)
        {
            texts.Add(new string(Enumerable.Range(0, random.Next(0, 30)).Select(_ => alphabet[random.Next(alphabet.Length)]).ToArray()));
        }

        foreach (var text in texts)
        {
            try
            {
                var rule = ServiceCreditRule.Parse(text);
                Assert.True(rule.IsNone || ServiceCreditRule.Parse(rule.ToString()).ToString() == rule.ToString());
            }
            catch (UserException)
            {
            }

            try
            {
                MonthlyFee.Parse(text);
            }
            catch (UserException)
            {
            }
        }
    }

    [Theory]
    [InlineData("1200", 1200, null)]
    [InlineData("1200 EUR", 1200, "EUR")]
    [InlineData(" 99.50  usd ", 99.5, "USD")]
    [InlineData("0.01 GBP", 0.01, "GBP")]
    public void A_fee_is_an_amount_and_an_optional_currency(string text, double amount, string? currency)
    {
        Assert.Equal(new MonthlyFee((decimal)amount, currency), MonthlyFee.Parse(text));
    }

    [Theory]
    [InlineData("", "is not a monthly fee")]
    [InlineData("EUR 1200", "`EUR` is not an amount")]
    [InlineData("1,200", "`1,200` is not an amount")]
    [InlineData("12.345", "more than two decimals")]
    [InlineData("0", "can't be a monthly fee")]
    [InlineData("2000000000", "can't be a monthly fee")]
    [InlineData("1200 euros", "`euros` is not a currency")]
    [InlineData("1200 EUR now", "is not a monthly fee")]
    public void A_wrong_fee_says_what_is_wrong(string text, string expected)
    {
        Assert.Contains(expected, Assert.Throws<UserException>(() => MonthlyFee.Parse(text)).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Money_is_written_with_cents_only_when_there_are_some()
    {
        var culture = CultureInfo.GetCultureInfo("en-GB");
        Assert.Equal("1,200 EUR", MonthlyFee.Format(1200m, "EUR", culture));
        Assert.Equal("99.50 EUR", MonthlyFee.Format(99.5m, "EUR", culture));
        Assert.Equal("250", MonthlyFee.Format(250m, null, culture));
        Assert.True(MonthlyFee.Parse("none") == MonthlyFee.None);
    }
}
