using BakeryBot.Core.Chat;
using BakeryBot.Core.Tests.Infrastructure;
using static BakeryBot.Core.Tests.TimeTracking.TimeKit;

namespace BakeryBot.Core.Tests.TimeTracking;

/// <summary><c>/time report</c>: who spent how long on a record, for everyone to read.</summary>
public abstract class TimeReportTests(DbProvider provider)
{
    [SkippableFact]
    public async Task A_records_report_sums_each_persons_time_entries_and_days_on_a_known_history()
    {
        await using var app = await CoreTestApp.CreateAsync(provider); // Thursday 26 November 2026, 09:00 UTC
        await app.SendAsync("incident", "burnt-cookie", user: "carol");
        await app.SendAsync("incident", "cold oven", user: "carol");
        await InZoneAsync(app, "bob", "Asia/Tokyo");
        await app.SendAsync("time", "log 1h on:mon INC-1 triage", user: "alice");
        await app.SendAsync("time", "log 30m INC-1", user: "alice");
        await app.SendAsync("time", "log 2h on:yesterday INC-1", user: "bob");
        await app.SendAsync("time", "log 45m on:2026-11-20 INC-1 first look", user: "carol");
        await app.SendAsync("timer", "start INC-1", user: "bob");
        app.Clock.Advance(TimeSpan.FromMinutes(15));
        await app.SendAsync("timer", "stop", user: "bob");
        // Not on INC-1 of this workspace: another incident, and another workspace's INC-1.
        await app.SendAsync("time", "log 3h INC-2", user: "alice");
        await app.SendAsync("incident", "their incident", user: "dave", tenant: "T2");
        await app.SendAsync("time", "log 5h INC-1", user: "dave", tenant: "T2");

        var card = Card(await app.SendAsync("time", "report INC-1", user: "eve"));
        await app.SendAsync("drill", "new Bakery 2 shut scenario:site-down every:quarter rto:4h rpo:1h", user: "eve");
        var none = Card(await app.SendAsync("time", "report DRL-1", user: "eve"));

        Assert.Equal("Time on INC-1", card.Title);
        Assert.Equal("Time on INC-1 (total 4 hours, 30 minutes)", card.Fallback);
        Assert.Equal(
            new Dictionary<string, string>
            {
                ["Total"] = "4 hours, 30 minutes",
                ["Entries"] = "5",
                ["People"] = "3",
                ["Days"] = "Fri 20 Nov 2026 – Thu 26 Nov 2026",
            },
            Totals(card));
        Assert.Equal(
            "Bob: 2 hours, 15 minutes in 2 entries, Wed 25 Nov 2026 – Thu 26 Nov 2026\n" +
            "Alice: 1 hour, 30 minutes in 2 entries, Mon 23 Nov 2026 – Thu 26 Nov 2026\n" +
            "Carol: 45 minutes in 1 entry, Fri 20 Nov 2026",
            Assert.Single(Rows(card)));
        Assert.Equal([new TextSection("No time is logged on DRL-1 yet.")], none.Sections);
    }
}

public sealed class SqliteTimeReportTests() : TimeReportTests(DbProvider.Sqlite);

public sealed class PostgresTimeReportTests() : TimeReportTests(DbProvider.Postgres);
