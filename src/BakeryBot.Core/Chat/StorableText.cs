namespace BakeryBot.Core.Chat;

/// <summary>
/// Text the database can keep. PostgreSQL stores UTF-8 and refuses the NUL character, and half of a
/// surrogate pair has no UTF-8 form at all: neither is typed on purpose, and either would fail the
/// save as an unexpected error. Such text is refused where it comes in, saying which character it is.
/// </summary>
public static class StorableText
{
    /// <summary>The answer to a JSON body whose bytes are not UTF-8 (the JSON reader would throw only once it reads that string).</summary>
    public const string NotUtf8 = "The body is not valid UTF-8.";

    /// <summary>The answer to a JSON string that escapes half a surrogate pair, which no text can hold.</summary>
    public const string HalfSurrogateInJson = "The body has a string with half a surrogate pair (as \\ud800), which is not text.";

    /// <summary>The index of the first character that can't be stored, or -1.</summary>
    public static int FindUnstorable(string? text)
    {
        if (text is null)
        {
            return -1;
        }

        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (c == '\0' || char.IsLowSurrogate(c))
            {
                return i;
            }

            if (char.IsHighSurrogate(c))
            {
                if (i + 1 >= text.Length || !char.IsLowSurrogate(text[i + 1]))
                {
                    return i;
                }

                i++;
            }
        }

        return -1;
    }

    /// <summary>Throws a <see cref="UserException"/> naming <paramref name="what"/> when its text can't be stored.</summary>
    public static void Check(string? text, string what)
    {
        var at = FindUnstorable(text);
        if (at >= 0)
        {
            throw new UserException($"{what} has a character that can't be kept (U+{(int)text![at]:X4}, character {at + 1}). Type it again without it.");
        }
    }
}
