using BakeryBot.Core.Chat;
using BakeryBot.Core.Data;
using BakeryBot.Core.Data.Outbox;
using BakeryBot.Core.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace BakeryBot.Core.Tests.Data;

/// <summary>
/// What a round writes once its messages are sent: the same few statements however many there were
/// (the rows, then the message ids on their cards), with each row and card recorded as sent.
/// </summary>
public abstract class OutboxRecordTests(DbProvider provider)
{
    [SkippableFact]
    public async Task A_round_records_its_sent_posts_in_the_same_statements_however_many_there_are()
    {
        var poster = new CountingPoster();
        await using var app = await CoreTestApp.CreateAsync(provider, s => s.AddSingleton<IChatPoster>(poster));
        var counter = new StatementCounter();
        await using var observed = app.AnotherInstance(s =>
        {
            s.AddSingleton<IChatPoster>(poster);
            if (provider == DbProvider.Sqlite)
            {
                s.ConfigureDbContext<SqliteBakeryDbContext>((_, o) => o.AddInterceptors(counter));
            }
            else
            {
                s.ConfigureDbContext<PostgresBakeryDbContext>((_, o) => o.AddInterceptors(counter));
            }
        });
        var dispatcher = observed.Services.GetRequiredService<OutboxDispatcher>();

        var written = new List<int>();
        foreach (var size in new[] { 2, 12 })
        {
            for (var i = 0; i < size; i++)
            {
                await app.SendAsync("incident", $"round of {size}, {i} sev3", channel: $"C{size}-{i}");
            }

            counter.Clear();
            Assert.Equal(size, await dispatcher.DispatchOnceAsync(CancellationToken.None));
            // (A round notes delayed messages once a second of the clock; the first does, the second not.)
            written.Add(counter.All.Count(sql => IsWrite(sql) && !sql.Contains("SET \"DelayNoted\"", StringComparison.Ordinal)
                                                 && (sql.Contains("\"Outbox\"", StringComparison.Ordinal) || sql.Contains("\"PostedCards\"", StringComparison.Ordinal))));
        }

        // Coalescing, the claim, the rows, the cards: the same for 2 messages as for 12.
        Assert.True(written[0] == written[1] && written[1] <= 4, $"{string.Join(" / ", written)} statements; last round:\n{counter.Describe()}");

        Assert.Equal(14, poster.Sent);
        var rows = await app.QueryAsync(db => db.Outbox.Include(m => m.PostedCard).Where(m => m.Kind == OutboxKind.Post).ToListAsync());
        Assert.Equal(14, rows.Count);
        Assert.All(rows, r =>
        {
            Assert.Equal(OutboxStatus.Sent, r.Status);
            Assert.Equal(1, r.Attempts);
            Assert.False(r.AttemptInFlight);
            Assert.Null(r.LeaseOwner);
            Assert.Null(r.LeaseUntil);
            Assert.NotNull(r.SentAt);
            Assert.NotNull(r.PostedCard!.PostedAt);
            Assert.StartsWith("ts-", r.PostedCard.MessageId, StringComparison.Ordinal);
        });
        // Each card has the id of its own message.
        Assert.Equal(14, rows.Select(r => r.PostedCard!.MessageId).Distinct().Count());
        Assert.Equal(rows.Select(r => r.SentAt).First(), rows.Select(r => r.PostedCard!.PostedAt).First());

        // A card's later update finds the message it updates.
        await app.ClickAsync("incident.ack", "INC-1");
        counter.Clear();
        Assert.Equal(1, await dispatcher.DispatchOnceAsync(CancellationToken.None));
        var update = await app.QueryAsync(db => db.Outbox.SingleAsync(m => m.Kind == OutboxKind.Update));
        Assert.Equal(OutboxStatus.Sent, update.Status);
    }

    private static bool IsWrite(string sql)
    {
        var text = sql.TrimStart();
        return text.StartsWith("UPDATE", StringComparison.Ordinal) || text.StartsWith("WITH", StringComparison.Ordinal) || text.StartsWith("INSERT", StringComparison.Ordinal);
    }
}

public sealed class SqliteOutboxRecordTests() : OutboxRecordTests(DbProvider.Sqlite);

public sealed class PostgresOutboxRecordTests() : OutboxRecordTests(DbProvider.Postgres);
