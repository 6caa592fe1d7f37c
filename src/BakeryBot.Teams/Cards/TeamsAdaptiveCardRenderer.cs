using System.Diagnostics;
using System.Text.Json.Nodes;
using BakeryBot.Core.Chat;

namespace BakeryBot.Teams.Cards;

/// <summary>
/// Renders the neutral <see cref="Card"/> as an Adaptive Card 1.5 (Teams renders up to 1.5, and Universal Actions
/// need it; protocols.md §12), within Teams' message size limit.
/// </summary>
/// <remarks>
/// Layout: one Container whose <c>style</c> carries the accent colour, holding the title, the sections and the
/// card's context line; buttons are <c>Action.Execute</c> with <c>verb</c> = action id and
/// <c>data.value</c> = value, which <see cref="Activities.TeamsActivityMapper.MapCardAction"/> reads back.
/// </remarks>
public static partial class TeamsAdaptiveCardRenderer
{
    public const string ContentType = "application/vnd.microsoft.card.adaptive";
    public const string SchemaUrl = "http://adaptivecards.io/schemas/adaptive-card.json";
    public const string CardVersion = "1.5";

    /// <summary>Teams: a FactSet with many facts gets hard to read (titles do not wrap well); longer lists are split.</summary>
    public const int MaxFactsPerSet = 20;

    /// <summary>Teams' host config shows at most 6 actions in one action bar.</summary>
    public const int MaxActionsPerSet = 6;

    /// <summary>Buttons beyond this are not drawn: 5 rows of 6 is already more than anyone reads.</summary>
    public const int MaxButtons = 30;

    /// <summary>Longer text sections are split into several TextBlocks, so the size limit can cut between them.</summary>
    public const int MaxTextBlockLength = 2000;

    public const int MaxTitleLength = 500;
    public const int MaxFactTitleLength = 200;
    public const int MaxFactValueLength = 2000;
    public const int MaxButtonTitleLength = 80;
    public const int MaxButtonValueLength = 1000;

    /// <summary>The Container style that colours the card.</summary>
    public static string StyleOf(CardAccent accent) => accent switch
    {
        CardAccent.Critical or CardAccent.Danger => "attention",
        CardAccent.Warning => "warning",
        CardAccent.Success => "good",
        CardAccent.Info => "accent",
        _ => "default",
    };

    /// <summary>The title's TextBlock colour; null (the default colour) for neutral cards.</summary>
    public static string? ColorOf(CardAccent accent) => accent switch
    {
        CardAccent.Critical or CardAccent.Danger => "attention",
        CardAccent.Warning => "warning",
        CardAccent.Success => "good",
        CardAccent.Info => "accent",
        _ => null,
    };

    /// <summary>
    /// The card's JSON. <paramref name="nameOf"/> turns a mentioned user id into a display name;
    /// <paramref name="fullRecordHint"/> says where to see everything when the card had to be cut to fit
    /// (e.g. <c>/incident show INC-42</c>).
    /// </summary>
    public static JsonObject RenderCard(Card card, Func<string, string?>? nameOf = null, string? fullRecordHint = null)
    {
        ArgumentNullException.ThrowIfNull(card);
        return RenderCard(card, nameOf, fullRecordHint, MaxMessageBytes - EnvelopeReserveBytes);
    }

    /// <summary><c>{"contentType": "application/vnd.microsoft.card.adaptive", "content": card}</c>.</summary>
    public static JsonObject RenderAttachment(Card card, Func<string, string?>? nameOf = null, string? fullRecordHint = null)
    {
        ArgumentNullException.ThrowIfNull(card);
        return Attachment(RenderCard(card, nameOf, fullRecordHint));
    }

    private static JsonObject Attachment(JsonObject card) => new()
    {
        ["contentType"] = ContentType,
        ["content"] = card,
    };

    /// <summary>Assembles a card from fresh nodes (a node can only have one parent, and sizes are measured on drafts).</summary>
    private static JsonObject Build(Card card, Func<string, string?>? nameOf, IEnumerable<JsonObject> content, JsonObject? notice, bool trailingDivider)
    {
        var items = new JsonArray();
        if (!string.IsNullOrWhiteSpace(card.Title))
        {
            var title = TextBlock(TeamsMarkdown.Escape(Cut(card.Title, MaxTitleLength), nameOf));
            title["weight"] = "bolder";
            title["size"] = "medium";
            if (ColorOf(card.Accent) is { } color)
            {
                title["color"] = color;
            }

            items.Add(title);
        }

        foreach (var element in content)
        {
            items.Add(element);
        }

        if (notice is not null)
        {
            items.Add(notice);
        }

        if (!string.IsNullOrWhiteSpace(card.Context))
        {
            var context = Small(TeamsMarkdown.Escape(Cut(card.Context, MaxTextBlockLength), nameOf));
            // A divider after the last section separates the context line.
            if (trailingDivider)
            {
                context["separator"] = true;
            }

            items.Add(context);
        }

        var body = new JsonArray { new JsonObject { ["type"] = "Container", ["style"] = StyleOf(card.Accent), ["items"] = items } };
        var buttons = Buttons(card.Buttons);
        var actions = new JsonArray();
        if (buttons.Count <= MaxActionsPerSet)
        {
            buttons.ForEach(actions.Add);
        }
        else
        {
            // Teams shows 6 actions in the action bar; more go into ActionSets of 6 at the end of the body
            // (and none in the bar) so that every button shows, in the card's order.
            for (var i = 0; i < buttons.Count; i += MaxActionsPerSet)
            {
                var set = new JsonArray();
                buttons.Skip(i).Take(MaxActionsPerSet).ToList().ForEach(set.Add);
                body.Add(new JsonObject { ["type"] = "ActionSet", ["actions"] = set });
            }
        }

        return new JsonObject
        {
            ["type"] = "AdaptiveCard",
            ["$schema"] = SchemaUrl,
            ["version"] = CardVersion,
            ["body"] = body,
            ["actions"] = actions,
            // Teams: use the whole width of the conversation instead of the default narrow card.
            ["msteams"] = new JsonObject { ["width"] = "Full" },
        };
    }

    /// <summary>The sections as body elements; a divider becomes <c>separator: true</c> on the element after it.</summary>
    private static List<JsonObject> Content(IReadOnlyList<CardSection>? sections, Func<string, string?>? nameOf, out bool trailingDivider)
    {
        var elements = new List<JsonObject>();
        var separator = false;
        void Add(JsonObject element)
        {
            if (separator)
            {
                element["separator"] = true;
                separator = false;
            }

            elements.Add(element);
        }

        foreach (var section in sections ?? [])
        {
            switch (section)
            {
                case TextSection text:
                    foreach (var piece in Split(text.Text ?? "", MaxTextBlockLength))
                    {
                        Add(TextBlock(TeamsMarkdown.Escape(piece, nameOf)));
                    }

                    break;
                case FieldsSection fields:
                    var list = fields.Fields ?? [];
                    for (var i = 0; i < list.Count; i += MaxFactsPerSet)
                    {
                        Add(FactSet(list, i, Math.Min(MaxFactsPerSet, list.Count - i), nameOf));
                    }

                    break;
                case ContextSection context:
                    if (!string.IsNullOrWhiteSpace(context.Text))
                    {
                        Add(Small(TeamsMarkdown.Escape(Cut(context.Text, MaxTextBlockLength), nameOf)));
                    }

                    break;
                case DividerSection:
                    separator = true;
                    break;
                case InputSection input:
                    Add(Input(input));
                    break;
                case null:
                    // A card read back from JSON may hold a null; there is nothing to draw for it.
                    break;
                default:
                    throw new UnreachableException($"No Adaptive Card rendering for {section.GetType().Name}.");
            }
        }

        trailingDivider = separator;
        return elements;
    }

    private static JsonObject FactSet(IReadOnlyList<CardField> fields, int start, int count, Func<string, string?>? nameOf)
    {
        var facts = new JsonArray();
        for (var i = start; i < start + count; i++)
        {
            var field = fields[i];
            // Teams renders markdown in Fact titles and values as in TextBlocks, so both are escaped.
            facts.Add(new JsonObject
            {
                ["title"] = TeamsMarkdown.Escape(Cut(field?.Label ?? "", MaxFactTitleLength), nameOf),
                ["value"] = TeamsMarkdown.Escape(Cut(field?.Value ?? "", MaxFactValueLength), nameOf),
            });
        }

        return new JsonObject { ["type"] = "FactSet", ["facts"] = facts };
    }

    private static List<JsonObject> Buttons(IReadOnlyList<CardButton>? buttons)
    {
        var actions = new List<JsonObject>();
        foreach (var button in buttons ?? [])
        {
            // A button without an action id could never be routed back; it is not drawn.
            if (string.IsNullOrEmpty(button?.ActionId) || actions.Count == MaxButtons)
            {
                continue;
            }

            // Button titles are plain text in Teams (no markdown), so they are not escaped.
            var action = new JsonObject
            {
                ["type"] = "Action.Execute",
                ["title"] = Cut(string.IsNullOrWhiteSpace(button.Text) ? button.ActionId : button.Text, MaxButtonTitleLength),
                ["verb"] = button.ActionId,
                ["data"] = new JsonObject { ["value"] = Cut(button.Value ?? "", MaxButtonValueLength) },
            };
            switch (button.Style)
            {
                case ButtonStyle.Primary:
                    action["style"] = "positive";
                    break;
                case ButtonStyle.Danger:
                    action["style"] = "destructive";
                    break;
            }

            actions.Add(action);
        }

        return actions;
    }

    /// <summary>Adaptive Cards: a text input; Action.Execute sends its value in <c>data</c> under its id.</summary>
    private static JsonObject Input(InputSection input)
    {
        var element = new JsonObject
        {
            ["type"] = "Input.Text",
            ["id"] = input.Id,
            ["label"] = Cut(input.Label, MaxTextBlockLength),
            ["isMultiline"] = input.Multiline,
        };
        if (!string.IsNullOrEmpty(input.Placeholder))
        {
            element["placeholder"] = Cut(input.Placeholder, MaxTextBlockLength);
        }

        return element;
    }

    private static JsonObject TextBlock(string markdown) => new()
    {
        ["type"] = "TextBlock",
        ["text"] = markdown,
        ["wrap"] = true,
    };

    private static JsonObject Small(string markdown)
    {
        var block = TextBlock(markdown);
        block["size"] = "small";
        block["isSubtle"] = true;
        return block;
    }
}
