using System.Text;

namespace BakeryBot.Core.Chat;

/// <summary>
/// Splits command text into words, quoted strings, <c>key:value</c> options, person mentions
/// (<c>&lt;@U123&gt;</c>, <c>&lt;@U123|name&gt;</c>, <c>&lt;at&gt;Name&lt;/at&gt;</c>) and channel
/// references (<c>&lt;#C123|name&gt;</c>). Never throws for content; bad input is a <see cref="UserException"/>.
/// </summary>
public static class CommandTokenizer
{
    /// <summary>Longer command text than this is refused rather than parsed.</summary>
    public const int MaxLength = 4000;

    public static IReadOnlyList<CommandToken> Tokenize(string text, IReadOnlyDictionary<string, string>? mentionIds = null)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (text.Length > MaxLength)
        {
            throw new UserException($"That is {text.Length} characters; a command takes at most {MaxLength}.");
        }

        var tokens = new List<CommandToken>();
        var i = 0;
        while (true)
        {
            while (i < text.Length && IsSpace(text[i]))
            {
                i++;
            }

            if (i >= text.Length)
            {
                return tokens;
            }

            tokens.Add(ReadToken(text, ref i, mentionIds));
        }
    }

    private static CommandToken ReadToken(string text, ref int i, IReadOnlyDictionary<string, string>? mentionIds)
    {
        var c = text[i];
        if (IsQuote(c))
        {
            return new CommandToken(TokenKind.Quoted, ReadQuoted(text, ref i));
        }

        if (c == '<')
        {
            var special = ReadAngle(text, ref i, mentionIds);
            if (special is not null)
            {
                return special;
            }
        }

        var start = i;
        while (i < text.Length && !IsSpace(text[i]))
        {
            var colon = text[i] == ':';
            i++;
            if (colon && IsOptionKey(text.AsSpan(start, i - 1 - start)))
            {
                var key = text[start..(i - 1)].ToLowerInvariant();
                if (i < text.Length && IsQuote(text[i]))
                {
                    return new CommandToken(TokenKind.Option, ReadQuoted(text, ref i), key);
                }

                if (i < text.Length && text[i] == '<')
                {
                    var inner = ReadAngle(text, ref i, mentionIds);
                    if (inner is not null)
                    {
                        return new CommandToken(TokenKind.Option, inner.Text, key);
                    }
                }

                var valueStart = i;
                while (i < text.Length && !IsSpace(text[i]))
                {
                    i++;
                }

                var value = text[valueStart..i];
                if (value.StartsWith("//", StringComparison.Ordinal))
                {
                    // A link such as https://example.com is a word, not an option.
                    return new CommandToken(TokenKind.Word, text[start..i]);
                }

                if (value.Length == 0)
                {
                    // "db down: timeouts" is prose, not an option without a value.
                    return new CommandToken(TokenKind.Word, text[start..i]);
                }

                return new CommandToken(TokenKind.Option, value, key);
            }
        }

        return new CommandToken(TokenKind.Word, text[start..i]);
    }

    /// <summary>Reads a mention, channel or link in angle brackets; null (position unchanged) when it is none of those.</summary>
    private static CommandToken? ReadAngle(string text, ref int i, IReadOnlyDictionary<string, string>? mentionIds)
    {
        const string atOpen = "<at>";
        const string atClose = "</at>";
        if (string.Compare(text, i, atOpen, 0, atOpen.Length, StringComparison.OrdinalIgnoreCase) == 0)
        {
            var end = text.IndexOf(atClose, i + atOpen.Length, StringComparison.OrdinalIgnoreCase);
            if (end < 0)
            {
                return null;
            }

            var name = text[(i + atOpen.Length)..end].Trim();
            i = end + atClose.Length;
            var id = mentionIds is not null && mentionIds.TryGetValue(name, out var mapped) ? mapped : name;
            return new CommandToken(TokenKind.Mention, id);
        }

        var close = text.IndexOf('>', i);
        if (close < 0 || close - i < 3)
        {
            return null;
        }

        var body = text[(i + 1)..close];
        var bar = body.IndexOf('|', StringComparison.Ordinal);
        var target = bar < 0 ? body : body[..bar];
        if (target.Length == 0)
        {
            return null;
        }

        CommandToken? token = target[0] switch
        {
            '@' when IsId(target.AsSpan(1)) => new CommandToken(TokenKind.Mention, target[1..]),
            '#' when IsId(target.AsSpan(1)) => new CommandToken(TokenKind.Channel, target[1..]),
            // A private channel is escaped without its '#': <C987654321|>.
            'C' or 'G' when bar >= 0 && IsId(target) => new CommandToken(TokenKind.Channel, target),
            _ when target.StartsWith("http", StringComparison.OrdinalIgnoreCase) || target.StartsWith("mailto:", StringComparison.OrdinalIgnoreCase)
                => new CommandToken(TokenKind.Word, target),
            _ => null,
        };
        if (token is not null)
        {
            i = close + 1;
        }

        return token;
    }

    private static string ReadQuoted(string text, ref int i)
    {
        var open = text[i];
        var closing = open switch
        {
            '\u201C' => '\u201D',
            _ => open,
        };
        var sb = new StringBuilder();
        var start = i;
        i++;
        while (i < text.Length)
        {
            var c = text[i];
            if (c == '\\' && i + 1 < text.Length && (text[i + 1] == closing || text[i + 1] == '\\'))
            {
                sb.Append(text[i + 1]);
                i += 2;
                continue;
            }

            if (c == closing || (closing != open && c == open))
            {
                i++;
                return sb.ToString();
            }

            sb.Append(c);
            i++;
        }

        throw new UserException($"A quote opened at character {start + 1} is never closed.");
    }

    private static bool IsOptionKey(ReadOnlySpan<char> key)
    {
        if (key.Length is 0 or > 32 || !char.IsAsciiLetter(key[0]))
        {
            return false;
        }

        foreach (var c in key)
        {
            if (!char.IsAsciiLetterOrDigit(c) && c != '-' && c != '_')
            {
                return false;
            }
        }

        return true;
    }

    private static bool IsId(ReadOnlySpan<char> id)
    {
        if (id.Length is 0 or > 128)
        {
            return false;
        }

        foreach (var c in id)
        {
            if (!char.IsAsciiLetterOrDigit(c) && c != '-' && c != '_' && c != ':' && c != '.')
            {
                return false;
            }
        }

        return true;
    }

    // Straight and typographic double quotes (chat clients often turn one into the other).
    // Apostrophes are not quotes: "won't" is one word.
    private static bool IsQuote(char c) => c is '"' or '\u201C' or '\u201D';

    private static bool IsSpace(char c) => char.IsWhiteSpace(c);
}
