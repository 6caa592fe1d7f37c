using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using BakeryBot.Core.Chat;

namespace BakeryBot.Slack;

public static partial class SlackBlockKitRenderer
{
    /// <param name="writer">Where the block goes.</param>
    /// <param name="block">The block.</param>
    /// <param name="scope">In a view of several cards, the card's scope: an input's block id is <c>scope/id</c>.</param>
    private static void WriteContent(Utf8JsonWriter writer, ContentBlock block, string? scope = null)
    {
        switch (block.Kind)
        {
            case ContentKind.Section:
                writer.WriteStartObject();
                writer.WriteString("type", "section");
                WriteMrkdwn(writer, "text", block.Text!);
                writer.WriteEndObject();
                break;
            case ContentKind.Fields:
                writer.WriteStartObject();
                writer.WriteString("type", "section");
                writer.WritePropertyName("fields");
                writer.WriteStartArray();
                for (var i = block.Start; i < block.Start + block.Count; i++)
                {
                    WriteMrkdwn(writer, null, FieldText(block.Fields![i]));
                }

                writer.WriteEndArray();
                writer.WriteEndObject();
                break;
            case ContentKind.Context:
                WriteContext(writer, block.Text!);
                break;
            case ContentKind.Divider:
                writer.WriteStartObject();
                writer.WriteString("type", "divider");
                writer.WriteEndObject();
                break;
            case ContentKind.Input:
                WriteInput(writer, block.Input!, scope is null ? null : ScopedId(scope, block.Input!.Id));
                break;
            default:
                throw new UnreachableException($"Unknown content block {block.Kind}.");
        }
    }

    /// <summary>
    /// Slack: an <c>input</c> block in a message; its value comes back with a button click in
    /// <c>state.values[block_id][action_id]</c>. Block and action ids are the input's id.
    /// </summary>
    /// <param name="writer">Where the block goes.</param>
    /// <param name="input">The input.</param>
    /// <param name="blockId">The block's id where it is not the input's (several cards in one view each have theirs).</param>
    private static void WriteInput(Utf8JsonWriter writer, InputSection input, string? blockId = null)
    {
        writer.WriteStartObject();
        writer.WriteString("type", "input");
        writer.WriteString("block_id", SlackText.TruncatePlain(blockId ?? input.Id, MaxBlockId));
        writer.WriteBoolean("optional", true);
        WritePlainText(writer, "label", SlackText.TruncatePlain(input.Label, MaxInputLabel));
        writer.WritePropertyName("element");
        writer.WriteStartObject();
        writer.WriteString("type", "plain_text_input");
        writer.WriteString("action_id", SlackText.TruncatePlain(input.Id, MaxActionId));
        writer.WriteBoolean("multiline", input.Multiline);
        if (!string.IsNullOrEmpty(input.Placeholder))
        {
            WritePlainText(writer, "placeholder", SlackText.TruncatePlain(input.Placeholder, MaxInputPlaceholder));
        }

        writer.WriteEndObject();
        writer.WriteEndObject();
    }

    /// <summary><c>*Label*</c>, a line break, then the value; within Slack's 2,000 chars for a field.</summary>
    private static string FieldText(CardField field)
    {
        var label = SlackText.Truncate((field?.Label ?? "").Trim(), MaxFieldLabel);
        var head = label.Length == 0 ? "" : $"*{label}*\n";
        var value = field?.Value ?? "";
        var text = head + (value.Length == 0 ? "" : SlackText.Truncate(value, MaxFieldText - head.Length));
        // Slack refuses an empty text object.
        return text.Length == 0 ? "-" : text;
    }

    private static void WriteActions(Utf8JsonWriter writer, IReadOnlyList<CardButton> buttons, int start, int count, string? blockId = null)
    {
        writer.WriteStartObject();
        writer.WriteString("type", "actions");
        if (blockId is not null)
        {
            writer.WriteString("block_id", blockId);
        }

        writer.WritePropertyName("elements");
        writer.WriteStartArray();
        for (var i = start; i < start + count; i++)
        {
            var button = buttons[i];
            writer.WriteStartObject();
            writer.WriteString("type", "button");
            var text = string.IsNullOrWhiteSpace(button.Text) ? button.ActionId : button.Text;
            WritePlainText(writer, "text", SlackText.TruncatePlain(text ?? "?", MaxButtonText));
            writer.WriteString("action_id", UniqueActionId(buttons, start, i));
            if (!string.IsNullOrEmpty(button.Value))
            {
                writer.WriteString("value", SlackText.TruncatePlain(button.Value, MaxButtonValue));
            }

            switch (button.Style)
            {
                case ButtonStyle.Primary:
                    writer.WriteString("style", "primary");
                    break;
                case ButtonStyle.Danger:
                    writer.WriteString("style", "danger");
                    break;
            }

            writer.WriteEndObject();
        }

        writer.WriteEndArray();
        writer.WriteEndObject();
    }

    /// <summary>
    /// Slack: action_id must be unique within its block. The n-th repeat of an id gets <c>#n</c>, which
    /// <see cref="SlackPayloadMapper.StripActionSuffix"/> removes when the click comes back.
    /// </summary>
    private static string UniqueActionId(IReadOnlyList<CardButton> buttons, int blockStart, int index)
    {
        var id = buttons[index].ActionId ?? "";
        var repeat = 1;
        for (var i = blockStart; i < index; i++)
        {
            if (string.Equals(buttons[i].ActionId ?? "", id, StringComparison.Ordinal))
            {
                repeat++;
            }
        }

        if (repeat == 1)
        {
            return id.Length <= MaxActionId ? id : id[..MaxActionId];
        }

        var suffix = "#" + repeat.ToString(CultureInfo.InvariantCulture);
        return string.Concat(id.AsSpan(0, Math.Min(id.Length, MaxActionId - suffix.Length)), suffix);
    }

    private static void WriteContext(Utf8JsonWriter writer, string escapedText)
    {
        writer.WriteStartObject();
        writer.WriteString("type", "context");
        writer.WritePropertyName("elements");
        writer.WriteStartArray();
        WriteMrkdwn(writer, null, escapedText);
        writer.WriteEndArray();
        writer.WriteEndObject();
    }

    private static void WriteMrkdwn(Utf8JsonWriter writer, string? property, string escapedText)
    {
        if (property is not null)
        {
            writer.WritePropertyName(property);
        }

        writer.WriteStartObject();
        writer.WriteString("type", "mrkdwn");
        writer.WriteString("text", escapedText);
        writer.WriteEndObject();
    }

    // plain_text is not escaped: it takes no markup, and Slack escapes it itself (it comes back in
    // interaction payloads as entities, slackapi/bolt-python#513).
    private static void WritePlainText(Utf8JsonWriter writer, string property, string text)
    {
        writer.WritePropertyName(property);
        writer.WriteStartObject();
        writer.WriteString("type", "plain_text");
        writer.WriteString("text", text);
        writer.WriteBoolean("emoji", true);
        writer.WriteEndObject();
    }
}
