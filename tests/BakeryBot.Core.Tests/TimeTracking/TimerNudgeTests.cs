using BakeryBot.Core.Chat;
using BakeryBot.Core.Data.Outbox;
using BakeryBot.Core.Tests.Infrastructure;
using BakeryBot.Core.TimeTracking;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace BakeryBot.Core.Tests.TimeTracking;

/// <summary>Timers left running: nudged once a work day by direct message, answered with Stop or Keep. On each database.</summary>
public abstract class TimerNudgeTests(DbProvider provider)
{
    private static readonly TimeSpan Hour = TimeSpan.FromHours(1);

    /// <summary>Thu 26 Nov 09:00 UTC: Alice starts a timer on INC-1 (burnt-cookie).</summary>
    private static async Task<CoreTestApp> RunningAsync(DbProvider provider, Action<IServiceCollection>? configure = null)
    {
        var app = await CoreTestApp.CreateAsync(provider, configure);
        await app.SendAsync("incident", "burnt-cookie");
        await app.SendAsync("timer", "start INC-1");
        return app;
    }

    private static async Task<IReadOnlyList<int>> NudgeAsync(CoreTestApp app)
    {
        await using var scope = app.Services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<TimerReminders>().NudgeAsync(CancellationToken.None);
    }

    private static Task<int> TimerIdAsync(CoreTestApp app) =>
        app.QueryAsync(db => db.Set<BakeryBot.Core.TimeTracking.Timer>().Select(t => t.Id).SingleAsync());

    private static Task<List<OutboxMessage>> DirectsAsync(CoreTestApp app) =>
        app.QueryAsync(db => db.Outbox.Include(o => o.PostedCard).Where(o => o.Kind == OutboxKind.Direct).OrderBy(o => o.Id).ToListAsync());

    private static Task<List<OutboxMessage>> UpdatesAsync(CoreTestApp app) =>
        app.QueryAsync(db => db.Outbox.Include(o => o.PostedCard).Where(o => o.Kind == OutboxKind.Update && o.PostedCard!.RecordType == TimerReminders.NudgeRecordType).OrderBy(o => o.Id).ToListAsync());

    /// <summary>Everything a click on a nudge may change.</summary>
    private static async Task<string> StateAsync(CoreTestApp app) =>
        await app.SnapshotAsync() + await app.QueryAsync(async db =>
            $" timers={string.Join(",", await db.Set<BakeryBot.Core.TimeTracking.Timer>().OrderBy(t => t.Id).Select(t => $"{t.Id}:{t.KeptAt}:{t.NudgedAt}").ToListAsync())}" +
            $" entries={await db.Set<TimeEntry>().CountAsync()}");

    [SkippableFact]
    public async Task A_timer_is_nudged_once_when_it_has_run_a_work_day_and_again_only_after_another()
    {
        await using var app = await RunningAsync(provider);
        var id = await TimerIdAsync(app);

        app.Clock.Advance(8 * Hour - TimeSpan.FromMinutes(1)); // 16:59
        var early = await NudgeAsync(app);
        app.Clock.Advance(TimeSpan.FromMinutes(1)); // 17:00
        var due = await NudgeAsync(app);
        var again = await NudgeAsync(app);
        app.Clock.Advance(Hour); // 18:00
        var anHourLater = await NudgeAsync(app);
        await using var other = app.AnotherInstance(); // another instance, or after a restart
        other.Clock.SetUtcNow(app.Clock.GetUtcNow());
        var elsewhere = await NudgeAsync(other);
        app.Clock.Advance(7 * Hour); // Fri 01:00: a work day after the unanswered nudge
        var nextDay = await NudgeAsync(app);

        Assert.Equal(["", id.ToString(), "", "", "", id.ToString()], new[] { early, due, again, anHourLater, elsewhere, nextDay }.Select(r => string.Join(",", r)));
        var directs = await DirectsAsync(app);
        Assert.Equal(2, directs.Count);
        var first = directs[0];
        Assert.Equal(("test", "alice", "alice"), (first.Platform, first.ChannelId, first.UserId));
        Assert.Equal("⏰ Your timer on INC-1 has run 8 hours. Still on it? Stop logs the time; Keep leaves it running.", first.Text);
        Assert.Equal((TimerReminders.NudgeRecordType, id.ToString()), (first.PostedCard!.RecordType, first.PostedCard.RecordKey));
        var card = ChatJson.Deserialize(first.CardJson!);
        Assert.Equal("⏱ Still on INC-1?", card.Title);
        Assert.Equal("Your timer on INC-1 has run 8 hours, since Thu 26 Nov 09:00.", Assert.IsType<TextSection>(card.Sections[0]).Text);
        Assert.Equal([("Stop", TimerCommands.StopAction, id.ToString()), ("Keep", TimerCommands.KeepAction, id.ToString())], card.Buttons.Select(b => (b.Text, b.ActionId, b.Value)));
        Assert.StartsWith("⏰ Your timer on INC-1 has run 16 hours.", directs[1].Text, StringComparison.Ordinal);
    }

    [SkippableFact]
    public async Task Keep_leaves_it_running_and_the_next_nudge_waits_a_work_day_from_then()
    {
        await using var app = await RunningAsync(provider);
        var id = (await TimerIdAsync(app)).ToString();
        app.Clock.Advance(8 * Hour);
        await NudgeAsync(app); // 17:00
        app.Clock.Advance(Hour);

        var kept = await app.ClickAsync(TimerCommands.KeepAction, id); // 18:00
        var before = await StateAsync(app);
        var twice = await app.ClickAsync(TimerCommands.KeepAction, id);
        var unchanged = await StateAsync(app);
        app.Clock.Advance(7 * Hour); // Fri 01:00: a work day after the nudge, not after Keep
        var tooSoon = await NudgeAsync(app);
        app.Clock.Advance(Hour); // 02:00
        var due = await NudgeAsync(app);

        Assert.Equal(ReplyKind.None, kept.Kind);
        Assert.Equal("⏱ Still on INC-1", kept.UpdatedCard!.Title);
        Assert.Equal("Kept at Thu 26 Nov 18:00; you'll be asked again after another work day, around Fri 27 Nov 02:00.", Assert.IsType<ContextSection>(kept.UpdatedCard.Sections[1]).Text);
        Assert.Equal(["Stop"], kept.UpdatedCard.Buttons.Select(b => b.Text));
        var update = Assert.Single(await UpdatesAsync(app));
        Assert.Equal("⏱ Your timer on INC-1 keeps running.", update.Text);
        Assert.Equal(ChatJson.Serialize(kept.UpdatedCard), update.CardJson);
        Assert.Equal((ReplyKind.Private, "You kept this timer running already (Thu 26 Nov 18:00); nothing changed."), (twice.Kind, twice.Text));
        Assert.Equal(before, unchanged);
        Assert.Empty(tooSoon);
        Assert.Single(due);
        Assert.Equal(0, await app.QueryAsync(db => db.Set<TimeEntry>().CountAsync()));
        Assert.Equal(1, await app.QueryAsync(db => db.AuditEntries.CountAsync(a => a.RecordType == "timer" && a.Action == "updated" && a.Changes.Contains("KeptAt"))));
    }

    [SkippableFact]
    public async Task Stop_logs_the_time_the_card_shows_what_was_logged_and_a_second_click_changes_nothing()
    {
        await using var app = await RunningAsync(provider);
        var id = (await TimerIdAsync(app)).ToString();
        app.Clock.Advance(8 * Hour);
        await NudgeAsync(app);
        app.Clock.Advance(Hour);

        var stopped = await app.ClickAsync(TimerCommands.StopAction, id); // 18:00
        var before = await StateAsync(app);
        var twice = await app.ClickAsync(TimerCommands.StopAction, id);
        var keepAfter = await app.ClickAsync(TimerCommands.KeepAction, id);

        Assert.Equal(ReplyKind.None, stopped.Kind);
        Assert.Equal("⏱ Timer stopped: INC-1", stopped.UpdatedCard!.Title);
        Assert.Equal("Logged 9 hours on INC-1.", Assert.IsType<TextSection>(stopped.UpdatedCard.Sections[0]).Text);
        Assert.Equal("From Thu 26 Nov 09:00 to Thu 26 Nov 18:00.", Assert.IsType<ContextSection>(stopped.UpdatedCard.Sections[1]).Text);
        Assert.Empty(stopped.UpdatedCard.Buttons);
        var entry = await app.QueryAsync(db => db.Set<TimeEntry>().SingleAsync());
        Assert.Equal((9L * 3600, "INC-1", CoreTestApp.Start), (entry.Seconds, entry.RecordKey, entry.StartedAt));
        Assert.Equal(0, await app.QueryAsync(db => db.Set<BakeryBot.Core.TimeTracking.Timer>().CountAsync()));
        var update = Assert.Single(await UpdatesAsync(app));
        Assert.Equal("⏱ Timer stopped. Logged 9 hours on INC-1.", update.Text);
        Assert.Equal(ChatJson.Serialize(stopped.UpdatedCard), update.CardJson);
        const string gone = "That timer is not running any more (it was stopped, or another timer replaced it); nothing changed.";
        Assert.Equal((ReplyKind.Private, gone, (Card?)null), (twice.Kind, twice.Text, twice.UpdatedCard));
        Assert.Equal((ReplyKind.Private, gone), (keepAfter.Kind, keepAfter.Text));
        Assert.Equal(before, await StateAsync(app));
    }

    [SkippableFact]
    public async Task Only_the_timers_owner_can_stop_or_keep_it()
    {
        await using var app = await RunningAsync(provider);
        var id = (await TimerIdAsync(app)).ToString();
        app.Clock.Advance(8 * Hour);
        await NudgeAsync(app);
        await app.SendAsync("bakery", "whoami", user: "bob");
        await app.SendAsync("bakery", "whoami", user: "alice", tenant: "T2");
        var before = await StateAsync(app);

        var stop = await app.ClickAsync(TimerCommands.StopAction, id, user: "bob");
        var keep = await app.ClickAsync(TimerCommands.KeepAction, id, user: "bob");
        var otherTenant = await app.ClickAsync(TimerCommands.StopAction, id, user: "alice", tenant: "T2");
        var notATimer = await app.ClickAsync(TimerCommands.StopAction, "INC-1");

        Assert.Equal((ReplyKind.Warning, "That is Alice's timer: only they can stop or keep it."), (stop.Kind, stop.Text));
        Assert.Equal((ReplyKind.Warning, "That is Alice's timer: only they can stop or keep it."), (keep.Kind, keep.Text));
        Assert.StartsWith("That timer is not running any more", otherTenant.Text, StringComparison.Ordinal);
        Assert.Equal(ReplyKind.Warning, notATimer.Kind);
        Assert.Equal(before, await StateAsync(app));
    }

    [SkippableFact]
    public async Task A_timer_replaced_by_another_is_not_stopped_by_its_old_nudge()
    {
        await using var app = await RunningAsync(provider);
        var id = (await TimerIdAsync(app)).ToString();
        app.Clock.Advance(8 * Hour);
        await NudgeAsync(app);
        await app.SendAsync("timer", "start oven maintenance");

        var stop = await app.ClickAsync(TimerCommands.StopAction, id);

        Assert.StartsWith("That timer is not running any more", stop.Text, StringComparison.Ordinal);
        var running = await app.QueryAsync(db => db.Set<BakeryBot.Core.TimeTracking.Timer>().SingleAsync());
        Assert.Equal("oven maintenance", running.Text);
        Assert.Equal(1, await app.QueryAsync(db => db.Set<TimeEntry>().CountAsync()));
        // The old nudge shows what was logged when the new timer replaced it, not buttons that do nothing.
        var update = Assert.Single(await UpdatesAsync(app));
        Assert.Equal("⏱ Timer stopped. Logged 8 hours on INC-1.", update.Text);
        Assert.Empty(ChatJson.Deserialize(update.CardJson!).Buttons);
    }

    [SkippableFact]
    public async Task Stopping_one_timer_by_its_id_leaves_the_timer_that_replaced_it_running()
    {
        await using var app = await RunningAsync(provider);
        var old = await TimerIdAsync(app);
        await app.SendAsync("timer", "start oven maintenance"); // replaces it, as a click on its nudge is on its way
        var before = await StateAsync(app);

        await using var scope = app.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<BakeryBot.Core.Data.BakeryDbContext>();
        var alice = await db.People.SingleAsync(p => p.DisplayName == "Alice");
        var tenant = await db.Tenants.SingleAsync(t => t.Id == alice.TenantId);
        var stopped = await scope.ServiceProvider.GetRequiredService<TimerService>().StopAsync(tenant, alice, null, CancellationToken.None, old);

        Assert.Null(stopped);
        Assert.Equal(before, await StateAsync(app));
    }

    [SkippableFact]
    public async Task Stopping_with_the_command_turns_the_nudge_into_what_was_logged()
    {
        await using var app = await RunningAsync(provider);
        app.Clock.Advance(8 * Hour);
        await NudgeAsync(app);
        app.Clock.Advance(TimeSpan.FromMinutes(30));

        await app.SendAsync("timer", "stop fixed the thermostat");

        var update = Assert.Single(await UpdatesAsync(app));
        Assert.Equal("⏱ Timer stopped. Logged 8 hours, 30 minutes on INC-1 (fixed the thermostat).", update.Text);
        var card = ChatJson.Deserialize(update.CardJson!);
        Assert.Equal("⏱ Timer stopped: INC-1 (fixed the thermostat)", card.Title);
        Assert.Equal("From Thu 26 Nov 09:00 to Thu 26 Nov 17:30.", Assert.IsType<ContextSection>(card.Sections[1]).Text);
        Assert.Empty(card.Buttons);
        Assert.Equal(update.PostedCardId, Assert.Single(await DirectsAsync(app)).PostedCardId);
    }

    [SkippableFact]
    public async Task Runs_at_the_same_moment_in_two_instances_nudge_once()
    {
        await using var app = await RunningAsync(provider);
        await app.SendAsync("timer", "start oven maintenance", user: "bob");
        await using var other = app.AnotherInstance();
        app.Clock.Advance(8 * Hour);
        other.Clock.SetUtcNow(app.Clock.GetUtcNow());

        var runs = await Task.WhenAll(Enumerable.Range(0, 6).Select(async i =>
        {
            try
            {
                return await NudgeAsync(i % 2 == 0 ? app : other);
            }
            catch (Microsoft.Data.Sqlite.SqliteException) when (provider == DbProvider.Sqlite)
            {
                // SQLite has one writer: a run that lost the race fails, and the next run finds what it left.
                return [];
            }
        }));
        var after = await NudgeAsync(app);

        var nudged = runs.SelectMany(r => r).Concat(after).ToList();
        Assert.Equal(2, nudged.Count);
        Assert.Equal(2, nudged.Distinct().Count());
        Assert.Equal(["alice", "bob"], (await DirectsAsync(app)).Select(d => d.UserId).Order());
    }

    [SkippableFact]
    public async Task The_work_day_is_configurable()
    {
        await using var app = await RunningAsync(provider, s => s.Configure<TimerOptions>(o => o.WorkDay = TimeSpan.FromHours(2)));

        app.Clock.Advance(2 * Hour - TimeSpan.FromMinutes(1));
        var early = await NudgeAsync(app);
        app.Clock.Advance(TimeSpan.FromMinutes(1));
        var due = await NudgeAsync(app);

        Assert.Empty(early);
        Assert.Single(due);
        var card = ChatJson.Deserialize((await DirectsAsync(app)).Single().CardJson!);
        Assert.Equal("Stop logs the time as a time entry. Keep leaves it running; you'll be asked again after another work day (2 hours).", Assert.IsType<ContextSection>(card.Sections[1]).Text);
    }
}

public sealed class SqliteTimerNudgeTests() : TimerNudgeTests(DbProvider.Sqlite);

public sealed class PostgresTimerNudgeTests() : TimerNudgeTests(DbProvider.Postgres);
