using System.Globalization;
using BakeryBot.Core.Chat;

namespace BakeryBot.Core.Cmdb.Discovery;

/// <summary>How discoveries look: the card announcing one, and the lists. Pure.</summary>
public static class DiscoveryCards
{
    /// <summary>Discoveries shown as cards with buttons in one answer; the rest are listed by name.</summary>
    public const int MaxCards = 10;

    /// <summary>
    /// A discovery's card: with Adopt and Dismiss while unreviewed, and afterwards saying who decided
    /// what (<paramref name="reviewer"/>; <paramref name="ciName"/> when adopted).
    /// </summary>
    public static Card Card(DiscoveredItem item, string? reviewer = null, string? ciName = null)
    {
        var fields = new List<CardField>
        {
            new("Kind", DiscoveryService.KindWord(item.Kind)),
            new("Found by", item.Source),
            new("Seen", item.Sightings == 1 ? "once" : $"{item.Sightings} times"),
        };
        if (item.Vendor is { } vendor)
        {
            fields.Add(new CardField("Vendor", vendor));
        }

        foreach (var (key, value) in item.Attributes.OrderBy(a => a.Key, StringComparer.Ordinal).Take(6))
        {
            fields.Add(new CardField(key, value));
        }

        var id = DiscoveryService.Id(item);
        return item.Review switch
        {
            DiscoveryReview.Adopted => new Card(item.Name, CardAccent.Success, [new FieldsSection(fields), new ContextSection($"Adopted into the CMDB as {ciName ?? item.Name}{(reviewer is null ? "" : $" by {reviewer}")}.")], []),
            DiscoveryReview.Dismissed => new Card(item.Name, CardAccent.Neutral, [new FieldsSection(fields), new ContextSection($"Dismissed{(reviewer is null ? "" : $" by {reviewer}")}: known, and kept out of the CMDB.")], []),
            _ => new Card(item.Name, CardAccent.Warning,
                [new FieldsSection(fields), new ContextSection("Not in the CMDB: adopt it to track it, or dismiss it if it is known and wanted outside.")],
                [new CardButton("Adopt", DiscoveryService.AdoptAction, id, ButtonStyle.Primary), new CardButton("Dismiss", DiscoveryService.DismissAction, id)],
                $"unreviewed {DiscoveryService.KindWord(item.Kind)}"),
        };
    }

    /// <summary>The answer to <c>/cmdb discovered</c>: the first ones as cards with buttons, the rest by name.</summary>
    public static ChatReply List(IReadOnlyList<DiscoveredItem> items, bool all)
    {
        if (items.Count == 0)
        {
            return ChatReply.Private(all ? "No scanner has reported anything outside the CMDB." : "Nothing unreviewed: everything scanners found is in the CMDB, adopted or dismissed.");
        }

        var unreviewed = items.Count(i => i.Review == DiscoveryReview.Unreviewed);
        var text = $"{unreviewed} unreviewed discover{(unreviewed == 1 ? "y" : "ies")} (shadow IT){(all ? $", {items.Count - unreviewed} reviewed" : "")}.";
        if (items.Count > MaxCards)
        {
            text += $"\nAlso: {string.Join(", ", items.Skip(MaxCards).Take(50).Select(i => $"{i.Name} (#{i.Id.ToString(CultureInfo.InvariantCulture)})"))}{(items.Count > MaxCards + 50 ? ", …" : "")}. `/cmdb adopt <name>` or `/cmdb dismiss <name>` reviews them.";
        }

        return ChatReply.Private(text, items.Take(MaxCards).Select(i => Card(i)).ToArray());
    }

    /// <summary>The answer to <c>/cmdb stale</c>.</summary>
    public static Card Stale(IReadOnlyList<ConfigurationItem> stale, TimeSpan after, DateTimeOffset now, CultureInfo culture)
    {
        if (stale.Count == 0)
        {
            return new Card("Stale assets", CardAccent.Success, [new TextSection($"Every asset scanners report was seen within the last {Durations.Humanize(after, culture)}.")], []);
        }

        var lines = stale.Take(50).Select(c => $"• {c.Name}: last seen {Durations.Humanize(now - c.LastSeenAt!.Value, culture)} ago by {c.DiscoveredBy ?? "a scanner"}");
        var more = stale.Count > 50 ? $"\n…and {stale.Count - 50} more" : "";
        return new Card($"Stale assets ({stale.Count})", CardAccent.Warning,
            [new TextSection(string.Join('\n', lines) + more), new ContextSection($"Not reported by any scanner for over {Durations.Humanize(after, culture)}: gone, moved, or switched off?")], []);
    }
}
