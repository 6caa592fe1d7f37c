using System.Globalization;
using System.Text.Json.Nodes;
using BakeryBot.Core.Chat;
using BakeryBot.Teams.Activities;

namespace BakeryBot.Teams.Cards;

public static partial class TeamsAdaptiveCardRenderer
{
    /// <summary>
    /// A reply that is a view of several cards (<see cref="ChatReply.Redraw"/>, the person's home) as one
    /// Adaptive Card: the reply's text first, then each card as a Container in its accent's style with its own
    /// row of buttons. Several cards share one card's inputs, so each input's id is scoped by its card's place
    /// (<c>3/reason</c>), and each button says which card it is on and which command draws the view again
    /// (<see cref="TeamsActivityMapper.PartDataKey"/>, <see cref="TeamsActivityMapper.RedrawDataKey"/>). Within
    /// Teams' message size: cards that do not fit are left out whole, and a last line says so.
    /// </summary>
    public static JsonObject RenderBoard(ChatReply reply, Func<string, string?>? nameOf = null)
    {
        ArgumentNullException.ThrowIfNull(reply);
        var body = new JsonArray();
        var card = new JsonObject
        {
            ["type"] = "AdaptiveCard",
            ["$schema"] = SchemaUrl,
            ["version"] = CardVersion,
            ["body"] = body,
            ["actions"] = new JsonArray(),
            ["msteams"] = new JsonObject { ["width"] = "Full" },
        };
        if (!string.IsNullOrWhiteSpace(reply.Text))
        {
            body.Add(TextBlock(TeamsMarkdown.Escape(Prefix(reply.Kind) + Cut(reply.Text, MaxTextBlockLength), nameOf)));
        }

        var cards = (reply.Cards ?? []).Where(c => c is not null).ToList();
        var budget = MaxMessageBytes - EnvelopeReserveBytes - 1024;
        var used = SizeOf(card);
        for (var i = 0; i < cards.Count; i++)
        {
            var part = Part(cards[i], i, reply.Redraw, nameOf);
            var size = SizeOf(part) + 2;
            if (used + size > budget)
            {
                body.Add(Small(TeamsMarkdown.Escape($"\u2026{cards.Count - i} more not shown, to fit Teams' message size limit.")));
                break;
            }

            body.Add(part);
            used += size;
        }

        return card;
    }

    /// <summary>A message activity holding <see cref="RenderBoard"/> as its one attachment.</summary>
    public static JsonObject RenderBoardMessage(ChatReply reply, Func<string, string?>? nameOf = null)
    {
        ArgumentNullException.ThrowIfNull(reply);
        return new JsonObject
        {
            ["type"] = "message",
            ["textFormat"] = "markdown",
            ["text"] = "",
            // Bot Framework: summary stands in for the card where it cannot be shown (notifications).
            ["summary"] = reply.Cards is [var first, ..] ? Cut(first.Fallback, MaxTitleLength) : Cut(reply.Text, MaxTitleLength),
            ["attachments"] = new JsonArray { Attachment(RenderBoard(reply, nameOf)) },
        };
    }

    /// <summary>The invoke response that shows the view drawn again in place of the one clicked.</summary>
    public static JsonObject RenderInvokeBoardResponse(ChatReply reply, Func<string, string?>? nameOf = null)
    {
        ArgumentNullException.ThrowIfNull(reply);
        return Invoke(200, ContentType, RenderBoard(reply, nameOf));
    }

    /// <summary>One card of a board: a Container with its title, sections, context line and its own buttons.</summary>
    private static JsonObject Part(Card card, int index, string? redraw, Func<string, string?>? nameOf)
    {
        var scope = index.ToString(CultureInfo.InvariantCulture);
        var items = new JsonArray();
        if (!string.IsNullOrWhiteSpace(card.Title))
        {
            var title = TextBlock(TeamsMarkdown.Escape(Cut(card.Title, MaxTitleLength), nameOf));
            title["weight"] = "bolder";
            if (ColorOf(card.Accent) is { } color)
            {
                title["color"] = color;
            }

            items.Add(title);
        }

        foreach (var element in Content(card.Sections, nameOf, out _))
        {
            if (element["type"]?.GetValue<string>() == "Input.Text")
            {
                element["id"] = $"{scope}/{element["id"]!.GetValue<string>()}";
            }

            items.Add(element);
        }

        if (!string.IsNullOrWhiteSpace(card.Context))
        {
            items.Add(Small(TeamsMarkdown.Escape(Cut(card.Context, MaxTextBlockLength), nameOf)));
        }

        var buttons = Buttons(card.Buttons);
        foreach (var button in buttons)
        {
            var data = button["data"]!.AsObject();
            data[TeamsActivityMapper.PartDataKey] = scope;
            if (redraw is not null)
            {
                data[TeamsActivityMapper.RedrawDataKey] = redraw;
            }
        }

        for (var i = 0; i < buttons.Count; i += MaxActionsPerSet)
        {
            var set = new JsonArray();
            buttons.Skip(i).Take(MaxActionsPerSet).ToList().ForEach(set.Add);
            items.Add(new JsonObject { ["type"] = "ActionSet", ["actions"] = set });
        }

        var container = new JsonObject { ["type"] = "Container", ["style"] = StyleOf(card.Accent), ["items"] = items };
        if (index > 0)
        {
            container["spacing"] = "medium";
        }

        return container;
    }
}
