using System.Globalization;
using BakeryBot.Core.Chat;
using BakeryBot.Core.Data;
using BakeryBot.Core.Incidents;
using Microsoft.EntityFrameworkCore;

namespace BakeryBot.Core.Cmdb;

/// <summary>A link as a CI's card lists it.</summary>
public sealed record CiLink(CiRelation Relation, string Other, string? RedundancyGroup);

/// <summary>What a CI's card shows besides the CI: names of people, its links both ways, its open incidents.</summary>
public sealed record CiView(ConfigurationItem Ci, string? Owner, IReadOnlyList<string> Experts, IReadOnlyList<CiLink> Outgoing, IReadOnlyList<CiLink> Incoming, IReadOnlyList<string> OpenIncidents);

/// <summary>The CMDB's configuration items, per tenant.</summary>
public sealed class CmdbService(BakeryDbContext db, CmdbGraph graph, TimeProvider clock)
{
    /// <summary>Valid CI names: letters, digits, dots, dashes and underscores, up to 100 characters.</summary>
    public static bool IsValidName(string name) =>
        name.Length is > 0 and <= 100 && char.IsLetterOrDigit(name[0]) && name.All(c => char.IsLetterOrDigit(c) || c is '-' or '_' or '.');

    public Task<ConfigurationItem?> FindAsync(int tenantId, string name, CancellationToken ct)
    {
        var key = ConfigurationItem.KeyOf(name);
        return db.ConfigurationItems.Include(c => c.Experts).FirstOrDefaultAsync(c => c.TenantId == tenantId && c.Key == key, ct);
    }

    /// <summary>Finds CIs by name; the names that match nothing are returned separately.</summary>
    public async Task<(List<ConfigurationItem> Found, List<string> Unknown)> FindManyAsync(int tenantId, IEnumerable<string> names, CancellationToken ct)
    {
        var wanted = names.Select(n => n.Trim()).Where(n => n.Length > 0).Distinct(StringComparer.OrdinalIgnoreCase).ToList();
        if (wanted.Count == 0)
        {
            // Most incidents name no CI: nothing to look up.
            return ([], []);
        }

        var keys = wanted.Select(ConfigurationItem.KeyOf).ToList();
        var found = await db.ConfigurationItems.Where(c => c.TenantId == tenantId && keys.Contains(c.Key)).ToListAsync(ct);
        var unknown = wanted.Where(n => found.All(c => c.Key != ConfigurationItem.KeyOf(n))).ToList();
        return (found, unknown);
    }

    public async Task<ConfigurationItem> AddAsync(int tenantId, CiType type, string name, IReadOnlyDictionary<string, string> attributes, Func<string, Task<int>> personOf, CancellationToken ct)
    {
        if (!IsValidName(name))
        {
            throw new UserException($"`{name}` can't be a CI name: use letters, digits, `-`, `_` and `.` (up to 100), like `oven-2`.");
        }

        if (await FindAsync(tenantId, name, ct) is { } existing)
        {
            throw new UserException($"`{existing.Name}` is already in the CMDB (a {existing.Type.ToString().ToLowerInvariant()}).");
        }

        var now = clock.GetUtcNow();
        var ci = new ConfigurationItem
        {
            TenantId = tenantId,
            Type = type,
            Name = name,
            Key = ConfigurationItem.KeyOf(name),
            CreatedAt = now,
            UpdatedAt = now,
        };
        foreach (var (key, value) in attributes)
        {
            await SetAsync(ci, key, value, personOf);
        }

        db.ConfigurationItems.Add(ci);
        await db.SaveChangesAsync(ct);
        return ci;
    }

    /// <summary>The key attributes have their own fields; any other <c>key:value</c> is kept as written.</summary>
    internal static async Task SetAsync(ConfigurationItem ci, string key, string value, Func<string, Task<int>> personOf)
    {
        switch (key)
        {
            case "tier":
                ci.Tier = int.TryParse(value, out var tier) && tier is >= 1 and <= 4
                    ? tier
                    : throw new UserException($"`tier:{value}` is not a tier; use `tier:1` (most critical) to `tier:4`.");
                break;
            case "health":
                ci.Health = value;
                break;
            case "uptime":
                ci.UptimeCommitment = double.TryParse(value.TrimEnd('%'), System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out var uptime) && uptime is > 0 and <= 100
                    ? uptime
                    : throw new UserException($"`uptime:{value}` is not a percentage; write it like `uptime:99.95`.");
                break;
            case "third-party":
                ci.ThirdParty = value.ToLowerInvariant() switch
                {
                    "true" or "yes" or "1" => true,
                    "false" or "no" or "0" => false,
                    _ => throw new UserException($"`third-party:{value}` is true or false."),
                };
                break;
            case "vendor":
                ci.Vendor = value;
                break;
            case "credit":
                ci.ServiceCredits = Sla.ServiceCreditRule.Parse(value) is { IsNone: false } rule ? rule.ToString() : null;
                break;
            case "fee":
                (ci.MonthlyFee, ci.Currency) = Sla.MonthlyFee.Parse(value);
                break;
            case "serial":
                ci.Serial = value.Length <= 100 ? value : throw new UserException("A serial number is at most 100 characters.");
                break;
            case "uses":
                ci.PrimaryUses = value;
                break;
            case "risks":
                ci.KeyRisks = value;
                break;
            case "owner":
                ci.OwnerId = await personOf(value);
                break;
            case "sme":
                foreach (var expert in value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
                {
                    var id = await personOf(expert);
                    if (ci.Experts.All(e => e.PersonId != id))
                    {
                        ci.Experts.Add(new CiExpert { PersonId = id, TenantId = ci.TenantId, CiName = ci.Name });
                    }
                }

                break;
            case AssetValues.CheckUrlKey when value.Equals("none", StringComparison.OrdinalIgnoreCase):
                ci.Attributes.Remove(key);
                break;
            default:
                if (key.Length > 40 || value.Length > 500)
                {
                    throw new UserException($"`{key}:` is too long; keep attribute names under 40 characters and values under 500.");
                }

                ci.Attributes[key] = AssetValues.Normalize(key, value);
                break;
        }
    }

    /// <summary>A CI's values as text by the keys of <c>/cmdb add</c>, to tell what a change changes.</summary>
    public static Dictionary<string, string?> Describe(ConfigurationItem ci, IReadOnlyDictionary<int, string> names)
    {
        var values = new Dictionary<string, string?>(StringComparer.Ordinal)
        {
            ["name"] = ci.Name,
            ["tier"] = ci.Tier?.ToString(CultureInfo.InvariantCulture),
            ["health"] = ci.Health,
            ["owner"] = ci.OwnerId is { } o ? names.GetValueOrDefault(o, "someone") : null,
            ["sme"] = ci.Experts.Count == 0 ? null : string.Join(", ", ci.Experts.Select(e => names.GetValueOrDefault(e.PersonId, "someone")).Order(StringComparer.Ordinal)),
            ["uptime"] = ci.UptimeCommitment?.ToString(CultureInfo.InvariantCulture),
            ["third-party"] = ci.ThirdParty ? "true" : null,
            ["vendor"] = ci.Vendor,
            ["serial"] = ci.Serial,
            ["uses"] = ci.PrimaryUses,
            ["risks"] = ci.KeyRisks,
            ["credit"] = ci.ServiceCredits,
            ["fee"] = ci.MonthlyFee is { } fee ? $"{fee.ToString(CultureInfo.InvariantCulture)}{(ci.Currency is { } c ? " " + c : "")}" : null,
        };
        foreach (var (key, value) in ci.Attributes)
        {
            values[key] = value;
        }

        return values;
    }

    /// <summary>What differs between two <see cref="Describe"/>s, as <c>tier: 2 → 1</c>.</summary>
    public static List<string> Differences(Dictionary<string, string?> before, Dictionary<string, string?> after) =>
        after.Keys.Union(before.Keys)
            .Where(k => before.GetValueOrDefault(k) != after.GetValueOrDefault(k))
            .Order(StringComparer.Ordinal)
            .Select(k => $"{k}: {before.GetValueOrDefault(k) ?? "none"} → {after.GetValueOrDefault(k) ?? "none"}")
            .ToList();

    /// <summary>Sets attributes of an existing CI (the keys of <c>/cmdb add</c>); returns what changed, nothing when nothing did.</summary>
    public async Task<List<string>> UpdateAsync(ConfigurationItem ci, IReadOnlyDictionary<string, string> attributes, Func<string, Task<int>> personOf, CancellationToken ct)
    {
        async Task<Dictionary<int, string>> NamesAsync()
        {
            var ids = ci.Experts.Select(e => e.PersonId).Append(ci.OwnerId ?? 0).ToList();
            return await db.People.Where(p => ids.Contains(p.Id)).ToDictionaryAsync(p => p.Id, p => p.DisplayName, ct);
        }

        var before = Describe(ci, await NamesAsync());
        // People first: finding a new one saves, and the CI's change must be saved once, whole.
        var people = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var mention in attributes.Where(a => a.Key is "owner" or "sme").SelectMany(a => a.Value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)))
        {
            people.TryAdd(mention, await personOf(mention));
        }

        foreach (var (key, value) in attributes)
        {
            await SetAsync(ci, key, value, mention => Task.FromResult(people[mention]));
        }

        var changes = Differences(before, Describe(ci, await NamesAsync()));
        if (changes.Count > 0)
        {
            ci.UpdatedAt = clock.GetUtcNow();
            await db.SaveChangesAsync(ct);
        }

        return changes;
    }

    /// <summary>The latest changes of a CI from the audit trail, newest first, with who made them and from where.</summary>
    public async Task<List<(AuditEntry Entry, string? Actor)>> HistoryAsync(ConfigurationItem ci, int take, CancellationToken ct)
    {
        var entries = await db.AuditEntries.AsNoTracking()
            .Where(a => a.TenantId == ci.TenantId && a.RecordType == "ci" && a.RecordKey == ci.Name)
            .OrderByDescending(a => a.Id).Take(take).ToListAsync(ct);
        var people = entries.Select(e => e.ActorId).OfType<int>().Concat(entries.Select(CmdbHistory.ExpertAdded).OfType<int>()).Distinct().ToList();
        var names = await db.People.Where(p => people.Contains(p.Id)).ToDictionaryAsync(p => p.Id, p => p.DisplayName, ct);
        return entries.Select(e => (CmdbHistory.ExpertAdded(e) is { } expert ? new AuditEntry
        {
            At = e.At,
            ActorId = e.ActorId,
            Platform = e.Platform,
            RecordType = e.RecordType,
            RecordKey = e.RecordKey,
            Action = $"added expert {names.GetValueOrDefault(expert, "someone")}",
            Changes = "{}",
        } : e, e.ActorId is { } id ? names.GetValueOrDefault(id) : null)).ToList();
    }

    /// <summary>Links two CIs; false when the link was there already.</summary>
    public async Task<bool> LinkAsync(int tenantId, string from, CiRelation relation, string to, string? redundancyGroup, CancellationToken ct)
    {
        var (source, target) = await PairAsync(tenantId, from, to, ct);
        if (source.Id == target.Id)
        {
            throw new UserException($"`{source.Name}` can't be linked to itself.");
        }

        if (await db.CiRelationships.AnyAsync(r => r.SourceId == source.Id && r.Relation == relation && r.TargetId == target.Id, ct))
        {
            return false;
        }

        db.CiRelationships.Add(new CiRelationship { TenantId = tenantId, SourceId = source.Id, Relation = relation, TargetId = target.Id, RedundancyGroup = redundancyGroup, CreatedAt = clock.GetUtcNow() });
        await db.SaveChangesAsync(ct);
        return true;
    }

    /// <summary>Removes a link; false when there was none.</summary>
    public async Task<bool> UnlinkAsync(int tenantId, string from, CiRelation relation, string to, CancellationToken ct)
    {
        var (source, target) = await PairAsync(tenantId, from, to, ct);
        var link = await db.CiRelationships.FirstOrDefaultAsync(r => r.SourceId == source.Id && r.Relation == relation && r.TargetId == target.Id, ct);
        if (link is null)
        {
            return false;
        }

        db.CiRelationships.Remove(link);
        await db.SaveChangesAsync(ct);
        return true;
    }

    /// <summary>
    /// CIs whose name, vendor or uses contain each of the words (case-insensitive) and whose
    /// attributes hold each <c>key:value</c> given.
    /// </summary>
    public async Task<List<ConfigurationItem>> FindAsync(int tenantId, IReadOnlyList<string> words, IReadOnlyDictionary<string, string> attributes, CancellationToken ct)
    {
        var query = db.ConfigurationItems.AsNoTracking().Where(c => c.TenantId == tenantId);
#pragma warning disable CA1862 // EF translates ToLower().Contains to SQL; the StringComparison overload is not translatable.
        foreach (var word in words.Select(w => w.ToLowerInvariant()))
        {
            query = query.Where(c => c.Key.Contains(word) || (c.Vendor != null && c.Vendor.ToLower().Contains(word))
                                     || (c.PrimaryUses != null && c.PrimaryUses.ToLower().Contains(word)));
        }
#pragma warning restore CA1862

        if (attributes.TryGetValue("serial", out var serial))
        {
            var folded = serial.ToLowerInvariant();
#pragma warning disable CA1862
            query = query.Where(c => c.Serial != null && c.Serial.ToLower() == folded);
#pragma warning restore CA1862
            attributes = attributes.Where(a => a.Key != "serial").ToDictionary();
        }

        // Attributes live in one JSON column: matched on the candidates the words left (at most 2,000).
        var candidates = await query.OrderBy(c => c.Type).ThenBy(c => c.Key).Take(attributes.Count == 0 ? 25 : 2000).ToListAsync(ct);
        return candidates
            .Where(c => attributes.All(a => c.Attributes.TryGetValue(a.Key, out var v) && string.Equals(v, a.Value, StringComparison.OrdinalIgnoreCase)))
            .Take(25)
            .ToList();
    }

    /// <summary>A CI with what it links to and what links to it (names and relations).</summary>
    public async Task<CiView> ViewAsync(ConfigurationItem ci, CancellationToken ct)
    {
        var outgoing = await db.CiRelationships.Where(r => r.SourceId == ci.Id).Select(r => new CiLink(r.Relation, r.Target!.Name, r.RedundancyGroup)).ToListAsync(ct);
        var incoming = await db.CiRelationships.Where(r => r.TargetId == ci.Id).Select(r => new CiLink(r.Relation, r.Source!.Name, r.RedundancyGroup)).ToListAsync(ct);
        var people = new List<int>(ci.Experts.Select(e => e.PersonId));
        if (ci.OwnerId is { } owner)
        {
            people.Add(owner);
        }

        var names = await db.People.Where(p => people.Contains(p.Id)).ToDictionaryAsync(p => p.Id, p => p.DisplayName, ct);
        // From the CI's links (by their CiId index): testing each incident of the tenant for a link to the
        // CI would read the tenant's whole history.
        var linked = db.Set<IncidentCi>().Where(c => c.CiId == ci.Id).Select(c => c.IncidentId);
        var openIncidents = await db.Incidents
            .Where(i => i.TenantId == ci.TenantId && linked.Contains(i.Id))
            .Where(Incident.Open)
            .OrderBy(i => i.Number).Select(i => i.Number).ToListAsync(ct);
        return new CiView(
            ci,
            ci.OwnerId is { } o ? names.GetValueOrDefault(o) : null,
            ci.Experts.Select(e => names.GetValueOrDefault(e.PersonId, "someone")).ToList(),
            outgoing,
            incoming,
            openIncidents.Select(n => new RecordId(RecordId.Incident, n).ToString()).ToList());
    }

    /// <summary>
    /// The service catalogue: every service with its tier, owner, commitment and health, most critical
    /// first. Three queries whatever the number of services: the catalogue shows no links or experts.
    /// </summary>
    public async Task<List<CiView>> CatalogAsync(int tenantId, CancellationToken ct)
    {
        var services = await db.ConfigurationItems.AsNoTracking()
            .Where(c => c.TenantId == tenantId && c.Type == CiType.Service)
            .OrderBy(c => c.Tier ?? 9).ThenBy(c => c.Key)
            .Take(100)
            .ToListAsync(ct);
        var ids = services.Select(s => s.Id).ToList();
        var owners = services.Select(s => s.OwnerId).OfType<int>().Distinct().ToList();
        var names = await db.People.Where(p => owners.Contains(p.Id)).ToDictionaryAsync(p => p.Id, p => p.DisplayName, ct);
        var open = (await db.Set<IncidentCi>().Where(c => ids.Contains(c.CiId))
                .Join(db.Incidents.Where(i => i.TenantId == tenantId).Where(Incident.Open), c => c.IncidentId, i => i.Id, (c, i) => new { c.CiId, i.Number })
                .ToListAsync(ct))
            .ToLookup(x => x.CiId, x => x.Number);
        return services.Select(s => new CiView(
                s,
                s.OwnerId is { } o ? names.GetValueOrDefault(o) : null,
                [],
                [],
                [],
                open[s.Id].Order().Select(n => new RecordId(RecordId.Incident, n).ToString()).ToList()))
            .ToList();
    }

    public static CiRelation ParseRelation(string text) => text.ToLowerInvariant() switch
    {
        "depends-on" => CiRelation.DependsOn,
        "runs-on" => CiRelation.RunsOn,
        "part-of" => CiRelation.PartOf,
        "located-in" => CiRelation.LocatedIn,
        "owned-by" => CiRelation.OwnedBy,
        "supplied-by" => CiRelation.SuppliedBy,
        _ => throw new UserException($"`{text}` is not a relation. Relations: depends-on, runs-on, part-of, located-in, owned-by, supplied-by."),
    };

    public static string RelationWord(CiRelation relation) => relation switch
    {
        CiRelation.DependsOn => "depends-on",
        CiRelation.RunsOn => "runs-on",
        CiRelation.PartOf => "part-of",
        CiRelation.LocatedIn => "located-in",
        CiRelation.OwnedBy => "owned-by",
        _ => "supplied-by",
    };

    private async Task<(ConfigurationItem Source, ConfigurationItem Target)> PairAsync(int tenantId, string from, string to, CancellationToken ct)
    {
        var source = await FindAsync(tenantId, from, ct) ?? throw new UserException($"`{from}` is not in the CMDB. Add it with `/cmdb add <type> {from}`.");
        var target = await FindAsync(tenantId, to, ct) ?? throw new UserException($"`{to}` is not in the CMDB. Add it with `/cmdb add <type> {to}`.");
        return (source, target);
    }

    /// <summary>
    /// The services a failure of these CIs reaches through the CMDB (the CIs themselves when they are
    /// services), most critical tier first.
    /// </summary>
    public async Task<IReadOnlyList<string>> ImpactedServicesAsync(int tenantId, IReadOnlyCollection<int> ciIds, CancellationToken ct)
    {
        if (ciIds.Count == 0)
        {
            return [];
        }

        var impact = await graph.ImpactAsync(tenantId, ciIds, ct);
        var ids = ciIds.ToList();
        var own = await db.ConfigurationItems.Where(c => c.TenantId == tenantId && ids.Contains(c.Id) && c.Type == CiType.Service)
            .Select(c => new { c.Name, c.Tier }).ToListAsync(ct);
        return own.Select(c => (c.Name, c.Tier))
            .Concat(impact.Services.Select(c => (c.Name, c.Tier)))
            .OrderBy(c => c.Tier ?? 9).ThenBy(c => c.Name, StringComparer.Ordinal)
            .Select(c => c.Name)
            .Distinct(StringComparer.Ordinal)
            .ToList();
    }

    /// <summary>A type as a sentence names one CI of it: "an asset", "software", "a cloud resource".</summary>
    public static string WithArticle(CiType type) => type switch
    {
        CiType.Asset => "an asset",
        CiType.Software => "software",
        CiType.Cloud => "a cloud resource",
        _ => "a " + type.ToString().ToLowerInvariant(),
    };

    public static CiType ParseType(string text) =>
        Enum.TryParse<CiType>(text, ignoreCase: true, out var type) && !int.TryParse(text, out _)
            ? type
            : throw new UserException($"`{text}` is not a CI type. Types: {string.Join(", ", Enum.GetNames<CiType>().Select(n => n.ToLowerInvariant()))}.");
}
