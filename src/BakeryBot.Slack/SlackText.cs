using System.Text;

namespace BakeryBot.Slack;

/// <summary>
/// Turns the neutral plain text into Slack <c>mrkdwn</c>, within a length budget.
/// Slack: escape <c>&amp;</c>, <c>&lt;</c> and <c>&gt;</c> as HTML entities, and nothing else
/// (api.slack.com/reference/surfaces/formatting#escaping). Person mentions <c>&lt;@ID&gt;</c> and channel
/// references <c>&lt;#ID&gt;</c> are Slack syntax the neutral text shares, so they stay as they are;
/// anything else in angle brackets (<c>&lt;!here&gt;</c>, links) is escaped and shows as typed.
/// </summary>
public static class SlackText
{
    /// <summary>Appended where text was cut short.</summary>
    public const char Ellipsis = '\u2026';

    private const int MaxIdLength = 128;

    /// <summary>The whole text escaped; the same instance when nothing needs escaping.</summary>
    public static string Escape(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (text.AsSpan().IndexOfAny('&', '<', '>') < 0)
        {
            return text;
        }

        var builder = new StringBuilder(text.Length + 16);
        Append(builder, text);
        return builder.ToString();
    }

    /// <summary>Escaped and at most <paramref name="maxLength"/> chars, ending in … when cut; never splits an entity, mention or surrogate pair.</summary>
    public static string Truncate(string text, int maxLength)
    {
        ArgumentNullException.ThrowIfNull(text);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxLength, 1);
        if (text.Length <= maxLength && text.AsSpan().IndexOfAny('&', '<', '>') < 0)
        {
            return text;
        }

        var end = Fit(text, 0, maxLength, out _);
        if (end == text.Length)
        {
            return Escape(text);
        }

        end = Fit(text, 0, maxLength - 1, out _);
        var builder = new StringBuilder(maxLength);
        Append(builder, text.AsSpan(0, end));
        return builder.Append(Ellipsis).ToString();
    }

    /// <summary>
    /// Escaped pieces of at most <paramref name="maxLength"/> chars each, cut after a line break or space where one
    /// falls in the second half of a piece; pieces that are only white space are dropped.
    /// </summary>
    public static List<string> Split(string text, int maxLength)
    {
        ArgumentNullException.ThrowIfNull(text);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxLength, 2 * (MaxIdLength + 3));
        var pieces = new List<string>(1);
        var start = 0;
        while (start < text.Length)
        {
            var end = Fit(text, start, maxLength, out var lastBreak);
            if (end < text.Length && lastBreak - start > (end - start) / 2)
            {
                end = lastBreak;
            }

            var piece = text.AsSpan(start, end - start);
            if (!piece.IsWhiteSpace())
            {
                var builder = new StringBuilder(piece.Length + 16);
                Append(builder, piece);
                pieces.Add(builder.ToString());
            }

            start = end;
        }

        return pieces;
    }

    /// <summary>The plain text (no markup, not escaped) cut to <paramref name="maxLength"/> chars with … when too long.</summary>
    public static string TruncatePlain(string text, int maxLength)
    {
        ArgumentNullException.ThrowIfNull(text);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxLength, 1);
        if (text.Length <= maxLength)
        {
            return text;
        }

        var cut = maxLength - 1;
        if (cut > 0 && char.IsHighSurrogate(text[cut - 1]))
        {
            cut--;
        }

        return string.Concat(text.AsSpan(0, cut), Ellipsis.ToString());
    }

    /// <summary>Where text from <paramref name="start"/> must end so that its escaped form fits <paramref name="budget"/>.</summary>
    private static int Fit(string text, int start, int budget, out int lastBreak)
    {
        lastBreak = -1;
        var used = 0;
        var i = start;
        while (i < text.Length)
        {
            var size = Token(text, i, out var length);
            if (used + size > budget)
            {
                break;
            }

            used += size;
            i += length;
            if (text[i - 1] is '\n' or ' ')
            {
                lastBreak = i;
            }
        }

        return i;
    }

    private static void Append(StringBuilder builder, ReadOnlySpan<char> text)
    {
        var i = 0;
        while (i < text.Length)
        {
            var next = text[i..].IndexOfAny('&', '<', '>');
            if (next < 0)
            {
                builder.Append(text[i..]);
                return;
            }

            builder.Append(text.Slice(i, next));
            i += next;
            var mention = MentionLength(text, i);
            if (mention > 0)
            {
                builder.Append(text.Slice(i, mention));
                i += mention;
                continue;
            }

            builder.Append(text[i] switch
            {
                '&' => "&amp;",
                '<' => "&lt;",
                _ => "&gt;",
            });
            i++;
        }
    }

    /// <summary>The escaped size of the token at <paramref name="i"/>, and its <paramref name="length"/> in the source.</summary>
    private static int Token(ReadOnlySpan<char> text, int i, out int length)
    {
        length = 1;
        switch (text[i])
        {
            case '&':
                return 5;
            case '>':
                return 4;
            case '<':
                var mention = MentionLength(text, i);
                if (mention > 0)
                {
                    length = mention;
                    return mention;
                }

                return 4;
            case var c when char.IsHighSurrogate(c) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]):
                length = 2;
                return 2;
            default:
                return 1;
        }
    }

    /// <summary>The length of <c>&lt;@ID&gt;</c> or <c>&lt;#ID&gt;</c> at <paramref name="i"/>, or 0.</summary>
    private static int MentionLength(ReadOnlySpan<char> text, int i)
    {
        if (i + 3 >= text.Length || text[i] != '<' || text[i + 1] is not ('@' or '#'))
        {
            return 0;
        }

        var j = i + 2;
        while (j < text.Length && j - i - 2 <= MaxIdLength && IsIdChar(text[j]))
        {
            j++;
        }

        var idLength = j - i - 2;
        return idLength is > 0 and <= MaxIdLength && j < text.Length && text[j] == '>' ? j - i + 1 : 0;
    }

    private static bool IsIdChar(char c) => char.IsAsciiLetterOrDigit(c) || c is '_' or '-' or '.' or ':';
}
