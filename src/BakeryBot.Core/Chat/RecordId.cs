using System.Globalization;

namespace BakeryBot.Core.Chat;

/// <summary>The human id of a record: <c>INC-42</c>, <c>PRB-3</c>, <c>CHG-7</c>, <c>DRL-2</c>.</summary>
public readonly record struct RecordId(string Prefix, int Number)
{
    public const string Incident = "INC";
    public const string Problem = "PRB";
    public const string Change = "CHG";
    public const string Drill = "DRL";

    private static readonly string[] Prefixes = [Incident, Problem, Change, Drill];

    public override string ToString() => $"{Prefix}-{Number.ToString(CultureInfo.InvariantCulture)}";

    public static bool TryParse(string? text, out RecordId id)
    {
        id = default;
        if (text is null || text.Length is < 5 or > 14 || text[3] != '-')
        {
            return false;
        }

        var prefix = text[..3].ToUpperInvariant();
        if (Array.IndexOf(Prefixes, prefix) < 0)
        {
            return false;
        }

        var digits = text.AsSpan(4);
        foreach (var c in digits)
        {
            if (!char.IsAsciiDigit(c))
            {
                return false;
            }
        }

        if (!int.TryParse(digits, NumberStyles.None, CultureInfo.InvariantCulture, out var n) || n <= 0)
        {
            return false;
        }

        id = new RecordId(prefix, n);
        return true;
    }

    /// <summary>Parses an id of one kind, or explains what was expected.</summary>
    public static RecordId Parse(string text, string prefix) =>
        TryParse(text, out var id) && id.Prefix == prefix
            ? id
            : throw new UserException($"`{text}` is not a {prefix} id. Write it like `{prefix}-42`.");
}
