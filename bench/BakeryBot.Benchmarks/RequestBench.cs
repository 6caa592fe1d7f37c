using System.Data.Common;
using System.Diagnostics;
using System.Globalization;
using BakeryBot.Core.Chat;
using BakeryBot.Core.Data;
using BakeryBot.Core.People;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.EntityFrameworkCore.Storage.ValueConversion;
using Microsoft.Extensions.DependencyInjection;

namespace BakeryBot.Benchmarks;

/// <summary>
/// What one request costs the bot once it is past HTTP and the signature: <see cref="CommandRouter.HandleAsync"/>
/// in-process, one request after another on a SQLite file (WAL), with the database already holding N
/// incidents of the workspace. Per request: the median and mean time, the bytes allocated (which do
/// not vary from run to run, unlike time on a shared machine), and the SQL statements sent.
/// Outbox rows are written, not delivered (nothing posts them here). Each request carries a delivery id, as from Slack and Teams.
/// Run: <c>dotnet run -c Release --project bench/BakeryBot.Benchmarks -- request 0 10000 100000</c>.
/// </summary>
public static class RequestBench
{
    private static readonly DateTimeOffset Now = new(2026, 11, 30, 9, 0, 0, TimeSpan.Zero);

    private const int Requests = 3_000;

    private const int Warmup = 1_000;

    /// <summary>CAB members of the workspace, and the quorum of its medium-risk changes: every 20th click decides a change.</summary>
    private const int Members = 20;

    private static readonly ChatRequest Sender = new() { Platform = "bench", TenantId = "T1", ChannelId = "C1", UserId = "U1", UserName = "Person 1" };

    /// <summary>What is measured: a name and the request numbered n (titles differ; clicks go change by change, member by member).</summary>
    private static readonly (string Name, Func<int, ChatRequest> Request)[] Kinds =
    [
        ("/incident help", _ => Sender with { Command = "incident", Text = "help" }),
        ("/incident list", _ => Sender with { Command = "incident", Text = "list" }),
        ("/incident <title> sev2", n => Sender with { Command = "incident", Text = $"oven {n} is burning the cookies sev2" }),
        ("CAB approve click", n => Sender with
        {
            UserId = $"M{n / Changes}",
            UserName = $"Member {n / Changes}",
            ChannelId = "CHANGES",
            ActionId = "change.approve",
            ActionValue = $"CHG-{(n % Changes) + 1}",
        }),
    ];

    /// <summary>Pending changes, enough for every click to be a new vote.</summary>
    private const int Changes = (Requests + Warmup) / Members;

    public static async Task RunAsync(IReadOnlyList<int> sizes, IReadOnlyList<string> only, bool statements)
    {
        Console.WriteLine("request | incidents before | p50 µs | mean µs | allocated KB | statements | requests");
        // A first pass, not printed, so that the first size does not pay for JIT compiling and tiering up.
        await MeasureAsync(0, only, print: false, statements: false);
        foreach (var size in sizes)
        {
            await MeasureAsync(size, only, print: true, statements);
        }
    }

    private static int passes;

    private static async Task MeasureAsync(int size, IReadOnlyList<string> only, bool print, bool statements)
    {
        var file = Path.Combine(Path.GetTempPath(), $"bakerybot-request-{++passes}-{size}.db");
        BenchDb.DeleteSqlite(file);
        var counter = new StatementCount();
        await using var provided = BenchDb.Services(Now, DatabaseOptions.Sqlite, $"Data Source={file}", services =>
        {
            services.Configure<SecurityOptions>(o => o.Admins = ["bench:T1/U1"]);
            services.ConfigureDbContext<SqliteBakeryDbContext>((_, o) => o.AddInterceptors(counter));
        });
        await using (var scope = provided.CreateAsyncScope())
        {
            await DatabaseSetup.MigrateAsync(scope.ServiceProvider.GetRequiredService<BakeryDbContext>(), CancellationToken.None);
        }

        var router = provided.GetRequiredService<CommandRouter>();
        // The workspace and its person exist before anything is measured, then the incidents of its history.
        await router.HandleAsync(Sender with { Command = "incident", Text = "help" }, CancellationToken.None);
        await FillAsync(provided, size);

        foreach (var (name, request) in Kinds.Where(k => only.Count == 0 || only.Any(o => k.Name.Contains(o, StringComparison.Ordinal))))
        {
            if (name.StartsWith("CAB", StringComparison.Ordinal))
            {
                await SetUpChangesAsync(router);
            }

            var times = new List<double>(Requests);
            long bytes = 0;
            long sent = 0;
            // Warm: the first thousand are not counted.
            for (var run = -Warmup; run < Requests; run++)
            {
                // Every Slack and Teams request carries a delivery id, checked and stored so that a retry has no second effect.
                var next = request(run + Warmup) with { DeliveryId = $"{name}#{run + Warmup}" };
                var allocated = GC.GetTotalAllocatedBytes(precise: false);
                var before = counter.Count;
                var watch = Stopwatch.StartNew();
                // The last request's SQL, when asked for: what a request of this kind sends.
                counter.Texts = statements && run == Requests - 1 ? [] : null;
                var reply = await router.HandleAsync(next, CancellationToken.None);
                var elapsed = watch.Elapsed.TotalMicroseconds;
                // A counted click answers nothing but the re-rendered card; a request seen before answers nothing at all.
                if (reply.Kind is ReplyKind.Error or ReplyKind.Warning || (reply.Kind == ReplyKind.None && reply.UpdatedCard is null))
                {
                    throw new InvalidOperationException($"{name} answered {reply.Kind}: {reply.Text}");
                }

                if (run >= 0)
                {
                    times.Add(elapsed);
                    bytes += GC.GetTotalAllocatedBytes(precise: false) - allocated;
                    sent += counter.Count - before;
                }
            }

            times.Sort();
            if (print)
            {
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"{name} | {size:N0} | {times[times.Count / 2]:0} | {times.Average():0} | {bytes / 1024.0 / times.Count:0.0} | {(double)sent / times.Count:0.##} | {times.Count:N0}"));
            }

            foreach (var (text, at) in counter.Texts?.Select((t, i) => (t, i + 1)) ?? [])
            {
                Console.WriteLine($"  {at}. {text.ReplaceLineEndings(" ")}");
            }

            counter.Texts = null;
        }

        SqliteConnection.ClearAllPools();
        BenchDb.DeleteSqlite(file);
    }

    /// <summary>The CAB (an admin grants each member the role), its quorum, a CI, and the pending changes, in windows that do not overlap.</summary>
    private static async Task SetUpChangesAsync(CommandRouter router)
    {
        var lines = Enumerable.Range(0, Members).Select(m => ("bakery", $"role add <@M{m}> cab")).ToList();
        lines.Add(("change", $"cab quorum medium {Members}"));
        lines.Add(("cmdb", "add asset oven-2"));
        lines.AddRange(Enumerable.Range(1, Changes).Select(c => ("change",
            $"request replace thermostat {c} ci:oven-2 window:\"{Now.AddDays(2 + c):yyyy-MM-dd}T22:00+2h\" risk:medium rollback:\"refit the old one\"")));
        foreach (var (command, text) in lines)
        {
            var reply = await router.HandleAsync(Sender with { ChannelId = "CHANGES", Command = command, Text = text }, CancellationToken.None);
            if (reply.Kind is ReplyKind.Error or ReplyKind.Warning)
            {
                throw new InvalidOperationException($"/{command} {text} answered {reply.Kind}: {reply.Text}");
            }
        }
    }

    /// <summary>N closed incidents of the workspace, written directly, with the record counter set past them.</summary>
    private static async Task FillAsync(IServiceProvider provided, int size)
    {
        if (size == 0)
        {
            return;
        }

        await using var scope = provided.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<BakeryDbContext>();
        var connection = db.Database.GetDbConnection();
        await connection.OpenAsync();
        var at = new DateTimeOffsetToBinaryConverter().ConvertToProvider(Now.AddDays(-400))!;
        await using (var tx = await connection.BeginTransactionAsync())
        {
            await using var incident = BenchDb.Command(connection, tx, """
                INSERT INTO "Incidents" ("TenantId", "Number", "Title", "Severity", "State", "DetectedBy", "DeclaredAt", "DeclaredById", "Platform", "ChannelId", "ResolvedAt", "ClosedAt", "Version")
                SELECT "TenantId", @p0, @p1, 3, 'Closed', 'Person', @p2, "Id", 'bench', 'C1', @p2, @p2, 1 FROM "People" LIMIT 1
                """, 3);
            for (var n = 1; n <= size; n++)
            {
                await BenchDb.RunAsync(incident, n, $"history {n}", at);
            }

            await BenchDb.ExecAsync(connection, tx, """INSERT INTO "RecordCounters" ("TenantId", "Kind", "Last") SELECT "TenantId", 'INC', @p0 FROM "People" LIMIT 1""", size);
            await tx.CommitAsync();
        }

        // No ANALYZE: the bot never runs it, so its planner goes without statistics, as here.
        await db.Database.ExecuteSqlRawAsync("PRAGMA wal_checkpoint(TRUNCATE)");
    }

    /// <summary>Counts the statements EF Core sends, and keeps their text when given a list.</summary>
    private sealed class StatementCount : DbCommandInterceptor
    {
        private long count;

        public long Count => Interlocked.Read(ref count);

        public List<string>? Texts { get; set; }

        private void Seen(DbCommand command)
        {
            Interlocked.Increment(ref count);
            Texts?.Add(command.CommandText);
        }

        public override ValueTask<InterceptionResult<DbDataReader>> ReaderExecutingAsync(DbCommand command, CommandEventData eventData, InterceptionResult<DbDataReader> result, CancellationToken cancellationToken = default)
        {
            Seen(command);
            return ValueTask.FromResult(result);
        }

        public override ValueTask<InterceptionResult<int>> NonQueryExecutingAsync(DbCommand command, CommandEventData eventData, InterceptionResult<int> result, CancellationToken cancellationToken = default)
        {
            Seen(command);
            return ValueTask.FromResult(result);
        }

        public override ValueTask<InterceptionResult<object>> ScalarExecutingAsync(DbCommand command, CommandEventData eventData, InterceptionResult<object> result, CancellationToken cancellationToken = default)
        {
            Seen(command);
            return ValueTask.FromResult(result);
        }
    }
}
