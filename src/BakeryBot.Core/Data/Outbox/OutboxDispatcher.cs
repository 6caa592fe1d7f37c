using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using System.Globalization;
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
    private DateTimeOffset _nextDelayCheck;

    private static readonly TimeSpan DelayCheckInterval = TimeSpan.FromSeconds(1);

    /// <summary>Whether any row is pending (the same text on both databases; statuses are stored by name).</summary>
    internal const string AnyPendingSql = $"SELECT EXISTS (SELECT 1 FROM \"Outbox\" WHERE \"Status\" = '{nameof(OutboxStatus.Pending)}')";

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
        List<long> pick;
        await using (var scope = _scopes.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<BakeryDbContext>();
            ForgetIdleChannels(now);
            if (!await AnyPendingAsync(db, ct))
            {
                // Nothing pending at all: nothing to send, no update to coalesce, no delay to note. An
                // idle bot's round (four a second) is this one read, and it writes nothing.
                return 0;
            }

            // The channels still paced go as one parameter (a JSON array on SQLite, an array on
            // PostgreSQL): one per channel, as EF Core sends a list by default, made a statement of
            // hundreds of parameters under load, which SQLite parsed and bound by name, each name
            // looked up among all of them, at every round.
            var paced = _channelFreeAt.Where(c => c.Value > now).Select(c => c.Key.Channel).Distinct().ToList();
            var candidates = await db.Outbox
                .Where(m => m.Status == OutboxStatus.Pending && m.NextAttemptAt <= now && (m.LeaseUntil == null || m.LeaseUntil < now)
                            && (m.Kind != OutboxKind.Update || m.PostedCard!.MessageId != null)
                            && !EF.Parameter(paced).Contains(m.ChannelId))
                .OrderBy(m => m.Id)
                .Take(_options.BatchSize * 4)
                .Select(m => new { m.Id, m.Platform, m.ChannelId })
                .ToListAsync(ct);

            // One row per channel per round, oldest first: a busy channel can't hold up the others,
            // and it is excluded next round while its pace says so.
            pick = candidates.GroupBy(c => (c.Platform, c.ChannelId)).Select(g => g.First().Id).Take(_options.BatchSize).ToList();
            var noteDelays = now >= _nextDelayCheck;
            if (pick.Count == 0 && !noteDelays)
            {
                return 0;
            }

            // The round's writes, after its reads. On SQLite they take their turn with the others
            // (SqliteWriteGate) in one transaction: as statements on their own they would meet the
            // requests' transactions in SQLite's busy handler, which sleeps and retries, and fall
            // behind under load. PostgreSQL locks rows, so there each statement commits on its own
            // and two instances' rounds never hold each other's rows across statements.
            await using var tx = db.Database.IsSqlite() ? await db.Database.BeginTransactionAsync(ct) : null;
            // Only the newest waiting update of a card is sent: a chosen one that a newer one
            // supersedes is no longer pending, so the claim below passes over it, and the newer one
            // goes in a later round.
            await db.Outbox
                .Where(m => m.Status == OutboxStatus.Pending && m.Kind == OutboxKind.Update && m.CoalesceKey != null
                            && (m.LeaseUntil == null || m.LeaseUntil < now)
                            && db.Outbox.Any(n => n.CoalesceKey == m.CoalesceKey && n.Id > m.Id && n.Status == OutboxStatus.Pending))
                .ExecuteUpdateAsync(s => s.SetProperty(m => m.Status, OutboxStatus.Superseded), ct);
            if (noteDelays)
            {
                await NoteDelaysAsync(db, now, ct);
            }

            if (pick.Count > 0)
            {
                // The claim: a conditional update, so of two dispatchers only one gets each row. A row
                // whose previous attempt never recorded its outcome (a crash, a shutdown) is marked as
                // maybe sent, so the platform is asked before it is sent again. The first attempt's time
                // is written with the claim, before anything is sent: the platform is asked about what
                // was sent since then, and a process killed mid-round records nothing afterwards.
                var leaseUntil = now + _options.Lease;
                await db.Outbox
                    .Where(m => pick.Contains(m.Id) && m.Status == OutboxStatus.Pending && (m.LeaseUntil == null || m.LeaseUntil < now))
                    .ExecuteUpdateAsync(
                        s => s.SetProperty(m => m.LeaseOwner, lease)
                            .SetProperty(m => m.LeaseUntil, leaseUntil)
                            .SetProperty(m => m.MaybeSent, m => m.MaybeSent || m.AttemptInFlight)
                            .SetProperty(m => m.AttemptInFlight, true)
                            .SetProperty(m => m.FirstAttemptAt, m => m.FirstAttemptAt ?? now),
                        ct);
            }

            if (tx is not null)
            {
                await tx.CommitAsync(ct);
            }

            if (pick.Count == 0)
            {
                return 0;
            }
        }

        await using var work = _scopes.CreateAsyncScope();
        var wdb = work.ServiceProvider.GetRequiredService<BakeryDbContext>();
        // By id, as claimed: the lease alone would be looked for in every row ever written.
        var rows = await wdb.Outbox.Include(m => m.PostedCard).Where(m => pick.Contains(m.Id) && m.LeaseOwner == lease).ToListAsync(ct);
        if (rows.Count == 0)
        {
            return 0;
        }

        var tenantIds = rows.Select(r => r.TenantId).Distinct().ToList();
        var tenants = await wdb.Set<Tenant>().Where(t => tenantIds.Contains(t.Id)).ToDictionaryAsync(t => t.Id, t => t.ExternalId, ct);
        var outcomes = new ConcurrentDictionary<long, PostOutcome>();
        try
        {
            await Parallel.ForEachAsync(rows, new ParallelOptions { MaxDegreeOfParallelism = _options.Parallelism, CancellationToken = ct }, async (row, token) =>
                outcomes[row.Id] = await DeliverAsync(row, tenants.GetValueOrDefault(row.TenantId, ""), token));
        }
        finally
        {
            // Whatever happened to the round (even a shutdown), what was delivered is recorded.
            await RecordAsync(wdb, lease, rows, outcomes, work.ServiceProvider.GetServices<IOutboxFollowUp>());
        }

        return rows.Count;
    }

    private async Task RecordAsync(BakeryDbContext db, string lease, List<OutboxMessage> rows, ConcurrentDictionary<long, PostOutcome> outcomes, IEnumerable<IOutboxFollowUp> followUps)
    {
        var now = _clock.GetUtcNow();
        foreach (var row in rows)
        {
            row.LeaseOwner = null;
            row.LeaseUntil = null;
            if (outcomes.TryGetValue(row.Id, out var outcome))
            {
                row.AttemptInFlight = false;
                Apply(row, outcome, now);
                if (outcome is PostOutcome.Sent sent && row.Subject is not null)
                {
                    foreach (var followUp in followUps)
                    {
                        try
                        {
                            await followUp.DeliveredAsync(row, sent.MessageId, CancellationToken.None);
                        }
                        catch (Exception ex)
                        {
                            // The delivery itself stands (it must not be repeated), even when what follows from it
                            // timed out: the rows below are saved as sent either way; the failure is logged.
                            _logger.LogError(ex, "Following up outbox row {Id} ({Subject}) failed", row.Id, row.Subject);
                        }
                    }
                }
            }
        }

        // The usual outcome, a message sent, is recorded for the whole round in two statements: the rows,
        // then the message ids on their cards. Saving each tracked row took two statements a message, two
        // of the twelve of an /incident. The rest (failures, waits, direct messages, whose card may move
        // to the conversation the platform opened) are saved row by row as before. (A claimed row is
        // pending; only a sent outcome, applied above, makes it sent.)
        var delivered = rows.Where(r => r.Status == OutboxStatus.Sent && r.Kind != OutboxKind.Direct).ToList();
        var cards = delivered.Where(r => r.Kind == OutboxKind.Post && r.PostedCard is not null).Select(r => r.PostedCard!).ToList();
        // Their tracked entries keep what was applied to them, as if saved, so SaveChanges leaves them be.
        foreach (var entry in delivered.Select(r => (object)r).Concat(cards).Select(db.Entry))
        {
            entry.OriginalValues.SetValues(entry.CurrentValues);
            entry.State = EntityState.Unchanged;
        }

        // One transaction: a row is never sent without its card's message id, which its updates wait for.
        await using var tx = await db.Database.BeginTransactionAsync(CancellationToken.None);
        for (var attempt = 0; ; attempt++)
        {
            try
            {
                await db.SaveChangesAsync(CancellationToken.None);
                break;
            }
            catch (DbUpdateConcurrencyException ex) when (attempt < 3)
            {
                // The claim ran out and another dispatcher took these rows: theirs is the record now.
                foreach (var entry in ex.Entries)
                {
                    _logger.LogWarning("Outbox row {Id}: the claim ran out before its outcome was recorded", (entry.Entity as OutboxMessage)?.Id);
                    entry.State = EntityState.Detached;
                }
            }
        }

        if (delivered.Count > 0)
        {
            var ids = delivered.Select(r => r.Id).ToList();
            // Only rows still under this round's claim, as the tracked rows' saves check it.
            var recorded = await db.Outbox
                .Where(m => ids.Contains(m.Id) && m.LeaseOwner == lease)
                .ExecuteUpdateAsync(
                    s => s.SetProperty(m => m.Status, OutboxStatus.Sent)
                        .SetProperty(m => m.SentAt, now)
                        .SetProperty(m => m.LastError, (string?)null)
                        .SetProperty(m => m.Attempts, m => m.Attempts + 1)
                        .SetProperty(m => m.AttemptInFlight, false)
                        .SetProperty(m => m.LeaseOwner, (string?)null)
                        .SetProperty(m => m.LeaseUntil, (DateTimeOffset?)null),
                    CancellationToken.None);
            if (recorded < ids.Count)
            {
                _logger.LogWarning("{Count} outbox rows of a round: the claim ran out before their outcome was recorded", ids.Count - recorded);
            }

            await db.SetMessageIdsAsync(cards, now, CancellationToken.None);
        }

        await tx.CommitAsync(CancellationToken.None);

        var failedPosts = rows.Where(r => r.Kind is OutboxKind.Post or OutboxKind.Direct && r.Status == OutboxStatus.Failed && r.PostedCardId is not null).Select(r => r.PostedCardId).ToList();
        if (failedPosts.Count > 0)
        {
            // A card that was never posted can't be updated.
            await db.Outbox
                .Where(m => m.Kind == OutboxKind.Update && m.Status == OutboxStatus.Pending && failedPosts.Contains(m.PostedCardId))
                .ExecuteUpdateAsync(s => s.SetProperty(m => m.Status, OutboxStatus.Failed).SetProperty(m => m.LastError, "the card's post failed"), CancellationToken.None);
        }
    }

    /// <summary>Forgets the pace of channels that have been quiet for a minute.</summary>
    private void ForgetIdleChannels(DateTimeOffset now)
    {
        foreach (var (channel, free) in _channelFreeAt)
        {
            if (free < now - TimeSpan.FromMinutes(1))
            {
                _channelFreeAt.TryRemove(channel, out _);
            }
        }
    }

    /// <summary>
    /// Whether any row is pending, through the (Status, Id) index: a plain command, not a query, so that
    /// an idle round costs next to nothing (the round's read through EF Core's query pipeline allocated
    /// about 40 KB).
    /// </summary>
    private static async Task<bool> AnyPendingAsync(BakeryDbContext db, CancellationToken ct)
    {
        await db.Database.OpenConnectionAsync(ct);
        try
        {
            await using var command = db.Database.GetDbConnection().CreateCommand();
            command.CommandText = AnyPendingSql;
            return Convert.ToBoolean(await command.ExecuteScalarAsync(ct), CultureInfo.InvariantCulture);
        }
        finally
        {
            await db.Database.CloseConnectionAsync();
        }
    }

    /// <summary>
    /// Reports, once, the rows that have waited longer than the limit. Every pending row is looked at
    /// for this, so it runs at most once a second: a delay is noted within a second of passing the limit.
    /// </summary>
    private async Task NoteDelaysAsync(BakeryDbContext db, DateTimeOffset now, CancellationToken ct)
    {
        _nextDelayCheck = now + DelayCheckInterval;
        var late = now - _options.DelayedAfter;
        var delayed = await db.Outbox
            .Where(m => m.Status == OutboxStatus.Pending && !m.DelayNoted && m.CreatedAt < late)
            .ExecuteUpdateAsync(s => s.SetProperty(m => m.DelayNoted, true), ct);
        if (delayed > 0)
        {
            _delayed.Add(delayed);
            _logger.LogWarning("{Count} outbox messages have waited longer than {Limit} to be delivered", delayed, _options.DelayedAfter);
        }
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
            // An update goes where its card is: for a direct message, the conversation its post landed in.
            row.Kind == OutboxKind.Update && row.PostedCard is { } target ? target.ChannelId : row.ChannelId,
            row.ThreadId,
            row.UserId,
            row.PostedCard?.MessageId,
            row.Text,
            row.CardJson is null ? null : ChatJson.Deserialize(row.CardJson),
            row.FirstAttemptAt.Value);
        try
        {
            if (row.MaybeSent && row.Kind is OutboxKind.Post or OutboxKind.Direct && await poster.FindSentAsync(message, ct) is { } found)
            {
                _logger.LogInformation("Outbox row {Id} had been delivered by an earlier attempt; not sending it again", row.Id);
                return found;
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
        row.Attempts++;
        switch (outcome)
        {
            case PostOutcome.Sent sent:
                row.Status = OutboxStatus.Sent;
                row.SentAt = now;
                row.LastError = null;
                if (row.Kind is OutboxKind.Post or OutboxKind.Direct && row.PostedCard is { } card)
                {
                    card.MessageId = sent.MessageId;
                    card.PostedAt = now;
                    if (row.Kind == OutboxKind.Direct && !string.IsNullOrEmpty(sent.ConversationId))
                    {
                        card.ChannelId = sent.ConversationId;
                    }
                }

                _delivered.Add(1, new KeyValuePair<string, object?>("platform", row.Platform), new KeyValuePair<string, object?>("kind", row.Kind.ToString()));
                if (row.DelayNoted)
                {
                    _logger.LogInformation("Outbox row {Id} to {Platform}/{Channel} was delivered {Delay} after it was written", row.Id, row.Platform, row.ChannelId, now - row.CreatedAt);
                }

                break;
            case PostOutcome.RetryAfter limited:
                row.Attempts--; // being asked to wait is not a failure
                row.NextAttemptAt = now + limited.Delay;
                _channelFreeAt[(row.Platform, row.ChannelId)] = now + limited.Delay;
                break;
            case PostOutcome.Transient transient:
                _failures.Add(1, new KeyValuePair<string, object?>("platform", row.Platform), new KeyValuePair<string, object?>("kind", row.Kind.ToString()));
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
                _failures.Add(1, new KeyValuePair<string, object?>("platform", row.Platform), new KeyValuePair<string, object?>("kind", row.Kind.ToString()));
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

    private static string Truncate(string text) => text.Length <= 1000 ? text : text[..1000];
}
