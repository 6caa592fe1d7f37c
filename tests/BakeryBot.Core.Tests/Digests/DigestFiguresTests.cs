using System.Globalization;
using BakeryBot.Core.Changes;
using BakeryBot.Core.Chat;
using BakeryBot.Core.Data;
using BakeryBot.Core.Digests;
using BakeryBot.Core.Incidents;
using BakeryBot.Core.Tests.Incidents;
using BakeryBot.Core.Tests.Infrastructure;
using BakeryBot.Core.TimeTracking;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace BakeryBot.Core.Tests.Digests;

/// <summary>A digest on a known history: every figure, and the card's key lines. On each database.</summary>
public abstract class DigestFiguresTests(DbProvider provider)
{
    /// <summary>The week of the digest: Mon 30 Nov 2026 00:00Z to Mon 7 Dec 2026 00:00Z.</summary>
    private static readonly DateTimeOffset W = new(2026, 11, 30, 0, 0, 0, TimeSpan.Zero);

    private static readonly CultureInfo Culture = CultureInfo.GetCultureInfo("en-GB");

    [SkippableFact]
    public async Task A_digest_on_a_known_history_has_exactly_the_expected_figures()
    {
        await using var app = await CoreTestApp.CreateAsync(provider);
        foreach (var ci in new[] { "service cookies", "asset oven-2", "asset mixer-1 end-of-life:2026-01-01", "asset scale-3" })
        {
            Assert.NotEqual(ReplyKind.Warning, (await app.SendAsync("cmdb", $"add {ci}")).Kind);
        }

        await MetricsTests.DependsOnAsync(app, "cookies", "oven-2");
        Assert.NotEqual(ReplyKind.Warning, (await app.SendAsync("sla", "set cookies ack:15m resolve:3h uptime:99.9")).Kind);
        // Drills: DRL-1 (every quarter) runs and passes in the week; DRL-2 (every week, due Thu 3 Dec 09:00) is left overdue.
        Assert.NotEqual(ReplyKind.Warning, (await app.SendAsync("drill", "new Bakery 2 can't open scenario:site-down every:quarter rto:4h rpo:1h")).Kind);
        Assert.NotEqual(ReplyKind.Warning, (await app.SendAsync("drill", "new Freezer fails scenario:custom every:week rto:4h rpo:1h")).Kind);
        app.Clock.SetUtcNow(W.AddDays(2).AddHours(10));
        Assert.NotEqual(ReplyKind.Warning, (await app.SendAsync("drill", "start DRL-1")).Kind);
        app.Clock.Advance(TimeSpan.FromHours(1));
        Assert.NotEqual(ReplyKind.Warning, (await app.SendAsync("drill", "finish DRL-1 pass rto-achieved:1h rpo-achieved:0")).Kind);

        var tenantId = await MetricsTests.TenantIdAsync(app);
        await using (var scope = app.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<BakeryDbContext>();
            var alice = await db.People.Where(p => p.TenantId == tenantId).Select(p => p.Id).FirstAsync();
            var cis = await db.ConfigurationItems.ToDictionaryAsync(c => c.Key, c => c.Id);
            var number = 0;
            void Incident(int sev, Detection by, DateTimeOffset declared, int? ackMinutes, int? resolveMinutes, params string[] ciKeys)
            {
                var incident = new Incident
                {
                    TenantId = tenantId,
                    Number = ++number,
                    Title = $"incident {number}",
                    Severity = sev,
                    DetectedBy = by,
                    State = resolveMinutes is null ? IncidentState.Acknowledged : IncidentState.Resolved,
                    DeclaredAt = declared,
                    DeclaredById = alice,
                    Platform = "test",
                    ChannelId = "C1",
                    AcknowledgedAt = ackMinutes is { } a ? declared.AddMinutes(a) : null,
                    ResolvedAt = resolveMinutes is { } r ? declared.AddMinutes(r) : null,
                };
                incident.Cis.AddRange(ciKeys.Select(k => new IncidentCi { TenantId = tenantId, CiId = cis[k] }));
                db.Incidents.Add(incident);
            }

            // The week: INC-1 to INC-4.
            Incident(1, Detection.Alert, W.AddDays(1).AddHours(10), 10, 120, "oven-2");
            Incident(2, Detection.Person, W.AddDays(2).AddHours(10), 20, 240, "oven-2", "mixer-1");
            Incident(3, Detection.Customer, W.AddDays(3), 30, null, "oven-2");
            Incident(3, Detection.Synthetic, W.AddDays(4), null, 60, "mixer-1"); // resolving was its first response
            // The week before, five weeks before, and just after the week.
            Incident(2, Detection.Person, W.AddDays(-6), 60, 180);
            Incident(4, Detection.Person, W.AddDays(-35).AddHours(1), 5, 60);
            Incident(1, Detection.Alert, W.AddDays(7).AddHours(1), 1, 2, "oven-2");

            void Change(int n, string title, DateTimeOffset released, ReleaseOutcome outcome) => db.Changes.Add(new Change
            {
                TenantId = tenantId,
                Number = n,
                Title = title,
                State = ChangeState.Completed,
                RequestedAt = released.AddDays(-3),
                RequestedById = alice,
                WindowStart = released.AddHours(-1),
                WindowEnd = released.AddHours(1),
                ApprovalDeadline = released.AddDays(-1),
                ReleaseStartedAt = released.AddHours(-1),
                ReleasedAt = released,
                ReleasedById = alice,
                Outcome = outcome,
                Platform = "test",
                ChannelId = "C1",
            });
            Change(1, "New thermostat", W.AddDays(1), ReleaseOutcome.Succeeded);
            Change(2, "Faster mixer", W.AddDays(2), ReleaseOutcome.RolledBack);
            Change(3, "Last week's fix", W.AddDays(-3), ReleaseOutcome.Failed);

            void Time(string? record, DateTimeOffset started, int minutes) => db.Set<TimeEntry>().Add(new TimeEntry
            {
                TenantId = tenantId,
                PersonId = alice,
                StartedAt = started,
                Seconds = minutes * 60,
                RecordKey = record,
                CreatedAt = started,
            });
            Time("INC-1", W.AddDays(1), 90);
            Time("INC-2", W.AddDays(2), 30);
            Time("PRB-1", W.AddDays(2), 60);
            Time("CHG-1", W.AddDays(3), 90);
            Time("DRL-1", W.AddDays(2).AddHours(10), 45);
            Time(null, W.AddDays(5), 30);
            Time("INC-1", W.AddDays(-1), 300); // the week before: not counted
            await db.SaveChangesAsync();
            await db.ConfigurationItems.Where(c => c.Key == "scale-3").ExecuteUpdateAsync(s => s.SetProperty(c => c.LastSeenAt, W.AddDays(-40)));
        }

        app.Clock.SetUtcNow(W.AddDays(7).AddHours(9)); // Mon 7 Dec 09:00Z
        Digest digest;
        await using (var scope = app.Services.CreateAsyncScope())
        {
            digest = await scope.ServiceProvider.GetRequiredService<DigestService>().BuildAsync(tenantId, W, W.AddDays(7), CancellationToken.None);
        }

        Assert.Equal((W, W.AddDays(7), W.AddDays(-7)), (digest.From, digest.To, digest.PreviousFrom));
        Assert.Equal(4, digest.Incidents.Count);
        Assert.Equal(new Dictionary<int, int> { [1] = 1, [2] = 1, [3] = 2, [4] = 0 }, digest.Incidents.BySeverity);
        // MTTA over 10, 20, 30 and 60 minutes; MTTR over 2, 4 and 1 hours.
        Assert.Equal((4, TimeSpan.FromMinutes(30), 3, TimeSpan.FromMinutes(140)), (digest.Incidents.Responded, digest.Incidents.Mtta, digest.Incidents.Resolved, digest.Incidents.Mttr));
        Assert.Equal((2, 2), (digest.Incidents.ByMonitoring, digest.Incidents.ByPeople));
        Assert.Equal((1, TimeSpan.FromHours(1), TimeSpan.FromHours(3)), (digest.Previous.Count, digest.Previous.Mtta, digest.Previous.Mttr));
        Assert.Equal(
            [(0, null), (0, null), (1, TimeSpan.FromHours(1)), (0, null), (0, null), (0, null), (1, TimeSpan.FromHours(3)), (4, TimeSpan.FromMinutes(140))],
            digest.Weeks.Select(w => (w.Incidents, w.Mttr)));
        Assert.Equal(Enumerable.Range(0, 8).Select(w => W.AddDays(7 * (w - 7))), digest.Weeks.Select(w => w.From));

        // cookies depends on oven-2: INC-1, INC-2 and INC-3 reach it. Acknowledge within 15 minutes: INC-2 and INC-3
        // missed it; resolve within 3 hours: INC-2 (4 hours) and INC-3 (not resolved) missed it. Down: INC-1 (2 hours) and INC-2 (4 hours).
        Assert.Equal(4, digest.Sla.Breaches);
        Assert.Equal(["cookies"], digest.Sla.BreachedCis);
        Assert.Equal([new DigestUptime("cookies", 96.4285m, 99.9, false)], digest.Sla.Uptimes);

        Assert.Equal(["CHG-1 New thermostat", "CHG-2 Faster mixer (failed)"], digest.Changes.Released);
        Assert.Equal((2, 2.0, 1, 0.5), (digest.Changes.Count, digest.Changes.PerWeek, digest.Changes.Failures, digest.Changes.FailureRate));

        Assert.Equal((1, 0), (digest.Drills.Passed, digest.Drills.Failed));
        Assert.Equal(["DRL-2 Freezer fails"], digest.Drills.Overdue);

        Assert.Equal(
            new Dictionary<string, TimeSpan>
            {
                ["INC"] = TimeSpan.FromHours(2),
                ["PRB"] = TimeSpan.FromHours(1),
                ["CHG"] = TimeSpan.FromMinutes(90),
                ["DRL"] = TimeSpan.FromMinutes(45),
                ["none"] = TimeSpan.FromMinutes(30),
            },
            digest.TimeLogged);
        Assert.Equal([new DigestCi("oven-2", 3), new DigestCi("mixer-1", 2)], digest.TopCis);
        Assert.Equal(["scale-3"], digest.StaleAssets);
        Assert.Equal(["mixer-1 (since 2026-01-01)"], digest.Risks.PastEndOfLife);

        var card = DigestCards.Card(digest, TimeZoneInfo.Utc, Culture);
        Assert.Equal("Weekly digest, 30 Nov 2026 – 6 Dec 2026", card.Title);
        Assert.Equal(CardAccent.Warning, card.Accent);
        var fields = card.Sections.OfType<FieldsSection>().SelectMany(s => s.Fields).ToDictionary(f => f.Label, f => f.Value);
        Assert.Equal("4 (SEV1 1 · SEV2 1 · SEV3 2 · SEV4 0) · ▲ 3 since the week before", fields["Incidents"]);
        Assert.Equal("30 minutes (▼ 30 minutes since the week before)", fields["MTTA"]);
        Assert.Equal("2 hours, 20 minutes (▼ 40 minutes since the week before)", fields["MTTR"]);
        Assert.Equal("monitoring 2 · people 2", fields["Detected by"]);
        Assert.Equal("4 (cookies)", fields["SLA breaches"]);
        Assert.Equal("cookies 96.4285% of 99.9% ✗ missed", fields["Uptime"]);
        Assert.Equal("2: CHG-1 New thermostat, CHG-2 Faster mixer (failed)", fields["Changes released"]);
        Assert.Equal("2 a week · change failure rate 50% (1 of 2)", fields["Deployments"]);
        Assert.Equal("1 passed, 0 failed · overdue: DRL-2 Freezer fails", fields["Drills"]);
        Assert.Equal("INC 2 hours · PRB 1 hour · CHG 1 hour, 30 minutes · DRL 45 minutes · no record 30 minutes", fields["Time logged"]);
        Assert.Equal("oven-2 (3), mixer-1 (2)", fields["Most incidents"]);
        Assert.Equal("scale-3", fields["Stale assets"]);
        Assert.Contains("past end of life: mixer-1 (since 2026-01-01)", fields["CMDB risks"], StringComparison.Ordinal);
        // Incidents 0 0 1 0 0 0 1 4 and MTTR – – 1h – – – 3h 2h20m, each scaled to its largest week.
        Assert.Equal("Incidents, last 8 weeks: ▁▁▃▁▁▁▃█\nMTTR, last 8 weeks: ··▃···█▆", Assert.IsType<TextSection>(card.Sections[1]).Text);
    }
}

public sealed class SqliteDigestFiguresTests() : DigestFiguresTests(DbProvider.Sqlite);

public sealed class PostgresDigestFiguresTests() : DigestFiguresTests(DbProvider.Postgres);

/// <summary>The sparklines, without a database.</summary>
public sealed class DigestSparklineTests
{
    [Theory]
    [InlineData(new double[] { 0, 0, 0 }, "▁▁▁")]
    [InlineData(new double[] { 1, 2, 3, 4, 5, 6, 7, 8 }, "▂▃▄▅▅▆▇█")]
    [InlineData(new double[] { 0, 7 }, "▁█")]
    public void A_sparkline_scales_from_zero_to_the_largest_value(double[] values, string expected) =>
        Assert.Equal(expected, DigestCards.Sparkline(values.Select(v => (double?)v).ToList()));

    [Fact]
    public void A_sparkline_marks_weeks_without_a_value() =>
        Assert.Equal("·█·▅", DigestCards.Sparkline([null, 10, null, 6]));
}
