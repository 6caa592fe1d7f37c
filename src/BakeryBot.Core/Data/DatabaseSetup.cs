using System.Data.Common;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.Extensions.DependencyInjection;

namespace BakeryBot.Core.Data;

/// <summary>The <c>Database</c> section.</summary>
public sealed class DatabaseOptions
{
    public const string Section = "Database";
    public const string Sqlite = "Sqlite";
    public const string Postgres = "Postgres";

    public string Provider { get; set; } = Sqlite;
}

/// <summary>Chooses the provider at start and registers <see cref="BakeryDbContext"/> for it.</summary>
public static class DatabaseSetup
{
    /// <summary>
    /// Contexts kept for reuse. Building a context (its own scope of EF Core's services) cost more than
    /// most of the queries a request makes with it; a pooled one is reset and lent again. More than this
    /// many at once are built as needed and dropped afterwards (admission keeps requests in flight to
    /// 8 per processor by default, well under this).
    /// </summary>
    public const int PoolSize = 128;

    public static IServiceCollection AddBakeryDatabase(this IServiceCollection services, string provider, string connectionString)
    {
        if (string.Equals(provider, DatabaseOptions.Sqlite, StringComparison.OrdinalIgnoreCase))
        {
            var sqlite = SqliteConnectionString(connectionString);
            services.AddDbContextPool<SqliteBakeryDbContext>(o => ConfigureSqlite(o, sqlite), PoolSize);
            services.AddScoped<BakeryDbContext>(sp => sp.GetRequiredService<SqliteBakeryDbContext>());
        }
        else if (string.Equals(provider, DatabaseOptions.Postgres, StringComparison.OrdinalIgnoreCase))
        {
            services.AddDbContextPool<PostgresBakeryDbContext>(o => ConfigurePostgres(o, connectionString), PoolSize);
            services.AddScoped<BakeryDbContext>(sp => sp.GetRequiredService<PostgresBakeryDbContext>());
        }
        else
        {
            throw new InvalidOperationException($"Database:Provider is '{provider}'; it must be '{DatabaseOptions.Sqlite}' or '{DatabaseOptions.Postgres}'.");
        }

        return services;
    }

    // Queries that include a collection load a handful of rows: one round trip beats one per collection,
    // so single queries are the stated choice. Records with their CI links and CIs are the exception and
    // are split (ChangeQueries.WithCis says why): SQLite would read every tenant's links.
    // Interceptors given as <paramref name="before"/> see a transaction begin before the write gate is taken.
    public static void ConfigureSqlite(DbContextOptionsBuilder options, string connectionString, params IInterceptor[] before) =>
        options.UseSqlite(connectionString, o => o.UseQuerySplittingBehavior(QuerySplittingBehavior.SingleQuery))
            .AddInterceptors([.. before, SqlitePragmas.Instance, SqliteWriteGate.Instance]);

    public static void ConfigurePostgres(DbContextOptionsBuilder options, string connectionString) =>
        options.UseNpgsql(connectionString, o => o.UseQuerySplittingBehavior(QuerySplittingBehavior.SingleQuery));

    /// <summary>Adds a busy timeout so that concurrent writers wait for each other instead of failing.</summary>
    public static string SqliteConnectionString(string connectionString)
    {
        var builder = new SqliteConnectionStringBuilder(connectionString);
        if (builder.DefaultTimeout == 30)
        {
            builder.DefaultTimeout = 15;
        }

        return builder.ToString();
    }

    /// <summary>The session advisory lock that instances hold on PostgreSQL while they apply migrations.</summary>
    public const long MigrationLock = 0x42616B65_4D696772; // "BakeMigr"

    /// <summary>
    /// Applies pending migrations; on SQLite also switches the file to WAL (it stays so). On PostgreSQL
    /// instances starting together (replicas) take turns under a session advisory lock, held on the
    /// context's connection: EF Core's migration lock alone let two of them apply the first migration
    /// of an empty database at once ("relation already exists"). The next one finds nothing pending.
    /// </summary>
    public static async Task MigrateAsync(BakeryDbContext db, CancellationToken ct)
    {
        if (db.Database.IsNpgsql())
        {
            // On the context's own connection (opened here, so EF keeps it open through the migrations):
            // no second connection string to build, and the session lock is released with the session.
            await db.Database.OpenConnectionAsync(ct);
            try
            {
                await db.Database.ExecuteSqlAsync($"SELECT pg_advisory_lock({MigrationLock})", ct);
                try
                {
                    await db.Database.MigrateAsync(ct);
                }
                finally
                {
                    await db.Database.ExecuteSqlAsync($"SELECT pg_advisory_unlock({MigrationLock})", CancellationToken.None);
                }
            }
            finally
            {
                await db.Database.CloseConnectionAsync();
            }

            return;
        }

        await db.Database.MigrateAsync(ct);
        if (db.Database.IsSqlite())
        {
            await db.Database.ExecuteSqlRawAsync("PRAGMA journal_mode=WAL;", ct);
        }
    }

    /// <summary>
    /// Per-connection SQLite settings: wait on a busy database, fsync less often under WAL (still
    /// durable across a process crash), and leave copying the log into the database to the host's
    /// checkpoint worker rather than to whichever commit crosses the threshold. Temporary tables and
    /// indexes (a RETURNING clause's rows, a sort) stay in memory: as files, every such statement
    /// created, wrote and deleted one in the temp folder, inside the write transaction. A log that a
    /// burst grew past 64 MB is cut back to that when it next starts from the front. They belong to
    /// the native connection and stay with it while the pool keeps it, so each gets them once, on its
    /// first open, rather than on every query's open.
    /// </summary>
    private sealed class SqlitePragmas : DbConnectionInterceptor
    {
        public static readonly SqlitePragmas Instance = new();

        private static readonly object Applied = new();

        /// <summary>The native connections that have the settings; one the pool lets go of leaves with it.</summary>
        private readonly System.Runtime.CompilerServices.ConditionalWeakTable<SQLitePCL.sqlite3, object> _applied = new();

        public override void ConnectionOpened(DbConnection connection, ConnectionEndEventData eventData) => Apply(connection);

        public override Task ConnectionOpenedAsync(DbConnection connection, ConnectionEndEventData eventData, CancellationToken cancellationToken = default)
        {
            Apply(connection);
            return Task.CompletedTask;
        }

        private void Apply(DbConnection connection)
        {
            var handle = ((SqliteConnection)connection).Handle;
            if (handle is not null && _applied.TryGetValue(handle, out _))
            {
                return;
            }

            using var command = connection.CreateCommand();
            command.CommandText = "PRAGMA busy_timeout=10000; PRAGMA synchronous=NORMAL; PRAGMA wal_autocheckpoint=0; PRAGMA temp_store=MEMORY; PRAGMA journal_size_limit=67108864;";
            command.ExecuteNonQuery();
            if (handle is not null)
            {
                _applied.AddOrUpdate(handle, Applied);
            }
        }
    }
}

/// <summary>Lets <c>dotnet ef</c> build the SQLite context for migrations.</summary>
public sealed class SqliteDesignTimeFactory : IDesignTimeDbContextFactory<SqliteBakeryDbContext>
{
    public SqliteBakeryDbContext CreateDbContext(string[] args)
    {
        var options = new DbContextOptionsBuilder<SqliteBakeryDbContext>();
        DatabaseSetup.ConfigureSqlite(options, "Data Source=design-time.db");
        return new SqliteBakeryDbContext(options.Options);
    }
}

/// <summary>Lets <c>dotnet ef</c> build the PostgreSQL context for migrations (no server is contacted).</summary>
public sealed class PostgresDesignTimeFactory : IDesignTimeDbContextFactory<PostgresBakeryDbContext>
{
    public PostgresBakeryDbContext CreateDbContext(string[] args)
    {
        var options = new DbContextOptionsBuilder<PostgresBakeryDbContext>();
        DatabaseSetup.ConfigurePostgres(options, "Host=localhost;Database=bakerybot_design");
        return new PostgresBakeryDbContext(options.Options);
    }
}
