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
/// Each asset's staleness is due at its last sighting plus the threshold, and claimed once with a
/// conditional update of <see cref="ConfigurationItem.StaleFlaggedFor"/>.
/// </summary>
public sealed class StaleAssetFlags(BakeryDbContext db, CardPublisher publisher, IOptions<DiscoveryOptions> options, TimeProvider clock, ILogger<StaleAssetFlags> logger)
{
    /// <summary>The record type of the posted stale-asset card, keyed by <see cref="Key"/> of its first asset.</summary>
    public const string RecordType = "stale-asset";

    /// <summary>The most assets one run claims; the rest wait for the next run.</summary>
    public const int MaxPerRun = 1_000;

    private static readonly CultureInfo Culture = CultureInfo.GetCultureInfo("en-GB");

    /// <summary>The record key of one asset's staleness: its id and when it was last seen, as round-trip UTC.</summary>
    public static string Key(ConfigurationItem ci) =>
        $"{ci.Id.ToString(CultureInfo.InvariantCulture)}@{ci.LastSeenAt!.Value.ToUniversalTime().ToString("O", CultureInfo.InvariantCulture)}";

    /// <summary>
    /// Posts one card per tenant and channel listing the assets that went stale and were not flagged
    /// for this staleness yet. Each asset is claimed with a conditional update (its flag is set where it
    /// still names another sighting, and the sighting is still the one read) in the transaction that
    /// writes the card to the outbox, so a second run, another instance or a restart never flags it
    /// twice, and an asset reported again in the meantime is not flagged. An asset whose discovery
    /// hook is gone (revoked), in a workspace without exactly one other, is claimed without a card and
    /// logged once. Returns the flagged assets' names.
    /// </summary>
    public async Task<IReadOnlyList<string>> FlagAsync(CancellationToken ct)
    {
        // Stored times are UTC: SQLite compares them as encoded integers, and PostgreSQL accepts only UTC offsets.
        var now = clock.GetUtcNow().ToUniversalTime();
        var after = options.Value.StaleAfter;
        var cutoff = now - after;
        var stale = await db.ConfigurationItems.AsNoTracking()
            .Where(c => c.Type == CiType.Asset && c.LastSeenAt != null && c.LastSeenAt < cutoff && (c.StaleFlaggedFor == null || c.StaleFlaggedFor != c.LastSeenAt))
            .OrderBy(c => c.Id)
            .Take(MaxPerRun)
            .ToListAsync(ct);
        // Where each is flagged: the live discovery hook that last reported it; else (reported before hooks
        // were remembered, or its hook was revoked) the tenant's one live discovery hook, if it has exactly one.
        var tenantIds = stale.Select(c => c.TenantId).Distinct().ToList();
        var live = await db.Set<Webhook>().AsNoTracking()
            .Where(w => tenantIds.Contains(w.TenantId) && w.Kind == WebhookKinds.Discovery && w.RevokedAt == null)
            .Select(w => new { w.Id, w.TenantId, w.Platform, w.ChannelId })
            .ToListAsync(ct);
        var hooks = live.ToDictionary(w => w.Id, w => (w.TenantId, w.Platform, w.ChannelId));
        var onlyHook = live.GroupBy(w => w.TenantId).Where(g => g.Count() == 1).ToDictionary(g => g.Key, g => (g.Single().TenantId, g.Single().Platform, g.Single().ChannelId));
        (int, string, string)? ChannelOf(ConfigurationItem c) =>
            c.DiscoveredByHookId is { } id && hooks.TryGetValue(id, out var hook) && hook.TenantId == c.TenantId ? hook
            : onlyHook.TryGetValue(c.TenantId, out var only) ? only
            : null;
        var done = new List<string>();
        foreach (var group in stale.GroupBy(ChannelOf)
                     .OrderBy(g => g.Key is null ? 1 : 0).ThenBy(g => g.Key?.Item1).ThenBy(g => g.Key?.Item3, StringComparer.Ordinal))
        {
            await using var transaction = await db.Database.BeginTransactionAsync(ct);
            var claimed = new List<ConfigurationItem>();
            foreach (var ci in group)
            {
                var seen = ci.LastSeenAt;
                if (await db.ConfigurationItems
                        .Where(c => c.Id == ci.Id && c.LastSeenAt == seen && (c.StaleFlaggedFor == null || c.StaleFlaggedFor != seen))
                        .ExecuteUpdateAsync(s => s.SetProperty(c => c.StaleFlaggedFor, seen), ct) == 1)
                {
                    claimed.Add(ci);
                }
            }

            if (group.Key is not { } channel)
            {
                foreach (var ci in claimed)
                {
                    logger.LogInformation("Stale asset {CiId} of tenant {TenantId} ({Name}) is not flagged: the discovery hook that reported it is gone, and the workspace has no single discovery hook to flag it in instead", ci.Id, ci.TenantId, ci.Name);
                }

                await transaction.CommitAsync(ct);
                continue;
            }

            if (claimed.Count > 0)
            {
                var assets = claimed.OrderBy(c => c.LastSeenAt).ThenBy(c => c.Key, StringComparer.Ordinal).ToList();
                var names = string.Join(", ", assets.Select(c => c.Name));
                var lead = assets.Count == 1
                    ? $"🔎 {names} has not been reported by any scanner for over {Durations.Humanize(after, Culture)}."
                    : $"🔎 {assets.Count} assets have not been reported by any scanner for over {Durations.Humanize(after, Culture)}: {names}.";
                publisher.Post(channel.Item1, channel.Item2, channel.Item3, null, RecordType, Key(assets[0]), DiscoveryCards.Stale(assets, after, now, Culture), lead);
                await db.SaveChangesAsync(ct);
                done.AddRange(assets.Select(c => c.Name));
            }

            await db.CommitAsync(transaction, ct);
        }

        return done;
    }
}
