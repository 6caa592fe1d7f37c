using System.Text.Json.Serialization;

namespace BakeryBot.Core.Chat;

/// <summary>
/// The platform-neutral card: what every renderer (chat platforms and the playground) draws.
/// Text in a card is plain text; renderers escape it for their own markup.
/// </summary>
public sealed record Card(
    string Title,
    CardAccent Accent,
    IReadOnlyList<CardSection> Sections,
    IReadOnlyList<CardButton> Buttons,
    string? Context = null)
{
    /// <summary>A short plain-text summary for notifications and screen readers.</summary>
    [JsonIgnore]
    public string Fallback => Context is null ? Title : $"{Title} ({Context})";
}

/// <summary>The colour a card carries; incident cards take theirs from the severity.</summary>
public enum CardAccent
{
    Neutral,
    Info,
    Success,
    Warning,
    Danger,
    Critical,
}

/// <summary>One section of a card. Renderers switch over these exhaustively.</summary>
[JsonPolymorphic(TypeDiscriminatorPropertyName = "kind")]
[JsonDerivedType(typeof(TextSection), "text")]
[JsonDerivedType(typeof(FieldsSection), "fields")]
[JsonDerivedType(typeof(ContextSection), "context")]
[JsonDerivedType(typeof(DividerSection), "divider")]
[JsonDerivedType(typeof(InputSection), "input")]
public abstract record CardSection;

/// <summary>A paragraph of plain text.</summary>
public sealed record TextSection(string Text) : CardSection;

/// <summary>Label and value pairs shown side by side where the platform can.</summary>
public sealed record FieldsSection(IReadOnlyList<CardField> Fields) : CardSection;

/// <summary>A small, dimmed line (who did what, when).</summary>
public sealed record ContextSection(string Text) : CardSection;

/// <summary>A horizontal rule.</summary>
public sealed record DividerSection : CardSection;

/// <summary>
/// A text box the person fills before clicking one of the card's buttons (a reason, a note). Its
/// value arrives with the click in <see cref="ChatRequest.Inputs"/> under <paramref name="Id"/>.
/// </summary>
public sealed record InputSection(string Id, string Label, string? Placeholder = null, bool Multiline = false) : CardSection;

/// <summary>A label and its value.</summary>
public sealed record CardField(string Label, string Value);

/// <summary>How a button looks.</summary>
public enum ButtonStyle
{
    Default,
    Primary,
    Danger,
}

/// <summary>A button: clicking it runs the action registered under <see cref="ActionId"/> with <see cref="Value"/>.</summary>
public sealed record CardButton(string Text, string ActionId, string Value, ButtonStyle Style = ButtonStyle.Default);
