using BakeryBot.Core.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace BakeryBot.Core.Tests.Infrastructure;

/// <summary>The two databases the suite runs on.</summary>
public enum DbProvider
{
    Sqlite,
    Postgres,
}

/// <summary>
/// A fresh, migrated database of one provider for one test: a SQLite file in the temp folder, or a
/// PostgreSQL database copied from a migrated template.
/// </summary>
public sealed class TestDatabase : IAsyncDisposable
{
    private static readonly SemaphoreSlim TemplateLock = new(1, 1);
    private static string? _sqliteTemplate;
    private static string? _postgresTemplate;

    private readonly string? _postgresAdmin;
    private readonly string _name;

    private TestDatabase(DbProvider provider, string connectionString, string name, string? postgresAdmin)
    {
        Provider = provider;
        ConnectionString = connectionString;
        _name = name;
        _postgresAdmin = postgresAdmin;
    }

    public DbProvider Provider { get; }

    public string ConnectionString { get; }

    public string ProviderName => Provider == DbProvider.Sqlite ? DatabaseOptions.Sqlite : DatabaseOptions.Postgres;

    /// <summary>A migrated database (or an empty one with <paramref name="migrated"/> false).</summary>
    public static async Task<TestDatabase> CreateAsync(DbProvider provider, bool migrated = true)
    {
        var name = $"bb_{Guid.NewGuid():N}";
        if (provider == DbProvider.Sqlite)
        {
            var file = Path.Combine(Path.GetTempPath(), name + ".db");
            if (migrated)
            {
                File.Copy(await SqliteTemplateAsync(), file);
            }

            return new TestDatabase(provider, $"Data Source={file}", name, null);
        }

        var admin = await PostgresServer.RequireAsync();
        var template = migrated ? await PostgresTemplateAsync(admin) : null;
        var connectionString = await PostgresServer.CreateDatabaseAsync(admin, name, template);
        return new TestDatabase(provider, connectionString, name, admin);
    }

    /// <summary>A context of its own; <paramref name="clock"/> is given to it as the bot's contexts get theirs, from the application's services.</summary>
    public BakeryDbContext NewContext(TimeProvider? clock = null)
    {
        var services = clock is null ? null : new ServiceCollection().AddSingleton(clock).BuildServiceProvider();
        return Provider == DbProvider.Sqlite
            ? new SqliteBakeryDbContext(Options<SqliteBakeryDbContext>(o => DatabaseSetup.ConfigureSqlite(o.UseApplicationServiceProvider(services), DatabaseSetup.SqliteConnectionString(ConnectionString))))
            : new PostgresBakeryDbContext(Options<PostgresBakeryDbContext>(o => DatabaseSetup.ConfigurePostgres(o.UseApplicationServiceProvider(services), ConnectionString)));
    }

    public async ValueTask DisposeAsync()
    {
        if (Provider == DbProvider.Sqlite)
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            foreach (var suffix in new[] { "", "-wal", "-shm" })
            {
                File.Delete(Path.Combine(Path.GetTempPath(), _name + ".db" + suffix));
            }
        }
        else if (_postgresAdmin is not null)
        {
            await PostgresServer.DropDatabaseAsync(_postgresAdmin, _name);
        }
    }

    private static DbContextOptions<T> Options<T>(Action<DbContextOptionsBuilder> configure)
        where T : DbContext
    {
        var builder = new DbContextOptionsBuilder<T>();
        configure(builder);
        return builder.Options;
    }

    private static async Task<string> SqliteTemplateAsync()
    {
        await TemplateLock.WaitAsync();
        try
        {
            if (_sqliteTemplate is null)
            {
                var file = Path.Combine(Path.GetTempPath(), $"bb_template_{Environment.ProcessId}_{Guid.NewGuid():N}.db");
                var db = new TestDatabase(DbProvider.Sqlite, $"Data Source={file};Pooling=false", "", null);
                await using (var context = db.NewContext())
                {
                    await DatabaseSetup.MigrateAsync(context, CancellationToken.None);
                    // A template copied file by file must not leave its last writes in the WAL.
                    await context.Database.ExecuteSqlRawAsync("PRAGMA wal_checkpoint(TRUNCATE); PRAGMA journal_mode=DELETE;");
                }

                _sqliteTemplate = file;
            }

            return _sqliteTemplate;
        }
        finally
        {
            TemplateLock.Release();
        }
    }

    private static async Task<string> PostgresTemplateAsync(string admin)
    {
        await TemplateLock.WaitAsync();
        try
        {
            if (_postgresTemplate is null)
            {
                var name = $"bb_template_{Guid.NewGuid():N}";
                var connectionString = await PostgresServer.CreateDatabaseAsync(admin, name);
                var db = new TestDatabase(DbProvider.Postgres, connectionString, name, null);
                await using (var context = db.NewContext())
                {
                    await DatabaseSetup.MigrateAsync(context, CancellationToken.None);
                }

                // CREATE DATABASE ... TEMPLATE needs the template to have no connections.
                Npgsql.NpgsqlConnection.ClearAllPools();
                _postgresTemplate = name;
            }

            return _postgresTemplate;
        }
        finally
        {
            TemplateLock.Release();
        }
    }
}
