using BakeryBot.Core.Data.Outbox;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace BakeryBot.Core.Data;

/// <summary>
/// Deletes what the bot keeps only for a while, so that those tables follow the recent traffic and not
/// everything ever handled: outbox messages finished (sent, superseded or refused for good) more than
/// <see cref="OutboxOptions.KeepFinishedFor"/> ago, and the delivery ids kept to recognise a platform's
/// retry (<see cref="DeliveryIdsKeptFor"/>). A pending message is never deleted. Each batch is its own
/// short transaction (on SQLite one turn of the write gate), its rows chosen by a read before it.
/// </summary>
public sealed class RetentionSweep(BakeryDbContext db, TimeProvider clock, IOptions<OutboxOptions> outbox)
{
    /// <summary>Rows deleted per transaction.</summary>
    public const int BatchSize = 1000;

    /// <summary>Slack retries a request within minutes, Bot Framework too: two days is ample.</summary>
    public static readonly TimeSpan DeliveryIdsKeptFor = TimeSpan.FromDays(2);

    /// <summary>One sweep; returns how many outbox messages and delivery ids it deleted.</summary>
    public async Task<(int OutboxMessages, int DeliveryIds)> RunAsync(CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        return (await SweepOutboxAsync(now - outbox.Value.KeepFinishedFor, ct), await SweepDeliveryIdsAsync(now - DeliveryIdsKeptFor, ct));
    }

    private async Task<int> SweepOutboxAsync(DateTimeOffset before, CancellationToken ct)
    {
        // Ids follow the order messages were written in: the first one written since the cut-off bounds
        // the sweep, so each batch reads the table from its start by id, not every finished message.
        var bound = await db.Outbox.Where(m => m.CreatedAt >= before).OrderBy(m => m.Id).Select(m => (long?)m.Id).FirstOrDefaultAsync(ct) ?? long.MaxValue;
        var finished = db.Outbox.Where(m => m.Id < bound && m.CreatedAt < before && m.Status != OutboxStatus.Pending);
        var deleted = 0;
        while (true)
        {
            // Up to the batch's last id, as a range: every finished one before it went in the batches
            // before (a list of a thousand ids would be a thousand parameters).
            var last = await finished.OrderBy(m => m.Id).Select(m => (long?)m.Id).Skip(BatchSize - 1).FirstOrDefaultAsync(ct);
            await using (var transaction = await db.Database.BeginTransactionAsync(ct))
            {
                deleted += await (last is { } upTo ? finished.Where(m => m.Id <= upTo) : finished).ExecuteDeleteAsync(ct);
                await transaction.CommitAsync(ct);
            }

            if (last is null)
            {
                return deleted;
            }
        }
    }

    private async Task<int> SweepDeliveryIdsAsync(DateTimeOffset before, CancellationToken ct)
    {
        var deleted = 0;
        while (true)
        {
            // Up to the batch's last receipt time, through the index on it (a few more when several share it).
            var last = await db.InboundDeliveries.Where(d => d.ReceivedAt < before).OrderBy(d => d.ReceivedAt)
                .Select(d => (DateTimeOffset?)d.ReceivedAt).Skip(BatchSize - 1).FirstOrDefaultAsync(ct);
            await using (var transaction = await db.Database.BeginTransactionAsync(ct))
            {
                var batch = last is { } upTo
                    ? db.InboundDeliveries.Where(d => d.ReceivedAt < before && d.ReceivedAt <= upTo)
                    : db.InboundDeliveries.Where(d => d.ReceivedAt < before);
                deleted += await batch.ExecuteDeleteAsync(ct);
                await transaction.CommitAsync(ct);
            }

            if (last is null)
            {
                return deleted;
            }
        }
    }
}
