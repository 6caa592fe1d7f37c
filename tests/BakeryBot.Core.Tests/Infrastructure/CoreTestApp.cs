using BakeryBot.Core.Chat;
using BakeryBot.Core.Data;
using BakeryBot.Core.People;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;

namespace BakeryBot.Core.Tests.Infrastructure;

/// <summary>The core wired as the host wires it, on a test database, with a fake clock.</summary>
public sealed class CoreTestApp : IAsyncDisposable
{
    public static readonly DateTimeOffset Start = new(2026, 11, 26, 9, 0, 0, TimeSpan.Zero);

    private readonly bool _ownsDatabase;

    private CoreTestApp(TestDatabase database, ServiceProvider services, FakeTimeProvider clock, bool ownsDatabase)
    {
        Database = database;
        Services = services;
        Clock = clock;
        _ownsDatabase = ownsDatabase;
    }

    public TestDatabase Database { get; }

    public ServiceProvider Services { get; }

    public FakeTimeProvider Clock { get; }

    public CommandRouter Router => Services.GetRequiredService<CommandRouter>();

    public static async Task<CoreTestApp> CreateAsync(DbProvider provider, Action<IServiceCollection>? configure = null) =>
        Build(await TestDatabase.CreateAsync(provider), configure, ownsDatabase: true);

    /// <summary>
    /// Another instance of the bot on this app's database, as when several share one PostgreSQL
    /// database: its own services, singletons and caches. The database stays this app's.
    /// </summary>
    public CoreTestApp AnotherInstance(Action<IServiceCollection>? configure = null) => Build(Database, configure, ownsDatabase: false);

    /// <summary>
    /// Another instance whose units of work call <paramref name="hook"/> as a transaction begins, before
    /// anything of the bot's own: on SQLite before the write gate, so that what the hook runs can write.
    /// </summary>
    public CoreTestApp AnotherInstanceWithTransactionHook(IInterceptor hook, Action<IServiceCollection>? configure = null) => AnotherInstance(s =>
    {
        configure?.Invoke(s);
        if (Database.Provider == DbProvider.Sqlite)
        {
            s.RemoveAll<IDbContextOptionsConfiguration<SqliteBakeryDbContext>>();
            s.ConfigureDbContext<SqliteBakeryDbContext>((_, o) => DatabaseSetup.ConfigureSqlite(o, DatabaseSetup.SqliteConnectionString(Database.ConnectionString), hook));
        }
        else
        {
            s.ConfigureDbContext<PostgresBakeryDbContext>((_, o) => o.AddInterceptors(hook));
        }
    });

    private static CoreTestApp Build(TestDatabase database, Action<IServiceCollection>? configure, bool ownsDatabase)
    {
        var clock = new FakeTimeProvider(Start);
        var services = new ServiceCollection();
        services.AddLogging(b => b.SetMinimumLevel(LogLevel.Warning));
        services.AddSingleton<TimeProvider>(clock);
        services.AddOptions();
        services.Configure<SecurityOptions>(o => o.Admins = ["test:T1/admin"]);
        services.AddBakeryCore();
        services.AddBakeryDatabase(database.ProviderName, database.ConnectionString);
        configure?.Invoke(services);
        return new CoreTestApp(database, services.BuildServiceProvider(), clock, ownsDatabase);
    }

    /// <summary>A typed command as <paramref name="user"/> in tenant T1, channel C1.</summary>
    public Task<ChatReply> SendAsync(string command, string text, string user = "alice", string tenant = "T1", string channel = "C1") =>
        Router.HandleAsync(Request(user, tenant, channel) with { Command = command, Text = text }, CancellationToken.None);

    /// <summary>
    /// Sends a command that must be refused: the answer is a warning containing <paramref name="expected"/>,
    /// and no table a command may write changed.
    /// </summary>
    public async Task<ChatReply> AssertRefusedAsync(string command, string text, string expected)
    {
        var before = await SnapshotAsync();
        var reply = await SendAsync(command, text);
        Assert.Equal(ReplyKind.Warning, reply.Kind);
        Assert.Contains(expected, reply.Text, StringComparison.Ordinal);
        Assert.Equal(before, await SnapshotAsync());
        return reply;
    }

    /// <summary>A button click.</summary>
    public Task<ChatReply> ClickAsync(string actionId, string value, string user = "alice", string tenant = "T1", string channel = "C1") =>
        Router.HandleAsync(Request(user, tenant, channel) with { ActionId = actionId, ActionValue = value }, CancellationToken.None);

    public static ChatRequest Request(string user, string tenant = "T1", string channel = "C1") => new()
    {
        Platform = "test",
        TenantId = tenant,
        ChannelId = channel,
        UserId = user,
        UserName = char.ToUpperInvariant(user[0]) + user[1..],
    };

    /// <summary>Reads the database in a fresh unit of work.</summary>
    public async Task<T> QueryAsync<T>(Func<BakeryDbContext, Task<T>> query)
    {
        await using var scope = Services.CreateAsyncScope();
        return await query(scope.ServiceProvider.GetRequiredService<BakeryDbContext>());
    }

    /// <summary>Row counts of every table that a command may write, to show that bad input changed nothing.</summary>
    public Task<string> SnapshotAsync() => QueryAsync(async db =>
        $"incidents={await db.Incidents.CountAsync()} events={await db.IncidentEvents.CountAsync()} audit={await db.AuditEntries.CountAsync()} " +
        $"outbox={await db.Outbox.CountAsync()} cards={await db.PostedCards.CountAsync()} cis={await db.ConfigurationItems.CountAsync()} " +
        $"roles={await db.RoleAssignments.CountAsync()} counters={await db.RecordCounters.SumAsync(c => c.Last)} digests={await db.DigestSubscriptions.CountAsync()}");

    public async ValueTask DisposeAsync()
    {
        await Services.DisposeAsync();
        if (_ownsDatabase)
        {
            await Database.DisposeAsync();
        }
    }
}
