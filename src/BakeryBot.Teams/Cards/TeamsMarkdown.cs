using System.Text;

namespace BakeryBot.Teams.Cards;

/// <summary>
/// Turns the neutral plain text into text for Teams' markdown (Adaptive Card TextBlocks and Fact titles and
/// values, and message text with <c>textFormat: markdown</c>) so that it shows as typed.
/// </summary>
/// <remarks>
/// Teams renders a CommonMark subset (bold, italic, lists, links) and, like CommonMark, takes a backslash before
/// ASCII punctuation as "this character, literally" (fixed on the last platforms in
/// microsoft/AdaptiveCards#7474 and Teams-AdaptiveCards-Mobile#83). So: <c>\ * _ ` ~ [ ] &lt;</c> are escaped
/// everywhere, <c>&amp;</c> where it could start an entity, and list, heading and quote markers at the start of
/// a line (<c># - + &gt;</c>, <c>1.</c>, <c>1)</c>). Leading spaces become no-break spaces so that indentation
/// cannot start a code block. A TextBlock needs a blank line for a line break (microsoft/AdaptiveCards#5538),
/// so each run of line breaks becomes exactly one blank line. Person mentions <c>&lt;@ID&gt;</c> become
/// <c>@Name</c> (or <c>@ID</c> when no name is known).
/// </remarks>
public static class TeamsMarkdown
{
    private const int MaxIdLength = 128;

    public static string Escape(string text, Func<string, string?>? nameOf = null)
    {
        ArgumentNullException.ThrowIfNull(text);
        var output = new StringBuilder(text.Length + 16);
        var lineStart = true;
        var i = 0;
        while (i < text.Length)
        {
            var c = text[i];
            if (c is '\n' or '\r')
            {
                while (i < text.Length && text[i] is '\n' or '\r')
                {
                    i++;
                }

                // Leading and trailing line breaks add nothing but empty paragraphs.
                if (output.Length > 0 && i < text.Length)
                {
                    output.Append("\n\n");
                    lineStart = true;
                }

                continue;
            }

            if (lineStart)
            {
                if (c is ' ' or '\t')
                {
                    output.Append('\u00A0');
                    i++;
                    continue;
                }

                lineStart = false;
                if (c is '#' or '-' or '+' or '>')
                {
                    output.Append('\\').Append(c);
                    i++;
                    continue;
                }

                if (char.IsAsciiDigit(c))
                {
                    i = AppendOrderedMarker(output, text, i);
                    continue;
                }
            }

            if (c == '<' && MentionLength(text, i) is > 0 and var length)
            {
                var id = text.Substring(i + 2, length - 3);
                var name = nameOf?.Invoke(id);
                output.Append('@');
                AppendInline(output, string.IsNullOrWhiteSpace(name) ? id : name);
                i += length;
                continue;
            }

            AppendInline(output, c, i + 1 < text.Length ? text[i + 1] : '\0');
            i++;
        }

        return output.ToString();
    }

    /// <summary>Digits at a line start, with the '.' or ')' after them escaped so they do not start a list.</summary>
    private static int AppendOrderedMarker(StringBuilder output, string text, int i)
    {
        var start = i;
        while (i < text.Length && char.IsAsciiDigit(text[i]))
        {
            i++;
        }

        output.Append(text, start, i - start);
        if (i < text.Length && text[i] is '.' or ')')
        {
            output.Append('\\').Append(text[i]);
            i++;
        }

        return i;
    }

    private static void AppendInline(StringBuilder output, string text)
    {
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            // A name handed in by nameOf stays on one line.
            AppendInline(output, c is '\n' or '\r' ? ' ' : c, i + 1 < text.Length ? text[i + 1] : '\0');
        }
    }

    private static void AppendInline(StringBuilder output, char c, char next)
    {
        switch (c)
        {
            case '\\' or '*' or '_' or '`' or '~' or '[' or ']' or '<':
                output.Append('\\').Append(c);
                break;
            case '&' when char.IsAsciiLetter(next) || next == '#':
                output.Append("\\&");
                break;
            default:
                output.Append(c);
                break;
        }
    }

    /// <summary>The length of <c>&lt;@ID&gt;</c> at <paramref name="i"/>, or 0.</summary>
    private static int MentionLength(string text, int i)
    {
        if (i + 3 >= text.Length || text[i + 1] != '@')
        {
            return 0;
        }

        var j = i + 2;
        while (j < text.Length && j - i - 2 < MaxIdLength && (char.IsAsciiLetterOrDigit(text[j]) || text[j] is '_' or '-' or '.' or ':'))
        {
            j++;
        }

        return j > i + 2 && j < text.Length && text[j] == '>' ? j - i + 1 : 0;
    }
}
