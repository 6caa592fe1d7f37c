using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using BakeryBot.Core.Chat;
using BakeryBot.Core.People;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace BakeryBot.Core.Data.Outbox;

/// <summary>
/// Delivers outbox rows: claims due rows with a conditional update (so two instances never send one
/// row), paces each channel, retries with backoff, honours rate limits, records the posted message id
/// and, after an attempt that may have gone through, looks for the message before sending again.
/// </summary>
public sealed class OutboxDispatcher
{
    public const string MeterName = "BakeryBot.Outbox";

    private readonly IServiceScopeFactory _scopes;
    private readonly Dictionary<string, IChatPoster> _posters;
    private readonly TimeProvider _clock;
    private readonly ILogger<OutboxDispatcher> _logger;
    private readonly OutboxOptions _options;
    private readonly Counter<long> _delivered;
    private readonly Counter<long> _delayed;
    private readonly Counter<long> _failures;
    private readonly ConcurrentDictionary<(string Platform, string Channel), DateTimeOffset> _channelFreeAt = new();
    private readonly string _owner = $"{Environment.ProcessId}:{Guid.NewGuid():N}";
    private long _round;

    public OutboxDispatcher(IServiceScopeFactory scopes, IEnumerable<IChatPoster> posters, TimeProvider clock, IOptions<OutboxOptions> options, IMeterFactory meters, ILogger<OutboxDispatcher> logger)
    {
        var meter = meters.Create(MeterName);
        _delivered = meter.CreateCounter<long>("bakerybot.outbox.delivered", description: "Messages delivered to a platform");
        _delayed = meter.CreateCounter<long>("bakerybot.outbox.delayed", description: "Messages delivered more than a minute after they were written");
        _failures = meter.CreateCounter<long>("bakerybot.outbox.failures", description: "Delivery attempts that failed");
        _scopes = scopes;
        _posters = posters.ToDictionary(p => p.Platform, StringComparer.Ordinal);
        _clock = clock;
        _options = options.Value;
        _logger = logger;
    }

    /// <summary>One round: claims what is due and delivers it. Returns how many rows it handled.</summary>
    public async Task<int> DispatchOnceAsync(CancellationToken ct)
    {
        var now = _clock.GetUtcNow();
        var lease = $"{_owner}:{Interlocked.Increment(ref _round)}";
        List<long> claimed;
        await using (var scope = _scopes.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<BakeryDbContext>();
            await SupersedeOlderUpdatesAsync(db, now, ct);
            var candidates = await db.Outbox
                .Where(m => m.Status == OutboxStatus.Pending && m.NextAttemptAt <= now && (m.LeaseUntil == null || m.LeaseUntil < now))
                .OrderBy(m => m.Id)
                .Take(_options.BatchSize * 4)
                .Select(m => new { m.Id, m.Platform, m.ChannelId, m.Kind, CardPosted = m.PostedCard == null || m.PostedCard.MessageId != null })
                .ToListAsync(ct);

            // One row per channel per round, oldest first, and only where the channel's pace allows.
            var pick = candidates
                .Where(c => c.Kind != OutboxKind.Update || c.CardPosted)
                .Where(c => !_channelFreeAt.TryGetValue((c.Platform, c.ChannelId), out var free) || free <= now)
                .GroupBy(c => (c.Platform, c.ChannelId))
                .Select(g => g.First().Id)
                .Take(_options.BatchSize)
                .ToList();
            if (pick.Count == 0)
            {
                return 0;
            }

            var leaseUntil = now + _options.Lease;
            await db.Outbox
                .Where(m => pick.Contains(m.Id) && m.Status == OutboxStatus.Pending && (m.LeaseUntil == null || m.LeaseUntil < now))
                .ExecuteUpdateAsync(s => s.SetProperty(m => m.LeaseOwner, lease).SetProperty(m => m.LeaseUntil, leaseUntil), ct);
            claimed = await db.Outbox.Where(m => m.LeaseOwner == lease).Select(m => m.Id).ToListAsync(ct);
        }

        if (claimed.Count == 0)
        {
            return 0;
        }

        await using var work = _scopes.CreateAsyncScope();
        var wdb = work.ServiceProvider.GetRequiredService<BakeryDbContext>();
        var rows = await wdb.Outbox.Include(m => m.PostedCard).Where(m => m.LeaseOwner == lease).ToListAsync(ct);
        var tenantIds = rows.Select(r => r.TenantId).Distinct().ToList();
        var tenants = await wdb.Set<Tenant>().Where(t => tenantIds.Contains(t.Id)).ToDictionaryAsync(t => t.Id, t => t.ExternalId, ct);
        var outcomes = new ConcurrentDictionary<long, PostOutcome>();
        await Parallel.ForEachAsync(rows, new ParallelOptions { MaxDegreeOfParallelism = _options.Parallelism, CancellationToken = ct }, async (row, token) =>
            outcomes[row.Id] = await DeliverAsync(row, tenants.GetValueOrDefault(row.TenantId, ""), token));

        var done = _clock.GetUtcNow();
        foreach (var row in rows)
        {
            Apply(row, outcomes[row.Id], done);
        }

        await wdb.SaveChangesAsync(ct);
        return rows.Count;
    }

    private async Task<PostOutcome> DeliverAsync(OutboxMessage row, string tenantExternalId, CancellationToken ct)
    {
        if (!_posters.TryGetValue(row.Platform, out var poster))
        {
            return new PostOutcome.Permanent($"No adapter for platform '{row.Platform}' is configured.");
        }

        var started = _clock.GetUtcNow();
        row.FirstAttemptAt ??= started;
        _channelFreeAt[(row.Platform, row.ChannelId)] = started + poster.ChannelInterval;
        var message = new OutboundMessage(
            row.Id,
            tenantExternalId,
            row.Kind,
            row.ChannelId,
            row.ThreadId,
            row.UserId,
            row.PostedCard?.MessageId,
            row.Text,
            row.CardJson is null ? null : ChatJson.Deserialize(row.CardJson),
            row.FirstAttemptAt.Value);
        try
        {
            if (row.MaybeSent && row.Kind == OutboxKind.Post && await poster.FindDeliveredAsync(message, ct) is { } found)
            {
                _logger.LogInformation("Outbox row {Id} had been delivered by an earlier attempt; not sending it again", row.Id);
                return new PostOutcome.Sent(found);
            }

            return await poster.SendAsync(message, ct);
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            throw;
        }
        catch (Exception ex)
        {
            return new PostOutcome.Transient(ex.GetType().Name + ": " + ex.Message, MaybeDelivered: true);
        }
    }

    private void Apply(OutboxMessage row, PostOutcome outcome, DateTimeOffset now)
    {
        row.LeaseOwner = null;
        row.LeaseUntil = null;
        row.Attempts++;
        switch (outcome)
        {
            case PostOutcome.Sent sent:
                row.Status = OutboxStatus.Sent;
                row.SentAt = now;
                row.LastError = null;
                if (row.Kind == OutboxKind.Post && row.PostedCard is { } card)
                {
                    card.MessageId = sent.MessageId;
                    card.PostedAt = now;
                }

                _delivered.Add(1);
                if (now - row.CreatedAt > _options.DelayedAfter)
                {
                    _delayed.Add(1);
                    _logger.LogWarning("Outbox row {Id} to {Platform}/{Channel} was delivered {Delay} after it was written", row.Id, row.Platform, row.ChannelId, now - row.CreatedAt);
                }

                break;
            case PostOutcome.RetryAfter limited:
                row.Attempts--; // being asked to wait is not a failure
                row.NextAttemptAt = now + limited.Delay;
                _channelFreeAt[(row.Platform, row.ChannelId)] = now + limited.Delay;
                break;
            case PostOutcome.Transient transient:
                _failures.Add(1);
                row.MaybeSent |= transient.MaybeDelivered;
                row.LastError = Truncate(transient.Error);
                if (row.Attempts >= _options.MaxAttempts)
                {
                    row.Status = OutboxStatus.Failed;
                    _logger.LogError("Outbox row {Id} to {Platform}/{Channel} given up after {Attempts} attempts: {Error}", row.Id, row.Platform, row.ChannelId, row.Attempts, row.LastError);
                }
                else
                {
                    row.NextAttemptAt = now + Backoff(row.Attempts);
                }

                break;
            case PostOutcome.Permanent permanent:
                _failures.Add(1);
                row.Status = OutboxStatus.Failed;
                row.LastError = Truncate(permanent.Error);
                _logger.LogError("Outbox row {Id} to {Platform}/{Channel} refused: {Error}", row.Id, row.Platform, row.ChannelId, row.LastError);
                break;
        }
    }

    /// <summary>Exponential backoff with jitter: about 1 s, 2 s, 4 s... up to <see cref="OutboxOptions.MaxBackoff"/>.</summary>
    private TimeSpan Backoff(int attempts)
    {
        var seconds = Math.Min(_options.MaxBackoff.TotalSeconds, Math.Pow(2, Math.Min(attempts - 1, 20)));
        return TimeSpan.FromSeconds(seconds * (0.75 + (Random.Shared.NextDouble() * 0.5)));
    }

    private static Task<int> SupersedeOlderUpdatesAsync(BakeryDbContext db, DateTimeOffset now, CancellationToken ct) =>
        db.Outbox
            .Where(m => m.Status == OutboxStatus.Pending && m.Kind == OutboxKind.Update && m.CoalesceKey != null
                        && (m.LeaseUntil == null || m.LeaseUntil < now)
                        && db.Outbox.Any(n => n.CoalesceKey == m.CoalesceKey && n.Id > m.Id && n.Status == OutboxStatus.Pending))
            .ExecuteUpdateAsync(s => s.SetProperty(m => m.Status, OutboxStatus.Superseded), ct);

    private static string Truncate(string text) => text.Length <= 1000 ? text : text[..1000];
}
