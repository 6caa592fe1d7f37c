using System.Diagnostics;
using System.Globalization;
using BakeryBot.Core.Cmdb;
using BakeryBot.Core.Data;
using BakeryBot.Core.Data.Outbox;
using BakeryBot.Core.Sla;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;

namespace BakeryBot.Benchmarks;

/// <summary>
/// <c>/cmdb impact</c> and <c>/sla chain</c> on a generated CMDB of N CIs and 3N relationships (SQLite
/// file, WAL), printing p50/p99 over repeated calls for a typical CI and for the worst case, a CI
/// that nearly everything depends on, and for the worst case right after a change to the graph (which
/// makes the walk load the graph again). Run: <c>dotnet run -c Release --project bench/BakeryBot.Benchmarks -- cmdb 10000 100000</c>.
/// </summary>
public static class CmdbGraphBench
{
    public static async Task RunAsync(IEnumerable<int> sizes)
    {
        Console.WriteLine("size (CIs / relationships) | query | p50 ms | p99 ms | max ms | CIs reached");
        foreach (var size in sizes)
        {
            var file = Path.Combine(Path.GetTempPath(), $"bakerybot-bench-{size}.db");
            BenchDb.DeleteSqlite(file);

            var options = new DbContextOptionsBuilder<SqliteBakeryDbContext>();
            DatabaseSetup.ConfigureSqlite(options, $"Data Source={file}");
            await using (var db = new SqliteBakeryDbContext(options.Options))
            {
                await DatabaseSetup.MigrateAsync(db, CancellationToken.None);
                await SeedAsync(file, size);
            }

            await using (var db = new SqliteBakeryDbContext(options.Options))
            {
                var graph = new CmdbGraph(db, new CmdbGraphCache());
                var cmdb = new CmdbService(db, graph, TimeProvider.System);
                var clocks = new SlaClocks(db, graph, new CardPublisher(db, TimeProvider.System), TimeProvider.System, Microsoft.Extensions.Logging.Abstractions.NullLogger<SlaClocks>.Instance);
                var sla = new SlaService(db, cmdb, graph, clocks, TimeProvider.System);
                // CI 1 is the root everything depends on (the worst case); a CI near the leaves has nothing above it.
                await Measure($"{size} / {size * 3}", "impact, a leaf CI", () => graph.ImpactAsync(1, [size - 10], CancellationToken.None).ContinueWith(t => t.Result.Count, TaskScheduler.Default));
                await Measure($"{size} / {size * 3}", "impact, worst case", () => graph.ImpactAsync(1, [1], CancellationToken.None).ContinueWith(t => t.Result.Count, TaskScheduler.Default));
                // The first walk after any change to the tenant's graph loads it again from the database.
                await Measure($"{size} / {size * 3}", "impact, worst case, first after a change (graph reloaded)", () => graph.ImpactAsync(1, [1], CancellationToken.None).ContinueWith(t => t.Result.Count, TaskScheduler.Default), runs: 5,
                    before: () => db.TouchCmdbGraphAsync(1, CancellationToken.None));
                await Measure($"{size} / {size * 3}", "sla chain, a leaf service (its chain is most of the CMDB)", () => sla.ChainAsync(1, "ci-" + (size - 50).ToString(CultureInfo.InvariantCulture), CancellationToken.None).ContinueWith(_ => 0, TaskScheduler.Default), runs: 5);
            }
        }
    }

    private static async Task Measure(string size, string name, Func<Task<int>> run, int runs = 30, Func<Task>? before = null)
    {
        var times = new List<double>(runs);
        var reached = 0;
        await run(); // warm up (and, for the impact walks, the first load of the graph)
        for (var i = 0; i < runs; i++)
        {
            if (before is not null)
            {
                await before();
            }

            var watch = Stopwatch.StartNew();
            reached = await run();
            times.Add(watch.Elapsed.TotalMilliseconds);
        }

        times.Sort();
        double At(double q) => times[Math.Min(times.Count - 1, (int)Math.Ceiling(q * times.Count) - 1)];
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{size} | {name} | {At(0.5):0.0} | {At(0.99):0.0} | {times[^1]:0.0} | {reached}"));
    }

    /// <summary>
    /// One tenant; CI i (i &gt; 1) depends on a CI with a smaller id (so everything reaches CI 1), plus
    /// two more random edges to smaller ids: 3 relationships per CI, a DAG with many diamonds.
    /// Every 50th CI is a service.
    /// </summary>
    private static async Task SeedAsync(string file, int size)
    {
        await using var connection = new SqliteConnection($"Data Source={file}");
        await connection.OpenAsync();
        await using var tx = (SqliteTransaction)await connection.BeginTransactionAsync();
        await Exec(connection, tx, """INSERT INTO "Tenants" ("Id", "Platform", "ExternalId", "TimeZone", "CreatedAt") VALUES (1, 'bench', 'bench', 'UTC', 0)""");
        using (var insert = connection.CreateCommand())
        {
            insert.Transaction = tx;
            insert.CommandText = """
                INSERT INTO "ConfigurationItems" ("Id", "TenantId", "Type", "Name", "Key", "Attributes", "CreatedAt", "UpdatedAt", "Version", "ThirdParty", "UptimeCommitment")
                VALUES ($id, 1, $type, $name, $name, '{}', 0, 0, 0, 0, 99.95)
                """;
            var id = insert.Parameters.Add("$id", SqliteType.Integer);
            var type = insert.Parameters.Add("$type", SqliteType.Text);
            var name = insert.Parameters.Add("$name", SqliteType.Text);
            for (var i = 1; i <= size; i++)
            {
                (id.Value, type.Value, name.Value) = (i, i % 50 == 0 ? "Service" : "Asset", "ci-" + i.ToString(CultureInfo.InvariantCulture));
                await insert.ExecuteNonQueryAsync();
            }
        }

        using (var link = connection.CreateCommand())
        {
            link.Transaction = tx;
            link.CommandText = """
                INSERT OR IGNORE INTO "CiRelationships" ("TenantId", "SourceId", "Relation", "TargetId", "CreatedAt")
                VALUES (1, $source, 'DependsOn', $target, 0)
                """;
            var source = link.Parameters.Add("$source", SqliteType.Integer);
            var target = link.Parameters.Add("$target", SqliteType.Integer);
            var random = new Random(42);
            for (var i = 2; i <= size; i++)
            {
                for (var k = 0; k < 3; k++)
                {
                    (source.Value, target.Value) = (i, k == 0 ? Math.Max(1, i / 2) : random.Next(1, i));
                    await link.ExecuteNonQueryAsync();
                }
            }
        }

        await tx.CommitAsync();
    }

    private static async Task Exec(SqliteConnection connection, SqliteTransaction tx, string sql)
    {
        using var command = connection.CreateCommand();
        command.Transaction = tx;
        command.CommandText = sql;
        await command.ExecuteNonQueryAsync();
    }
}
