using System.Data.Common;
using System.Diagnostics;
using System.Globalization;
using BakeryBot.Core.Data;
using BakeryBot.Core.Digests;
using BakeryBot.Core.Incidents;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage.ValueConversion;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace BakeryBot.Benchmarks;

/// <summary>
/// The weekly digest (<see cref="DigestService.BuildAsync"/>) for one tenant with N incidents and N
/// time entries spread over three years, at each size given: the median of a few warm builds, and the
/// database's size. SQLite (a file, WAL) always; PostgreSQL too when <c>BAKERYBOT_TEST_POSTGRES</c> (or
/// <c>--postgres "connection string"</c>) names a server, in a throwaway database.
/// Run: <c>dotnet run -c Release --project bench/BakeryBot.Benchmarks -- digest 10000 100000 1000000</c>.
/// </summary>
public static class DigestBench
{
    /// <summary>The moment of the benchmark: a Monday 09:00 UTC, when the digest of the week before is due.</summary>
    private static readonly DateTimeOffset Now = new(2026, 11, 30, 9, 0, 0, TimeSpan.Zero);

    private static readonly TimeSpan History = TimeSpan.FromDays(3 * 365);

    private const int Runs = 5;
    private const int Cis = 200;
    private const int Services = 10;

    public static async Task RunAsync(IReadOnlyList<int> sizes, string? postgres)
    {
        Console.WriteLine("database | incidents / time entries | build p50 ms | min ms | max ms | incidents in the week | database size");
        // DIGEST_BENCH_REUSE=1 measures again on the SQLite files of an earlier run instead of filling new ones.
        var reuse = Environment.GetEnvironmentVariable("DIGEST_BENCH_REUSE") == "1";
        foreach (var size in sizes)
        {
            var file = Path.Combine(Path.GetTempPath(), $"bakerybot-digest-{size}.db");
            var seed = !(reuse && File.Exists(file));
            if (seed)
            {
                BenchDb.DeleteSqlite(file);
            }

            await MeasureAsync(DatabaseOptions.Sqlite, $"Data Source={file}", size, seed, () => Task.FromResult(
                BenchDb.SqliteSuffixes.Select(s => file + s).Where(File.Exists).Sum(f => new FileInfo(f).Length)));
        }

        if (postgres is null)
        {
            return;
        }

        foreach (var size in sizes)
        {
            var name = $"bakerybot_digest_{size}";
            await using (var admin = new NpgsqlConnection(postgres))
            {
                await admin.OpenAsync();
                await using var drop = new NpgsqlCommand($"DROP DATABASE IF EXISTS {name} WITH (FORCE)", admin);
                await drop.ExecuteNonQueryAsync();
                await using var create = new NpgsqlCommand($"CREATE DATABASE {name}", admin);
                await create.ExecuteNonQueryAsync();
            }

            var connection = new NpgsqlConnectionStringBuilder(postgres) { Database = name }.ConnectionString;
            await MeasureAsync(DatabaseOptions.Postgres, connection, size, seed: true, async () =>
            {
                await using var c = new NpgsqlConnection(connection);
                await c.OpenAsync();
                await using var command = new NpgsqlCommand("SELECT pg_database_size(current_database())", c);
                return (long)(await command.ExecuteScalarAsync())!;
            });
        }
    }

    private static async Task MeasureAsync(string provider, string connectionString, int size, bool seed, Func<Task<long>> databaseSize)
    {
        // DIGEST_BENCH_SQL=1 prints each SQL command with its time, to see which one costs.
        var sql = Environment.GetEnvironmentVariable("DIGEST_BENCH_SQL") == "1";
        await using var provided = BenchDb.Services(Now, provider, connectionString, sql: sql);
        if (seed)
        {
            await FillAsync(provided, provider, size);
        }

        var monday = new DateTimeOffset(2026, 11, 30, 0, 0, 0, TimeSpan.Zero);
        var times = new List<double>();
        Digest? digest = null;
        for (var run = 0; run <= Runs; run++)
        {
            await using var scope = provided.CreateAsyncScope();
            var watch = Stopwatch.StartNew();
            digest = await scope.ServiceProvider.GetRequiredService<DigestService>().BuildAsync(1, monday.AddDays(-7), monday, CancellationToken.None);
            if (run > 0)
            {
                // The first build warms EF's compiled queries and the CMDB graph cache up.
                times.Add(watch.Elapsed.TotalMilliseconds);
            }
        }

        times.Sort();
        var bytes = await databaseSize();
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{provider} | {size:N0} / {size:N0} | {times[times.Count / 2]:0.0} | {times[0]:0.0} | {times[^1]:0.0} | {digest!.Incidents.Count:N0} | {bytes / 1024.0 / 1024.0:0.0} MB"));
    }

    /// <summary>Migrates the empty database, fills it, and has the database gather its statistics.</summary>
    private static async Task FillAsync(IServiceProvider provided, string provider, int size)
    {
        await using var scope = provided.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<BakeryDbContext>();
        await DatabaseSetup.MigrateAsync(db, CancellationToken.None);
        var seeding = Stopwatch.StartNew();
        var connection = db.Database.GetDbConnection();
        await connection.OpenAsync();
        await SeedAsync(connection, provider == DatabaseOptions.Sqlite, size);
        Console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{provider} {size}: seeded in {seeding.Elapsed.TotalSeconds:0.0} s"));
        if (provider == DatabaseOptions.Sqlite)
        {
            // Measured as a database in use is: its statistics gathered, the fill's write-ahead log folded in.
            await db.Database.ExecuteSqlRawAsync("ANALYZE");
            await db.Database.ExecuteSqlRawAsync("PRAGMA wal_checkpoint(TRUNCATE)");
        }
        else
        {
            await db.Database.ExecuteSqlRawAsync("VACUUM ANALYZE");
        }
    }

    /// <summary>
    /// One tenant and person; <see cref="Cis"/> assets, <see cref="Services"/> services that depend on them
    /// with SLA targets and commitments; N incidents (each on one asset, every severity and detection, all
    /// but the most recent resolved), N time entries, N/100 completed releases, spread evenly at random over
    /// the three years before <see cref="Now"/>. Raw SQL, prepared and parameterised, in one transaction.
    /// </summary>
    private static async Task SeedAsync(DbConnection connection, bool sqlite, int size)
    {
        var converter = new DateTimeOffsetToBinaryConverter();
        object Time(DateTimeOffset t) => sqlite ? converter.ConvertToProvider(t)! : t;
        object Maybe(DateTimeOffset? t) => t is { } v ? Time(v) : DBNull.Value;
        var random = new Random(42);
        var start = Now - History;
        DateTimeOffset At() => start + TimeSpan.FromSeconds(random.NextDouble() * History.TotalSeconds);

        await using var tx = await connection.BeginTransactionAsync();
        Task Exec(string sql, params object[] values) => BenchDb.ExecAsync(connection, tx, sql, values);

        async Task Many(string sql, int columns, int count, Func<int, object[]> row)
        {
            await using var command = BenchDb.Command(connection, tx, sql, columns);
            for (var n = 1; n <= count; n++)
            {
                var values = row(n);
                for (var i = 0; i < columns; i++)
                {
                    command.Parameters[i].Value = values[i];
                }

                if (n == 1)
                {
                    // Once the first row's values give the parameters their types (PostgreSQL needs them).
                    await command.PrepareAsync();
                }

                await command.ExecuteNonQueryAsync();
            }
        }

        await Exec("""INSERT INTO "Tenants" ("Id", "Platform", "ExternalId", "TimeZone", "CreatedAt") VALUES (1, 'bench', 'bench', 'UTC', @p0)""", Time(start));
        await Exec("""INSERT INTO "People" ("Id", "TenantId", "DisplayName", "TimeZone", "CreatedAt") VALUES (1, 1, 'Bench', 'UTC', @p0)""", Time(start));
        await Many("""
            INSERT INTO "ConfigurationItems" ("Id", "TenantId", "Type", "Name", "Key", "Attributes", "CreatedAt", "UpdatedAt", "Version", "ThirdParty", "UptimeCommitment")
            VALUES (@p0, 1, @p1, @p2, @p2, '{}', @p3, @p3, 0, @p4, @p5)
            """, 6, Cis + Services, n => n <= Cis
            ? [n, "Asset", $"asset-{n}", Time(start), false, DBNull.Value]
            : [n, "Service", $"service-{n - Cis}", Time(start), false, 99.9]);
        await Many("""
            INSERT INTO "CiRelationships" ("TenantId", "SourceId", "Relation", "TargetId", "CreatedAt") VALUES (1, @p0, 'DependsOn', @p1, @p2)
            """, 3, Cis, n => [Cis + 1 + (n % Services), n, Time(start)]);
        await Many("""
            INSERT INTO "SlaTarget" ("TenantId", "ServiceId", "Severity", "AcknowledgeSeconds", "ResolveSeconds", "UpdatedAt") VALUES (1, @p0, NULL, 900, 14400, @p1)
            """, 2, Services, n => [Cis + n, Time(start)]);

        string[] detections = [nameof(Detection.Person), nameof(Detection.Alert), nameof(Detection.Synthetic), nameof(Detection.Customer)];
        var recent = Now.AddDays(-2);
        await Many("""
            INSERT INTO "Incidents" ("Id", "TenantId", "Number", "Title", "Severity", "State", "DetectedBy", "DeclaredAt", "DeclaredById",
                                     "AcknowledgedAt", "AcknowledgedById", "ResolvedAt", "ResolvedById", "Platform", "ChannelId", "Version")
            VALUES (@p0, 1, @p0, @p1, @p2, @p3, @p4, @p5, 1, @p6, 1, @p7, 1, 'bench', 'C1', 0)
            """, 8, size, n =>
        {
            var declared = At();
            var resolved = declared < recent ? declared.AddMinutes(10 + random.Next(600)) : (DateTimeOffset?)null;
            return [n, $"incident {n}", 1 + random.Next(4), resolved is null ? "Acknowledged" : "Resolved", detections[random.Next(4)], Time(declared), Time(declared.AddMinutes(1 + random.Next(60))), Maybe(resolved)];
        });
        await Many("""INSERT INTO "IncidentCi" ("IncidentId", "CiId", "TenantId") VALUES (@p0, @p1, 1)""", 2, size, n => [n, 1 + random.Next(Cis)]);
        string[] records = ["INC-1", "PRB-2", "CHG-3", "DRL-4"];
        await Many("""
            INSERT INTO "TimeEntry" ("TenantId", "PersonId", "StartedAt", "Seconds", "RecordKey", "CreatedAt") VALUES (1, 1, @p0, @p1, @p2, @p0)
            """, 3, size, n => [Time(At()), 60 * (5 + random.Next(240)), random.Next(5) is var r && r < 4 ? records[r] : DBNull.Value]);
        await Many("""
            INSERT INTO "Changes" ("TenantId", "Number", "Title", "Type", "Risk", "State", "WindowStart", "WindowEnd", "RequestedAt", "RequestedById",
                                   "ApprovalDeadline", "InFreeze", "SchemaChange", "CausedFailure", "ReleasedAt", "ReleasedById", "Outcome", "Platform", "ChannelId", "Version")
            VALUES (1, @p0, @p1, 'Normal', 'Low', 'Completed', @p2, @p2, @p2, 1, @p2, @p3, @p3, @p3, @p2, 1, @p4, 'bench', 'C1', 0)
            """, 5, Math.Max(1, size / 100), n => [n, $"change {n}", Time(At()), false, random.Next(10) == 0 ? "RolledBack" : "Succeeded"]);
        await tx.CommitAsync();
    }
}
