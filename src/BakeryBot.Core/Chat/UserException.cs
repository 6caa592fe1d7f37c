namespace BakeryBot.Core.Chat;

/// <summary>
/// A rule the person broke (bad argument, unknown record, wrong state). The router turns it into a
/// private warning with the usage of the command; nothing is saved.
/// </summary>
public class UserException(string message) : Exception(message)
{
}

/// <summary>
/// A <see cref="UserException"/> about values the person gave, each message under the name of its
/// field (the command's option name, which is also the form field's id). A typed command shows it as
/// any warning; a submitted form shows each message under its field.
/// </summary>
public sealed class FieldException : UserException
{
    public FieldException(string field, string message)
        : this(new Dictionary<string, string>(StringComparer.Ordinal) { [field] = message })
    {
    }

    public FieldException(IReadOnlyDictionary<string, string> errors)
        : base(string.Join('\n', errors.Values))
    {
        Errors = errors;
    }

    /// <summary>What is wrong, by field.</summary>
    public IReadOnlyDictionary<string, string> Errors { get; }
}
