using System.Text.Json.Nodes;
using BakeryBot.Core.Chat;

namespace BakeryBot.Teams.Cards;

public static partial class TeamsAdaptiveCardRenderer
{
    /// <summary>
    /// Teams: "The bot message size limit is 100 KB … encoded as UTF-16 … recommended … within 80 KB"
    /// (msteams-docs format-your-bot-messages.md; protocols.md §10). Everything here stays within 80 KB.
    /// </summary>
    public const int MaxMessageBytes = 80 * 1024;

    /// <summary>Kept free for what the Connector client adds to a message (from, recipient, conversation, ids).</summary>
    public const int EnvelopeReserveBytes = 4 * 1024;

    /// <summary>
    /// The size Teams counts, as an upper bound: UTF-16 bytes of the JSON with every non-ASCII character written as
    /// <c>\uXXXX</c> (what <see cref="JsonNode.ToJsonString"/> writes by default). However the poster serializes and
    /// encodes the message, it is no larger than this.
    /// </summary>
    public static int SizeOf(JsonNode node)
    {
        ArgumentNullException.ThrowIfNull(node);
        return node.ToJsonString().Length * sizeof(char);
    }

    /// <summary>
    /// The card within <paramref name="budgetBytes"/>: when the whole card is larger, trailing body elements are
    /// dropped and a note says so; the title, the context line and the buttons always stay.
    /// </summary>
    internal static JsonObject RenderCard(Card card, Func<string, string?>? nameOf, string? fullRecordHint, int budgetBytes)
    {
        var content = Content(card.Sections, nameOf, out var trailingDivider);
        var sizes = content.ConvertAll(SizeOf);
        // Each element adds its own size and a comma (2 bytes) to the items array; the title is always before it.
        var total = (long)SizeOf(Build(card, nameOf, [], null, trailingDivider)) + sizes.Sum(s => (long)s + 2);
        if (total <= budgetBytes)
        {
            return Build(card, nameOf, content, null, trailingDivider);
        }

        var used = (long)SizeOf(Build(card, nameOf, [], Notice(fullRecordHint), trailingDivider));
        var keep = 0;
        while (keep < content.Count && used + sizes[keep] + 2 <= budgetBytes)
        {
            used += sizes[keep] + 2;
            keep++;
        }

        return Build(card, nameOf, content.Take(keep), Notice(fullRecordHint), trailingDivider);
    }

    private static JsonObject Notice(string? fullRecordHint)
    {
        var text = string.IsNullOrWhiteSpace(fullRecordHint)
            ? "\u2026(truncated to fit Teams' message size limit)"
            : $"\u2026(truncated; the full record: {Cut(fullRecordHint, MaxTitleLength)})";
        return Small(TeamsMarkdown.Escape(text));
    }

    /// <summary>At most <paramref name="maxLength"/> chars, ending in … when cut; never splits a surrogate pair.</summary>
    internal static string Cut(string text, int maxLength)
    {
        if (text.Length <= maxLength)
        {
            return text;
        }

        var cut = Math.Max(0, maxLength - 1);
        if (cut > 0 && char.IsHighSurrogate(text[cut - 1]))
        {
            cut--;
        }

        return string.Concat(text.AsSpan(0, cut), "\u2026");
    }

    /// <summary>
    /// Pieces of at most <paramref name="maxLength"/> chars, cut after a line break or space in the second half of a
    /// piece where there is one (so a mention or a word stays whole); never splits a surrogate pair.
    /// </summary>
    internal static List<string> Split(string text, int maxLength)
    {
        var pieces = new List<string>(1);
        var start = 0;
        while (start < text.Length)
        {
            var end = Math.Min(text.Length, start + maxLength);
            if (end < text.Length)
            {
                var space = text.AsSpan(start + (maxLength / 2), end - start - (maxLength / 2)).LastIndexOfAny(' ', '\n');
                if (space >= 0)
                {
                    end = start + (maxLength / 2) + space + 1;
                }
                else if (char.IsHighSurrogate(text[end - 1]))
                {
                    end--;
                }
            }

            var piece = text[start..end].Trim();
            if (piece.Length > 0)
            {
                pieces.Add(piece);
            }

            start = end;
        }

        return pieces;
    }
}
