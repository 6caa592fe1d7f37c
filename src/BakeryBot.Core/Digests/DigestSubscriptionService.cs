using BakeryBot.Core.Chat;
using BakeryBot.Core.Data;
using BakeryBot.Core.People;
using Microsoft.EntityFrameworkCore;

namespace BakeryBot.Core.Digests;

/// <summary>What subscribing did: the subscription as it is now, and whether it is new, moved to another zone, or unchanged.</summary>
public sealed record SubscribeOutcome(DigestSubscription Subscription, bool Created, bool Changed);

/// <summary>The channels subscribed to the weekly digest: subscribe, unsubscribe, list.</summary>
public sealed class DigestSubscriptionService(BakeryDbContext db, TimeProvider clock)
{
    /// <summary>
    /// Subscribes a channel, or moves its subscription to another zone. A new subscription has not had
    /// this week's digest (the week that ended at the latest Monday 09:00 in its zone), so it is due at
    /// once: the digest job's next run posts it, then each Monday 09:00. A subscription moved to another
    /// zone keeps the weeks it had: a week posted in the old zone is not posted again in the new one,
    /// and one the old zone had not reached yet but the new one has is due at once.
    /// </summary>
    public async Task<SubscribeOutcome> SubscribeAsync(Tenant tenant, Person actor, string platform, string channelId, TimeZoneInfo zone, CancellationToken ct)
    {
        var now = clock.GetUtcNow().ToUniversalTime();
        var latest = DigestSchedule.LatestAtOrBefore(now, zone);
        var existing = await db.Set<DigestSubscription>().FirstOrDefaultAsync(s => s.TenantId == tenant.Id && s.ChannelId == channelId, ct);
        if (existing is not null)
        {
            if (existing.TimeZone == zone.Id)
            {
                return new SubscribeOutcome(existing, false, false);
            }

            existing.TimeZone = zone.Id;
            // Monday 09:00 falls within about 26 hours across the world's zones: two days apart is another week.
            var apart = TimeSpan.FromDays(2);
            existing.NextDueAt = existing.LastPeriodStart is { } last && latest < last + apart
                ? DigestSchedule.NextAfter(now > last + apart ? now : last + apart, zone)
                : latest;
            await db.SaveChangesAsync(ct);
            return new SubscribeOutcome(existing, false, true);
        }

        var subscription = new DigestSubscription
        {
            TenantId = tenant.Id,
            Platform = platform,
            ChannelId = channelId,
            TimeZone = zone.Id,
            CreatedById = actor.Id,
            CreatedAt = now,
            NextDueAt = latest,
        };
        db.Set<DigestSubscription>().Add(subscription);
        await db.SaveChangesAsync(ct);
        return new SubscribeOutcome(subscription, true, true);
    }

    /// <summary>Ends a channel's subscription.</summary>
    public async Task UnsubscribeAsync(Tenant tenant, string channelId, CancellationToken ct)
    {
        var subscription = await db.Set<DigestSubscription>().FirstOrDefaultAsync(s => s.TenantId == tenant.Id && s.ChannelId == channelId, ct)
            ?? throw new UserException($"<#{channelId}> is not subscribed to the weekly digest; nothing changed. `/digest list` shows the channels that are.");
        db.Set<DigestSubscription>().Remove(subscription);
        await db.SaveChangesAsync(ct);
    }

    /// <summary>The tenant's subscriptions, the next due first.</summary>
    public Task<List<DigestSubscription>> ListAsync(int tenantId, CancellationToken ct) =>
        db.Set<DigestSubscription>().AsNoTracking()
            .Where(s => s.TenantId == tenantId)
            .OrderBy(s => s.NextDueAt).ThenBy(s => s.ChannelId)
            .ToListAsync(ct);
}
