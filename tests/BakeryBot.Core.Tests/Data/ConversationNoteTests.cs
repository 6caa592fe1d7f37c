using BakeryBot.Core.Chat;
using BakeryBot.Core.Data;
using BakeryBot.Core.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.Extensions.DependencyInjection;

namespace BakeryBot.Core.Tests.Data;

/// <summary>
/// A conversation a request comes from (a Teams thread is a new one with each channel message that starts
/// it) is written with the command's own transaction rather than in one of its own, and is known however
/// the request ends; two first requests from it at once both stand. On each database.
/// </summary>
public abstract class ConversationNoteTests(DbProvider provider)
{
    private static ConversationSighting Thread(string id, string? endpoint = "https://smba.example/emea/", string? kind = "channel", string? name = null) =>
        new("test", "T1", id, endpoint, kind, name, "team-1");

    private static ChatRequest In(ConversationSighting seen, string command, string text) =>
        CoreTestApp.Request("alice", channel: seen.ConversationId) with { Command = command, Text = text, Conversation = seen };

    private CoreTestApp Counted(CoreTestApp app, IInterceptor counter) => app.AnotherInstance(s =>
    {
        if (provider == DbProvider.Sqlite)
        {
            s.ConfigureDbContext<SqliteBakeryDbContext>((_, o) => o.AddInterceptors(counter));
        }
        else
        {
            s.ConfigureDbContext<PostgresBakeryDbContext>((_, o) => o.AddInterceptors(counter));
        }
    });

    private static Task<ChatConversation?> RowAsync(CoreTestApp app, string id) =>
        app.QueryAsync(db => db.Set<ChatConversation>().AsNoTracking().SingleOrDefaultAsync(c => c.ConversationId == id));

    [SkippableFact]
    public async Task A_new_thread_is_written_in_the_commands_transaction_and_the_reply_takes_one_more()
    {
        await using var app = await CoreTestApp.CreateAsync(provider);
        await app.SendAsync("bakery", "whoami");
        var counter = new TransactionCounter();
        await using var counted = Counted(app, counter);
        var seen = Thread("19:general;messageid=1");
        var request = In(seen, "incident", "oven runs cold sev2");

        var reply = await counted.Router.HandleAsync(request, CancellationToken.None);
        var afterCommand = counter.Started;
        Assert.True(await counted.Router.PostReplyAsync(request, reply, CancellationToken.None));

        Assert.Equal("INC-1 declared; its card is posted in this channel.", reply.Text);
        // The command's transaction holds the conversation, the incident and its card; the reply's row
        // takes one more on SQLite (a turn at the writer) and none on PostgreSQL (a lone insert).
        Assert.Equal(1, afterCommand);
        Assert.Equal(provider == DbProvider.Sqlite ? 2 : 1, counter.Started);
        var row = await RowAsync(app, seen.ConversationId);
        Assert.NotNull(row);
        Assert.Equal(("https://smba.example/emea/", "channel", "team-1"), (row.Endpoint, row.Kind, row.TeamId));
        Assert.Equal(app.Clock.GetUtcNow(), row.FirstSeenAt);
        var posted = await app.QueryAsync(db => db.Outbox.Where(m => m.ChannelId == seen.ConversationId).OrderBy(m => m.Id).Select(m => m.Text).ToListAsync());
        Assert.Equal(2, posted.Count);
        Assert.Equal("INC-1 declared; its card is posted in this channel.", posted[1]);
    }

    [SkippableFact]
    public async Task A_thread_whose_command_only_reads_or_is_refused_is_known_all_the_same()
    {
        await using var app = await CoreTestApp.CreateAsync(provider);
        await app.SendAsync("bakery", "whoami");
        var reading = Thread("19:general;messageid=2");
        var refused = Thread("19:general;messageid=3");

        var list = await app.Router.HandleAsync(In(reading, "incident", "list"), CancellationToken.None);
        var refusal = await app.Router.HandleAsync(In(refused, "incident", "resolve INC-404"), CancellationToken.None);

        Assert.Equal(ReplyKind.Private, list.Kind);
        Assert.Equal(ReplyKind.Warning, refusal.Kind);
        Assert.NotNull(await RowAsync(app, reading.ConversationId));
        Assert.NotNull(await RowAsync(app, refused.ConversationId));
        Assert.Equal(0, await app.QueryAsync(db => db.Incidents.CountAsync()));
    }

    [SkippableFact]
    public async Task Two_first_requests_from_one_thread_at_once_both_stand()
    {
        await using var app = await CoreTestApp.CreateAsync(provider);
        await app.SendAsync("bakery", "whoami");
        var tenantId = await app.QueryAsync(db => db.Tenants.Select(t => t.Id).SingleAsync());
        var first = Thread("19:ops;messageid=4", endpoint: "https://smba.example/emea/", name: null);
        var second = Thread("19:ops;messageid=4", endpoint: null, name: "ops");
        await using var a = app.Services.CreateAsyncScope();
        await using var b = app.Services.CreateAsyncScope();
        var dbA = a.ServiceProvider.GetRequiredService<BakeryDbContext>();
        var dbB = b.ServiceProvider.GetRequiredService<BakeryDbContext>();

        // Both look before either writes: each takes the thread for new.
        Assert.True(await a.ServiceProvider.GetRequiredService<ConversationDirectory>().NoteAsync(tenantId, first, CancellationToken.None));
        Assert.True(await b.ServiceProvider.GetRequiredService<ConversationDirectory>().NoteAsync(tenantId, second, CancellationToken.None));
        await dbA.SaveNotedConversationAsync(CancellationToken.None);
        // The second is written with other work, which it must not fail.
        dbB.InboundDeliveries.Add(new InboundDelivery { Platform = "test", DeliveryId = "activity-4", ReceivedAt = app.Clock.GetUtcNow() });
        await dbB.SaveChangesAsync(CancellationToken.None);

        var row = await RowAsync(app, first.ConversationId);
        Assert.NotNull(row);
        Assert.Equal(("https://smba.example/emea/", "ops"), (row.Endpoint, row.Name));
        Assert.Equal(1, await app.QueryAsync(db => db.InboundDeliveries.CountAsync(d => d.DeliveryId == "activity-4")));
        Assert.Null(dbB.NotedConversation);
    }

    [SkippableFact]
    public async Task What_the_platform_leaves_out_stays_and_the_time_seen_moves_on()
    {
        await using var app = await CoreTestApp.CreateAsync(provider);
        await app.SendAsync("bakery", "whoami");
        var tenantId = await app.QueryAsync(db => db.Tenants.Select(t => t.Id).SingleAsync());
        var firstSeen = app.Clock.GetUtcNow();
        var id = "19:ops;messageid=5";

        var results = new List<bool>();
        foreach (var (seen, later) in new[]
        {
            (Thread(id, "https://smba.example/emea/", "channel", "ops"), TimeSpan.Zero),
            (Thread(id, "https://smba.example/emea/", "channel", "ops"), TimeSpan.FromHours(1)),
            (Thread(id, "https://smba.example/amer/", null, null), TimeSpan.FromHours(1)),
        })
        {
            app.Clock.Advance(later);
            results.Add(await app.QueryAsync(db => new ConversationDirectory(db, app.Clock).RememberAsync(tenantId, seen, CancellationToken.None)));
        }

        var row = await RowAsync(app, id);
        Assert.Equal([true, false, false], results);
        Assert.NotNull(row);
        Assert.Equal(("https://smba.example/amer/", "channel", "ops"), (row.Endpoint, row.Kind, row.Name));
        Assert.Equal(firstSeen, row.FirstSeenAt);
        // Seen again within the hour without news: not written; with news: written, at that time.
        Assert.Equal(firstSeen + TimeSpan.FromHours(2), row.LastSeenAt);
    }
}

public sealed class SqliteConversationNoteTests() : ConversationNoteTests(DbProvider.Sqlite);

public sealed class PostgresConversationNoteTests() : ConversationNoteTests(DbProvider.Postgres);
