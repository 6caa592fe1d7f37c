using System.Data.Common;
using BakeryBot.Core.Chat;
using BakeryBot.Core.Data;
using BakeryBot.Core.Drills;
using BakeryBot.Core.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.Extensions.DependencyInjection;

namespace BakeryBot.Core.Tests.Drills;

/// <summary>
/// Two instances act on one drill at the same moment: the first has read the drill and is about to
/// write when the second does the whole of its own step. One of them wins; the other is told why and
/// changes nothing. On each database.
/// </summary>
public abstract class DrillRaceTests(DbProvider provider)
{
    [SkippableFact]
    public async Task Two_finishes_at_once_finish_the_run_once_and_the_second_is_told()
    {
        await using var app = await DrillTests.DrillAsync(provider);
        await app.SendAsync("drill", "start DRL-1");
        app.Clock.Advance(TimeSpan.FromHours(1));

        var (late, first) = await InterleavedAsync(
            app,
            hooked => hooked.SendAsync("drill", "finish DRL-1 fail the generator did not start", user: "bob"),
            () => app.SendAsync("drill", "finish DRL-1 pass rto-achieved:1h rpo-achieved:0 the key was missing", user: "admin"));

        Assert.StartsWith("DRL-1 run 1 finished: ✅ passed", first.Text, StringComparison.Ordinal);
        Assert.Equal(ReplyKind.Warning, late.Kind);
        Assert.StartsWith("DRL-1 run 1 was finished by Admin at the same moment; nothing changed.", late.Text, StringComparison.Ordinal);
        var run = await app.QueryAsync(db => db.DrillRuns.Include(r => r.Timeline).Include(r => r.Findings).SingleAsync());
        Assert.Equal(DrillResult.Pass, run.Result);
        Assert.Single(run.Timeline, e => e.Kind == "finished");
        Assert.Equal(["1. the key was missing"], run.Findings.Select(f => $"{f.Number}. {f.Text}"));
    }

    [SkippableFact]
    public async Task A_start_at_the_moment_the_drill_is_retired_starts_no_run()
    {
        await using var app = await DrillTests.DrillAsync(provider);

        var (start, retire) = await InterleavedAsync(
            app,
            hooked => hooked.SendAsync("drill", "start DRL-1", user: "dave"),
            () => app.SendAsync("drill", "retire DRL-1", user: "bob"));

        Assert.Equal("DRL-1 is retired: it is no longer due or reminded.", retire.Text);
        Assert.Equal(ReplyKind.Warning, start.Kind);
        Assert.StartsWith("DRL-1 was retired at the same moment, so it is not run any more; nothing changed.", start.Text, StringComparison.Ordinal);
        Assert.Equal(0, await app.QueryAsync(db => db.DrillRuns.CountAsync()));
        Assert.Equal(DrillState.Retired, await app.QueryAsync(db => db.Drills.Select(d => d.State).SingleAsync()));
    }

    [SkippableFact]
    public async Task A_retire_at_the_moment_a_run_starts_leaves_the_drill_active()
    {
        await using var app = await DrillTests.DrillAsync(provider);

        var (retire, start) = await InterleavedAsync(
            app,
            hooked => hooked.SendAsync("drill", "retire DRL-1", user: "bob"),
            () => app.SendAsync("drill", "start DRL-1", user: "dave"));

        Assert.StartsWith("DRL-1 run 1 started.", start.Text, StringComparison.Ordinal);
        Assert.Equal(ReplyKind.Warning, retire.Kind);
        Assert.StartsWith("DRL-1 run 1 was started by Dave at the same moment: finish it first (`/drill finish DRL-1 pass|fail ...`); nothing changed.", retire.Text, StringComparison.Ordinal);
        Assert.Equal(DrillState.Active, await app.QueryAsync(db => db.Drills.Select(d => d.State).SingleAsync()));
        Assert.Equal(1, await app.QueryAsync(db => db.DrillRuns.CountAsync(r => r.FinishedAt == null)));
    }

    [SkippableFact]
    public async Task Two_starts_at_once_start_one_run_and_the_second_is_told_whose()
    {
        await using var app = await DrillTests.DrillAsync(provider);

        var (late, first) = await InterleavedAsync(
            app,
            hooked => hooked.SendAsync("drill", "start DRL-1", user: "erin"),
            () => app.SendAsync("drill", "start DRL-1", user: "dave"));

        Assert.StartsWith("DRL-1 run 1 started.", first.Text, StringComparison.Ordinal);
        Assert.Equal(ReplyKind.Warning, late.Kind);
        Assert.StartsWith("DRL-1 run 1 was started by Dave at the same moment; nothing changed.", late.Text, StringComparison.Ordinal);
        Assert.Equal(1, await app.QueryAsync(db => db.DrillRuns.CountAsync()));
    }

    /// <summary>
    /// Runs <paramref name="slow"/> in another instance on the same database; once it has read the drill
    /// and is about to begin writing, <paramref name="fast"/> runs to its end. Both answers, slow first.
    /// </summary>
    private async Task<(ChatReply Slow, ChatReply Fast)> InterleavedAsync(CoreTestApp app, Func<CoreTestApp, Task<ChatReply>> slow, Func<Task<ChatReply>> fast)
    {
        ChatReply? fastReply = null;
        var hook = new BeforeDrillTransaction(async () => fastReply = await fast());
        await using var hooked = app.AnotherInstanceWithTransactionHook(hook);
        hooked.Clock.SetUtcNow(app.Clock.GetUtcNow());

        var slowReply = await slow(hooked);

        Assert.NotNull(fastReply);
        return (slowReply, fastReply);
    }

    /// <summary>Runs an action once, when a unit of work that has read a drill begins a transaction.</summary>
    private sealed class BeforeDrillTransaction(Func<Task> action) : DbTransactionInterceptor
    {
        private Func<Task>? _action = action;

        public override async ValueTask<InterceptionResult<DbTransaction>> TransactionStartingAsync(
            DbConnection connection, TransactionStartingEventData eventData, InterceptionResult<DbTransaction> result, CancellationToken cancellationToken = default)
        {
            if (eventData.Context?.ChangeTracker.Entries<ContinuityDrill>().Any() == true && Interlocked.Exchange(ref _action, null) is { } action)
            {
                await action();
            }

            return result;
        }
    }
}

public sealed class SqliteDrillRaceTests() : DrillRaceTests(DbProvider.Sqlite);

public sealed class PostgresDrillRaceTests() : DrillRaceTests(DbProvider.Postgres);
