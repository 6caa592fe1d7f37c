using System.Globalization;
using System.Text.Json;
using BakeryBot.Core.Chat;

namespace BakeryBot.Slack;

public static partial class SlackBlockKitRenderer
{
    /// <summary>
    /// A Home tab view for <c>views.publish</c>: <c>{"type": "home", "blocks": […]}</c>, each card's blocks
    /// one after the other as in a message (a view has no attachments, so no colour bar), the reply's text,
    /// if any, first. Several cards share one view, so each card's blocks have ids scoped by its place,
    /// <c>3/actions</c> and <c>3/reason</c>: a click names the block of its button, and
    /// <see cref="SlackPayloadMapper"/> takes only that card's inputs with it. Slack: a view holds at most
    /// 100 blocks; cards that would not fit are left out, and a last line says so.
    /// </summary>
    public static string RenderHomeView(ChatReply reply)
    {
        ArgumentNullException.ThrowIfNull(reply);
        var text = reply.Kind switch
        {
            ReplyKind.Warning => ":warning: " + reply.Text,
            ReplyKind.Error => ":x: " + reply.Text,
            _ => reply.Text ?? "",
        };
        return RenderHomeView(reply.Cards ?? [], text);
    }

    /// <inheritdoc cref="RenderHomeView(ChatReply)"/>
    public static string RenderHomeView(IReadOnlyList<Card> cards, string? text = null)
    {
        ArgumentNullException.ThrowIfNull(cards);
        var lead = string.IsNullOrWhiteSpace(text) ? [] : SlackText.Split(text, MaxSectionText);
        var drawn = cards.Where(c => c is not null).ToList();
        return Render(writer =>
        {
            writer.WriteStartObject();
            writer.WriteString("type", "home");
            writer.WritePropertyName("blocks");
            writer.WriteStartArray();
            var budget = MaxViewBlocks;
            foreach (var piece in lead.Take(MaxViewBlocks / 2))
            {
                WriteSection(writer, piece);
                budget--;
            }

            for (var i = 0; i < drawn.Count; i++)
            {
                var blocks = HomeBlocks(drawn[i], i.ToString(CultureInfo.InvariantCulture));
                // The last card may take every block left; any other leaves one for the line saying what was left out.
                if (blocks.Count > budget - (i == drawn.Count - 1 ? 0 : 1))
                {
                    WriteContext(writer, $"_\u2026 {drawn.Count - i} more not shown: Slack's Home tab holds at most {MaxViewBlocks} blocks._");
                    break;
                }

                blocks.ForEach(write => write(writer));
                budget -= blocks.Count;
            }

            writer.WriteEndArray();
            writer.WriteEndObject();
        });
    }

    /// <summary>The card's blocks as in a message, with its inputs and button rows under ids scoped by <paramref name="scope"/>.</summary>
    private static List<Action<Utf8JsonWriter>> HomeBlocks(Card card, string scope)
    {
        var blocks = new List<Action<Utf8JsonWriter>>();
        if (!string.IsNullOrWhiteSpace(card.Title))
        {
            blocks.Add(writer =>
            {
                writer.WriteStartObject();
                writer.WriteString("type", "header");
                WritePlainText(writer, "text", SlackText.TruncatePlain(card.Title, MaxHeaderText));
                writer.WriteEndObject();
            });
        }

        foreach (var block in ContentBlocks(card.Sections ?? []))
        {
            blocks.Add(writer => WriteContent(writer, block, scope));
        }

        var buttons = card.Buttons ?? [];
        for (var start = 0; start < buttons.Count; start += MaxActionElements)
        {
            var from = start;
            var id = ScopedId(scope, from == 0 ? "actions" : $"actions-{from / MaxActionElements}");
            blocks.Add(writer => WriteActions(writer, buttons, from, Math.Min(MaxActionElements, buttons.Count - from), id));
        }

        if (!string.IsNullOrWhiteSpace(card.Context))
        {
            blocks.Add(writer => WriteContext(writer, SlackText.Truncate(card.Context!, MaxSectionText)));
        }

        return blocks;
    }

    /// <summary><c>scope/id</c>: a block's id within one card of a view of several (<see cref="SlackPayloadMapper.HomeScopeOf"/> reads it back).</summary>
    internal static string ScopedId(string scope, string id) => SlackText.TruncatePlain($"{scope}/{id}", MaxBlockId);
}
