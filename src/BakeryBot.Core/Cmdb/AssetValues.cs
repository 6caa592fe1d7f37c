using System.Globalization;
using BakeryBot.Core.Chat;
using BakeryBot.Core.Sla;

namespace BakeryBot.Core.Cmdb;

/// <summary>A straight-line depreciation: what an asset is worth today and how much is written off.</summary>
public sealed record BookValue(decimal Value, string? Currency, decimal WrittenOff, int LifeMonths);

/// <summary>
/// The attributes of physical assets, components and software that have a meaning beyond their text:
/// dates (<c>warranty</c>, <c>purchase-date</c>, <c>end-of-life</c>, <c>contract-end</c>, as
/// <c>2027-03-01</c>), a <c>count</c> (components are tracked by count), a <c>purchase-price</c> and
/// a <c>useful-life</c> from which the book value is depreciated in a straight line. They are checked
/// when set and kept in one normal form; every other attribute is kept as written.
/// </summary>
public static class AssetValues
{
    public static readonly IReadOnlyList<string> DateKeys = ["warranty", "purchase-date", "end-of-life", "contract-end"];

    /// <summary>The web address a synthetic check probes (an absolute http or https URL); <c>check_url:none</c> removes it.</summary>
    public const string CheckUrlKey = "check_url";

    /// <summary>A useful life longer than this is a typo.</summary>
    public const int MaxLifeMonths = 100 * 12;

    /// <summary>The value to store for <paramref name="key"/>; a clear refusal when it is not one.</summary>
    public static string Normalize(string key, string value)
    {
        switch (key)
        {
            case var date when DateKeys.Contains(date):
                return DateOnly.TryParseExact(value, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var day)
                    ? day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)
                    : throw new UserException($"`{key}:{Shorten(value)}` is not a date; write it like `{key}:2027-03-01`.");
            case "count":
                return int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var count) && count <= 10_000_000
                    ? count.ToString(CultureInfo.InvariantCulture)
                    : throw new UserException($"`count:{Shorten(value)}` is not a count; write a whole number, like `count:12`.");
            case "purchase-price":
                try
                {
                    var price = MonthlyFee.Parse(value);
                    return price.Amount is { } amount
                        ? ServiceCreditRule.Format(amount) + (price.Currency is { } c ? " " + c : "")
                        : throw new UserException("none");
                }
                catch (UserException)
                {
                    throw new UserException($"`purchase-price:{Shorten(value)}` is not a price; write it like `purchase-price:\"1200 EUR\"`.");
                }

            case "useful-life":
                return LifeMonths(value) is { } months
                    ? months % 12 == 0 ? $"{months / 12} year{(months == 12 ? "" : "s")}" : $"{months} month{(months == 1 ? "" : "s")}"
                    : throw new UserException($"`useful-life:{Shorten(value)}` is not a useful life; write it like `useful-life:5y` or `useful-life:\"36 months\"`.");
            case CheckUrlKey:
                // No credentials in the address: it is shown on the CI's card.
                return Uri.TryCreate(value, UriKind.Absolute, out var url) && (url.Scheme == Uri.UriSchemeHttp || url.Scheme == Uri.UriSchemeHttps)
                                                                         && url.Host.Length > 0 && url.UserInfo.Length == 0
                    ? value
                    : throw new UserException($"`{key}:{Shorten(value)}` is not an address to check; write an absolute http or https URL without a password, like `{key}:https://web.example.com/health` (`{key}:none` stops the check).");
            default:
                return value;
        }
    }

    /// <summary>
    /// The book value on <paramref name="today"/> of a CI with a purchase date, price and useful life:
    /// the price written off evenly month by month over the life, never below zero; null when one is missing.
    /// </summary>
    public static BookValue? Depreciate(IReadOnlyDictionary<string, string> attributes, DateOnly today)
    {
        if (!attributes.TryGetValue("purchase-date", out var dateText) || !DateOnly.TryParseExact(dateText, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var bought)
            || !attributes.TryGetValue("purchase-price", out var priceText) || !attributes.TryGetValue("useful-life", out var lifeText)
            || LifeMonths(lifeText) is not { } life)
        {
            return null;
        }

        var words = priceText.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        if (!decimal.TryParse(words[0], NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var price))
        {
            return null;
        }

        var months = Math.Max(0, ((today.Year - bought.Year) * 12) + today.Month - bought.Month - (today.Day < bought.Day ? 1 : 0));
        var writtenOff = Math.Min(1m, (decimal)months / life);
        return new BookValue(decimal.Round(price * (1 - writtenOff), 2), words.Length > 1 ? words[1] : null, writtenOff, life);
    }

    private static int? LifeMonths(string text)
    {
        var s = text.Trim().ToLowerInvariant().Replace(" ", "", StringComparison.Ordinal);
        var digits = new string(s.TakeWhile(char.IsAsciiDigit).ToArray());
        var unit = s[digits.Length..];
        if (digits.Length is 0 or > 4 || !int.TryParse(digits, NumberStyles.None, CultureInfo.InvariantCulture, out var n) || n == 0)
        {
            return null;
        }

        int? months = unit switch
        {
            "" or "y" or "year" or "years" => n * 12,
            "m" or "mo" or "month" or "months" => n,
            _ => null,
        };
        return months is > MaxLifeMonths ? null : months;
    }

    private static string Shorten(string text) => text.Length <= 40 ? text : text[..40] + "…";
}
