namespace BakeryBot.Core.Chat;

/// <summary>
/// Splits a message typed to the bot (a Slack mention, a Teams message) into the command word and the rest:
/// <c>incident oven cold</c> → (<c>incident</c>, <c>oven cold</c>); a leading '/' is allowed. Asking about one
/// record by its id alone (<c>status INC-42</c>, <c>show CHG-7</c>, or just <c>INC-42</c>) runs its module's
/// <c>show</c>, which is what someone typing that in a channel wants; <c>help</c> alone lists every command.
/// </summary>
public static class MessageCommand
{
    private static readonly Dictionary<string, string> CommandOfPrefix = new(StringComparer.Ordinal)
    {
        [RecordId.Incident] = "incident",
        [RecordId.Problem] = "problem",
        [RecordId.Change] = "change",
        [RecordId.Drill] = "drill",
    };

    /// <summary>The command word (lower case, no slash) and the rest; null when the text has no word.</summary>
    public static (string Command, string Text)? Split(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var (word, rest) = FirstWord(text.Trim());
        word = word.TrimStart('/');
        if (word.Length == 0)
        {
            return null;
        }

        if (word.Equals("help", StringComparison.OrdinalIgnoreCase) && rest.Length == 0)
        {
            // Every command, as /bakery help gives it.
            return ("bakery", "help");
        }

        if (RecordId.TryParse(word, out var id) && rest.Length == 0)
        {
            return (CommandOfPrefix[id.Prefix], $"show {id}");
        }

        if (word.Equals("status", StringComparison.OrdinalIgnoreCase) || word.Equals("show", StringComparison.OrdinalIgnoreCase))
        {
            var (next, after) = FirstWord(rest);
            if (RecordId.TryParse(next, out var shown) && after.Length == 0)
            {
                return (CommandOfPrefix[shown.Prefix], $"show {shown}");
            }
        }

        return (word.ToLowerInvariant(), rest);
    }

    private static (string Word, string After) FirstWord(string text)
    {
        // Any white space ends the word, as in the tokenizer: a no-break space or a carriage return too.
        var space = 0;
        while (space < text.Length && !char.IsWhiteSpace(text[space]))
        {
            space++;
        }

        return space == text.Length ? (text, "") : (text[..space], text[(space + 1)..].Trim());
    }
}
