using System.Globalization;
using BakeryBot.Core.Chat;
using BakeryBot.Core.Data;
using BakeryBot.Core.Data.Outbox;
using BakeryBot.Core.Jobs;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;

namespace BakeryBot.Core.Digests;

/// <summary>
/// The digest job's work: each subscription whose <see cref="DigestSubscription.NextDueAt"/> has come gets
/// this week's digest in its channel, once.
/// </summary>
public sealed class DigestReminders(BakeryDbContext db, DigestService digests, CardPublisher publisher, TimeProvider clock, ILogger<DigestReminders> logger)
{
    /// <summary>The record type of posted digests (<see cref="PostedCard"/>).</summary>
    public const string RecordType = "digest";

    /// <summary>Subscriptions handled per run; the rest wait for the next run.</summary>
    private const int BatchSize = 100;

    internal static readonly CultureInfo Culture = CultureInfo.GetCultureInfo("en-GB");

    /// <summary>A posted digest's key: the subscription and the Monday 09:00 it answers, <c>3@2026-11-30T08:00Z</c>.</summary>
    public static string Key(int subscriptionId, DateTimeOffset due) =>
        string.Create(CultureInfo.InvariantCulture, $"{subscriptionId}@{due.UtcDateTime:yyyy-MM-ddTHH:mm}Z");

    /// <summary>
    /// Posts the digests due. A subscription due now (or since long ago, when the bot was down for weeks)
    /// gets one digest, of the latest week to have ended before its latest Monday 09:00, and its due time
    /// moves to the first Monday 09:00 after now. The move is a conditional update (only if the due time
    /// is still the one read) committed with the digest's outbox row: of two instances at once, or a run
    /// repeated after a restart, one posts and the other finds it done. Returns the channels posted to.
    /// </summary>
    public async Task<IReadOnlyList<string>> RunAsync(CancellationToken ct)
    {
        // Stored times are UTC: SQLite compares them as encoded integers, and PostgreSQL accepts only UTC offsets.
        var now = clock.GetUtcNow().ToUniversalTime();
        var due = await db.Set<DigestSubscription>().AsNoTracking()
            .Where(s => s.NextDueAt <= now)
            .OrderBy(s => s.NextDueAt).ThenBy(s => s.Id)
            .Take(BatchSize)
            .ToListAsync(ct);
        var built = new Dictionary<(int, string, DateTimeOffset), Digest>();
        var posted = new List<string>();
        await Rounds.EachAsync(db, logger, due, s => $"The digest of subscription #{s.Id} ({s.Platform}:{s.ChannelId})", async subscription =>
        {
            var zone = TimeZones.Find(subscription.TimeZone);
            var latest = DigestSchedule.LatestAtOrBefore(now, zone);
            var next = DigestSchedule.NextAfter(now, zone);
            var (from, to) = DigestSchedule.WeekBefore(latest, zone);
            // Figures first, outside the claim's transaction: the claim and the post then commit at once.
            if (!built.TryGetValue((subscription.TenantId, zone.Id, to), out var digest))
            {
                built[(subscription.TenantId, zone.Id, to)] = digest = await digests.BuildAsync(subscription.TenantId, from, to, zone, ct);
            }

            if (await PostAsync(subscription, digest, zone, latest, next, ct))
            {
                posted.Add($"{subscription.Platform}:{subscription.ChannelId}");
            }
        }, ct);

        return posted;
    }

    /// <summary>The digest of the last seven days, posted now in a channel for everyone (<c>/digest now</c>).</summary>
    public async Task<Digest> PostNowAsync(int tenantId, string platform, string channelId, TimeZoneInfo zone, CancellationToken ct)
    {
        var now = clock.GetUtcNow().ToUniversalTime();
        var digest = await digests.BuildAsync(tenantId, now.AddDays(-7), now, ct);
        publisher.Post(tenantId, platform, channelId, null, RecordType, $"now@{now.UtcDateTime:yyyy-MM-ddTHH:mm:ss}Z", DigestCards.Card(digest, zone, Culture), Lead(digest, zone));
        await db.SaveChangesAsync(ct);
        return digest;
    }

    public static string Lead(Digest digest, TimeZoneInfo zone) => $"📊 {DigestCards.Title(digest, zone, Culture)}";

    private async Task<bool> PostAsync(DigestSubscription subscription, Digest digest, TimeZoneInfo zone, DateTimeOffset latest, DateTimeOffset next, CancellationToken ct)
    {
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        // The claim: of two runs at once only one moves the due time; the other's update finds it moved.
        var seen = subscription.NextDueAt;
        var claimed = await db.Set<DigestSubscription>()
            .Where(s => s.Id == subscription.Id && s.NextDueAt == seen)
            .ExecuteUpdateAsync(
                s => s.SetProperty(x => x.NextDueAt, next).SetProperty(x => x.LastPeriodStart, latest).SetProperty(x => x.Version, x => x.Version + 1),
                ct);
        if (claimed == 0)
        {
            return false;
        }

        publisher.Post(subscription.TenantId, subscription.Platform, subscription.ChannelId, null, RecordType, Key(subscription.Id, latest),
            DigestCards.Card(digest, zone, Culture), Lead(digest, zone));
        await db.SaveChangesAsync(ct);
        await db.CommitAsync(transaction, ct);
        return true;
    }
}
