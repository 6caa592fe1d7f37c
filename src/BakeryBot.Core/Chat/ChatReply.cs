namespace BakeryBot.Core.Chat;

/// <summary>The answer to the person who typed the command or clicked the button.</summary>
public sealed record ChatReply(string Text, IReadOnlyList<Card> Cards, ReplyKind Kind = ReplyKind.Private)
{
    /// <summary>
    /// For a button: the record's card as it is now. Platforms that answer a click with the new card
    /// use it; the others update every posted copy through the outbox either way.
    /// </summary>
    public Card? UpdatedCard { get; init; }

    /// <summary>The answer holds a secret (a token shown once): it is delivered, never stored.</summary>
    public bool Sensitive { get; init; }

    /// <summary>
    /// A form to show the person: to fill in (<see cref="OpenForm"/>), or again after a submission,
    /// with what was wrong. Each platform shows it its own way; where none can, <see cref="Text"/>
    /// stands in for it.
    /// </summary>
    public Form? Form { get; init; }

    /// <summary>
    /// For a view of what needs the person (their home): the command that draws it again. A platform that
    /// shows the reply as one view (Slack's Home tab, one Teams card) runs it again after a click on one of
    /// its buttons, so that the view shows what the click did.
    /// </summary>
    public string? Redraw { get; init; }

    public static ChatReply Private(string text, params Card[] cards) => new(text, cards);

    public static ChatReply Warning(string text) => new(text, [], ReplyKind.Warning);

    /// <summary>Opens <paramref name="form"/>; <paramref name="fallback"/> says how to do without it where forms can't be shown.</summary>
    public static ChatReply OpenForm(Form form, string fallback) => new(fallback, []) { Form = form };

    public static ChatReply Error(string text) => new(text, [], ReplyKind.Error);

    /// <summary>Nothing to say to the author (a button whose effect is the updated card).</summary>
    public static ChatReply None { get; } = new("", [], ReplyKind.None);
}

/// <summary>How the reply is meant: always to its author alone.</summary>
public enum ReplyKind
{
    /// <summary>An ordinary answer.</summary>
    Private,

    /// <summary>The person asked for something that can't be done; says what and how.</summary>
    Warning,

    /// <summary>Something unexpected failed; carries a reference for the logs.</summary>
    Error,

    /// <summary>No answer is needed.</summary>
    None,
}
