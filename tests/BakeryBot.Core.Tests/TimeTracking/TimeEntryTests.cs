using System.Text.Json;
using BakeryBot.Core.Chat;
using BakeryBot.Core.Tests.Infrastructure;
using BakeryBot.Core.TimeTracking;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using static BakeryBot.Core.Tests.TimeTracking.TimeKit;

namespace BakeryBot.Core.Tests.TimeTracking;

/// <summary><c>/time log</c>, <c>list</c>, <c>edit</c> and <c>delete</c>: entries on people's own days, changed only by their owner, audited.</summary>
public abstract class TimeEntryTests(DbProvider provider)
{
    private static readonly DateTimeOffset Start = CoreTestApp.Start; // Thursday 26 November 2026, 09:00 UTC

    [SkippableFact]
    public async Task Logged_time_lands_on_the_day_said_and_the_reply_gives_the_days_total()
    {
        await using var app = await CoreTestApp.CreateAsync(provider);
        await app.SendAsync("incident", "burnt-cookie");
        await app.SendAsync("drill", "new Bakery 2 shut scenario:site-down every:quarter rto:4h rpo:1h");

        var today = await app.SendAsync("time", "log 1h30m INC-1 replaced the thermostat");
        var yesterday = await app.SendAsync("time", "log 45m on:yesterday code review");
        var split = await app.SendAsync("time", "log 2h 15m DRL-1");
        var monday = await app.SendAsync("time", "log 20m on:mon");
        var thursday = await app.SendAsync("time", "log 5m on:thu INC-1");

        Assert.Equal("Logged 1 hour, 30 minutes on INC-1 (replaced the thermostat) for today, Thu 26 Nov 2026 (entry 1). Your total that day: 1 hour, 30 minutes.", today.Text);
        Assert.Equal("Logged 45 minutes on code review for yesterday, Wed 25 Nov 2026 (entry 2). Your total that day: 45 minutes.", yesterday.Text);
        Assert.Equal("Logged 2 hours, 15 minutes on DRL-1 for today, Thu 26 Nov 2026 (entry 3). Your total that day: 3 hours, 45 minutes.", split.Text);
        Assert.Equal("Logged 20 minutes on no particular record for Mon 23 Nov 2026 (entry 4). Your total that day: 20 minutes.", monday.Text);
        Assert.Equal("Logged 5 minutes on INC-1 for today, Thu 26 Nov 2026 (entry 5). Your total that day: 3 hours, 50 minutes.", thursday.Text);
        var entries = await EntriesAsync(app);
        // Today's time ends now; an earlier day's starts at its midnight.
        Assert.Equal(
            [
                (Start.AddMinutes(-90), 5400L, "INC-1", "replaced the thermostat"),
                (new DateTimeOffset(2026, 11, 25, 0, 0, 0, TimeSpan.Zero), 2700L, null, "code review"),
                (Start.AddMinutes(-135), 8100L, "DRL-1", null),
                (new DateTimeOffset(2026, 11, 23, 0, 0, 0, TimeSpan.Zero), 1200L, null, null),
                (Start.AddMinutes(-5), 300L, "INC-1", null),
            ],
            entries.Select(e => (e.StartedAt, e.Seconds, e.RecordKey, e.Note)));
        Assert.All(entries, e => Assert.Equal(Start, e.CreatedAt));
    }

    [SkippableTheory]
    [InlineData("log", "How long?")]
    [InlineData("log fixing the oven", "How long?")]
    [InlineData("log 0m INC-1", "`0m` is no time at all")]
    [InlineData("log 00h", "`00h` is no time at all")]
    [InlineData("log -30m INC-1", "`-30m` is less than no time")]
    [InlineData("log 2x INC-1", "`2x` is not a duration")]
    [InlineData("log 25h", "25 hours is more than one day holds (24 hours on Thu 26 Nov 2026)")]
    [InlineData("log 1h on:tomorrow", "Fri 27 Nov 2026 is in the future (today is Thu 26 Nov 2026 in UTC)")]
    [InlineData("log 1h on:2026-12-24", "Thu 24 Dec 2026 is in the future")]
    [InlineData("log 1h on:someday", "`someday` is not a day")]
    [InlineData("log 1h om:yesterday", "`om:` is not an option here")]
    [InlineData("log 1h INC-404", "There is no INC-404")]
    [InlineData("log 1h PRB-9 root cause", "There is no PRB-9")]
    [InlineData("log 1h DRL-9 region failover", "There is no DRL-9")]
    [InlineData("log 1h CHG-9", "There is no CHG-9")]
    [InlineData("lgo 1h", "looks like a typo for `log`")]
    [InlineData("edit", "Which entry?")]
    [InlineData("edit 1", "What should change?")]
    [InlineData("edit one 1h", "`one` is not an entry id")]
    [InlineData("edit 999 1h", "There is no time entry 999")]
    [InlineData("edit 1 0m", "is no time at all")]
    [InlineData("edit 1 on:tomorrow", "is in the future")]
    [InlineData("edit 1 3d", "72 hours is more than one day holds")]
    [InlineData("edit 1 25h", "25 hours is more than one day holds")]
    [InlineData("log 1h on:1999-12-31", "is too long ago")]
    [InlineData("log 1h on:0001-01-01", "is too long ago")]
    [InlineData("week 9999-12-31", "is too far ahead")]
    [InlineData("export to:9999-12-31", "is too far ahead")]
    [InlineData("export from:0001-01-01", "is too long ago")]
    [InlineData("delete", "Which entry?")]
    [InlineData("delete 999", "There is no time entry 999")]
    [InlineData("delete 1 2", "`2` is not needed")]
    [InlineData("report", "Which record?")]
    [InlineData("report oven", "`oven` is not a record id")]
    [InlineData("report INC-404", "There is no INC-404")]
    [InlineData("week someday", "`someday` is not a week")]
    [InlineData("week <@bob>", "Only managers and admins see someone else's timesheet")]
    [InlineData("week <@stranger>", "Only managers and admins see someone else's timesheet")]
    [InlineData("export from:2025-11-01", "is 391 days; an export covers at most 366")]
    [InlineData("export from:2026-11-20 to:2026-11-01", "before it starts")]
    [InlineData("export everything", "`everything` is not needed")]
    [InlineData("pause", "is not something `/time` can do")]
    public async Task Wrong_time_commands_are_refused_and_change_nothing(string text, string expected)
    {
        await using var app = await CoreTestApp.CreateAsync(provider);
        await app.SendAsync("time", "log 1h warm-up", user: "alice");
        await app.SendAsync("bakery", "whoami", user: "bob");
        var before = await EntriesAsync(app);

        await app.AssertRefusedAsync("time", text, expected);

        Assert.Equivalent(before, await EntriesAsync(app), strict: true);
        Assert.Equal(0, await app.QueryAsync(db => db.Set<TimeExportToken>().CountAsync()));
    }

    [SkippableFact]
    public async Task A_day_holds_at_most_24_hours_counting_time_that_crosses_into_it()
    {
        await using var app = await CoreTestApp.CreateAsync(provider);
        // A timer from 22:00 on Thursday to 02:00 on Friday: two hours on each day.
        app.Clock.Advance(TimeSpan.FromHours(13));
        await app.SendAsync("timer", "start");
        app.Clock.Advance(TimeSpan.FromHours(4));
        await app.SendAsync("timer", "stop");
        await app.SendAsync("time", "log 20h on:yesterday");
        var before = await EntriesAsync(app);

        var over = await app.AssertRefusedAsync("time", "log 2h1m on:yesterday", "That would make 24 hours, 1 minute on Thu 26 Nov 2026, more than a day may hold (24 hours). You have 22 hours there already");
        var fits = await app.SendAsync("time", "log 2h on:yesterday");
        var full = await app.AssertRefusedAsync("time", "log 1m on:yesterday", "That would make 24 hours, 1 minute on Thu 26 Nov 2026");

        Assert.Equal(before.Count + 1, (await EntriesAsync(app)).Count);
        Assert.EndsWith("Your total that day: 24 hours.", fits.Text, StringComparison.Ordinal);
        Assert.Contains("Usage: `/time log", over.Text, StringComparison.Ordinal);
        Assert.NotNull(full);
    }

    [SkippableFact]
    public async Task Yesterday_is_read_in_the_persons_time_zone_near_its_midnight()
    {
        // 14:59:30 UTC is 23:59:30 in Tokyo and 06:59:30 in Los Angeles, both on Thursday 26 November.
        var (app, clock) = await AppAtAsync(provider, new DateTimeOffset(2026, 11, 26, 14, 59, 30, TimeSpan.Zero));
        await using var _ = app;
        await InZoneAsync(app, "alice", "Asia/Tokyo");
        await InZoneAsync(app, "bob", "America/Los_Angeles");

        var beforeTokyoMidnight = await app.SendAsync("time", "log 30m on:yesterday before midnight", user: "alice");
        clock.Advance(TimeSpan.FromMinutes(1)); // 00:00:30 on Friday in Tokyo; still Thursday in UTC and in Los Angeles
        var afterTokyoMidnight = await app.SendAsync("time", "log 30m on:yesterday after midnight", user: "alice");
        var tokyoToday = await app.SendAsync("time", "log 1h just started", user: "alice");
        var losAngeles = await app.SendAsync("time", "log 30m on:yesterday", user: "bob");
        clock.SetUtcNow(new DateTimeOffset(2026, 11, 27, 8, 0, 30, TimeSpan.Zero)); // 00:00:30 on Friday in Los Angeles
        var afterLosAngelesMidnight = await app.SendAsync("time", "log 30m on:yesterday", user: "bob");

        Assert.Contains("for yesterday, Wed 25 Nov 2026", beforeTokyoMidnight.Text, StringComparison.Ordinal);
        Assert.Contains("for yesterday, Thu 26 Nov 2026", afterTokyoMidnight.Text, StringComparison.Ordinal);
        Assert.Contains("for today, Fri 27 Nov 2026", tokyoToday.Text, StringComparison.Ordinal);
        Assert.Contains("for yesterday, Wed 25 Nov 2026", losAngeles.Text, StringComparison.Ordinal);
        Assert.Contains("for yesterday, Thu 26 Nov 2026", afterLosAngelesMidnight.Text, StringComparison.Ordinal);
        var entries = await EntriesAsync(app);
        Assert.Equal(
            [
                new DateTimeOffset(2026, 11, 24, 15, 0, 0, TimeSpan.Zero), // Tokyo's Wednesday midnight
                new DateTimeOffset(2026, 11, 25, 15, 0, 0, TimeSpan.Zero), // Tokyo's Thursday midnight
                new DateTimeOffset(2026, 11, 26, 15, 0, 0, TimeSpan.Zero), // an hour today, 30 seconds in: from Tokyo's Friday midnight
                new DateTimeOffset(2026, 11, 25, 8, 0, 0, TimeSpan.Zero), // Los Angeles' Wednesday midnight
                new DateTimeOffset(2026, 11, 26, 8, 0, 0, TimeSpan.Zero), // Los Angeles' Thursday midnight
            ],
            entries.Select(e => e.StartedAt));
    }

    [SkippableFact]
    public async Task Only_the_owner_edits_or_deletes_an_entry_and_every_change_is_in_the_audit_trail()
    {
        await using var app = await CoreTestApp.CreateAsync(provider);
        await app.SendAsync("incident", "burnt-cookie");
        await app.SendAsync("problem", "new thermostat drifts");
        await app.SendAsync("time", "log 1h INC-1 triage");
        await app.SendAsync("time", "log 1h warm-up", user: "bob", tenant: "T2");
        var entry = Assert.Single(await EntriesAsync(app), e => e.Note == "triage");
        var id = entry.Id;

        var bobEdits = await app.SendAsync("time", $"edit {id} 2h", user: "bob");
        var bobDeletes = await app.SendAsync("time", $"delete {id}", user: "bob");
        var otherTenant = await app.SendAsync("time", $"delete {id}", user: "alice", tenant: "T2");
        Assert.Equal(ReplyKind.Warning, bobEdits.Kind);
        Assert.Contains($"Time entry {id} is someone else's: only the person whose time it is can change or delete it.", bobEdits.Text, StringComparison.Ordinal);
        Assert.Contains("is someone else's", bobDeletes.Text, StringComparison.Ordinal);
        Assert.Contains($"There is no time entry {id}.", otherTenant.Text, StringComparison.Ordinal);
        Assert.Equal(entry.Seconds, (await EntriesAsync(app)).Single(e => e.Id == id).Seconds);

        var edited = await app.SendAsync("time", $"edit #{id} 45m PRB-1 root cause on:yesterday");
        var again = await app.SendAsync("time", $"edit {id} 45m PRB-1 root cause on:yesterday");
        var longer = await app.SendAsync("time", $"edit {id} 1h");
        var deleted = await app.SendAsync("time", $"delete {id}");

        Assert.Equal($"Entry {id} is now 45 minutes on PRB-1 (root cause) for yesterday, Wed 25 Nov 2026.", edited.Text);
        Assert.Equal($"Entry {id} already was 45 minutes on PRB-1 (root cause) for yesterday, Wed 25 Nov 2026; nothing changed.", again.Text);
        Assert.Equal($"Entry {id} is now 1 hour on PRB-1 (root cause) for yesterday, Wed 25 Nov 2026.", longer.Text);
        Assert.Equal($"Deleted entry {id}: 1 hour on PRB-1 (root cause) for yesterday, Wed 25 Nov 2026.", deleted.Text);
        Assert.DoesNotContain(await EntriesAsync(app), e => e.Id == id);

        var alice = await PersonIdAsync(app, "alice");
        var audit = await app.QueryAsync(db => db.AuditEntries.Where(a => a.RecordType == "time-entry" && a.RecordKey == $"entry-{id}").OrderBy(a => a.Id).ToListAsync());
        Assert.Equal(["created", "updated", "updated", "deleted"], audit.Select(a => a.Action));
        Assert.All(audit, a => Assert.Equal((alice, "test"), (a.ActorId, a.Platform)));
        var firstEdit = Changes(audit[1]);
        Assert.Equal(["Note", "RecordKey", "Seconds", "StartedAt"], firstEdit.Keys.Order(StringComparer.Ordinal));
        Assert.Equal(("3600", "2700"), (firstEdit["Seconds"][0].GetRawText(), firstEdit["Seconds"][1].GetRawText()));
        Assert.Equal(("INC-1", "PRB-1"), (firstEdit["RecordKey"][0].GetString(), firstEdit["RecordKey"][1].GetString()));
        Assert.Equal(("triage", "root cause"), (firstEdit["Note"][0].GetString(), firstEdit["Note"][1].GetString()));
        Assert.Equal(["Seconds"], Changes(audit[2]).Keys);
        var removed = Changes(audit[3]);
        Assert.Equal(("3600", JsonValueKind.Null), (removed["Seconds"][0].GetRawText(), removed["Seconds"][1].ValueKind));
        Assert.Equal("PRB-1", removed["RecordKey"][0].GetString());
    }

    [SkippableFact]
    public async Task A_longer_duration_keeps_the_entry_on_its_day()
    {
        await using var app = await CoreTestApp.CreateAsync(provider); // Thursday 26 November 2026, 09:00 UTC
        app.Clock.Advance(TimeSpan.FromHours(8)); // 17:00
        await app.SendAsync("time", "log 1h oven"); // 16:00 to 17:00
        await app.SendAsync("time", "log 2h on:yesterday review"); // Wednesday 00:00 to 02:00
        var (today, yesterday) = ((await EntriesAsync(app))[0].Id, (await EntriesAsync(app))[1].Id);

        await app.SendAsync("time", $"edit {today} 90m");
        await app.SendAsync("time", $"edit {yesterday} 5h");
        var kept = await EntriesAsync(app);
        await app.SendAsync("time", $"edit {today} 20h");
        var moved = await EntriesAsync(app);

        var day = new DateTimeOffset(2026, 11, 26, 0, 0, 0, TimeSpan.Zero);
        // Still ending within its day: the start stays.
        Assert.Equal([(day.AddHours(16), 5400L), (day.AddDays(-1), 18000L)], kept.Select(e => (e.StartedAt, e.Seconds)));
        // 20 hours from 16:00 would run into Friday: placed on Thursday as /time log places it, from midnight.
        Assert.Equal((day, 72000L), (moved[0].StartedAt, moved[0].Seconds));
    }

    [SkippableFact]
    public async Task The_list_shows_ones_latest_entries_with_their_ids_in_ones_own_time_zone()
    {
        await using var app = await CoreTestApp.CreateAsync(provider);
        await InZoneAsync(app, "alice", "Asia/Tokyo");
        await app.SendAsync("time", "log 1h on:mon planning");
        await app.SendAsync("time", "log 30m on:yesterday review");
        await app.SendAsync("time", "log 2h oven", user: "bob");
        await app.SendAsync("incident", "burnt-cookie");
        await app.SendAsync("timer", "start INC-1");
        app.Clock.Advance(TimeSpan.FromMinutes(25));
        await app.SendAsync("timer", "stop");
        var ids = (await EntriesAsync(app)).Where(e => e.Note != "oven").Select(e => e.Id).ToList();

        var card = Card(await app.SendAsync("time", "list"));
        var empty = await app.SendAsync("time", "list", user: "carol");

        Assert.Equal("Your latest time entries (3)", card.Title);
        Assert.Equal(
            $"{ids[2]} · Thu 26 Nov 18:00 · 25 minutes · INC-1\n{ids[1]} · Wed 25 Nov 00:00 · 30 minutes · review\n{ids[0]} · Mon 23 Nov 00:00 · 1 hour · planning",
            Assert.IsType<TextSection>(card.Sections[0]).Text);
        Assert.StartsWith("You have no time entries yet.", empty.Text, StringComparison.Ordinal);
    }

    [SkippableFact]
    public async Task Help_lists_every_verb_with_its_usage()
    {
        await using var app = await CoreTestApp.CreateAsync(provider);

        var help = await app.SendAsync("time", "help");
        var export = await app.SendAsync("time", "help export");
        var overview = app.Services.GetRequiredService<CommandMap>().Overview();

        Assert.Equal(
            [
                "/time: time entries, timesheets and reports",
                $"• `{TimeCommands.LogUsage}`: log time you spent: today, or a past day with `on:`",
                $"• `{TimeCommands.WeekUsage}`: a Monday–Sunday timesheet in the person's time zone (someone else's: managers and admins)",
                $"• `{TimeCommands.ReportUsage}`: who spent how long on a record",
                "• `/time list`: your latest time entries, with their ids",
                $"• `{TimeCommands.EditUsage}`: change one of your entries: its duration, record, note or day",
                $"• `{TimeCommands.DeleteUsage}`: delete one of your entries",
                $"• `{TimeCommands.ExportUsage}`: a private link, for an hour, to download time entries as CSV (yours; managers and admins: everyone's)",
                "• `/time help`: this list",
            ],
            help.Text.Split('\n'));
        Assert.Equal($"`{TimeCommands.ExportUsage}`: a private link, for an hour, to download time entries as CSV (yours; managers and admins: everyone's)", export.Text);
        Assert.Contains("• `/time`: time entries, timesheets and reports", overview, StringComparison.Ordinal);
    }

    private static Dictionary<string, JsonElement[]> Changes(BakeryBot.Core.Data.AuditEntry entry) =>
        JsonSerializer.Deserialize<Dictionary<string, JsonElement[]>>(entry.Changes)!;
}

public sealed class SqliteTimeEntryTests() : TimeEntryTests(DbProvider.Sqlite);

public sealed class PostgresTimeEntryTests() : TimeEntryTests(DbProvider.Postgres);
