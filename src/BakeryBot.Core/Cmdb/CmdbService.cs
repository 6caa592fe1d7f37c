using BakeryBot.Core.Chat;
using BakeryBot.Core.Data;
using Microsoft.EntityFrameworkCore;

namespace BakeryBot.Core.Cmdb;

/// <summary>The CMDB's configuration items, per tenant.</summary>
public sealed class CmdbService(BakeryDbContext db, CmdbGraph graph, TimeProvider clock)
{
    /// <summary>Valid CI names: letters, digits, dots, dashes and underscores, up to 100 characters.</summary>
    public static bool IsValidName(string name) =>
        name.Length is > 0 and <= 100 && char.IsLetterOrDigit(name[0]) && name.All(c => char.IsLetterOrDigit(c) || c is '-' or '_' or '.');

    public Task<ConfigurationItem?> FindAsync(int tenantId, string name, CancellationToken ct)
    {
        var key = ConfigurationItem.KeyOf(name);
        return db.ConfigurationItems.FirstOrDefaultAsync(c => c.TenantId == tenantId && c.Key == key, ct);
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

    public async Task<ConfigurationItem> AddAsync(int tenantId, CiType type, string name, IReadOnlyDictionary<string, string> attributes, CancellationToken ct)
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
                default:
                    ci.Attributes[key] = value;
                    break;
            }
        }

        db.ConfigurationItems.Add(ci);
        await db.SaveChangesAsync(ct);
        return ci;
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

        var reached = await graph.ImpactAsync(tenantId, ciIds, ct);
        var ids = ciIds.ToList();
        var own = await db.ConfigurationItems.Where(c => c.TenantId == tenantId && ids.Contains(c.Id) && c.Type == CiType.Service)
            .Select(c => new { c.Name, c.Tier }).ToListAsync(ct);
        return own.Select(c => (c.Name, c.Tier))
            .Concat(reached.Where(c => c.Type == CiType.Service).Select(c => (c.Name, c.Tier)))
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
