using System.Net;
using System.Text;

namespace BakeryBot.Teams.Activities;

/// <summary>
/// Turns the text Teams sends into plain text. Teams: message <c>text</c> carries mentions as
/// <c>&lt;at&gt;Name&lt;/at&gt;</c> and, for formatted messages, HTML (<c>&lt;p&gt;</c>, <c>&lt;div&gt;</c>,
/// <c>&amp;nbsp;</c>); a message action's <c>messagePayload.body.content</c> is HTML. Tags go, block tags
/// become line breaks, entities are decoded, and non-breaking spaces become spaces.
/// </summary>
public static class TeamsMessageText
{
    // Longest entity worth decoding (&thetasym; is 10 chars); beyond that '&' is just a character.
    private const int MaxEntityLength = 12;

    private static readonly HashSet<string> BlockTags = new(StringComparer.OrdinalIgnoreCase)
    {
        "p", "div", "br", "li", "ul", "ol", "tr", "table", "blockquote", "pre", "h1", "h2", "h3", "h4", "h5", "h6", "hr",
    };

    /// <summary>HTML to plain text; a mention keeps only its name.</summary>
    public static string ToPlainText(string html)
    {
        ArgumentNullException.ThrowIfNull(html);
        return Convert(html, mention: null);
    }

    /// <summary>
    /// Message text to plain text where each mention is handed to <paramref name="mention"/> with its decoded
    /// name; what it returns stands in the text (empty to drop the mention).
    /// </summary>
    internal static string Convert(string text, Func<string, string>? mention)
    {
        var output = new StringBuilder(text.Length);
        var afterBlock = false;
        var i = 0;
        while (i < text.Length)
        {
            var c = text[i];
            if (c is '\r' or '\n' && afterBlock)
            {
                // Source line breaks next to block tags are layout of the HTML, not of the text.
                i++;
                continue;
            }

            afterBlock = false;
            if (c == '<' && ReadTag(text, i) is { } tag)
            {
                if (tag.Name.Equals("at", StringComparison.OrdinalIgnoreCase) && !tag.Closing)
                {
                    var close = text.IndexOf("</at>", tag.End, StringComparison.OrdinalIgnoreCase);
                    if (close >= 0)
                    {
                        var name = Normalize(Convert(text[tag.End..close], null)).Trim();
                        output.Append(mention is null ? name : mention(name));
                        i = close + "</at>".Length;
                        continue;
                    }
                }

                // One line break per block boundary (</p><p> is one), but each <br> is one of its own.
                if (tag.Name.Equals("br", StringComparison.OrdinalIgnoreCase)
                    || (BlockTags.Contains(tag.Name) && output.Length > 0 && output[^1] != '\n'))
                {
                    output.Append('\n');
                }

                afterBlock = BlockTags.Contains(tag.Name);
                i = tag.End;
                continue;
            }

            if (c == '&' && Entity(text, i, out var decoded, out var length))
            {
                output.Append(decoded);
                i += length;
                continue;
            }

            output.Append(c);
            i++;
        }

        return Normalize(output.ToString());
    }

    /// <summary>Non-breaking spaces to spaces, CR LF to LF, no space around line breaks, at most one blank line.</summary>
    private static string Normalize(string text)
    {
        var lines = text.Replace("\r\n", "\n", StringComparison.Ordinal).Replace('\r', '\n').Replace('\u00A0', ' ').Split('\n');
        var output = new StringBuilder(text.Length);
        var blank = 0;
        foreach (var raw in lines)
        {
            var line = raw.Trim(' ', '\t');
            blank = line.Length == 0 ? blank + 1 : 0;
            if (blank > 1)
            {
                continue;
            }

            if (output.Length > 0)
            {
                output.Append('\n');
            }

            output.Append(line);
        }

        return output.ToString().Trim('\n');
    }

    private readonly record struct Tag(string Name, bool Closing, int End);

    /// <summary>A tag (<c>&lt;p&gt;</c>, <c>&lt;/div&gt;</c>, <c>&lt;span itemid="0"&gt;</c>, <c>&lt;!-- --&gt;</c>) at <paramref name="i"/>; null when '&lt;' is just a character.</summary>
    private static Tag? ReadTag(string text, int i)
    {
        var j = i + 1;
        var closing = j < text.Length && text[j] == '/';
        if (closing)
        {
            j++;
        }

        if (j >= text.Length || !(char.IsAsciiLetter(text[j]) || (!closing && text[j] == '!')))
        {
            // "a < b" and "<3" are text, not tags.
            return null;
        }

        var nameStart = j;
        while (j < text.Length && (char.IsAsciiLetterOrDigit(text[j]) || text[j] is '!' or '-'))
        {
            j++;
        }

        var end = text.IndexOf('>', j);
        return end < 0 ? null : new Tag(text[nameStart..j], closing, end + 1);
    }

    /// <summary>Decodes <c>&amp;name;</c>, <c>&amp;#N;</c> or <c>&amp;#xH;</c> at <paramref name="i"/>.</summary>
    private static bool Entity(string text, int i, out string decoded, out int length)
    {
        decoded = "";
        length = 0;
        var semicolon = text.IndexOf(';', i + 1, Math.Min(MaxEntityLength, text.Length - i - 1));
        if (semicolon < 0)
        {
            return false;
        }

        var entity = text[i..(semicolon + 1)];
        var result = WebUtility.HtmlDecode(entity);
        if (result == entity)
        {
            return false;
        }

        decoded = result;
        length = entity.Length;
        return true;
    }
}
