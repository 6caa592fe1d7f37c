using BakeryBot.Core.Changes;
using BakeryBot.Core.Tests.Infrastructure;
using Ical.Net;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using static BakeryBot.Core.Tests.Changes.ChangeCalendarSamples;

namespace BakeryBot.Core.Tests.Drills;

/// <summary>Drills in the change calendar feed: each drill's next due date and its runs, parsed back as a calendar app would. On each database.</summary>
public abstract class DrillCalendarTests(DbProvider provider)
{
    private static readonly DateTimeOffset Now = CoreTestApp.Start;

    [SkippableFact]
    public async Task The_feed_has_each_drills_next_due_date_and_its_runs_under_way_or_finished()
    {
        await using var app = await DrillTests.DrillAsync(provider, schedule: "week");
        await app.SendAsync("drill", "new Payments provider down scenario:third-party-down every:month rto:2h rpo:5m");
        await app.SendAsync("drill", "new Old bakery shut scenario:site-down every:month rto:2h rpo:5m");
        await app.SendAsync("drill", "retire DRL-3");
        await app.SendAsync("drill", "new Region lost scenario:region-down every:\"2 years\" rto:1d rpo:1h");
        await app.SendAsync("drill", "new Their drill scenario:custom every:week rto:1h rpo:1h", tenant: "T2");
        await app.SendAsync("drill", "start DRL-1");
        app.Clock.Advance(TimeSpan.FromHours(3));
        await app.SendAsync("drill", "finish DRL-1 pass rto-achieved:2h50m rpo-achieved:1h10m generator slow; keys missing", user: "bob");
        await app.SendAsync("drill", "start DRL-2");
        var tenant = await app.QueryAsync(db => WhoAsync(db, "test", "T1", "alice"));

        var ics = await FeedAsync(app, tenant.TenantId);
        var events = Events(ics);

        string Uid(string suffix) => $"drl-{tenant.TenantId}-{suffix}@bakerybot";
        Assert.Equal([Uid("1-run-1"), Uid("1"), Uid("2-run-1"), Uid("2"), Uid("3")], events.Keys.Order(StringComparer.Ordinal));
        Assert.DoesNotContain("Their drill", ics, StringComparison.Ordinal);
        // Long lines are folded (RFC 5545 §3.1): unfolded, the description says what the calendar holds.
        Assert.Contains("X-WR-CALDESC:Change windows\\, change freezes and continuity drills\\, from 90 days ago to a year ahead.", ics.Replace("\r\n ", "", StringComparison.Ordinal), StringComparison.Ordinal);

        // DRL-1 ran for three hours: due a week after the run ended.
        var due = events[Uid("1")];
        Assert.Equal("DRL-1 due: Bakery 2 can't open", due.Summary);
        Assert.Equal((Now.AddHours(3).AddDays(7).UtcDateTime, Now.AddHours(4).AddDays(7).UtcDateTime), (due.DtStart!.AsUtc, due.DtEnd!.AsUtc));
        Assert.True(due.DtStart.IsUtc);
        // Its sequence moved on when the run started (the event said a run was under way) and when it finished.
        Assert.Equal((EventStatus.Confirmed, TransparencyType.Transparent, 2), (due.Status, due.Transparency, due.Sequence));
        Assert.Equal((Now.AddHours(3).UtcDateTime, Now.UtcDateTime), (due.DtStamp!.AsUtc, due.Created!.AsUtc));
        Assert.Equal(
            "Continuity drill: site down\nAbout: bakery-2\nOwner: Bob\nSchedule: every week\nRTO: 4 hours, RPO: 1 hour\nState: due\nLast result: run 1, passed, but the RPO was missed",
            due.Description);

        var run = events[Uid("1-run-1")];
        Assert.Equal(("DRL-1 run 1: Bakery 2 can't open", EventStatus.Confirmed, 1), (run.Summary, run.Status, run.Sequence));
        Assert.Equal((Now.UtcDateTime, Now.AddHours(3).UtcDateTime), (run.DtStart!.AsUtc, run.DtEnd!.AsUtc));
        Assert.Equal(
            "Continuity drill: site down\nAbout: bakery-2\nOwner: Bob\nSchedule: every week\nRTO: 4 hours, RPO: 1 hour\n" +
            "Result: passed, but the RPO was missed\nRTO 4 hours: achieved 2 hours, 50 minutes ✅ met\nRPO 1 hour: achieved 1 hour, 10 minutes ❌ missed by 10 minutes\n" +
            "Finding 1: generator slow\nFinding 2: keys missing",
            run.Description);

        // A run under way lasts, in the feed, until the time its RTO allows.
        var running = events[Uid("2-run-1")];
        Assert.Equal(("DRL-2 run 1 (under way): Payments provider down", 0), (running.Summary, running.Sequence));
        Assert.Equal((Now.AddHours(3).UtcDateTime, Now.AddHours(5).UtcDateTime), (running.DtStart!.AsUtc, running.DtEnd!.AsUtc));
        Assert.EndsWith("State: under way", running.Description, StringComparison.Ordinal);
        Assert.Contains("State: run 1 under way", events[Uid("2")].Description, StringComparison.Ordinal);

        // A retired drill is cancelled, so calendars that kept it drop it; one due beyond a year is not in the feed.
        Assert.Equal(EventStatus.Cancelled, events[Uid("3")].Status);
        Assert.Contains("State: retired", events[Uid("3")].Description, StringComparison.Ordinal);
    }

    [SkippableFact]
    public async Task A_finished_run_moves_the_due_event_in_place_with_a_higher_sequence()
    {
        await using var app = await DrillTests.DrillAsync(provider, schedule: "week");
        var tenant = await app.QueryAsync(db => WhoAsync(db, "test", "T1", "alice"));
        var uid = $"drl-{tenant.TenantId}-1@bakerybot";

        var before = await FeedAsync(app, tenant.TenantId);
        app.Clock.Advance(TimeSpan.FromHours(1));
        var later = await FeedAsync(app, tenant.TenantId);
        await app.SendAsync("drill", "start DRL-1");
        await app.SendAsync("drill", "finish DRL-1 fail", user: "bob");
        var after = Events(await FeedAsync(app, tenant.TenantId))[uid];

        Assert.Equal(before, later);
        var first = Events(before)[uid];
        Assert.Equal((Now.AddDays(7).UtcDateTime, 0), (first.DtStart!.AsUtc, first.Sequence));
        // Starting the run and finishing it each moved the drill's version on.
        Assert.Equal((Now.AddHours(1).AddDays(7).UtcDateTime, 2), (after.DtStart!.AsUtc, after.Sequence));
        Assert.Equal(2, await app.QueryAsync(db => db.Drills.Select(d => d.Version).SingleAsync()));
    }

    private static async Task<string> FeedAsync(CoreTestApp app, int tenantId)
    {
        await using var scope = app.Services.CreateAsyncScope();
        var feed = await scope.ServiceProvider.GetRequiredService<ChangeCalendarService>().FeedAsync(tenantId, CancellationToken.None);
        return feed.Serialize();
    }
}

public sealed class SqliteDrillCalendarTests() : DrillCalendarTests(DbProvider.Sqlite);

public sealed class PostgresDrillCalendarTests() : DrillCalendarTests(DbProvider.Postgres);
