using System.Globalization;
using BakeryBot.Core.Chat;
using BakeryBot.Core.Data;
using BakeryBot.Core.Data.Outbox;
using BakeryBot.Core.Integrations;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace BakeryBot.Core.Cmdb.Discovery;

/// <summary>
/// Flags the assets that have gone stale (no scanner has reported them for
/// <see cref="DiscoveryOptions.StaleAfter"/>) in the channel of the discovery hook that last reported
/// them: one card per tenant and channel lists the newly stale assets. Run by the stale-assets job.
/// </summary>
public sealed class StaleAssetFlags(BakeryDbContext db, CardPublisher publisher, IOptions<DiscoveryOptions> options, TimeProvider clock, ILogger<StaleAssetFlags> logger)
{
    /// <summary>
    /// The posted-card record type that marks an asset as flagged for one staleness: keyed by
    /// <see cref="Key"/> (the CI's id and the sighting it went stale after), so an asset seen again
    /// and stale again later is flagged again, and no column is needed.
    /// </summary>
    public const string RecordType = "stale-asset";

    /// <summary>The advisory lock key of stale-asset runs ("STALEAST" in ASCII).</summary>
    private const long FlagLock = 0x5354414C45415354;

    private static readonly CultureInfo Culture = CultureInfo.GetCultureInfo("en-GB");

    /// <summary>The record key of one asset's staleness: its id and when it was last seen, as round-trip UTC.</summary>
    public static string Key(ConfigurationItem ci) =>
        $"{ci.Id.ToString(CultureInfo.InvariantCulture)}@{ci.LastSeenAt!.Value.ToUniversalTime().ToString("O", CultureInfo.InvariantCulture)}";

    /// <summary>
    /// Posts one card per tenant and channel listing the assets that went stale and were not flagged
    /// for this staleness yet, and marks each asset with a posted card of <see cref="RecordType"/>;
    /// the marks and the posts commit together. An asset whose discovery hook is gone (revoked or
    /// deleted) is skipped with a log line. Runs never overlap across instances (advisory lock on
    /// PostgreSQL; SQLite has one writer anyway). Returns the flagged assets' names.
    /// </summary>
    public async Task<IReadOnlyList<string>> FlagAsync(CancellationToken ct)
    {
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        if (db.Database.IsNpgsql())
        {
            await db.Database.ExecuteSqlRawAsync($"SELECT pg_advisory_xact_lock({FlagLock})", ct);
        }

        // Stored times are UTC: SQLite compares them as encoded integers, and PostgreSQL accepts only UTC offsets.
        var now = clock.GetUtcNow().ToUniversalTime();
        var after = options.Value.StaleAfter;
        var cutoff = now - after;
        var stale = await db.ConfigurationItems.AsNoTracking()
            .Where(c => c.Type == CiType.Asset && c.LastSeenAt != null && c.LastSeenAt < cutoff)
            .ToListAsync(ct);
        var keys = stale.Select(Key).ToList();
        var flagged = new HashSet<(int, string)>();
        foreach (var chunk in keys.Chunk(CmdbGraph.ChunkSize))
        {
            foreach (var (tenantId, key) in await db.PostedCards.Where(p => p.RecordType == RecordType && chunk.Contains(p.RecordKey)).Select(p => new ValueTuple<int, string>(p.TenantId, p.RecordKey)).ToListAsync(ct))
            {
                flagged.Add((tenantId, key));
            }
        }

        var fresh = stale.Where(c => !flagged.Contains((c.TenantId, Key(c)))).ToList();
        var ids = fresh.Select(c => DiscoveryService.HookKey(c.Id)).ToList();
        var channels = new Dictionary<(int, string), (string Platform, string ChannelId)>();
        foreach (var chunk in ids.Chunk(CmdbGraph.ChunkSize))
        {
            foreach (var mark in await db.PostedCards.AsNoTracking().Where(p => p.RecordType == DiscoveryService.HookRecordType && chunk.Contains(p.RecordKey)).ToListAsync(ct))
            {
                channels[(mark.TenantId, mark.RecordKey)] = (mark.Platform, mark.ChannelId);
            }
        }

        var hooks = (await db.Set<Webhook>().AsNoTracking().Where(w => w.Kind == WebhookKinds.Discovery && w.RevokedAt == null).Select(w => new { w.TenantId, w.Platform, w.ChannelId }).ToListAsync(ct))
            .Select(w => (w.TenantId, w.Platform, w.ChannelId)).ToHashSet();
        var groups = new Dictionary<(int TenantId, string Platform, string ChannelId), List<ConfigurationItem>>();
        foreach (var ci in fresh)
        {
            if (!channels.TryGetValue((ci.TenantId, DiscoveryService.HookKey(ci.Id)), out var channel) || !hooks.Contains((ci.TenantId, channel.Platform, channel.ChannelId)))
            {
                logger.LogInformation("Stale asset {CiId} of tenant {TenantId} ({Name}) is not flagged: the discovery hook that reported it is gone", ci.Id, ci.TenantId, ci.Name);
                continue;
            }

            var group = (ci.TenantId, channel.Platform, channel.ChannelId);
            if (!groups.TryGetValue(group, out var list))
            {
                groups[group] = list = [];
            }

            list.Add(ci);
        }

        var done = new List<string>();
        foreach (var ((tenantId, platform, channelId), list) in groups.OrderBy(g => g.Key.TenantId).ThenBy(g => g.Key.ChannelId, StringComparer.Ordinal))
        {
            var assets = list.OrderBy(c => c.LastSeenAt).ThenBy(c => c.Key, StringComparer.Ordinal).ToList();
            var names = string.Join(", ", assets.Select(c => c.Name));
            var lead = assets.Count == 1
                ? $"🔎 {names} has not been reported by any scanner for over {Durations.Humanize(after, Culture)}."
                : $"🔎 {assets.Count} assets have not been reported by any scanner for over {Durations.Humanize(after, Culture)}: {names}.";
            var card = DiscoveryCards.Stale(assets, after, now, Culture);
            // One mark per asset: the first is the posted card itself, the others name the same channel.
            var posted = publisher.Post(tenantId, platform, channelId, null, RecordType, Key(assets[0]), card, lead);
            foreach (var ci in assets.Skip(1))
            {
                db.PostedCards.Add(new PostedCard { TenantId = tenantId, Platform = platform, ChannelId = channelId, RecordType = RecordType, RecordKey = Key(ci), CreatedAt = posted.CreatedAt });
            }

            await db.SaveChangesAsync(ct);
            done.AddRange(assets.Select(c => c.Name));
        }

        await transaction.CommitAsync(ct);
        return done;
    }
}
