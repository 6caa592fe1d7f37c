using System.Globalization;
using BakeryBot.Core.Chat;

namespace BakeryBot.Core.Sla;

/// <summary>One step of a credit rule: measured uptime below <see cref="Below"/> percent credits <see cref="Percent"/> percent of the monthly fee.</summary>
public readonly record struct CreditStep(decimal Below, decimal Percent);

/// <summary>
/// The service-credit rule of a commitment, written <c>99.9:10,99:25,95:100</c>: below 99.9% measured
/// uptime 10% of the monthly fee is credited, below 99% 25%, below 95% all of it. The lowest threshold
/// crossed applies, which is also the largest share: a lower threshold must credit more. Stored
/// normalised (thresholds descending, no trailing zeros). Pure; bad text is a <see cref="UserException"/>.
/// </summary>
public sealed class ServiceCreditRule
{
    /// <summary>More steps than this is a typo, not a contract.</summary>
    public const int MaxSteps = 10;

    /// <summary>Longer text than this is refused before it is read.</summary>
    public const int MaxLength = 200;

    private const int MaxDecimals = 4;

    private const string Example = "`credit:\"99.9:10,99:25\"` (below 99.9% uptime 10% of the monthly fee, below 99% 25%)";

    private ServiceCreditRule(IReadOnlyList<CreditStep> steps) => Steps = steps;

    /// <summary>The rule <c>credit:none</c> writes: it removes the rule.</summary>
    public static ServiceCreditRule None { get; } = new([]);

    /// <summary>The steps, highest threshold (smallest share) first.</summary>
    public IReadOnlyList<CreditStep> Steps { get; }

    public bool IsNone => Steps.Count == 0;

    /// <summary>Reads a rule, or <c>none</c>; says what is wrong otherwise.</summary>
    public static ServiceCreditRule Parse(string? text)
    {
        var s = text?.Trim() ?? "";
        if (s.Length == 0)
        {
            throw new UserException($"Give the credit rule as thresholds and shares, as in {Example}.");
        }

        if (s.Length > MaxLength)
        {
            throw new UserException($"That credit rule is {s.Length} characters; a rule takes at most {MaxLength}.");
        }

        if (s.Equals("none", StringComparison.OrdinalIgnoreCase))
        {
            return None;
        }

        var parts = s.Split(',', StringSplitOptions.TrimEntries);
        if (parts.Length > MaxSteps)
        {
            throw new UserException($"A credit rule has at most {MaxSteps} thresholds; that one has {parts.Length}.");
        }

        var steps = new List<CreditStep>(parts.Length);
        foreach (var part in parts)
        {
            if (part.Length == 0)
            {
                throw new UserException($"The credit rule has an empty step (two commas in a row, or one at an end); write it like {Example}.");
            }

            var colon = part.IndexOf(':', StringComparison.Ordinal);
            if (colon < 0 || colon != part.LastIndexOf(':'))
            {
                throw new UserException($"`{part}` is not a threshold and a share: write each as `<uptime>:<percent of the fee>`, as in {Example}.");
            }

            var below = Number(part[..colon], "uptime threshold");
            var percent = Number(part[(colon + 1)..], "share of the fee");
            if (steps.Any(step => step.Below == below))
            {
                throw new UserException($"The threshold {Format(below)}% is given twice; give each threshold once.");
            }

            steps.Add(new CreditStep(below, percent));
        }

        var ordered = steps.OrderByDescending(step => step.Below).ToList();
        for (var i = 1; i < ordered.Count; i++)
        {
            if (ordered[i].Percent <= ordered[i - 1].Percent)
            {
                throw new UserException(
                    $"A lower threshold must credit more: below {Format(ordered[i].Below)}% gives {Format(ordered[i].Percent)}%, " +
                    $"but below {Format(ordered[i - 1].Below)}% already gives {Format(ordered[i - 1].Percent)}%.");
            }
        }

        return new ServiceCreditRule(ordered);
    }

    /// <summary>Reads a stored rule; false (never an exception) when it is not one.</summary>
    public static bool TryParse(string? text, out ServiceCreditRule rule)
    {
        try
        {
            rule = Parse(text);
            return true;
        }
        catch (UserException)
        {
            rule = None;
            return false;
        }
    }

    /// <summary>The share of the fee credited at this measured uptime (percent); null when no threshold is crossed.</summary>
    public CreditStep? StepFor(decimal uptimePercent)
    {
        CreditStep? applies = null;
        foreach (var step in Steps)
        {
            if (uptimePercent < step.Below)
            {
                applies = step;
            }
        }

        return applies;
    }

    /// <summary>The normalised form that is stored: <c>99.9:10,99:25</c>.</summary>
    public override string ToString() => string.Join(',', Steps.Select(step => $"{Format(step.Below)}:{Format(step.Percent)}"));

    /// <summary>For people: <c>below 99.9%: 10%, below 99%: 25%</c>.</summary>
    public string Describe() => IsNone ? "none" : string.Join(", ", Steps.Select(step => $"below {Format(step.Below)}%: {Format(step.Percent)}%"));

    /// <summary>A percentage as written back: invariant, without trailing zeros.</summary>
    public static string Format(decimal value) => value.ToString("0.####", CultureInfo.InvariantCulture);

    private static decimal Number(string text, string what)
    {
        var s = text.Trim();
        if (s.EndsWith('%'))
        {
            s = s[..^1].TrimEnd();
        }

        var dot = s.IndexOf('.', StringComparison.Ordinal);
        if (s.Length is 0 or > 12 || !s.All(c => char.IsAsciiDigit(c) || c == '.') || dot != s.LastIndexOf('.') || dot == 0 || dot == s.Length - 1
            || !decimal.TryParse(s, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var value))
        {
            throw new UserException($"`{text.Trim()}` is not a percentage for the {what}; write it like `99.9` or `25`, as in {Example}.");
        }

        if (dot >= 0 && s.Length - dot - 1 > MaxDecimals)
        {
            throw new UserException($"`{s}` has more decimals than the {what} needs; {MaxDecimals} are enough.");
        }

        if (value is <= 0 or > 100)
        {
            throw new UserException($"`{s}` is out of range for the {what}: give a percentage above 0 and at most 100.");
        }

        return value;
    }
}

/// <summary>What is paid for a CI each month, as <c>fee:1200</c> or <c>fee:"1200 EUR"</c>; <see cref="None"/> removes it.</summary>
public sealed record MonthlyFee(decimal? Amount, string? Currency)
{
    /// <summary>A fee above this is a typo.</summary>
    public const decimal Max = 1_000_000_000m;

    private const string Example = "`fee:1200` or `fee:\"1200 EUR\"` (an amount, and the ISO code of its currency if you like)";

    public static MonthlyFee None { get; } = new(null, null);

    /// <summary>Reads a fee, or <c>none</c>; says what is wrong otherwise.</summary>
    public static MonthlyFee Parse(string? text)
    {
        var s = text?.Trim() ?? "";
        if (s.Equals("none", StringComparison.OrdinalIgnoreCase))
        {
            return None;
        }

        var words = s.Length is > 0 and <= 40 ? s.Split(' ', StringSplitOptions.RemoveEmptyEntries) : [];
        if (words.Length is 0 or > 2)
        {
            throw new UserException($"`{Shorten(s)}` is not a monthly fee; write it like {Example}.");
        }

        var amountText = words[0];
        var dot = amountText.IndexOf('.', StringComparison.Ordinal);
        if (amountText.Length > 16 || !amountText.All(c => char.IsAsciiDigit(c) || c == '.') || dot != amountText.LastIndexOf('.') || dot == 0 || dot == amountText.Length - 1
            || !decimal.TryParse(amountText, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var amount))
        {
            throw new UserException($"`{Shorten(amountText)}` is not an amount; write the fee like {Example}.");
        }

        if (dot >= 0 && amountText.Length - dot - 1 > 2)
        {
            throw new UserException($"`{amountText}` has more than two decimals; write the fee like {Example}.");
        }

        if (amount is <= 0 or > Max)
        {
            throw new UserException($"`{amountText}` can't be a monthly fee: give an amount above 0 and at most {Max.ToString("#,0", CultureInfo.InvariantCulture)}.");
        }

        string? currency = null;
        if (words.Length == 2)
        {
            currency = words[1].Length == 3 && words[1].All(char.IsAsciiLetter)
                ? words[1].ToUpperInvariant()
                : throw new UserException($"`{Shorten(words[1])}` is not a currency; give its three-letter code, as in `fee:\"1200 EUR\"`.");
        }

        // 1200.50 and 1200.5 are one fee: kept without trailing zeros.
        return new MonthlyFee(decimal.Parse(amount.ToString("0.##", CultureInfo.InvariantCulture), CultureInfo.InvariantCulture), currency);
    }

    /// <summary>An amount of money for people: <c>1,200 EUR</c>, <c>99.50 EUR</c>.</summary>
    public static string Format(decimal amount, string? currency, CultureInfo culture)
    {
        var number = amount == decimal.Truncate(amount) ? amount.ToString("#,0", culture) : amount.ToString("#,0.00", culture);
        return currency is null ? number : $"{number} {currency}";
    }

    private static string Shorten(string text) => text.Length <= 40 ? text : text[..40] + "…";
}
