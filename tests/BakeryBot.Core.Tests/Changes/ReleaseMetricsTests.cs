using System.Globalization;
using BakeryBot.Core.Changes;
using BakeryBot.Core.Chat;
using BakeryBot.Core.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace BakeryBot.Core.Tests.Changes;

/// <summary>The release metrics' arithmetic on a small history worked out by hand.</summary>
public sealed class ReleaseMetricsArithmeticTests
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 2, 0, 0, 0, TimeSpan.Zero);
    private static readonly CultureInfo EnGb = CultureInfo.GetCultureInfo("en-GB");

    private static TimeSpan H(double hours) => TimeSpan.FromHours(hours);

    private static ReleaseFacts Release(double requestedDay, double leadHours, ReleaseOutcome outcome = ReleaseOutcome.Succeeded, bool caused = false) =>
        new(T0.AddDays(requestedDay), T0.AddDays(requestedDay) + H(leadHours), outcome, caused);

    /// <summary>
    /// 28 days (four weeks). Ten releases in them with lead times 2, 10, 24, 4, 6, 1, 48, 3, 12 and 30
    /// hours: sorted 1 2 3 4 6 | 10 12 24 30 48, so the median is (6 + 10) / 2 = 8 hours and the p90 the
    /// ⌈0.9·10⌉ = 9th, 30 hours. One rolled back, one failed, one that caused an incident: 3 of 10
    /// failures, 30%. Ten releases in 28 days are 2.5 a week and 0.357 a day. One release before and
    /// one after the period are left out. Incidents caused by changes: resolved after 90, 30 and 120
    /// minutes (median 90), one still open, one declared before the period.
    /// </summary>
    [Fact]
    public void Figures_of_a_known_history()
    {
        var releases = new[]
        {
            Release(0, 2),
            Release(1, 10),
            Release(2, 24, ReleaseOutcome.RolledBack),
            Release(5, 4, caused: true),
            Release(6, 6, ReleaseOutcome.Failed),
            Release(7, 1),
            Release(8, 48),
            Release(9, 3),
            Release(12, 12),
            Release(20, 30),
            Release(-3, 1, ReleaseOutcome.Failed), // released before the period
            Release(27.9, 5), // released after it
        };
        var restores = new[]
        {
            new RestoreFacts(T0.AddDays(5) + H(5), T0.AddDays(5) + H(6.5)),
            new RestoreFacts(T0.AddDays(12), T0.AddDays(12) + H(0.5)),
            new RestoreFacts(T0.AddDays(13), T0.AddDays(13) + H(2)),
            new RestoreFacts(T0.AddDays(27), null),
            new RestoreFacts(T0.AddDays(-1), T0.AddDays(-1) + H(9)),
        };

        var report = ReleaseMetrics.Compute(T0, T0.AddDays(28), releases, restores);

        Assert.Equal(10, report.Releases);
        Assert.Equal(2.5, report.PerWeek, 9);
        Assert.Equal(10 / 28.0, report.PerDay, 9);
        Assert.Equal(H(8), report.LeadTimeMedian);
        Assert.Equal(H(30), report.LeadTimeP90);
        Assert.Equal(3, report.Failures);
        Assert.Equal(0.3, report.FailureRate!.Value, 9);
        Assert.Equal((3, 1), (report.Restored, report.NotRestored));
        Assert.Equal(TimeSpan.FromMinutes(90), report.TimeToRestoreMedian);

        var card = ReleaseMetricsCards.Report(report, EnGb);
        Assert.Equal("Release metrics, 2 Nov 2026 – 29 Nov 2026", card.Title);
        Assert.Equal(
        [
            new CardField("Deployment frequency", "10 releases: 2.5 a week, 0.36 a day"),
            new CardField("Lead time (request to release)", "median 8 hours · p90 1 day, 6 hours"),
            new CardField("Change failure rate", "30% (3 of 10 releases)"),
            new CardField("Time to restore (incidents caused by a change)", "median 1 hour, 30 minutes over 3 resolved incidents, 1 still open"),
        ], Assert.IsType<FieldsSection>(card.Sections[0]).Fields);
        Assert.Equal(CardAccent.Warning, card.Accent);
    }

    [Fact]
    public void An_odd_count_has_its_middle_as_median_and_one_value_is_every_percentile()
    {
        Assert.Equal(H(3), ReleaseMetrics.Median([H(1), H(3), H(7)]));
        Assert.Equal(H(7), ReleaseMetrics.Percentile([H(1), H(3), H(7)], 0.9));
        Assert.Equal(H(5), ReleaseMetrics.Percentile([H(5)], 0.9));
        Assert.Equal(H(5), ReleaseMetrics.Median([H(5)]));
        Assert.Null(ReleaseMetrics.Median([]));
        Assert.Null(ReleaseMetrics.Percentile([], 0.9));
    }

    [Fact]
    public void Nothing_released_is_not_applicable_rather_than_zero()
    {
        var report = ReleaseMetrics.Compute(T0, T0.AddDays(30), [], [new RestoreFacts(T0.AddDays(1), null)]);

        Assert.Equal((0, 0.0, (TimeSpan?)null, (double?)null, (TimeSpan?)null), (report.Releases, report.PerWeek, report.LeadTimeMedian, report.FailureRate, report.TimeToRestoreMedian));
        Assert.Equal(
        [
            new CardField("Deployment frequency", "no releases"),
            new CardField("Lead time (request to release)", "n/a: nothing was released"),
            new CardField("Change failure rate", "n/a: nothing was released"),
            new CardField("Time to restore (incidents caused by a change)", "n/a: 1 incident caused by a change, none resolved yet"),
        ], Assert.IsType<FieldsSection>(ReleaseMetricsCards.Report(report, EnGb).Sections[0]).Fields);
        Assert.Throws<ArgumentException>(() => ReleaseMetrics.Compute(T0, T0, [], []));
    }
}

/// <summary><c>/change metrics</c> from stored releases and incidents, on each database.</summary>
public abstract class ReleaseMetricsTests(DbProvider provider)
{
    private static async Task<IReadOnlyList<CardField>> MetricsAsync(CoreTestApp app, string text = "metrics")
    {
        var card = Assert.Single((await app.SendAsync("change", text)).Cards);
        return Assert.IsType<FieldsSection>(card.Sections[0]).Fields;
    }

    private static string Field(IReadOnlyList<CardField> fields, string label) => fields.Single(f => f.Label.StartsWith(label, StringComparison.Ordinal)).Value;

    /// <summary>
    /// Thu 09:00 CHG-1 (thermostat-2) and CHG-2 (mixer-1) are requested and start; CHG-1 is done at 10:00
    /// and CHG-2 at 11:00: lead times 1 and 2 hours. Then an incident on oven-2, which depends on the
    /// thermostat, is said to be caused by CHG-1 and resolved 45 minutes later.
    /// </summary>
    [SkippableFact]
    public async Task The_failure_rate_and_time_to_restore_follow_the_incidents_caused_by_a_change()
    {
        await using var app = await CoreTestApp.CreateAsync(provider);
        foreach (var ci in new[] { "asset oven-2", "component thermostat-2", "asset mixer-1" })
        {
            await app.SendAsync("cmdb", $"add {ci}");
        }

        await app.SendAsync("cmdb", "link oven-2 depends-on thermostat-2");
        await app.SendAsync("change", "request replace thermostat ci:thermostat-2 window:\"today 09:30+2h\" risk:low rollback:\"refit it\" type:standard");
        await app.SendAsync("change", "request swap mixer blade ci:mixer-1 window:\"today 09:30+2h\" risk:low rollback:\"refit it\" type:standard");
        await app.SendAsync("change", "request retile the floor ci:oven-2 window:\"tomorrow 09:30+2h\" risk:low rollback:\"lift them\"");
        await app.SendAsync("release", "start CHG-1");
        await app.SendAsync("release", "start CHG-2");
        app.Clock.Advance(TimeSpan.FromHours(1));
        await app.SendAsync("release", "done CHG-1");
        app.Clock.Advance(TimeSpan.FromHours(1));
        await app.SendAsync("release", "done CHG-2");

        var clean = await MetricsAsync(app);
        await app.SendAsync("incident", "oven-2 too cold ci:oven-2");
        var card = Assert.Single(await app.QueryAsync(async db => (await db.Outbox.ToListAsync()).Where(o => o.CardJson is not null && o.Text.Contains("declared INC-1")).Select(o => ChatJson.Deserialize(o.CardJson!)).ToList()));
        Assert.Contains(card.Buttons, b => b.Value == "INC-1/CHG-1");
        await app.ClickAsync(ReleaseCommands.CausedByAction, "INC-1/CHG-1", user: "bob");
        var caused = await MetricsAsync(app);
        app.Clock.Advance(TimeSpan.FromMinutes(45));
        await app.SendAsync("incident", "resolve INC-1");
        var restored = await MetricsAsync(app);
        app.Clock.Advance(TimeSpan.FromDays(8));
        var lastWeek = await MetricsAsync(app, "metrics since:7d");

        Assert.Equal("2 releases: 0.47 a week, 0.07 a day", Field(clean, "Deployment frequency"));
        Assert.Equal("median 1 hour, 30 minutes · p90 2 hours", Field(clean, "Lead time"));
        Assert.Equal("0% (0 of 2 releases)", Field(clean, "Change failure rate"));
        Assert.Equal("n/a: no incident caused by a change was declared in this period", Field(clean, "Time to restore"));
        Assert.Equal("50% (1 of 2 releases)", Field(caused, "Change failure rate"));
        Assert.Equal("n/a: 1 incident caused by a change, none resolved yet", Field(caused, "Time to restore"));
        Assert.Equal("median 45 minutes over 1 resolved incident", Field(restored, "Time to restore"));
        Assert.Equal(("no releases", "n/a: nothing was released"), (Field(lastWeek, "Deployment frequency"), Field(lastWeek, "Change failure rate")));
    }

    [SkippableTheory]
    [InlineData("metrics since:soon", "`soon` is not a duration.")]
    [InlineData("metrics until:7d", "`until:` is not an option here")]
    [InlineData("metrics all", "`all` is not something `/change metrics [since:30d]` takes.")]
    public async Task Wrong_metrics_commands_say_what_was_wrong_and_change_nothing(string text, string expected)
    {
        await using var app = await CoreTestApp.CreateAsync(provider);
        await app.SendAsync("change", "metrics"); // the person is known before the refusal

        await app.AssertRefusedAsync("change", text, expected);
    }
}

public sealed class SqliteReleaseMetricsTests() : ReleaseMetricsTests(DbProvider.Sqlite);

public sealed class PostgresReleaseMetricsTests() : ReleaseMetricsTests(DbProvider.Postgres);
