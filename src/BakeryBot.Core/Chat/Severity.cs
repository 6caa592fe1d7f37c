namespace BakeryBot.Core.Chat;

/// <summary>Incident severities 1 (worst) to 4, written <c>sev1</c>..<c>sev4</c>.</summary>
public static class Severity
{
    public const int Default = 3;

    public static bool TryParse(string? text, out int severity)
    {
        severity = 0;
        if (text is null)
        {
            return false;
        }

        var s = text.Trim().ToLowerInvariant();
        if (s.StartsWith("sev", StringComparison.Ordinal))
        {
            s = s[3..].TrimStart('-', ' ');
        }

        if (s.Length == 1 && s[0] is >= '1' and <= '4')
        {
            severity = s[0] - '0';
            return true;
        }

        return false;
    }

    public static int Parse(string text) =>
        TryParse(text, out var s) ? s : throw new UserException($"`{text}` is not a severity. Use `sev1` (worst) to `sev4`.");

    public static CardAccent Accent(int severity) => severity switch
    {
        1 => CardAccent.Critical,
        2 => CardAccent.Danger,
        3 => CardAccent.Warning,
        _ => CardAccent.Info,
    };
}
