using BakeryBot.Core.Chat;
using BakeryBot.Core.Data;
using BakeryBot.Core.Data.Outbox;
using BakeryBot.Core.Integrations;
using BakeryBot.Core.People;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace BakeryBot.Core.Cmdb.Discovery;

/// <summary>The <c>Discovery</c> settings.</summary>
public sealed class DiscoveryOptions
{
    public const string Section = "Discovery";

    /// <summary>An asset a scanner has reported before and not for this many days is flagged stale.</summary>
    public int StaleAfterDays { get; set; } = 30;

    public TimeSpan StaleAfter => TimeSpan.FromDays(Math.Max(1, StaleAfterDays));
}

/// <summary>What one discovery report did.</summary>
public sealed record DiscoverySummary(int Created, int Updated, int Seen, int NewUnreviewed, int Unreviewed, int Dismissed, IReadOnlyList<string> Refused);

/// <summary>
/// Applies discovery reports (product.md §7). An asset is upserted into the CMDB by its serial number
/// or its name, with when it was last seen; software, cloud and SaaS that match a CI refresh its
/// sighting, and those that match none are kept as unreviewed discoveries (shadow IT), announced once
/// in the hook's channel with Adopt and Dismiss buttons. Reports are idempotent: a replay only
/// refreshes the sightings.
/// </summary>
public sealed class DiscoveryService(BakeryDbContext db, CardPublisher publisher, IOptions<DiscoveryOptions> options, TimeProvider clock)
{
    public const string RecordType = "discovered";

    public const string AdoptAction = "cmdb.adopt";

    public const string DismissAction = "cmdb.dismiss";

    /// <summary>Keys of the report's attributes that have a field of their own on a CI.</summary>
    private static readonly string[] OwnFields = ["serial", "vendor"];

    public TimeSpan StaleAfter => options.Value.StaleAfter;

    public async Task<DiscoverySummary> IngestAsync(Webhook webhook, DiscoveryPayload payload, CancellationToken ct)
    {
        db.Actor = new AuditActor(null, WebhookKinds.Discovery);
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        var now = clock.GetUtcNow();
        var refused = new List<string>();
        // The last report of the same thing in one payload wins.
        var things = new Dictionary<(string Kind, string Key), (DiscoveredThing Thing, string Name)>();
        foreach (var thing in payload.Items)
        {
            if (DiscoveryPayload.CiName(thing.Name) is not { } name)
            {
                refused.Add($"`{thing.Name}` has no letters or digits to name it by.");
                continue;
            }

            things[(thing.Kind, thing.Kind == "asset" && thing.Serial is { } serial ? "serial:" + serial : ConfigurationItem.KeyOf(name))] = (thing, name);
        }

        var keys = things.Values.Select(t => ConfigurationItem.KeyOf(t.Name)).Distinct().ToList();
        var serials = things.Values.Select(t => t.Thing.Serial).OfType<string>().Distinct().ToList();
        var cis = new Dictionary<int, ConfigurationItem>();
        foreach (var chunk in keys.Chunk(CmdbGraph.ChunkSize))
        {
            foreach (var ci in await db.ConfigurationItems.Where(c => c.TenantId == webhook.TenantId && chunk.Contains(c.Key)).ToListAsync(ct))
            {
                cis[ci.Id] = ci;
            }
        }

        foreach (var chunk in serials.Chunk(CmdbGraph.ChunkSize))
        {
            foreach (var ci in await db.ConfigurationItems.Where(c => c.TenantId == webhook.TenantId && c.Serial != null && chunk.Contains(c.Serial)).ToListAsync(ct))
            {
                cis[ci.Id] = ci;
            }
        }

        var byKey = cis.Values.ToDictionary(c => c.Key, StringComparer.Ordinal);
        var bySerial = cis.Values.Where(c => c.Serial is not null).GroupBy(c => c.Serial!, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.First(), StringComparer.Ordinal);
        var discovered = new Dictionary<(string, string), DiscoveredItem>();
        foreach (var chunk in keys.Chunk(CmdbGraph.ChunkSize))
        {
            foreach (var item in await db.DiscoveredItems.Where(d => d.TenantId == webhook.TenantId && chunk.Contains(d.Key)).ToListAsync(ct))
            {
                discovered[(item.Kind, item.Key)] = item;
            }
        }

        int created = 0, updated = 0, seen = 0, unreviewed = 0, dismissed = 0;
        var announce = new List<DiscoveredItem>();
        foreach (var (thing, name) in things.Values)
        {
            var key = ConfigurationItem.KeyOf(name);
            var ci = thing.Serial is { } serial && bySerial.TryGetValue(serial, out var bySerialCi) ? bySerialCi : byKey.GetValueOrDefault(key);
            if (ci is null && thing.Kind == "asset")
            {
                ci = new ConfigurationItem { TenantId = webhook.TenantId, Type = CiType.Asset, Name = name, Key = key, CreatedAt = now, UpdatedAt = now };
                Apply(ci, thing);
                (ci.LastSeenAt, ci.DiscoveredBy, ci.DiscoveredByHookId) = (now, payload.Source, webhook.Id);
                db.ConfigurationItems.Add(ci);
                byKey[key] = ci;
                created++;
                continue;
            }

            if (ci is not null)
            {
                if (Apply(ci, thing))
                {
                    ci.UpdatedAt = now;
                    updated++;
                }
                else
                {
                    seen++;
                }

                (ci.LastSeenAt, ci.DiscoveredBy, ci.DiscoveredByHookId) = (now, payload.Source, webhook.Id);
                continue;
            }

            // Software, cloud or SaaS that no CI stands for: shadow IT until someone reviews it.
            if (!discovered.TryGetValue((thing.Kind, key), out var item))
            {
                item = new DiscoveredItem
                {
                    TenantId = webhook.TenantId,
                    Kind = thing.Kind,
                    Name = thing.Name.Length <= 200 ? thing.Name : thing.Name[..200],
                    Key = key,
                    Source = payload.Source,
                    FirstSeenAt = now,
                };
                db.DiscoveredItems.Add(item);
                discovered[(thing.Kind, key)] = item;
                announce.Add(item);
            }
            else if (item.Review == DiscoveryReview.Adopted)
            {
                // Adopted, but its CI has since been removed (or renamed): it is unknown again.
                item.Review = DiscoveryReview.Unreviewed;
                (item.ReviewedAt, item.ReviewedById, item.CiId) = (null, null, null);
                announce.Add(item);
            }
            else if (item.Review == DiscoveryReview.Dismissed)
            {
                dismissed++;
            }
            else
            {
                unreviewed++;
            }

            item.Vendor = thing.Vendor ?? item.Vendor;
            foreach (var (attribute, value) in thing.Attributes.Where(a => a.Key != "vendor"))
            {
                item.Attributes[attribute] = value;
            }

            (item.LastSeenAt, item.Source) = (now, payload.Source);
            item.Sightings++;
        }

        await db.SaveChangesAsync(ct);
        foreach (var item in announce)
        {
            publisher.Post(webhook.TenantId, webhook.Platform, webhook.ChannelId, null, RecordType, Id(item), DiscoveryCards.Card(item),
                $"{payload.Source} found {(item.Kind == "software" ? "" : "a ")}{KindWord(item.Kind)} that is not in the CMDB: {item.Name}.");
        }

        await db.SaveChangesAsync(ct);
        await transaction.CommitAsync(ct);
        return new DiscoverySummary(created, updated, seen, announce.Count, unreviewed, dismissed, refused);
    }

    /// <summary>The report's attributes on a CI: vendor and serial to their fields, the rest as free attributes. True when something changed.</summary>
    private static bool Apply(ConfigurationItem ci, DiscoveredThing thing)
    {
        var changed = false;
        if (thing.Vendor is { } vendor && ci.Vendor != vendor && vendor.Length <= 200)
        {
            (ci.Vendor, changed) = (vendor, true);
        }

        if (thing.Serial is { } serial && ci.Serial != serial && serial.Length <= 100)
        {
            (ci.Serial, changed) = (serial, true);
        }

        foreach (var (key, value) in thing.Attributes.Where(a => !OwnFields.Contains(a.Key)))
        {
            if (!ci.Attributes.TryGetValue(key, out var old) || old != value)
            {
                ci.Attributes[key] = value;
                changed = true;
            }
        }

        return changed;
    }

    /// <summary>Unreviewed discoveries first (most seen first), or every one with <paramref name="all"/>.</summary>
    public async Task<List<DiscoveredItem>> ListAsync(int tenantId, bool all, CancellationToken ct)
    {
        var items = await db.DiscoveredItems.AsNoTracking()
            .Where(d => d.TenantId == tenantId && (all || d.Review == DiscoveryReview.Unreviewed))
            .ToListAsync(ct);
        return items.OrderBy(d => d.Review).ThenByDescending(d => d.Sightings).ThenBy(d => d.Key, StringComparer.Ordinal).ToList();
    }

    /// <summary>Finds an unreviewed discovery by its name (as found or as a CI name) or its number.</summary>
    public async Task<DiscoveredItem> FindAsync(int tenantId, string nameOrId, CancellationToken ct)
    {
        var key = DiscoveryPayload.CiName(nameOrId) is { } name ? ConfigurationItem.KeyOf(name) : null;
        var id = int.TryParse(nameOrId.TrimStart('#'), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var n) ? n : -1;
        var matches = await db.DiscoveredItems.Where(d => d.TenantId == tenantId && (d.Key == key || d.Id == id)).ToListAsync(ct);
        return matches.Count switch
        {
            0 => throw new UserException($"Nothing called `{nameOrId}` was discovered. `/cmdb discovered` lists what was."),
            1 => matches[0],
            _ => matches.FirstOrDefault(m => m.Id == id)
                 ?? throw new UserException($"`{nameOrId}` was found as {string.Join(" and ", matches.Select(m => $"{KindWord(m.Kind)} #{m.Id}"))}; name it by its number, as in `/cmdb adopt #{matches[0].Id}`."),
        };
    }

    public Task<DiscoveredItem?> FindAsync(int tenantId, int id, CancellationToken ct) =>
        db.DiscoveredItems.FirstOrDefaultAsync(d => d.TenantId == tenantId && d.Id == id, ct);

    /// <summary>
    /// Makes a discovery a CI (software for software and SaaS, a cloud resource for cloud; SaaS is a
    /// third party). False when it had been reviewed already (nothing changes).
    /// </summary>
    public async Task<(bool Changed, ConfigurationItem? Ci)> AdoptAsync(Tenant tenant, Person actor, DiscoveredItem item, CiType? type, CancellationToken ct)
    {
        if (item.Review != DiscoveryReview.Unreviewed)
        {
            var existing = item.CiId is { } id ? await db.ConfigurationItems.FirstOrDefaultAsync(c => c.Id == id, ct) : null;
            return (false, existing);
        }

        var name = DiscoveryPayload.CiName(item.Name)!;
        var key = ConfigurationItem.KeyOf(name);
        var now = clock.GetUtcNow();
        var ci = await db.ConfigurationItems.FirstOrDefaultAsync(c => c.TenantId == tenant.Id && c.Key == key, ct);
        if (ci is null)
        {
            ci = new ConfigurationItem
            {
                TenantId = tenant.Id,
                Type = type ?? (item.Kind == "cloud" ? CiType.Cloud : CiType.Software),
                Name = name,
                Key = key,
                Vendor = item.Vendor,
                ThirdParty = item.Kind is "saas" or "cloud",
                Attributes = new Dictionary<string, string>(item.Attributes.Where(a => a.Key != "serial")),
                LastSeenAt = item.LastSeenAt,
                DiscoveredBy = item.Source,
                CreatedAt = now,
                UpdatedAt = now,
            };
            db.ConfigurationItems.Add(ci);
            await db.SaveChangesAsync(ct);
        }

        (item.Review, item.ReviewedById, item.ReviewedAt, item.CiId) = (DiscoveryReview.Adopted, actor.Id, now, ci.Id);
        await publisher.UpdateEverywhereAsync(tenant.Id, RecordType, Id(item), DiscoveryCards.Card(item, actor.DisplayName, ci.Name), $"{actor.DisplayName} adopted {item.Name} into the CMDB as `{ci.Name}`.", ct);
        await db.SaveChangesAsync(ct);
        return (true, ci);
    }

    /// <summary>Marks a discovery as known and not wanted in the CMDB; false when it had been reviewed already.</summary>
    public async Task<bool> DismissAsync(Tenant tenant, Person actor, DiscoveredItem item, CancellationToken ct)
    {
        if (item.Review != DiscoveryReview.Unreviewed)
        {
            return false;
        }

        (item.Review, item.ReviewedById, item.ReviewedAt) = (DiscoveryReview.Dismissed, actor.Id, clock.GetUtcNow());
        await publisher.UpdateEverywhereAsync(tenant.Id, RecordType, Id(item), DiscoveryCards.Card(item, actor.DisplayName), $"{actor.DisplayName} dismissed {item.Name}.", ct);
        await db.SaveChangesAsync(ct);
        return true;
    }

    /// <summary>Assets a scanner has reported before but not within <see cref="StaleAfter"/>, least recently seen first.</summary>
    public async Task<List<ConfigurationItem>> StaleAsync(int tenantId, CancellationToken ct)
    {
        var cutoff = clock.GetUtcNow() - StaleAfter;
        // Compared in SQL: SQLite stores these times as sortable integers.
        var stale = await db.ConfigurationItems.AsNoTracking()
            .Where(c => c.TenantId == tenantId && c.Type == CiType.Asset && c.LastSeenAt != null && c.LastSeenAt < cutoff)
            .ToListAsync(ct);
        return stale.OrderBy(c => c.LastSeenAt).ThenBy(c => c.Key, StringComparer.Ordinal).ToList();
    }

    public bool IsStale(ConfigurationItem ci) => ci.LastSeenAt is { } seen && clock.GetUtcNow() - seen > StaleAfter;

    public static string Id(DiscoveredItem item) => item.Id.ToString(System.Globalization.CultureInfo.InvariantCulture);

    public static string KindWord(string kind) => kind switch
    {
        "saas" => "SaaS tool",
        "cloud" => "cloud service",
        _ => kind,
    };
}
