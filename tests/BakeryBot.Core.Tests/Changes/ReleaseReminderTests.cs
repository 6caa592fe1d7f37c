using BakeryBot.Core.Changes;
using BakeryBot.Core.Chat;
using BakeryBot.Core.Data.Outbox;
using BakeryBot.Core.Jobs;
using BakeryBot.Core.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;
using Microsoft.Extensions.DependencyInjection;

namespace BakeryBot.Core.Tests.Changes;

/// <summary>Release reminders on the fake clock: once per approved change, not before its time, never for others. On each database.</summary>
public abstract class ReleaseReminderTests(DbProvider provider)
{
    private static readonly TimeSpan Minute = TimeSpan.FromMinutes(1);

    /// <summary>
    /// Thu 09:00. CHG-1 approved, window Fri 22:00; CHG-2 awaiting the CAB, same window; CHG-3 approved
    /// then withdrawn; CHG-4 approved, window Fri 23:00, requested in channel C2; CHG-5 rejected.
    /// </summary>
    private static async Task<CoreTestApp> ChangesAsync(DbProvider provider, Action<IServiceCollection>? configure = null)
    {
        var app = await CoreTestApp.CreateAsync(provider, configure);
        await app.SendAsync("bakery", "role add <@bob> cab", user: "admin");
        await app.SendAsync("cmdb", "add asset oven-2");
        var requests = new[]
        {
            ("replace thermostat", "tomorrow 22:00+2h", "C1"),
            ("recalibrate thermostat", "tomorrow 22:00+2h", "C1"),
            ("swap door seal", "tomorrow 22:00+2h", "C1"),
            ("clean the flue", "tomorrow 23:00+1h", "C2"),
            ("paint the oven", "tomorrow 22:00+1h", "C1"),
        };
        foreach (var (title, window, channel) in requests)
        {
            await app.SendAsync("change", $"request {title} ci:oven-2 window:\"{window}\" risk:low rollback:\"undo it\"", channel: channel);
        }

        await app.SendAsync("change", "approve CHG-1", user: "bob");
        await app.SendAsync("change", "approve CHG-3", user: "bob");
        await app.SendAsync("change", "cancel CHG-3");
        await app.SendAsync("change", "approve CHG-4", user: "bob");
        await app.SendAsync("change", "reject CHG-5 not in this window", user: "bob");
        return app;
    }

    private static async Task<IReadOnlyList<string>> RemindAsync(CoreTestApp app)
    {
        await using var scope = app.Services.CreateAsyncScope();
        var reminded = await scope.ServiceProvider.GetRequiredService<ReleaseService>().RemindAsync(CancellationToken.None);
        return reminded.Select(r => r.ToString()).ToList();
    }

    [SkippableFact]
    public async Task Runs_at_the_same_moment_in_two_instances_remind_once()
    {
        await using var app = await ChangesAsync(provider);
        await using var other = app.AnotherInstance();
        app.Clock.Advance(TimeSpan.FromHours(36) + 30 * Minute); // Fri 21:30
        other.Clock.SetUtcNow(app.Clock.GetUtcNow());

        var runs = await Task.WhenAll(Enumerable.Range(0, 4).Select(async i =>
        {
            try
            {
                return await RemindAsync(i % 2 == 0 ? app : other);
            }
            catch (Microsoft.Data.Sqlite.SqliteException) when (provider == DbProvider.Sqlite)
            {
                // SQLite has one writer: a run that lost the race fails and the next minute's run finds the reminder.
                return [];
            }
        }));

        Assert.Equal(["CHG-1"], runs.SelectMany(r => r));
        Assert.Equal(1, await app.QueryAsync(db => db.PostedCards.CountAsync(p => p.RecordType == ReleaseService.ReminderRecordType)));
    }

    [SkippableFact]
    public async Task Each_approved_change_is_reminded_once_when_its_window_is_half_an_hour_away()
    {
        await using var app = await ChangesAsync(provider);

        var early = await RemindAsync(app);
        app.Clock.Advance(TimeSpan.FromHours(36) + 29 * Minute); // Fri 21:29, 31 minutes before
        var minuteEarly = await RemindAsync(app);
        app.Clock.Advance(Minute); // 21:30
        var due = await RemindAsync(app);
        app.Clock.Advance(Minute);
        var again = await RemindAsync(app);
        await using var other = app.AnotherInstance(); // another instance, or after a restart
        other.Clock.SetUtcNow(app.Clock.GetUtcNow());
        var elsewhere = await RemindAsync(other);
        app.Clock.Advance(59 * Minute); // 22:30: CHG-4's turn
        var later = await RemindAsync(app);
        app.Clock.Advance(Minute);
        var afterAll = await RemindAsync(app);

        Assert.Equal(["", "", "CHG-1", "", "", "CHG-4", ""], new[] { early, minuteEarly, due, again, elsewhere, later, afterAll }.Select(r => string.Join(",", r)));
        var posts = await app.QueryAsync(db => db.Outbox.Include(o => o.PostedCard)
            .Where(o => o.PostedCard!.RecordType == ReleaseService.ReminderRecordType && o.Kind == OutboxKind.Post)
            .OrderBy(o => o.Id).Select(o => new { o.ChannelId, o.Text, o.CardJson, o.PostedCard!.RecordKey }).ToListAsync());
        Assert.Equal(["CHG-1", "CHG-4"], posts.Select(p => p.RecordKey));
        Assert.Equal(["C1", "C2"], posts.Select(p => p.ChannelId));
        Assert.Equal("⏰ CHG-1 replace thermostat: its window opens in 30 minutes (Fri 27 Nov 22:00 UTC). Start the release on the card (or `/release start CHG-1`) when you begin.", posts[0].Text);
        var card = ChatJson.Deserialize(posts[0].CardJson!);
        Assert.Equal("CHG-1: replace thermostat", card.Title);
        Assert.Equal(["Start release", "Start timer"], card.Buttons.Select(b => b.Text));
    }

    [SkippableFact]
    public async Task The_reminders_card_follows_the_change_and_its_buttons_work()
    {
        await using var app = await ChangesAsync(provider);
        app.Clock.Advance(TimeSpan.FromHours(36) + 30 * Minute);
        await RemindAsync(app);
        var reminder = await app.QueryAsync(db => db.PostedCards.Where(p => p.RecordType == ReleaseService.ReminderRecordType).Select(p => p.Id).SingleAsync());

        var start = await app.ClickAsync(ReleaseCommands.StartAction, "CHG-1", user: "dave");
        var update = await app.QueryAsync(db => db.Outbox.Where(o => o.PostedCardId == reminder && o.Kind == OutboxKind.Update).SingleAsync());

        Assert.Equal(ReplyKind.None, start.Kind);
        Assert.Equal("Dave started releasing CHG-1.", update.Text);
        Assert.Equal(["Done", "Roll back", "Start timer"], ChatJson.Deserialize(update.CardJson!).Buttons.Select(b => b.Text));
    }

    [SkippableFact]
    public async Task A_reminded_change_withdrawn_afterwards_loses_its_start_button_on_the_reminder_too()
    {
        await using var app = await ChangesAsync(provider);
        app.Clock.Advance(TimeSpan.FromHours(36) + 30 * Minute);
        await RemindAsync(app);

        await app.SendAsync("change", "cancel CHG-1");

        var update = await app.QueryAsync(db => db.Outbox.Include(o => o.PostedCard)
            .Where(o => o.PostedCard!.RecordType == ReleaseService.ReminderRecordType && o.Kind == OutboxKind.Update).SingleAsync());
        Assert.Equal("Alice withdrew CHG-1.", update.Text);
        Assert.Empty(ChatJson.Deserialize(update.CardJson!).Buttons);
    }

    [SkippableFact]
    public async Task How_long_before_is_configurable()
    {
        await using var app = await ChangesAsync(provider, s => s.Configure<ReleaseOptions>(o => o.RemindBefore = TimeSpan.FromHours(2)));

        app.Clock.Advance(TimeSpan.FromHours(35) - Minute); // Fri 19:59
        var early = await RemindAsync(app);
        app.Clock.Advance(Minute); // 20:00
        var due = await RemindAsync(app);

        Assert.Empty(early);
        Assert.Equal(["CHG-1"], due);
        var lead = await app.QueryAsync(db => db.Outbox.OrderBy(o => o.Id).Select(o => o.Text).LastAsync());
        Assert.StartsWith("⏰ CHG-1 replace thermostat: its window opens in 2 hours (Fri 27 Nov 22:00 UTC).", lead, StringComparison.Ordinal);
    }

    private static Task<List<(string Change, DateTimeOffset Due, string? Outcome)>> RowsAsync(CoreTestApp app) =>
        app.QueryAsync(async db => (await db.Reminders.Where(r => r.Kind == ReminderKind.ReleaseWindow)
                .Join(db.Changes, r => r.RecordId, c => c.Id, (r, c) => new { c.Number, r.DueAt, r.Outcome }).OrderBy(r => r.Number).ToListAsync())
            .Select(r => ($"CHG-{r.Number}", r.DueAt.ToUniversalTime(), r.Outcome)).ToList());

    [SkippableFact]
    public async Task Each_approved_change_has_a_reminder_row_due_before_its_window_and_others_have_none()
    {
        await using var app = await ChangesAsync(provider);
        var friday = new DateTimeOffset(2026, 11, 27, 0, 0, 0, TimeSpan.Zero);

        // CHG-2 waits for the CAB, CHG-3 was withdrawn, CHG-5 rejected: no reminder.
        Assert.Equal([("CHG-1", friday.AddHours(21.5), null), ("CHG-4", friday.AddHours(22.5), (string?)null)], await RowsAsync(app));

        await app.SendAsync("change", "approve CHG-2", user: "bob");
        Assert.Equal(["CHG-1", "CHG-2", "CHG-4"], (await RowsAsync(app)).Select(r => r.Change));
        app.Clock.SetUtcNow(friday.AddHours(21));
        await app.SendAsync("release", "start CHG-2"); // released before its reminder: the reminder goes
        Assert.Equal(["CHG-1", "CHG-4"], (await RowsAsync(app)).Select(r => r.Change));
    }

    [SkippableFact]
    public async Task After_a_restart_a_missed_reminder_comes_once_while_the_window_is_open_and_is_dropped_with_a_log_line_once_it_closed()
    {
        var log = new LogLines();
        await using var app = await ChangesAsync(provider);
        // Down from Thursday to Friday 22:40: CHG-1's window (22:00-24:00) is open, CHG-4's (23:00-24:00) not yet.
        await using var restarted = app.AnotherInstance(log.AddTo);
        restarted.Clock.SetUtcNow(new DateTimeOffset(2026, 11, 27, 22, 40, 0, TimeSpan.Zero));

        var first = await RemindAsync(restarted);
        var again = await RemindAsync(restarted);

        Assert.Equal(["CHG-1", "CHG-4"], first);
        Assert.Empty(again);
        var texts = await app.QueryAsync(db => db.Outbox.Include(o => o.PostedCard).Where(o => o.PostedCard!.RecordType == ReleaseService.ReminderRecordType && o.Kind == OutboxKind.Post)
            .OrderBy(o => o.Id).Select(o => o.Text).ToListAsync());
        Assert.Equal(
            [
                "⏰ CHG-1 replace thermostat: its window opened 40 minutes ago and closes in 1 hour, 20 minutes (Sat 28 Nov 00:00 UTC). Start the release on the card (or `/release start CHG-1`) when you begin.",
                "⏰ CHG-4 clean the flue: its window opens in 20 minutes (Fri 27 Nov 23:00 UTC). Start the release on the card (or `/release start CHG-4`) when you begin.",
            ],
            texts);

        // A change approved for a window that then passed with the bot down: nothing to remind of any more.
        await app.SendAsync("change", "approve CHG-2", user: "bob");
        restarted.Clock.SetUtcNow(new DateTimeOffset(2026, 11, 28, 1, 0, 0, TimeSpan.Zero));
        Assert.Empty(await RemindAsync(restarted));
        Assert.Equal([("CHG-1", "sent"), ("CHG-2", "dropped: CHG-2's window closed 1 hour ago"), ("CHG-4", "sent")], (await RowsAsync(app)).Select(r => (r.Change, r.Outcome)));
        Assert.Single(log.Lines, l => l.StartsWith("Dropped the release reminder of change #", StringComparison.Ordinal) && l.EndsWith(": CHG-2's window closed 1 hour ago", StringComparison.Ordinal));
        Assert.Equal(2, texts.Count);
    }

    [SkippableFact]
    public async Task The_migration_gives_approved_changes_not_yet_reminded_their_row_and_takes_the_rows_back_down()
    {
        await using var app = await ChangesAsync(provider);
        app.Clock.SetUtcNow(new DateTimeOffset(2026, 11, 27, 21, 30, 0, TimeSpan.Zero));
        Assert.Equal(["CHG-1"], await RemindAsync(app));
        await using var db = app.Database.NewContext();
        var migrator = db.GetService<IMigrator>();
        var all = db.Database.GetMigrations().ToList();
        var adding = all.Single(m => m.EndsWith("_ReleaseReminderRows", StringComparison.Ordinal));

        await migrator.MigrateAsync(all[all.IndexOf(adding) - 1]);
        Assert.Empty(await RowsAsync(app));
        await migrator.MigrateAsync(adding);

        // CHG-1 was reminded already (its reminder card is there); CHG-4 waits for its reminder, 30 minutes before its window.
        Assert.Equal([("CHG-4", new DateTimeOffset(2026, 11, 27, 22, 30, 0, TimeSpan.Zero), (string?)null)], await RowsAsync(app));
        await migrator.MigrateAsync();
        app.Clock.SetUtcNow(new DateTimeOffset(2026, 11, 27, 22, 30, 0, TimeSpan.Zero));
        Assert.Equal(["CHG-4"], await RemindAsync(app));
    }
}

public sealed class SqliteReleaseReminderTests() : ReleaseReminderTests(DbProvider.Sqlite);

public sealed class PostgresReleaseReminderTests() : ReleaseReminderTests(DbProvider.Postgres);
