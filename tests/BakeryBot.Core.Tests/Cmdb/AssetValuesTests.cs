using BakeryBot.Core.Chat;
using BakeryBot.Core.Cmdb;
using CsCheck;

namespace BakeryBot.Core.Tests.Cmdb;

/// <summary>Dates, counts, prices and useful lives of assets: checked when set, and the book value they give.</summary>
public sealed class AssetValuesTests
{
    [Theory]
    [InlineData("warranty", "2027-03-01", "2027-03-01")]
    [InlineData("count", "12", "12")]
    [InlineData("purchase-price", "1200.50 eur", "1200.5 EUR")]
    [InlineData("purchase-price", "800", "800")]
    [InlineData("useful-life", "5y", "5 years")]
    [InlineData("useful-life", "1 year", "1 year")]
    [InlineData("useful-life", "36 months", "3 years")]
    [InlineData("useful-life", "18m", "18 months")]
    [InlineData("colour", "red", "red")]
    public void Known_attributes_are_kept_in_one_form(string key, string value, string stored) =>
        Assert.Equal(stored, AssetValues.Normalize(key, value));

    [Theory]
    [InlineData("warranty", "soon", "`warranty:soon` is not a date; write it like `warranty:2027-03-01`.")]
    [InlineData("purchase-date", "2026-02-30", "`purchase-date:2026-02-30` is not a date")]
    [InlineData("count", "-3", "`count:-3` is not a count")]
    [InlineData("purchase-price", "lots", "`purchase-price:lots` is not a price")]
    [InlineData("useful-life", "forever", "`useful-life:forever` is not a useful life")]
    [InlineData("useful-life", "0y", "`useful-life:0y` is not a useful life")]
    [InlineData("useful-life", "200y", "`useful-life:200y` is not a useful life")]
    public void Wrong_values_say_how_to_write_them(string key, string value, string expected) =>
        Assert.StartsWith(expected, Assert.Throws<UserException>(() => AssetValues.Normalize(key, value)).Message, StringComparison.Ordinal);

    [Fact]
    public void Any_text_is_stored_or_refused_politely()
    {
        Gen.Select(Gen.Int[0, 3].Select(i => new[] { "warranty", "count", "purchase-price", "useful-life" }[i]), Gen.String).Sample((key, value) =>
        {
            try
            {
                Assert.NotNull(AssetValues.Normalize(key, value));
            }
            catch (UserException ex)
            {
                Assert.NotEmpty(ex.Message);
            }
        }, iter: 5_000);
    }

    [Theory]
    [InlineData("2024-11-26", "2026-11-26", 720, 0.4)]
    [InlineData("2024-11-26", "2026-11-25", 740, 23 / 60.0)]
    [InlineData("2020-01-01", "2026-11-26", 0, 1.0)]
    [InlineData("2027-01-01", "2026-11-26", 1200, 0.0)]
    public void The_book_value_is_written_off_month_by_month_in_a_straight_line(string bought, string today, decimal value, double writtenOff)
    {
        var attributes = new Dictionary<string, string> { ["purchase-date"] = bought, ["purchase-price"] = "1200 EUR", ["useful-life"] = "5 years" };

        var book = AssetValues.Depreciate(attributes, DateOnly.Parse(today, System.Globalization.CultureInfo.InvariantCulture))!;

        Assert.Equal((value, "EUR", 60), (book.Value, book.Currency, book.LifeMonths));
        Assert.Equal(writtenOff, (double)book.WrittenOff, 6);
        Assert.Null(AssetValues.Depreciate(new Dictionary<string, string> { ["purchase-date"] = bought }, DateOnly.MaxValue));
    }
}
