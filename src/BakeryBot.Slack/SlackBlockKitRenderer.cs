using System.Buffers;
using System.Diagnostics;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using BakeryBot.Core.Chat;

namespace BakeryBot.Slack;

/// <summary>
/// Renders the neutral <see cref="Card"/> as Block Kit inside a secondary attachment (so the accent colour shows
/// as the bar on its left), enforcing Slack's limits here at the edge.
/// </summary>
public static partial class SlackBlockKitRenderer
{
    // Slack Block Kit limits (api.slack.com/reference/block-kit/blocks).
    public const int MaxBlocks = 50;
    public const int MaxHeaderText = 150;
    public const int MaxSectionText = 3000;
    public const int MaxFieldsPerSection = 10;
    public const int MaxFieldText = 2000;
    public const int MaxActionElements = 25;
    public const int MaxButtonText = 75;
    public const int MaxActionId = 255;
    public const int MaxButtonValue = 2000;

    /// <summary>Slack: an input block's label and placeholder take at most 2,000 and 150 characters.</summary>
    public const int MaxInputLabel = 2000;

    public const int MaxInputPlaceholder = 150;

    /// <summary>Slack advises no more than 20 attachments in one message.</summary>
    public const int MaxCards = 20;

    private const int MaxFieldLabel = 200;

    // The output goes to Slack's API, never into HTML, so there is no reason to \u-escape '<', '&' or non-ASCII.
    internal static readonly JsonWriterOptions WriterOptions = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>The attachment bar colour for an accent.</summary>
    public static string ColorOf(CardAccent accent) => accent switch
    {
        CardAccent.Critical => "#B71C1C",
        CardAccent.Danger => "#E53935",
        CardAccent.Warning => "#FB8C00",
        CardAccent.Info => "#1E88E5",
        CardAccent.Success => "#43A047",
        _ => "#9E9E9E",
    };

    /// <summary>A whole message: <c>{"text": fallback, "attachments": [card]}</c>.</summary>
    public static string RenderMessage(Card card)
    {
        ArgumentNullException.ThrowIfNull(card);
        return Render(writer =>
        {
            writer.WriteStartObject();
            writer.WriteString("text", SlackText.Escape(card.Fallback));
            writer.WritePropertyName("attachments");
            WriteAttachments(writer, [card]);
            writer.WriteEndObject();
        });
    }

    /// <summary>The <c>attachments</c> array for one card, as JSON.</summary>
    public static string RenderAttachments(Card card)
    {
        ArgumentNullException.ThrowIfNull(card);
        return Render(writer => WriteAttachments(writer, [card]));
    }

    /// <summary>The <c>attachments</c> array for the cards (at most <see cref="MaxCards"/>), as JSON.</summary>
    public static string RenderAttachments(IReadOnlyList<Card> cards)
    {
        ArgumentNullException.ThrowIfNull(cards);
        return Render(writer => WriteAttachments(writer, cards));
    }

    /// <summary>Writes the <c>attachments</c> array value.</summary>
    public static void WriteAttachments(Utf8JsonWriter writer, IReadOnlyList<Card> cards)
    {
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentNullException.ThrowIfNull(cards);
        writer.WriteStartArray();
        for (var i = 0; i < cards.Count && i < MaxCards; i++)
        {
            WriteAttachment(writer, cards[i]);
        }

        writer.WriteEndArray();
    }

    /// <summary>Writes one attachment object: <c>{"color": …, "blocks": […]}</c>.</summary>
    public static void WriteAttachment(Utf8JsonWriter writer, Card card)
    {
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentNullException.ThrowIfNull(card);
        writer.WriteStartObject();
        writer.WriteString("color", ColorOf(card.Accent));
        writer.WritePropertyName("blocks");
        writer.WriteStartArray();
        WriteBlocks(writer, card);
        writer.WriteEndArray();
        writer.WriteEndObject();
    }

    private static void WriteBlocks(Utf8JsonWriter writer, Card card)
    {
        var hasHeader = !string.IsNullOrWhiteSpace(card.Title);
        var hasContext = !string.IsNullOrWhiteSpace(card.Context);
        var buttons = card.Buttons ?? [];
        var fixedBlocks = (hasHeader ? 1 : 0) + (hasContext ? 1 : 0);
        var actionBlocks = Math.Min((buttons.Count + MaxActionElements - 1) / MaxActionElements, MaxBlocks - fixedBlocks);
        var contentBudget = MaxBlocks - fixedBlocks - actionBlocks;

        if (hasHeader)
        {
            writer.WriteStartObject();
            writer.WriteString("type", "header");
            WritePlainText(writer, "text", SlackText.TruncatePlain(card.Title, MaxHeaderText));
            writer.WriteEndObject();
        }

        var content = ContentBlocks(card.Sections ?? []);
        if (content.Count <= contentBudget)
        {
            foreach (var block in content)
            {
                WriteContent(writer, block);
            }
        }
        else if (contentBudget > 0)
        {
            for (var i = 0; i < contentBudget - 1; i++)
            {
                WriteContent(writer, content[i]);
            }

            var left = content.Count - (contentBudget - 1);
            WriteContext(writer, $"_\u2026 {left} more parts not shown: Slack shows at most {MaxBlocks} blocks in a message._");
        }

        for (var b = 0; b < actionBlocks; b++)
        {
            var start = b * MaxActionElements;
            WriteActions(writer, buttons, start, Math.Min(MaxActionElements, buttons.Count - start));
        }

        if (hasContext)
        {
            WriteContext(writer, SlackText.Truncate(card.Context!, MaxSectionText));
        }
    }

    /// <summary>One content block before it is written: escaped text, or a slice of fields.</summary>
    private readonly record struct ContentBlock(ContentKind Kind, string? Text = null, IReadOnlyList<CardField>? Fields = null, int Start = 0, int Count = 0, InputSection? Input = null);

    private enum ContentKind
    {
        Section,
        Fields,
        Context,
        Divider,
        Input,
    }

    private static List<ContentBlock> ContentBlocks(IReadOnlyList<CardSection> sections)
    {
        var blocks = new List<ContentBlock>(sections.Count);
        foreach (var section in sections)
        {
            switch (section)
            {
                case TextSection text:
                    foreach (var piece in SlackText.Split(text.Text ?? "", MaxSectionText))
                    {
                        blocks.Add(new ContentBlock(ContentKind.Section, piece));
                    }

                    break;
                case FieldsSection fields:
                    var list = fields.Fields ?? [];
                    for (var i = 0; i < list.Count; i += MaxFieldsPerSection)
                    {
                        blocks.Add(new ContentBlock(ContentKind.Fields, Fields: list, Start: i, Count: Math.Min(MaxFieldsPerSection, list.Count - i)));
                    }

                    break;
                case ContextSection context:
                    if (!string.IsNullOrWhiteSpace(context.Text))
                    {
                        blocks.Add(new ContentBlock(ContentKind.Context, SlackText.Truncate(context.Text, MaxSectionText)));
                    }

                    break;
                case DividerSection:
                    blocks.Add(new ContentBlock(ContentKind.Divider));
                    break;
                case InputSection input:
                    blocks.Add(new ContentBlock(ContentKind.Input, Input: input));
                    break;
                case null:
                    // A card read back from JSON may hold a null; there is nothing to draw for it.
                    break;
                default:
                    throw new UnreachableException($"No Block Kit rendering for {section.GetType().Name}.");
            }
        }

        return blocks;
    }

    private static string Render(Action<Utf8JsonWriter> write)
    {
        var buffer = new ArrayBufferWriter<byte>(1024);
        using (var writer = new Utf8JsonWriter(buffer, WriterOptions))
        {
            write(writer);
        }

        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }
}
