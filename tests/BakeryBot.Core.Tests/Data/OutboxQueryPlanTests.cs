using System.Collections.Concurrent;
using System.Data.Common;
using BakeryBot.Core.Chat;
using BakeryBot.Core.Data;
using BakeryBot.Core.Data.Outbox;
using BakeryBot.Core.Tests.Infrastructure;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.Extensions.DependencyInjection;

namespace BakeryBot.Core.Tests.Data;

/// <summary>
/// The outbox keeps what it sent for a week (Outbox:KeepFinishedFor), so a dispatcher round must find
/// its work through what is pending, never by reading the whole table or sorting the backlog: each
/// statement a round runs is asked of SQLite's planner (EXPLAIN QUERY PLAN, with the round's own parameters).
/// </summary>
public sealed class OutboxQueryPlanTests
{
    [Fact]
    public async Task A_round_reads_the_outbox_through_its_indexes_without_scanning_or_sorting_it()
    {
        var poster = new CountingPoster();
        await using var app = await CoreTestApp.CreateAsync(DbProvider.Sqlite, s => s.AddSingleton<IChatPoster>(poster));
        // Sent history, then pending work of each kind: posts in several channels, and card updates
        // waiting behind each other (the older one is superseded).
        for (var i = 0; i < 3; i++)
        {
            await app.SendAsync("incident", $"history {i} sev3", channel: $"C{i}");
        }

        await app.Services.GetRequiredService<OutboxDispatcher>().DispatchOnceAsync(CancellationToken.None);
        await app.ClickAsync("incident.ack", "INC-1");
        await app.SendAsync("incident", "resolve INC-1");
        for (var i = 0; i < 4; i++)
        {
            await app.SendAsync("incident", $"pending {i} sev3", channel: $"C{i}");
        }

        var plans = new PlanRecorder();
        await using var observed = app.AnotherInstance(s =>
        {
            s.AddSingleton<IChatPoster>(poster);
            s.ConfigureDbContext<SqliteBakeryDbContext>((_, o) => o.AddInterceptors(plans));
        });
        var sentBefore = poster.Sent;
        Assert.True(await observed.Services.GetRequiredService<OutboxDispatcher>().DispatchOnceAsync(CancellationToken.None) > 0);

        Assert.True(poster.Sent > sentBefore);
        var outbox = plans.Seen.Where(p => p.Sql.Contains("\"Outbox\"", StringComparison.Ordinal)).ToList();
        // The coalescing of updates, the candidates, the claim, the claimed rows, and the outcomes.
        Assert.True(outbox.Count >= 5, plans.Describe());
        Assert.Contains(outbox, p => p.Sql.StartsWith("UPDATE \"Outbox\" AS \"o\" SET \"Status\"", StringComparison.Ordinal));
        Assert.Contains(outbox, p => p.Sql.StartsWith("UPDATE \"Outbox\" AS \"o\" SET \"LeaseOwner\"", StringComparison.Ordinal));
        Assert.All(outbox, p =>
        {
            Assert.False(p.Plan.Any(step => step.StartsWith("SCAN o", StringComparison.Ordinal) || step.StartsWith("SCAN Outbox", StringComparison.Ordinal)), p.Describe());
            Assert.False(p.Plan.Any(step => step.Contains("TEMP B-TREE", StringComparison.Ordinal)), p.Describe());
        });
        // The claim looks up the chosen ids, not every pending row.
        var claim = outbox.Single(p => p.Sql.StartsWith("UPDATE \"Outbox\" AS \"o\" SET \"LeaseOwner\"", StringComparison.Ordinal));
        Assert.Contains(claim.Plan, step => step.Contains("Id=?", StringComparison.Ordinal) || step.Contains("rowid=?", StringComparison.Ordinal));
    }

    [Fact]
    public async Task An_idle_round_reads_one_index_and_writes_nothing()
    {
        var poster = new CountingPoster();
        await using var app = await CoreTestApp.CreateAsync(DbProvider.Sqlite, s => s.AddSingleton<IChatPoster>(poster));
        await app.SendAsync("incident", "history sev3");
        var dispatcher = app.Services.GetRequiredService<OutboxDispatcher>();
        Assert.Equal(1, await dispatcher.DispatchOnceAsync(CancellationToken.None));

        var plans = new PlanRecorder();
        await using var observed = app.AnotherInstance(s =>
        {
            s.AddSingleton<IChatPoster>(poster);
            s.ConfigureDbContext<SqliteBakeryDbContext>((_, o) => o.AddInterceptors(plans));
        });
        var idle = observed.Services.GetRequiredService<OutboxDispatcher>();
        // Rounds a second apart, so that a round that would note delays does.
        for (var i = 0; i < 3; i++)
        {
            Assert.Equal(0, await idle.DispatchOnceAsync(CancellationToken.None));
            observed.Clock.Advance(TimeSpan.FromSeconds(1.5));
        }

        // Nothing pending: no query of the outbox through EF Core, no update, nothing sent.
        Assert.DoesNotContain(plans.Seen, p => p.Sql.Contains("\"Outbox\"", StringComparison.Ordinal));
        Assert.Equal(1, poster.Sent);

        // The one read it makes goes through the (Status, Id) index.
        await using var connection = new SqliteConnection(app.Database.ConnectionString);
        await connection.OpenAsync();
        await using var explain = connection.CreateCommand();
        explain.CommandText = "EXPLAIN QUERY PLAN " + OutboxDispatcher.AnyPendingSql;
        var plan = new List<string>();
        await using (var reader = await explain.ExecuteReaderAsync())
        {
            while (await reader.ReadAsync())
            {
                plan.Add(reader.GetString(3));
            }
        }

        Assert.Contains(plan, step => step.Contains("SEARCH Outbox USING COVERING INDEX", StringComparison.Ordinal) && step.Contains("(Status=?)", StringComparison.Ordinal));
        Assert.DoesNotContain(plan, step => step.StartsWith("SCAN Outbox", StringComparison.Ordinal));

        // And pending work is still found.
        await app.SendAsync("incident", "new one sev3");
        Assert.Equal(1, await idle.DispatchOnceAsync(CancellationToken.None));
        Assert.Equal(2, poster.Sent);
    }

    [Fact]
    public async Task A_round_sends_the_paced_channels_as_one_parameter_however_many_there_are()
    {
        var poster = new CountingPoster(TimeSpan.FromMinutes(1));
        await using var app = await CoreTestApp.CreateAsync(DbProvider.Sqlite, s => s.AddSingleton<IChatPoster>(poster));
        var plans = new PlanRecorder();
        await using var observed = app.AnotherInstance(s =>
        {
            s.AddSingleton<IChatPoster>(poster);
            s.ConfigureDbContext<SqliteBakeryDbContext>((_, o) => o.AddInterceptors(plans));
        });
        var dispatcher = observed.Services.GetRequiredService<OutboxDispatcher>();
        for (var i = 0; i < 150; i++)
        {
            await app.SendAsync("incident", $"oven {i} sev3", channel: $"C{i}");
        }

        // A round sends one message per channel, at most 64: three rounds, and every channel is paced.
        while (await dispatcher.DispatchOnceAsync(CancellationToken.None) > 0)
        {
        }

        Assert.Equal(150, poster.Sent);
        await app.SendAsync("incident", "oven 0 again sev3", channel: "C0");
        await app.SendAsync("incident", "fresh sev3", channel: "D1");
        plans.Clear();

        // The paced channel waits; the new one goes.
        Assert.Equal(1, await dispatcher.DispatchOnceAsync(CancellationToken.None));
        Assert.Equal(151, poster.Sent);
        var candidates = plans.Seen.Single(p => p.Sql.StartsWith("SELECT", StringComparison.Ordinal) && p.Sql.Contains("\"ChannelId\" NOT IN", StringComparison.Ordinal));
        Assert.True(candidates.Parameters <= 4, $"{candidates.Parameters} parameters: {candidates.Describe()}");
        Assert.DoesNotContain(candidates.Plan, step => step.StartsWith("SCAN o", StringComparison.Ordinal));
    }
}
