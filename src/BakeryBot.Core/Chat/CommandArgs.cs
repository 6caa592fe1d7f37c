namespace BakeryBot.Core.Chat;

/// <summary>
/// The tokens after the verb, with helpers that take what a handler needs and say clearly what is wrong.
/// </summary>
public sealed class CommandArgs
{
    private readonly List<CommandToken> _positional;
    private readonly List<CommandToken> _all;
    private readonly Dictionary<string, string> _options = new(StringComparer.OrdinalIgnoreCase);

    public CommandArgs(IEnumerable<CommandToken> tokens)
    {
        _positional = [];
        _all = tokens.ToList();
        foreach (var token in _all)
        {
            if (token.Kind == TokenKind.Option)
            {
                if (!_options.TryAdd(token.Key!, token.Text))
                {
                    throw new UserException($"`{token.Key}:` is given twice; give it once.");
                }
            }
            else
            {
                _positional.Add(token);
            }
        }
    }

    public static CommandArgs Empty { get; } = new([]);

    /// <summary>Tokens that are not options, in order.</summary>
    public IReadOnlyList<CommandToken> Positional => _positional;

    public IReadOnlyDictionary<string, string> Options => _options;

    public string? Option(string key) => _options.GetValueOrDefault(key);

    public bool HasOption(string key) => _options.ContainsKey(key);

    /// <summary>Options the handler does not know, so that a typo is reported instead of ignored.</summary>
    public void RejectUnknownOptions(params string[] known)
    {
        foreach (var key in _options.Keys)
        {
            if (Array.IndexOf(known, key) < 0)
            {
                var list = known.Length == 0 ? "none" : string.Join(", ", known.Select(k => $"`{k}:`"));
                throw new UserException($"`{key}:` is not an option here (options: {list}).");
            }
        }
    }

    /// <summary>Removes and returns the first positional token satisfying <paramref name="match"/>.</summary>
    public CommandToken? Take(Func<CommandToken, bool> match)
    {
        var index = _positional.FindIndex(t => match(t));
        if (index < 0)
        {
            return null;
        }

        var token = _positional[index];
        _positional.RemoveAt(index);
        return token;
    }

    /// <summary>Takes the first record id of a kind (e.g. <c>INC</c>); null when there is none.</summary>
    public RecordId? TakeRecordId(string prefix)
    {
        RecordId found = default;
        var token = Take(t => t.Kind == TokenKind.Word && RecordId.TryParse(t.Text, out found) && found.Prefix == prefix);
        return token is null ? null : found;
    }

    /// <summary>Takes a record id of a kind, or explains how to give one.</summary>
    public RecordId RequireRecordId(string prefix, string usage)
    {
        if (TakeRecordId(prefix) is { } id)
        {
            return id;
        }

        var first = _positional.FirstOrDefault();
        throw first is null
            ? new UserException($"Which one? Give its id, as in `{usage}`.")
            : new UserException($"`{first}` is not a {prefix} id. Write it like `{prefix}-42`.");
    }

    public CommandToken? TakeMention() => Take(t => t.Kind == TokenKind.Mention);

    /// <summary>Takes a severity word <c>sev1</c>..<c>sev4</c> (or the <c>sev:N</c> option).</summary>
    public int? TakeSeverity()
    {
        var option = Option("sev") ?? Option("severity");
        if (option is not null)
        {
            return Severity.Parse(option);
        }

        var sev = 0;
        var token = Take(t => t.Kind == TokenKind.Word && t.Text.StartsWith("sev", StringComparison.OrdinalIgnoreCase) && Severity.TryParse(t.Text, out sev));
        return token is null ? null : sev;
    }

    /// <summary>
    /// The positional tokens not taken yet and the options not in <paramref name="known"/>, in the order
    /// they were written, as free text: prose such as "host:web-1 unreachable" stays in a title.
    /// </summary>
    public string RestAsTextKeeping(params string[] known)
    {
        var left = new HashSet<CommandToken>(_positional, ReferenceEqualityComparer.Instance);
        var text = string.Join(' ', _all
            .Where(t => t.Kind == TokenKind.Option ? Array.IndexOf(known, t.Key) < 0 : left.Contains(t))
            .Select(t => t.Kind switch
            {
                TokenKind.Mention => $"<@{t.Text}>",
                TokenKind.Channel => $"<#{t.Text}>",
                TokenKind.Option when t.Text.Contains(' ', StringComparison.Ordinal) => $"{t.Key}:\"{t.Text}\"",
                TokenKind.Option => $"{t.Key}:{t.Text}",
                _ => t.Text,
            }));
        _positional.Clear();
        return text;
    }

    /// <summary>The rest of the positional tokens as free text (a title, a note).</summary>
    public string RestAsText()
    {
        var text = string.Join(' ', _positional.Select(t => t.Kind switch
        {
            TokenKind.Mention => $"<@{t.Text}>",
            TokenKind.Channel => $"<#{t.Text}>",
            _ => t.Text,
        }));
        _positional.Clear();
        return text;
    }
}
