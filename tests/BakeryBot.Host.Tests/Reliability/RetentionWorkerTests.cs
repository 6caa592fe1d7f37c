using BakeryBot.Core.Data;
using BakeryBot.Core.Data.Outbox;
using BakeryBot.Core.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;

namespace BakeryBot.Host.Tests.Reliability;

/// <summary>The retention sweep runs a minute after start, then every hour from that first sweep.</summary>
public sealed class RetentionWorkerTests
{
    [Fact]
    public async Task The_worker_sweeps_a_minute_after_start_and_then_hourly()
    {
        await using var app = await CoreTestApp.CreateAsync(DbProvider.Sqlite);
        await app.SendAsync("bakery", "whoami");
        var tenantId = await app.QueryAsync(db => db.Tenants.Select(t => t.Id).SingleAsync());
        await AddSentAsync(app, tenantId, "sent long ago", app.Clock.GetUtcNow() - TimeSpan.FromDays(8));

        using var worker = new RetentionWorker(app.Services.GetRequiredService<IServiceScopeFactory>(), app.Clock, NullLogger<RetentionWorker>.Instance);
        await worker.StartAsync(CancellationToken.None);
        try
        {
            app.Clock.Advance(TimeSpan.FromSeconds(59));
            await Task.Delay(100);
            Assert.Equal(0, worker.Sweeps);

            app.Clock.Advance(TimeSpan.FromSeconds(1));
            await SweptAsync(worker, 1);
            Assert.Equal(0, await app.QueryAsync(db => db.Outbox.CountAsync(m => m.Text == "sent long ago")));

            // Seven days less 90 minutes old: still young enough for the next sweep, an hour on, and
            // old enough for the one after.
            await AddSentAsync(app, tenantId, "sent last week", app.Clock.GetUtcNow() - TimeSpan.FromDays(7) + TimeSpan.FromMinutes(90));
            app.Clock.Advance(RetentionWorker.Every);
            await SweptAsync(worker, 2);
            Assert.Equal(1, await app.QueryAsync(db => db.Outbox.CountAsync(m => m.Text == "sent last week")));
            app.Clock.Advance(RetentionWorker.Every);
            await SweptAsync(worker, 3);
            Assert.Equal(0, await app.QueryAsync(db => db.Outbox.CountAsync(m => m.Text == "sent last week")));
        }
        finally
        {
            await worker.StopAsync(CancellationToken.None);
        }
    }

    private static async Task AddSentAsync(CoreTestApp app, int tenantId, string text, DateTimeOffset at)
    {
        await using var scope = app.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<BakeryDbContext>();
        db.Outbox.Add(new OutboxMessage { TenantId = tenantId, Platform = "test", ChannelId = "C1", Kind = OutboxKind.Post, Text = text, Status = OutboxStatus.Sent, CreatedAt = at, NextAttemptAt = at });
        await db.SaveChangesAsync();
    }

    private static async Task SweptAsync(RetentionWorker worker, int sweeps)
    {
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (worker.Sweeps < sweeps && DateTime.UtcNow < deadline)
        {
            await Task.Delay(10);
        }

        Assert.Equal(sweeps, worker.Sweeps);
    }
}
