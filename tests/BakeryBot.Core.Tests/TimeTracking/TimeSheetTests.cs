using BakeryBot.Core.Chat;
using BakeryBot.Core.Tests.Infrastructure;
using static BakeryBot.Core.Tests.TimeTracking.TimeKit;

namespace BakeryBot.Core.Tests.TimeTracking;

/// <summary><c>/time week</c>: a Monday–Sunday week in the timesheet person's own time zone, split at their midnights.</summary>
public abstract class TimeSheetTests(DbProvider provider)
{
    [SkippableFact]
    public async Task The_same_time_falls_on_different_days_in_tokyo_and_los_angeles_and_crossing_midnight_is_split()
    {
        var (app, clock) = await AppAtAsync(provider, new DateTimeOffset(2026, 11, 24, 20, 0, 0, TimeSpan.Zero));
        await using var _ = app;
        await app.SendAsync("incident", "burnt-cookie", user: "carol");
        await InZoneAsync(app, "alice", "Asia/Tokyo");
        await InZoneAsync(app, "bob", "America/Los_Angeles");

        // Alice and Bob work side by side, on three timers at the same moments.
        async Task BothAsync(DateTimeOffset from, TimeSpan length, string start, string stop)
        {
            clock.SetUtcNow(from);
            await app.SendAsync("timer", start, user: "alice");
            await app.SendAsync("timer", start, user: "bob");
            clock.Advance(length);
            await app.SendAsync("timer", stop, user: "alice");
            await app.SendAsync("timer", stop, user: "bob");
        }

        // Tokyo: Wed 05:00–07:00. Los Angeles: Tue 12:00–14:00.
        await BothAsync(new DateTimeOffset(2026, 11, 24, 20, 0, 0, TimeSpan.Zero), TimeSpan.FromHours(2), "start INC-1", "stop");
        // Tokyo: Wed 23:00 to Thu 01:00, across midnight. Los Angeles: Wed 06:00–08:00.
        await BothAsync(new DateTimeOffset(2026, 11, 25, 14, 0, 0, TimeSpan.Zero), TimeSpan.FromHours(2), "start oven check", "stop");
        // Tokyo: Thu 16:00–18:00. Los Angeles: Wed 23:00 to Thu 01:00, across midnight.
        await BothAsync(new DateTimeOffset(2026, 11, 26, 7, 0, 0, TimeSpan.Zero), TimeSpan.FromHours(2), "start", "stop");

        var tokyo = Card(await app.SendAsync("time", "week", user: "alice"));
        var losAngeles = Card(await app.SendAsync("time", "week", user: "bob"));

        Assert.Equal("Timesheet of Alice: Mon 23 Nov – Sun 29 Nov 2026", tokyo.Title);
        Assert.Equal("Timesheet of Alice: Mon 23 Nov – Sun 29 Nov 2026 (total 6 hours)", tokyo.Fallback);
        Assert.Equal(
            new Dictionary<string, string>
            {
                ["Mon 23 Nov"] = "–",
                ["Tue 24 Nov"] = "–",
                ["Wed 25 Nov"] = "3 hours",
                ["Thu 26 Nov"] = "3 hours",
                ["Fri 27 Nov"] = "–",
                ["Sat 28 Nov"] = "–",
                ["Sun 29 Nov"] = "–",
                ["Week"] = "6 hours",
            },
            Totals(tokyo));
        Assert.Equal(["INC-1: 2 hours\nWed 2 hours", "oven check: 2 hours\nWed 1 hour · Thu 1 hour", "other: 2 hours\nThu 2 hours"], Rows(tokyo));
        Assert.Contains(tokyo.Sections, s => s is ContextSection { Text: "Days in Alice's time zone (Asia/Tokyo). Time that crosses midnight counts on each day it covers." });

        Assert.Equal(
            new Dictionary<string, string>
            {
                ["Mon 23 Nov"] = "–",
                ["Tue 24 Nov"] = "2 hours",
                ["Wed 25 Nov"] = "3 hours",
                ["Thu 26 Nov"] = "1 hour",
                ["Fri 27 Nov"] = "–",
                ["Sat 28 Nov"] = "–",
                ["Sun 29 Nov"] = "–",
                ["Week"] = "6 hours",
            },
            Totals(losAngeles));
        Assert.Equal(["INC-1: 2 hours\nTue 2 hours", "oven check: 2 hours\nWed 2 hours", "other: 2 hours\nWed 1 hour · Thu 1 hour"], Rows(losAngeles));
    }

    [SkippableFact]
    public async Task Someone_elses_week_is_for_managers_and_admins_and_is_drawn_in_that_persons_time_zone()
    {
        var (app, clock) = await AppAtAsync(provider, new DateTimeOffset(2026, 11, 25, 14, 0, 0, TimeSpan.Zero));
        await using var _ = app;
        await InZoneAsync(app, "alice", "Asia/Tokyo");
        await app.SendAsync("timer", "start oven check", user: "alice");
        clock.Advance(TimeSpan.FromHours(2));
        await app.SendAsync("timer", "stop", user: "alice");
        await app.SendAsync("bakery", "role add <@dana> manager", user: "admin");
        await app.SendAsync("bakery", "whoami", user: "bob");
        await app.SendAsync("bakery", "whoami", user: "dana");
        var before = await app.SnapshotAsync();

        var asBob = await app.SendAsync("time", "week <@alice>", user: "bob");
        var asManager = Card(await app.SendAsync("time", "week <@alice>", user: "dana"));
        var asAdmin = Card(await app.SendAsync("time", "week <@alice> 2026-11-26", user: "admin"));
        var ownMention = Card(await app.SendAsync("time", "week <@bob>", user: "bob"));
        var unknown = await app.SendAsync("time", "week <@nobody>", user: "dana");

        Assert.Equal(ReplyKind.Warning, asBob.Kind);
        Assert.StartsWith("Only managers and admins see someone else's timesheet. Yours is `/time week`.", asBob.Text, StringComparison.Ordinal);
        // Alice's Wednesday 23:00 to Thursday 01:00 in Tokyo, though the manager's day (UTC) holds all of it.
        Assert.Equal(("Timesheet of Alice: Mon 23 Nov – Sun 29 Nov 2026", "1 hour", "1 hour"), (asManager.Title, Totals(asManager)["Wed 25 Nov"], Totals(asManager)["Thu 26 Nov"]));
        Assert.Equal("Timesheet of Alice: Mon 23 Nov – Sun 29 Nov 2026", asAdmin.Title);
        Assert.Equal(Totals(asManager), Totals(asAdmin));
        Assert.Equal("Timesheet of Bob: Mon 23 Nov – Sun 29 Nov 2026", ownMention.Title);
        Assert.Equal([new TextSection("No time in this week.")], ownMention.Sections.OfType<TextSection>());
        Assert.Contains("<@nobody> has not used the bot here", unknown.Text, StringComparison.Ordinal);
        Assert.Equal(before, await app.SnapshotAsync());
    }

    [SkippableFact]
    public async Task A_paris_week_with_the_clocks_going_back_has_a_25_hour_sunday()
    {
        // Saturday 24 October 2026, 20:00 in Paris (summer time, UTC+2).
        var (app, clock) = await AppAtAsync(provider, new DateTimeOffset(2026, 10, 24, 18, 0, 0, TimeSpan.Zero));
        await using var _ = app;
        await InZoneAsync(app, "alice", "Europe/Paris");
        await app.SendAsync("time", "log 3h on:mon release prep");
        // Saturday 22:00 to Sunday 00:00 on the bakery's night shift, then all of Sunday, midnight to midnight.
        clock.SetUtcNow(new DateTimeOffset(2026, 10, 24, 20, 0, 0, TimeSpan.Zero));
        await app.SendAsync("timer", "start night shift");
        clock.Advance(TimeSpan.FromHours(2));
        await app.SendAsync("timer", "start oven watch");
        clock.Advance(TimeSpan.FromHours(25)); // Monday 00:00 in Paris (winter time, UTC+1)
        await app.SendAsync("timer", "stop");
        clock.Advance(TimeSpan.FromHours(9));

        var last = Card(await app.SendAsync("time", "week last"));
        var byDate = Card(await app.SendAsync("time", "week 2026-10-25"));
        var thisWeek = Card(await app.SendAsync("time", "week"));
        var refused = await app.AssertRefusedAsync("time", "log 1h on:2026-10-25", "That would make 26 hours on Sun 25 Oct 2026, more than a day may hold (24 hours)");

        Assert.Equal("Timesheet of Alice: Mon 19 Oct – Sun 25 Oct 2026", last.Title);
        Assert.Equal(
            new Dictionary<string, string>
            {
                ["Mon 19 Oct"] = "3 hours",
                ["Tue 20 Oct"] = "–",
                ["Wed 21 Oct"] = "–",
                ["Thu 22 Oct"] = "–",
                ["Fri 23 Oct"] = "–",
                ["Sat 24 Oct"] = "2 hours",
                ["Sun 25 Oct"] = "25 hours",
                ["Week"] = "30 hours",
            },
            Totals(last));
        Assert.Equal(["night shift: 2 hours\nSat 2 hours", "oven watch: 25 hours\nSun 25 hours", "release prep: 3 hours\nMon 3 hours"], Rows(last));
        Assert.Equal(Totals(last), Totals(byDate));
        Assert.Equal("Timesheet of Alice: Mon 26 Oct – Sun 1 Nov 2026", thisWeek.Title);
        Assert.Equal([new TextSection("No time in this week.")], thisWeek.Sections.OfType<TextSection>());
        Assert.NotNull(refused);
    }
}

public sealed class SqliteTimeSheetTests() : TimeSheetTests(DbProvider.Sqlite);

public sealed class PostgresTimeSheetTests() : TimeSheetTests(DbProvider.Postgres);
