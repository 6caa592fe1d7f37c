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
    private static async Task SetAsync(ConfigurationItem ci, string key, string value, Func<string, Task<int>> personOf)
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
                        ci.Experts.Add(new CiExpert { PersonId = id });
                    }
                }

                break;
            default:
                if (key.Length > 40 || value.Length > 500)
                {
                    throw new UserException($"`{key}:` is too long; keep attribute names under 40 characters and values under 500.");
                }

                ci.Attributes[key] = value;
                break;
        }
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
        var openIncidents = await db.Incidents
            .Where(i => i.TenantId == ci.TenantId && i.Cis.Any(c => c.CiId == ci.Id))
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

    /// <summary>The service catalogue: every service with its tier, owner, commitment and health, most critical first.</summary>
    public async Task<List<CiView>> CatalogAsync(int tenantId, CancellationToken ct)
    {
        var services = await db.ConfigurationItems.Include(c => c.Experts)
            .Where(c => c.TenantId == tenantId && c.Type == CiType.Service)
            .OrderBy(c => c.Tier ?? 9).ThenBy(c => c.Key)
            .Take(100)
            .ToListAsync(ct);
        var views = new List<CiView>(services.Count);
        foreach (var service in services)
        {
            views.Add(await ViewAsync(service, ct));
        }

        return views;
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

    public static CiType ParseType(string text) =>
        Enum.TryParse<CiType>(text, ignoreCase: true, out var type) && !int.TryParse(text, out _)
            ? type
            : throw new UserException($"`{text}` is not a CI type. Types: {string.Join(", ", Enum.GetNames<CiType>().Select(n => n.ToLowerInvariant()))}.");
}
