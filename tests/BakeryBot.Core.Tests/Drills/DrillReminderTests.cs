using BakeryBot.Core.Chat;
using BakeryBot.Core.Data.Outbox;
using BakeryBot.Core.Drills;
using BakeryBot.Core.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace BakeryBot.Core.Tests.Drills;

/// <summary>Drill reminders and overdue notices on the fake clock: once per drill and due date, across rounds, instances and restarts. On each database.</summary>
public abstract class DrillReminderTests(DbProvider provider)
{
    private static readonly TimeSpan Minute = TimeSpan.FromMinutes(1);

    /// <summary>DRL-1 (owned by Bob, every week) is due Thu 3 Dec 09:00 UTC: reminded from Mon 30 Nov 09:00.</summary>
    private static Task<CoreTestApp> WeeklyAsync(DbProvider provider) => DrillTests.DrillAsync(provider, schedule: "week");

    private static async Task<string> RunAsync(CoreTestApp app)
    {
        await using var scope = app.Services.CreateAsyncScope();
        var round = await scope.ServiceProvider.GetRequiredService<DrillReminders>().RunAsync(CancellationToken.None);
        return $"{string.Join(",", round.Reminded)}|{string.Join(",", round.Overdue)}";
    }

    private static Task<List<(string Type, string Key, string Channel, string Text, string Card)>> PostsAsync(CoreTestApp app) =>
        app.QueryAsync(async db => (await db.Outbox.Include(o => o.PostedCard)
                .Where(o => o.Kind == OutboxKind.Post && (o.PostedCard!.RecordType == DrillReminders.ReminderRecordType || o.PostedCard.RecordType == DrillReminders.OverdueRecordType))
                .OrderBy(o => o.Id).Select(o => new { o.PostedCard!.RecordType, o.PostedCard.RecordKey, o.ChannelId, o.Text, o.CardJson }).ToListAsync())
            .Select(o => (o.RecordType, o.RecordKey, o.ChannelId, o.Text, o.CardJson!)).ToList());

    [SkippableFact]
    public async Task A_drill_is_reminded_once_before_it_is_due_and_flagged_once_when_overdue()
    {
        await using var app = await WeeklyAsync(provider);

        var early = await RunAsync(app);
        app.Clock.Advance(TimeSpan.FromDays(4) - Minute); // Mon 30 Nov 08:59
        var minuteEarly = await RunAsync(app);
        app.Clock.Advance(Minute); // 09:00: three days before
        var due = await RunAsync(app);
        var again = await RunAsync(app);
        await using var other = app.AnotherInstance(); // another instance, or after a restart
        other.Clock.SetUtcNow(app.Clock.GetUtcNow());
        var elsewhere = await RunAsync(other);
        app.Clock.Advance(TimeSpan.FromDays(3) - Minute); // Thu 08:59
        var stillDue = await RunAsync(app);
        app.Clock.Advance(Minute); // Thu 3 Dec 09:00: due now
        var late = await RunAsync(app);
        app.Clock.Advance(TimeSpan.FromHours(5));
        var lateAgain = await RunAsync(app);
        other.Clock.SetUtcNow(app.Clock.GetUtcNow());
        var lateElsewhere = await RunAsync(other);

        Assert.Equal(["|", "|", "DRL-1|", "|", "|", "|", "|DRL-1", "|", "|"], new[] { early, minuteEarly, due, again, elsewhere, stillDue, late, lateAgain, lateElsewhere });
        var posts = await PostsAsync(app);
        Assert.Equal(
            [(DrillReminders.ReminderRecordType, "DRL-1@2026-12-03T09:00Z", "C1"), (DrillReminders.OverdueRecordType, "DRL-1@2026-12-03T09:00Z", "C1")],
            posts.Select(p => (p.Type, p.Key, p.Channel)));
        Assert.Equal("⏰ DRL-1 Bakery 2 can't open is due 3 days from now (Thu 3 Dec 2026 09:00 UTC). <@bob>, start it on the card (or `/drill start DRL-1`) when you begin.", posts[0].Text);
        Assert.Equal("⚠️ DRL-1 Bakery 2 can't open is overdue: it was due Thu 3 Dec 2026 09:00 UTC. <@bob>, start it on the card (or `/drill start DRL-1`).", posts[1].Text);
        var reminder = ChatJson.Deserialize(posts[0].Card);
        Assert.Equal("DRL-1: Bakery 2 can't open", reminder.Title);
        Assert.Equal([("Start drill", DrillCommands.StartAction, "DRL-1"), ("Start timer", BakeryBot.Core.TimeTracking.TimerCommands.StartAction, "DRL-1")], reminder.Buttons.Select(b => (b.Text, b.ActionId, b.Value)));
        var overdue = ChatJson.Deserialize(posts[1].Card);
        Assert.Equal(CardAccent.Danger, overdue.Accent);
        Assert.Contains(new CardField("Next due", "⚠️ overdue by less than a minute (due Thu 3 Dec 2026 09:00 UTC)"), Assert.IsType<FieldsSection>(overdue.Sections[0]).Fields);
        Assert.Contains(overdue.Buttons, b => b.Text == "Start drill");

        // The drill's card in the channel and the reminder show the flag too, updated once.
        var flagged = await app.QueryAsync(db => db.Outbox.Include(o => o.PostedCard)
            .Where(o => o.Kind == OutboxKind.Update && o.Text.StartsWith("⚠️")).Select(o => o.PostedCard!.RecordType).OrderBy(t => t).ToListAsync());
        Assert.Equal([DrillService.RecordType, DrillReminders.ReminderRecordType, DrillReminders.ReminderRecordType], flagged);

        // The owner gets each in a direct message as well, once, with the same card.
        var direct = await app.QueryAsync(db => db.Outbox.Include(o => o.PostedCard).Where(o => o.Kind == OutboxKind.Direct)
            .OrderBy(o => o.Id).Select(o => new { o.UserId, o.PostedCard!.RecordType, o.Text, o.CardJson }).ToListAsync());
        Assert.Equal(
            [
                ("bob", DrillReminders.ReminderRecordType, "⏰ DRL-1 Bakery 2 can't open, which you own, is due 3 days from now (Thu 3 Dec 2026 09:00 UTC). Start it on the card (or `/drill start DRL-1`) when you begin."),
                ("bob", DrillReminders.OverdueRecordType, "⚠️ DRL-1 Bakery 2 can't open, which you own, is overdue: it was due Thu 3 Dec 2026 09:00 UTC. Start it on the card (or `/drill start DRL-1`)."),
            ],
            direct.Select(d => (d.UserId!, d.RecordType, d.Text)));
        Assert.Equal(posts.Select(p => p.Card), direct.Select(d => d.CardJson!));
    }

    [SkippableFact]
    public async Task Once_run_the_drill_is_due_again_and_its_next_due_date_is_reminded_again()
    {
        await using var app = await WeeklyAsync(provider);
        app.Clock.Advance(TimeSpan.FromDays(4)); // Mon 30 Nov 09:00
        await RunAsync(app);
        await app.SendAsync("drill", "start DRL-1");
        var whileRunning = await RunAsync(app);
        app.Clock.Advance(TimeSpan.FromDays(5)); // Sat 5 Dec 09:00: it would be overdue, but a run is under way
        var stillRunning = await RunAsync(app);
        await app.SendAsync("drill", "finish DRL-1 pass rto-achieved:3h rpo-achieved:10m", user: "bob");
        var justFinished = await RunAsync(app);
        app.Clock.Advance(TimeSpan.FromDays(4)); // Wed 9 Dec 09:00: three days before Sat 12 Dec
        var next = await RunAsync(app);

        Assert.Equal(["|", "|", "|", "DRL-1|"], new[] { whileRunning, stillRunning, justFinished, next });
        Assert.Equal(["DRL-1@2026-12-03T09:00Z", "DRL-1@2026-12-12T09:00Z"], (await PostsAsync(app)).Select(p => p.Key));
    }

    [SkippableFact]
    public async Task A_new_owner_keeps_the_due_date_so_its_reminder_is_not_posted_again_and_the_next_is_in_their_zone()
    {
        // DRL-1, owned by Bob (UTC), is due Wed 26 May 2027 09:00 UTC; in London, 09:00 there is 08:00 UTC.
        await using var app = await DrillTests.DrillAsync(provider, schedule: "6 months");
        await app.SendAsync("drill", "list", user: "carol");
        await app.QueryAsync(db => db.People.Where(p => p.DisplayName == "Carol").ExecuteUpdateAsync(s => s.SetProperty(p => p.TimeZone, "Europe/London")));
        var due = new DateTimeOffset(2027, 5, 26, 9, 0, 0, TimeSpan.Zero);
        app.Clock.SetUtcNow(due.AddDays(-2));
        var reminded = await RunAsync(app);

        var handed = await app.SendAsync("drill", "owner DRL-1 <@carol>", user: "bob");
        var again = await RunAsync(app);

        Assert.Equal(("DRL-1|", "Carol owns DRL-1 now.", "|"), (reminded, handed.Text, again));
        Assert.Equal(due, await app.QueryAsync(db => db.Drills.Select(d => d.NextDueAt).SingleAsync()));
        Assert.Equal(["DRL-1@2027-05-26T09:00Z"], (await PostsAsync(app)).Select(p => p.Key));

        // Run the morning of the due date (10:00 in London), the drill is due six months later at 10:00 London time (GMT then).
        app.Clock.SetUtcNow(due);
        await app.SendAsync("drill", "start DRL-1", user: "carol");
        await app.SendAsync("drill", "finish DRL-1 fail", user: "carol");
        Assert.Equal(new DateTimeOffset(2027, 11, 26, 10, 0, 0, TimeSpan.Zero), await app.QueryAsync(db => db.Drills.Select(d => d.NextDueAt).SingleAsync()));
    }

    [SkippableFact]
    public async Task A_reminder_missed_while_the_bot_was_down_comes_as_the_overdue_notice_and_retired_drills_are_left_alone()
    {
        await using var app = await WeeklyAsync(provider);
        await app.SendAsync("drill", "new Payments down scenario:third-party-down every:week rto:1h rpo:5m");
        await app.SendAsync("drill", "retire DRL-2");
        app.Clock.Advance(TimeSpan.FromDays(8)); // Fri 4 Dec: nobody ran a round since creation

        var round = await RunAsync(app);

        Assert.Equal("|DRL-1", round);
        Assert.Equal([DrillReminders.OverdueRecordType], (await PostsAsync(app)).Select(p => p.Type));
    }

    [SkippableFact]
    public async Task How_long_before_is_configurable()
    {
        await using var app = await CoreTestApp.CreateAsync(provider, s => s.Configure<DrillOptions>(o => o.RemindBefore = TimeSpan.FromHours(12)));
        await app.SendAsync("drill", "new Bakery 2 can't open scenario:site-down every:week rto:4h rpo:1h");

        app.Clock.Advance(TimeSpan.FromDays(6.5) - Minute); // Wed 2 Dec 20:59
        var early = await RunAsync(app);
        app.Clock.Advance(Minute);
        var due = await RunAsync(app);

        Assert.Equal(("|", "DRL-1|"), (early, due));
        Assert.StartsWith("⏰ DRL-1 Bakery 2 can't open is due 12 hours from now (Thu 3 Dec 2026 09:00 UTC). <@alice>", (await PostsAsync(app)).Single().Text, StringComparison.Ordinal);
    }

    [SkippableFact]
    public async Task A_negative_remind_before_is_refused_when_the_bot_starts()
    {
        await using var app = await CoreTestApp.CreateAsync(provider, s => s.Configure<DrillOptions>(o => o.RemindBefore = TimeSpan.FromHours(-1)));

        var refused = Assert.Throws<OptionsValidationException>(() => app.Services.GetRequiredService<IStartupValidator>().Validate());

        Assert.Contains("Drills:RemindBefore must not be negative", refused.Message, StringComparison.Ordinal);
    }

    [SkippableFact]
    public async Task A_round_that_posts_wakes_the_outbox_dispatcher()
    {
        await using var app = await WeeklyAsync(provider);
        var signal = app.Services.GetRequiredService<OutboxSignal>();
        await signal.WaitAsync(TimeSpan.Zero, CancellationToken.None); // the drill's own card woke it already
        app.Clock.Advance(TimeSpan.FromDays(4));

        var quiet = await signal.WaitAsync(TimeSpan.Zero, CancellationToken.None);
        await RunAsync(app);
        var woken = await signal.WaitAsync(TimeSpan.Zero, CancellationToken.None);

        Assert.Equal((false, true), (quiet, woken));
    }

    [SkippableFact]
    public async Task Rounds_at_the_same_moment_in_two_instances_remind_once()
    {
        await using var app = await WeeklyAsync(provider);
        await using var other = app.AnotherInstance();
        app.Clock.Advance(TimeSpan.FromDays(4));
        other.Clock.SetUtcNow(app.Clock.GetUtcNow());

        var rounds = await Task.WhenAll(Enumerable.Range(0, 4).Select(async i =>
        {
            try
            {
                return await RunAsync(i % 2 == 0 ? app : other);
            }
            catch (Microsoft.Data.Sqlite.SqliteException) when (provider == DbProvider.Sqlite)
            {
                // SQLite has one writer: a round that lost the race fails and the next round finds the reminder.
                return "|";
            }
        }));

        Assert.Equal(["DRL-1|"], rounds.Where(r => r != "|"));
        Assert.Single(await PostsAsync(app));
    }

    [SkippableFact]
    public async Task The_reminders_start_drill_button_starts_a_run_and_the_reminder_follows_the_drill()
    {
        await using var app = await WeeklyAsync(provider);
        app.Clock.Advance(TimeSpan.FromDays(4));
        await RunAsync(app);
        var reminder = await app.QueryAsync(db => db.PostedCards.Where(p => p.RecordType == DrillReminders.ReminderRecordType && p.ChannelId == "C1").Select(p => p.Id).SingleAsync());

        var click = await app.ClickAsync(DrillCommands.StartAction, "DRL-1", user: "dave", channel: "C1");
        var second = await app.ClickAsync(DrillCommands.StartAction, "DRL-1", user: "erin", channel: "C1");

        Assert.Equal(ReplyKind.None, click.Kind);
        Assert.Equal(["Start timer"], click.UpdatedCard!.Buttons.Select(b => b.Text));
        Assert.StartsWith("DRL-1 run 1 is under way already (started by Dave", second.Text, StringComparison.Ordinal);
        var update = await app.QueryAsync(db => db.Outbox.Where(o => o.PostedCardId == reminder && o.Kind == OutboxKind.Update).SingleAsync());
        Assert.Equal("Dave started DRL-1 run 1.", update.Text);
        Assert.DoesNotContain(ChatJson.Deserialize(update.CardJson!).Buttons, b => b.ActionId == DrillCommands.StartAction);
        Assert.Equal(1, await app.QueryAsync(db => db.DrillRuns.CountAsync()));
    }

    [SkippableFact]
    public async Task Start_drill_on_the_reminder_the_owner_got_directly_posts_the_run_in_the_drills_channel()
    {
        await using var app = await WeeklyAsync(provider);
        app.Clock.Advance(TimeSpan.FromDays(4));
        await RunAsync(app);
        var direct = await app.QueryAsync(db => db.Outbox.Where(o => o.Kind == OutboxKind.Direct && o.UserId == "bob").Select(o => o.PostedCardId).SingleAsync());

        // Bob clicks in his conversation with the bot, D-bob.
        var click = await app.ClickAsync(DrillCommands.StartAction, "DRL-1", user: "bob", channel: "D-bob");

        Assert.Equal(ReplyKind.None, click.Kind);
        Assert.Equal(["Start timer"], click.UpdatedCard!.Buttons.Select(b => b.Text));
        var runPosts = await app.QueryAsync(db => db.Outbox.Include(o => o.PostedCard)
            .Where(o => o.PostedCard!.RecordType == DrillService.RunRecordType).Select(o => new { o.Kind, o.ChannelId, o.Text }).ToListAsync());
        Assert.Equal((OutboxKind.Post, "C1", "Bob started DRL-1 run 1."), (runPosts.Single().Kind, runPosts.Single().ChannelId, runPosts.Single().Text));
        // The direct reminder follows the drill, as the channel's copy does.
        var update = await app.QueryAsync(db => db.Outbox.Where(o => o.PostedCardId == direct && o.Kind == OutboxKind.Update).SingleAsync());
        Assert.Equal("Bob started DRL-1 run 1.", update.Text);

        // Its notes and its end update that card, in the channel.
        await app.SendAsync("drill", "note DRL-1 generator on", user: "bob", channel: "D-bob");
        await app.SendAsync("drill", "finish DRL-1 fail", user: "bob", channel: "D-bob");
        Assert.Equal(
            [(OutboxKind.Post, "C1"), (OutboxKind.Update, "C1"), (OutboxKind.Update, "C1")],
            (await app.QueryAsync(db => db.Outbox.Where(o => o.PostedCard!.RecordType == DrillService.RunRecordType).OrderBy(o => o.Id).Select(o => new { o.Kind, o.ChannelId }).ToListAsync()))
                .Select(o => (o.Kind, o.ChannelId)));
    }
}

public sealed class SqliteDrillReminderTests() : DrillReminderTests(DbProvider.Sqlite);

public sealed class PostgresDrillReminderTests() : DrillReminderTests(DbProvider.Postgres);
