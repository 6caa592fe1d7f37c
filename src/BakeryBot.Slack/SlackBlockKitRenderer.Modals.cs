using System.Diagnostics;
using System.Text.Json;
using BakeryBot.Core.Chat;

namespace BakeryBot.Slack;

public static partial class SlackBlockKitRenderer
{
    // Slack views and their elements (protocols.md §5; node-sdk packages/types views.ts, block-kit).
    public const int MaxViewTitle = 24;
    public const int MaxViewBlocks = 100;
    public const int MaxCallbackId = 255;
    public const int MaxBlockId = 255;
    public const int MaxHint = 2000;
    public const int MaxTextInput = 3000;
    public const int MaxOptions = 100;
    public const int MaxOptionText = 75;
    public const int MaxOptionValue = 150;

    /// <summary>Slack documents no limit for a field's error; longer than this is not read anyway.</summary>
    public const int MaxFieldError = 2000;

    /// <summary>
    /// A modal for <c>views.open</c> (or <c>response_action: update</c>): <c>callback_id</c> is the form's, each
    /// field an <c>input</c> block whose <c>block_id</c> and <c>action_id</c> are the field's id, and
    /// <c>private_metadata</c> carries <paramref name="origin"/> and the form's state back with the submission.
    /// A notice and errors, when the form has them, show above the fields and under theirs.
    /// </summary>
    public static string RenderModal(Form form, SlackFormOrigin origin)
    {
        ArgumentNullException.ThrowIfNull(form);
        ArgumentNullException.ThrowIfNull(origin);
        if (form.CallbackId.Length is 0 or > MaxCallbackId)
        {
            throw new ArgumentException($"A form's callback id takes 1 to {MaxCallbackId} characters.", nameof(form));
        }

        var metadata = origin.Metadata(form.State);
        return Render(writer =>
        {
            writer.WriteStartObject();
            writer.WriteString("type", "modal");
            writer.WriteString("callback_id", form.CallbackId);
            WritePlainText(writer, "title", SlackText.TruncatePlain(Or(form.Title, "BakeryBot"), MaxViewTitle));
            WritePlainText(writer, "submit", SlackText.TruncatePlain(Or(form.SubmitLabel, "Submit"), MaxViewTitle));
            WritePlainText(writer, "close", "Cancel");
            writer.WriteString("private_metadata", metadata);
            writer.WritePropertyName("blocks");
            writer.WriteStartArray();
            var budget = MaxViewBlocks;
            if (!string.IsNullOrWhiteSpace(form.Intro))
            {
                WriteSection(writer, SlackText.Truncate(form.Intro, MaxSectionText));
                budget--;
            }

            if (!string.IsNullOrWhiteSpace(form.Notice))
            {
                WriteSection(writer, ":warning: " + SlackText.Truncate(form.Notice, MaxSectionText - 10));
                budget--;
            }

            foreach (var field in form.Fields)
            {
                var error = form.Errors?.GetValueOrDefault(field.Id);
                if (budget < (error is null ? 1 : 2))
                {
                    break;
                }

                WriteFormField(writer, field);
                budget--;
                if (error is not null)
                {
                    WriteContext(writer, ":warning: " + SlackText.Truncate(error, MaxSectionText - 10));
                    budget--;
                }
            }

            writer.WriteEndArray();
            writer.WriteEndObject();
        });
    }

    /// <summary>
    /// The body of the HTTP 200 that answers a <c>view_submission</c> (Slack: within 3 s):
    /// <list type="bullet">
    /// <item>the form again, with errors only under its fields: <c>{"response_action":"errors","errors":{block_id: message}}</c>;</item>
    /// <item>the form again with a notice, or another form: <c>{"response_action":"update","view":…}</c>;</item>
    /// <item>a warning or an error without a form: an update to a modal that says it, with only a Close button;</item>
    /// <item>anything else: empty, which closes the modal (the answer goes to the person another way).</item>
    /// </list>
    /// </summary>
    public static string RenderViewSubmissionResponse(ChatReply reply, SlackFormOrigin origin)
    {
        ArgumentNullException.ThrowIfNull(reply);
        ArgumentNullException.ThrowIfNull(origin);
        if (reply.Form is { Notice: null, Errors.Count: > 0 } refused && refused.Errors.Keys.All(id => refused.Field(id) is not null))
        {
            return Render(writer =>
            {
                writer.WriteStartObject();
                writer.WriteString("response_action", "errors");
                writer.WritePropertyName("errors");
                writer.WriteStartObject();
                foreach (var (id, message) in refused.Errors)
                {
                    // plain text: the code marks of the neutral text would show as typed.
                    writer.WriteString(id, SlackText.TruncatePlain(message.Replace("`", "", StringComparison.Ordinal), MaxFieldError));
                }

                writer.WriteEndObject();
                writer.WriteEndObject();
            });
        }

        if (reply.Form is { } form)
        {
            return Update(RenderModal(form, origin));
        }

        return reply.Kind is ReplyKind.Warning or ReplyKind.Error ? Update(RenderNoticeModal(ReplyText(reply))) : "";
    }

    /// <summary>A modal that only says something (a refusal with no form to show again), closed with its one button.</summary>
    public static string RenderNoticeModal(string mrkdwn)
    {
        ArgumentNullException.ThrowIfNull(mrkdwn);
        return Render(writer =>
        {
            writer.WriteStartObject();
            writer.WriteString("type", "modal");
            WritePlainText(writer, "title", "BakeryBot");
            WritePlainText(writer, "close", "Close");
            writer.WritePropertyName("blocks");
            writer.WriteStartArray();
            foreach (var piece in SlackText.Split(mrkdwn.Length == 0 ? "-" : mrkdwn, MaxSectionText).Take(MaxViewBlocks))
            {
                WriteSection(writer, piece);
            }

            writer.WriteEndArray();
            writer.WriteEndObject();
        });
    }

    private static string Update(string viewJson) => Render(writer =>
    {
        writer.WriteStartObject();
        writer.WriteString("response_action", "update");
        writer.WritePropertyName("view");
        writer.WriteRawValue(viewJson);
        writer.WriteEndObject();
    });

    private static void WriteFormField(Utf8JsonWriter writer, FormField field)
    {
        if (field.Id.Length is 0 or > MaxBlockId)
        {
            throw new ArgumentException($"A form field's id takes 1 to {MaxBlockId} characters: it is the block id.", nameof(field));
        }

        writer.WriteStartObject();
        writer.WriteString("type", "input");
        writer.WriteString("block_id", field.Id);
        writer.WriteBoolean("optional", !field.Required);
        WritePlainText(writer, "label", SlackText.TruncatePlain(Or(field.Label, field.Id), MaxInputLabel));
        if (!string.IsNullOrWhiteSpace(field.Hint))
        {
            WritePlainText(writer, "hint", SlackText.TruncatePlain(field.Hint, MaxHint));
        }

        writer.WritePropertyName("element");
        switch (field)
        {
            case TextField text:
                WriteTextInput(writer, text.Id, text.Value, text.Placeholder, text.Multiline, text.MaxLength);
                break;
            case ChoiceField choice:
                var options = choice.Choices.Where(c => c.Value.Length is > 0 and <= MaxOptionValue).Take(MaxOptions).ToList();
                if (options.Count == 0)
                {
                    // Slack refuses a select without options; the field can still be typed in.
                    WriteTextInput(writer, choice.Id, choice.Value, null, multiline: false, TextField.MaxMaxLength);
                    break;
                }

                writer.WriteStartObject();
                writer.WriteString("type", "static_select");
                writer.WriteString("action_id", choice.Id);
                WritePlainText(writer, "placeholder", "Choose");
                writer.WritePropertyName("options");
                writer.WriteStartArray();
                options.ForEach(o => WriteOption(writer, o));
                writer.WriteEndArray();
                if (options.FirstOrDefault(o => o.Value == choice.Value) is { } initial)
                {
                    writer.WritePropertyName("initial_option");
                    WriteOption(writer, initial);
                }

                writer.WriteEndObject();
                break;
            default:
                throw new UnreachableException($"No Block Kit rendering for {field.GetType().Name}.");
        }

        writer.WriteEndObject();
    }

    private static void WriteTextInput(Utf8JsonWriter writer, string id, string? value, string? placeholder, bool multiline, int maxLength)
    {
        var max = Math.Clamp(maxLength, 1, MaxTextInput);
        writer.WriteStartObject();
        writer.WriteString("type", "plain_text_input");
        writer.WriteString("action_id", id);
        writer.WriteBoolean("multiline", multiline);
        writer.WriteNumber("max_length", max);
        if (!string.IsNullOrEmpty(value))
        {
            // Cut without a mark: it is the value the person edits, not a text to read.
            var cut = value.Length <= max ? value.Length : char.IsHighSurrogate(value[max - 1]) ? max - 1 : max;
            writer.WriteString("initial_value", value[..cut]);
        }

        if (!string.IsNullOrWhiteSpace(placeholder))
        {
            WritePlainText(writer, "placeholder", SlackText.TruncatePlain(placeholder, MaxInputPlaceholder));
        }

        writer.WriteEndObject();
    }

    private static void WriteOption(Utf8JsonWriter writer, FormChoice option)
    {
        writer.WriteStartObject();
        WritePlainText(writer, "text", SlackText.TruncatePlain(Or(option.Label, option.Value), MaxOptionText));
        writer.WriteString("value", option.Value);
        writer.WriteEndObject();
    }

    private static void WriteSection(Utf8JsonWriter writer, string escapedText)
    {
        writer.WriteStartObject();
        writer.WriteString("type", "section");
        WriteMrkdwn(writer, "text", escapedText);
        writer.WriteEndObject();
    }

    private static string Or(string? text, string fallback) => string.IsNullOrWhiteSpace(text) ? fallback : text;
}
