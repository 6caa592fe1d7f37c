using System.Text.Json.Serialization;

namespace BakeryBot.Core.Chat;

/// <summary>
/// A platform-neutral form: fields a person fills in and submits at once. Each platform draws it its
/// own way (a dialog over the conversation, or a card with inputs); a submission comes back as a
/// <see cref="ChatRequest"/> with <see cref="ChatRequest.FormId"/> = <see cref="CallbackId"/>, the
/// values in <see cref="ChatRequest.Inputs"/> by field id and <see cref="State"/> as it was given.
/// </summary>
/// <param name="CallbackId">The id the submission is routed by (registered with <see cref="CommandMap.Form"/>).</param>
/// <param name="Title">A few words: some platforms show at most 24 characters.</param>
/// <param name="SubmitLabel">The submit button: a verb, as short as the title.</param>
public sealed record Form(string CallbackId, string Title, string SubmitLabel, IReadOnlyList<FormField> Fields)
{
    /// <summary>The most <see cref="State"/> may hold: platforms carry it next to their own data (Slack: 3,000 characters in all).</summary>
    public const int MaxState = 1000;

    /// <summary>What the handler needs back with the submission (a record id); opaque to the platforms.</summary>
    public string? State { get; init; }

    /// <summary>A line of plain text above the fields.</summary>
    public string? Intro { get; init; }

    /// <summary>For a form shown again after a submission: what is wrong with a field, by field id.</summary>
    public IReadOnlyDictionary<string, string>? Errors { get; init; }

    /// <summary>For a form shown again after a submission: what is wrong with the whole (no field to blame).</summary>
    public string? Notice { get; init; }

    /// <summary>The form as submitted: each field holds what the person gave (nothing where they gave nothing).</summary>
    public Form WithValues(IReadOnlyDictionary<string, string>? values) =>
        this with { Fields = Fields.Select(f => f with { Value = values?.GetValueOrDefault(f.Id) }).ToList() };

    public FormField? Field(string id) => Fields.FirstOrDefault(f => f.Id == id);
}

/// <summary>One field of a <see cref="Form"/>. Renderers switch over these exhaustively.</summary>
/// <param name="Id">Unique in its form; the key of its value in <see cref="ChatRequest.Inputs"/>.</param>
[JsonPolymorphic(TypeDiscriminatorPropertyName = "kind")]
[JsonDerivedType(typeof(TextField), "text")]
[JsonDerivedType(typeof(ChoiceField), "choice")]
public abstract record FormField(string Id, string Label)
{
    /// <summary>The platform refuses to submit the form without it (the handler checks again).</summary>
    public bool Required { get; init; }

    /// <summary>A line of help under the field.</summary>
    public string? Hint { get; init; }

    /// <summary>What the field holds when the form opens: a default, or what was submitted.</summary>
    public string? Value { get; init; }
}

/// <summary>Free text, on one line or several.</summary>
public sealed record TextField(string Id, string Label, string? Placeholder = null, bool Multiline = false, int MaxLength = TextField.MaxMaxLength) : FormField(Id, Label)
{
    /// <summary>The longest text a platform takes in one input (Slack: 3,000).</summary>
    public const int MaxMaxLength = 3000;
}

/// <summary>One of a few choices (a drop-down).</summary>
public sealed record ChoiceField(string Id, string Label, IReadOnlyList<FormChoice> Choices) : FormField(Id, Label);

/// <summary>A choice: <paramref name="Value"/> is what comes back, <paramref name="Label"/> what is shown.</summary>
public sealed record FormChoice(string Value, string Label);
