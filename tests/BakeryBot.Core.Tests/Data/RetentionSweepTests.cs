using BakeryBot.Core.Data;
using BakeryBot.Core.Data.Outbox;
using BakeryBot.Core.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace BakeryBot.Core.Tests.Data;

/// <summary>
/// Finished outbox messages and old delivery ids are deleted after their time, in batches; a pending
/// message never is, whatever its age. On each database.
/// </summary>
public abstract class RetentionSweepTests(DbProvider provider)
{
    [SkippableFact]
    public async Task Finished_messages_past_their_time_and_old_delivery_ids_go_and_everything_else_stays()
    {
        await using var app = await CoreTestApp.CreateAsync(provider);
        await app.SendAsync("bakery", "whoami");
        var tenantId = await app.QueryAsync(db => db.Tenants.Select(t => t.Id).SingleAsync());
        var now = app.Clock.GetUtcNow();
        var old = now - TimeSpan.FromDays(10);
        var recent = now - TimeSpan.FromDays(1);
        var before = await app.QueryAsync(db => db.Outbox.CountAsync());

        await using (var scope = app.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<BakeryDbContext>();
            // Old finished messages, more than two batches, interleaved with old ones still pending
            // (a channel that refuses for a long time) and followed by recent finished ones.
            for (var i = 0; i < 2_600; i++)
            {
                var status = i % 10 == 9 ? OutboxStatus.Pending : (OutboxStatus)(1 + (i % 3));
                db.Outbox.Add(Message(tenantId, $"old {i}", status, old.AddSeconds(i)));
            }

            for (var i = 0; i < 50; i++)
            {
                db.Outbox.Add(Message(tenantId, $"recent {i}", OutboxStatus.Sent, recent.AddSeconds(i)));
            }

            for (var i = 0; i < 2_300; i++)
            {
                db.InboundDeliveries.Add(new InboundDelivery { Platform = "slack", DeliveryId = $"old-{i}", ReceivedAt = now - TimeSpan.FromDays(3) + TimeSpan.FromSeconds(i / 3) });
            }

            for (var i = 0; i < 20; i++)
            {
                db.InboundDeliveries.Add(new InboundDelivery { Platform = "slack", DeliveryId = $"recent-{i}", ReceivedAt = now - TimeSpan.FromHours(1) });
            }

            await db.SaveChangesAsync();
        }

        (int OutboxMessages, int DeliveryIds) swept;
        await using (var scope = app.Services.CreateAsyncScope())
        {
            swept = await scope.ServiceProvider.GetRequiredService<RetentionSweep>().RunAsync(CancellationToken.None);
        }

        Assert.Equal(2_340, swept.OutboxMessages);
        Assert.Equal(2_300, swept.DeliveryIds);
        var left = await app.QueryAsync(db => db.Outbox.Where(m => m.ChannelId == "C-sweep").Select(m => new { m.Text, m.Status }).ToListAsync());
        Assert.Equal(260 + 50, left.Count);
        Assert.All(left.Where(m => m.Text.StartsWith("old", StringComparison.Ordinal)), m => Assert.Equal(OutboxStatus.Pending, m.Status));
        Assert.Equal(50, left.Count(m => m.Text.StartsWith("recent", StringComparison.Ordinal)));
        // The bot's own message (the whoami answer is not an outbox row; anything it wrote is recent) stays.
        Assert.Equal(before + 310, await app.QueryAsync(db => db.Outbox.CountAsync()));
        Assert.Equal(20, await app.QueryAsync(db => db.InboundDeliveries.CountAsync()));

        // A second sweep finds nothing more.
        await using (var scope = app.Services.CreateAsyncScope())
        {
            Assert.Equal((0, 0), await scope.ServiceProvider.GetRequiredService<RetentionSweep>().RunAsync(CancellationToken.None));
        }
    }

    private static OutboxMessage Message(int tenantId, string text, OutboxStatus status, DateTimeOffset createdAt) => new()
    {
        TenantId = tenantId,
        Platform = "test",
        ChannelId = "C-sweep",
        Kind = OutboxKind.Post,
        Text = text,
        Status = status,
        CreatedAt = createdAt,
        NextAttemptAt = createdAt,
    };
}

public sealed class SqliteRetentionSweepTests() : RetentionSweepTests(DbProvider.Sqlite);

public sealed class PostgresRetentionSweepTests() : RetentionSweepTests(DbProvider.Postgres);
