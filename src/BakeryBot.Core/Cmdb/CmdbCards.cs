using System.Globalization;
using BakeryBot.Core.Chat;

namespace BakeryBot.Core.Cmdb;

/// <summary>When a scanner last reported a CI (<see cref="Ago"/> as people read it), and whether it is stale.</summary>
public sealed record CiSighting(string Ago, string Source, bool Stale, string StaleAfter);

/// <summary>How CMDB answers look as cards. Pure: views in, cards out.</summary>
public static class CmdbCards
{
    /// <summary>Services listed by name on an impact card; beyond, they are counted.</summary>
    private const int MaxNamed = 15;

    /// <param name="sighting">When a scanner last reported the CI, and whether that is too long ago.</param>
    /// <param name="today">The day its book value is worked out for (assets with a purchase date, price and useful life).</param>
    /// <param name="syntheticCheck">Its synthetic check's state in words, when it has one.</param>
    public static Card Card(CiView view, CiSighting? sighting = null, DateOnly? today = null, string? syntheticCheck = null)
    {
        var ci = view.Ci;
        var fields = new List<CardField> { new("Type", ci.Type.ToString().ToLowerInvariant()) };
        void Add(string label, string? value)
        {
            if (!string.IsNullOrWhiteSpace(value))
            {
                fields.Add(new CardField(label, value));
            }
        }

        Add("Tier", ci.Tier?.ToString(CultureInfo.InvariantCulture));
        Add("Health", ci.Health);
        Add("Owner", view.Owner);
        Add("Experts", view.Experts.Count == 0 ? null : string.Join(", ", view.Experts));
        Add("Uptime commitment", ci.UptimeCommitment is { } uptime ? $"{uptime.ToString(CultureInfo.InvariantCulture)}%" : null);
        Add("Third party", ci.ThirdParty ? ci.Vendor ?? "yes" : null);
        Add("Vendor", ci.ThirdParty ? null : ci.Vendor);
        Add("Serial", ci.Serial);
        Add("Synthetic check", syntheticCheck);
        Add("Last seen", sighting is { } seen ? $"{seen.Ago} ago by {seen.Source}{(seen.Stale ? " (stale)" : "")}" : null);
        Add("Primary uses", ci.PrimaryUses);
        Add("Key risks", ci.KeyRisks);
        foreach (var (key, value) in ci.Attributes.OrderBy(a => a.Key, StringComparer.Ordinal))
        {
            Add(key, value);
        }

        if (today is { } day && AssetValues.Depreciate(ci.Attributes, day) is { } book)
        {
            Add("Book value", $"{Sla.MonthlyFee.Format(book.Value, book.Currency, CultureInfo.InvariantCulture)} ({(book.WrittenOff * 100).ToString("0", CultureInfo.InvariantCulture)}% written off, straight line over {ci.Attributes["useful-life"]})");
        }

        var sections = new List<CardSection> { new FieldsSection(fields) };
        var links = view.Outgoing.Select(l => $"{CmdbService.RelationWord(l.Relation)} {l.Other}{Redundant(l)}")
            .Concat(view.Incoming.Select(l => $"{l.Other} {CmdbService.RelationWord(l.Relation)} this{Redundant(l)}"))
            .ToList();
        if (links.Count > 0)
        {
            sections.Add(new TextSection("Links:\n" + string.Join('\n', links.Select(l => "• " + l))));
        }

        if (view.OpenIncidents.Count > 0)
        {
            sections.Add(new TextSection($"Open incidents: {string.Join(", ", view.OpenIncidents)}"));
        }

        if (sighting is { Stale: true })
        {
            sections.Add(new ContextSection($"Stale: no scanner has reported it for over {sighting.StaleAfter}. Gone, moved, or switched off?"));
        }

        var accent = view.OpenIncidents.Count > 0 || sighting is { Stale: true } ? CardAccent.Warning : CardAccent.Neutral;
        return new Card(ci.Name, accent, sections, []);
    }

    /// <summary>
    /// What a failure of <paramref name="ci"/> reaches: the services first (most critical tier first),
    /// then the rest counted by type, so the answer stays short when nearly everything depends on it.
    /// </summary>
    public static Card Impact(ConfigurationItem ci, CmdbImpact impact)
    {
        if (impact.Count == 0)
        {
            return new Card($"Impact of {ci.Name}", CardAccent.Success, [new TextSection("Nothing in the CMDB depends on it.")], []);
        }

        var services = impact.Services;
        var sections = new List<CardSection>();
        if (services.Count > 0)
        {
            var named = services.Take(MaxNamed).Select(s => $"• {s.Name}{(s.Tier is { } tier ? $" (tier {tier})" : "")}{(s.Depth == 1 ? ", directly" : $", through {s.Depth - 1} step{(s.Depth == 2 ? "" : "s")}")}");
            var more = services.Count > MaxNamed ? $"\n…and {services.Count - MaxNamed} more services" : "";
            sections.Add(new TextSection($"Services ({services.Count}):\n{string.Join('\n', named)}{more}"));
        }

        var others = impact.Others
            .Select(t => new CardField(Plural(t.Type), t.Count <= CmdbImpact.NamedPerType
                ? string.Join(", ", t.Names)
                : $"{t.Count} (e.g. {string.Join(", ", t.Names)})"))
            .ToList();
        if (others.Count > 0)
        {
            sections.Add(new FieldsSection(others));
        }

        var worst = services.Select(s => s.Tier ?? 9).DefaultIfEmpty(9).Min();
        var accent = worst == 1 ? CardAccent.Critical : services.Count > 0 ? CardAccent.Warning : CardAccent.Info;
        return new Card($"Impact of {ci.Name}: {impact.Count} CI{(impact.Count == 1 ? "" : "s")}", accent, sections, []);
    }

    /// <summary>The service catalogue.</summary>
    public static Card Catalog(IReadOnlyList<CiView> services)
    {
        var lines = services.Select(v =>
        {
            var ci = v.Ci;
            var parts = new List<string> { ci.Name, ci.Tier is { } tier ? $"tier {tier}" : "no tier" };
            parts.Add(v.Owner is { } owner ? $"owner {owner}" : "no owner");
            parts.Add(ci.UptimeCommitment is { } uptime ? $"SLA {uptime.ToString(CultureInfo.InvariantCulture)}%" : "no SLA");
            parts.Add(v.OpenIncidents.Count > 0 ? $"{v.OpenIncidents.Count} open incident{(v.OpenIncidents.Count == 1 ? "" : "s")}" : ci.Health ?? "healthy");
            return string.Join(" · ", parts);
        });
        return new Card($"Service catalogue ({services.Count})", CardAccent.Info, [new TextSection(string.Join('\n', lines))], []);
    }

    private static string Redundant(CiLink link) => link.RedundancyGroup is { } group ? $" (redundant: {group})" : "";

    private static string Plural(CiType type) => type switch
    {
        CiType.Facility => "Facilities",
        CiType.Software => "Software",
        _ => type + "s",
    };
}
