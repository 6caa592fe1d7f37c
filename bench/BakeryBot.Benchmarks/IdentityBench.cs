using System.Data.Common;
using System.Diagnostics;
using System.Globalization;
using BakeryBot.Core.Chat;
using BakeryBot.Core.Data;
using BakeryBot.Core.People;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage.ValueConversion;
using Microsoft.Extensions.DependencyInjection;

namespace BakeryBot.Benchmarks;

/// <summary>
/// Who sends a request (<see cref="IdentityService.ResolveAsync"/>, the first thing every request does):
/// a known person of a workspace of N people (each with two ids; every tenth with a role), in a second
/// workspace of the same size, on a SQLite file (WAL). The median and 99th percentile of many warm
/// lookups of people picked at random, each in a unit of work of its own, at each size given.
/// Run: <c>dotnet run -c Release --project bench/BakeryBot.Benchmarks -- identity 100 10000 100000</c>.
/// </summary>
public static class IdentityBench
{
    private static readonly DateTimeOffset Now = new(2026, 11, 30, 9, 0, 0, TimeSpan.Zero);

    private const int Lookups = 2_000;

    public static async Task RunAsync(IReadOnlyList<int> sizes)
    {
        Console.WriteLine("people in the workspace | lookup p50 µs | p99 µs | lookups");
        // A first pass, not printed, so that the first size does not pay for JIT compiling and tiering up.
        await MeasureAsync(100, print: false);
        foreach (var size in sizes)
        {
            await MeasureAsync(size, print: true);
        }
    }

    private static async Task MeasureAsync(int size, bool print)
    {
        var file = Path.Combine(Path.GetTempPath(), $"bakerybot-identity-{size}{(print ? "" : "-warm")}.db");
        BenchDb.DeleteSqlite(file);
        await using var provided = BenchDb.Services(Now, DatabaseOptions.Sqlite, $"Data Source={file}");
        await FillAsync(provided, size);

        var random = new Random(7);
        var times = new List<double>(Lookups);
        // Warm: the first thousand lookups are not counted.
        for (var run = -1_000; run < Lookups; run++)
        {
            var n = random.Next(1, size + 1);
            var request = new ChatRequest { Platform = "bench", TenantId = "T2", ChannelId = "C1", UserId = $"U{n}", UserName = $"Person {n}" };
            await using var scope = provided.CreateAsyncScope();
            var watch = Stopwatch.StartNew();
            var identity = await scope.ServiceProvider.GetRequiredService<IdentityService>().ResolveAsync(request, CancellationToken.None);
            var elapsed = watch.Elapsed.TotalMicroseconds;
            if (identity.IsNewPerson || identity.Person.DisplayName != $"Person {n}" || identity.Roles.Contains(Roles.Cab) != (n % 10 == 0))
            {
                throw new InvalidOperationException($"U{n} resolved to {identity.Person.DisplayName} with {string.Join(",", identity.Roles)}.");
            }

            if (run >= 0)
            {
                times.Add(elapsed);
            }
        }

        times.Sort();
        if (!print)
        {
            return;
        }

        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{size:N0} | {times[times.Count / 2]:0} | {times[times.Count * 99 / 100]:0} | {times.Count:N0}"));
    }

    private static async Task FillAsync(IServiceProvider provided, int size)
    {
        await using var scope = provided.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<BakeryDbContext>();
        await DatabaseSetup.MigrateAsync(db, CancellationToken.None);
        var connection = db.Database.GetDbConnection();
        await connection.OpenAsync();
        var at = new DateTimeOffsetToBinaryConverter().ConvertToProvider(Now)!;
        await using (var tx = await connection.BeginTransactionAsync())
        {
            // Two workspaces with the same people's ids, so that a lookup must keep to its own.
            for (var tenant = 1; tenant <= 2; tenant++)
            {
                await BenchDb.ExecAsync(connection, tx, """INSERT INTO "Tenants" ("Id", "Platform", "ExternalId", "TimeZone", "CreatedAt") VALUES (@p0, 'bench', @p1, 'UTC', @p2)""", tenant, $"T{tenant}", at);
                await using var person = BenchDb.Command(connection, tx, """INSERT INTO "People" ("Id", "TenantId", "DisplayName", "TimeZone", "CreatedAt") VALUES (@p0, @p1, @p2, 'UTC', @p3)""", 4);
                await using var id = BenchDb.Command(connection, tx, """INSERT INTO "PersonIdentities" ("TenantId", "PersonId", "Platform", "ExternalId") VALUES (@p0, @p1, 'bench', @p2)""", 3);
                await using var role = BenchDb.Command(connection, tx, """INSERT INTO "RoleAssignments" ("TenantId", "PersonId", "Role", "GrantedAt") VALUES (@p0, @p1, 'cab', @p2)""", 3);
                for (var n = 1; n <= size; n++)
                {
                    var personId = ((tenant - 1) * size) + n;
                    await BenchDb.RunAsync(person, personId, tenant, $"Person {n}", at);
                    await BenchDb.RunAsync(id, tenant, personId, $"U{n}");
                    await BenchDb.RunAsync(id, tenant, personId, $"A{n}");
                    if (n % 10 == 0)
                    {
                        await BenchDb.RunAsync(role, tenant, personId, at);
                    }
                }
            }

            await tx.CommitAsync();
        }

        await db.Database.ExecuteSqlRawAsync("ANALYZE");
        await db.Database.ExecuteSqlRawAsync("PRAGMA wal_checkpoint(TRUNCATE)");
    }
}
