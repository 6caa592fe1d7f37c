using System.Globalization;
using BakeryBot.Core.Chat;
using BakeryBot.Core.Cmdb;
using BakeryBot.Core.Data;
using BakeryBot.Core.Incidents;
using BakeryBot.Core.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace BakeryBot.Core.Tests.Incidents;

/// <summary>MTTA and MTTR per service and severity from stored incidents, on each database.</summary>
public abstract class MetricsTests(DbProvider provider)
{
    private static readonly DateTimeOffset T = CoreTestApp.Start;

    [SkippableFact]
    public async Task Metrics_per_service_and_severity_come_from_the_incidents_times_and_the_cmdb()
    {
        await using var app = await CoreTestApp.CreateAsync(provider);
        foreach (var ci in new[] { "asset oven-2", "asset mixer-1", "service cookies", "service bread" })
        {
            await app.SendAsync("cmdb", $"add {ci}");
        }

        await DependsOnAsync(app, "cookies", "oven-2");
        await DependsOnAsync(app, "bread", "oven-2");
        await DependsOnAsync(app, "bread", "mixer-1");

        // INC-1: oven-2 (cookies and bread), SEV2, acknowledged after 4 minutes, resolved after 60.
        // INC-2: mixer-1 (bread), SEV2, acknowledged after 10 minutes, resolved after 120.
        // INC-3: oven-2, SEV3, acknowledged after 6 minutes, never resolved: out of MTTR.
        // INC-4: no CI, SEV2, by an alert, mitigated (its first response) after 20 minutes, resolved after 40.
        // INC-5: oven-2, SEV4, by a customer, never touched: out of MTTA and MTTR.
        await At(0, "burnt cookies sev2 ci:oven-2");
        await At(4, "ack INC-1");
        await At(5, "lumpy dough sev2 ci:mixer-1");
        await At(15, "ack INC-2");
        await At(20, "pale crust sev3 ci:oven-2");
        await At(26, "ack INC-3");
        await At(30, "till offline sev2");
        await At(50, "mitigate INC-4 card payments moved to the spare till", user: "bob"); // a person, not the alert itself
        await At(60, "resolve INC-1");
        await At(70, "resolve INC-4");
        await At(80, "sticky buns sev4 ci:oven-2");
        await At(125, "resolve INC-2");
        await app.SendAsync("incident", "other tenant sev1", tenant: "T2");
        await At(60 * 48, "too late for the window sev1 ci:oven-2");
        await SetDetectionAsync(app, 4, Detection.Alert);
        await SetDetectionAsync(app, 5, Detection.Customer);

        await using var scope = app.Services.CreateAsyncScope();
        var metrics = scope.ServiceProvider.GetRequiredService<IncidentMetricsService>();
        var report = await metrics.ComputeAsync(await TenantIdAsync(app), T, T.AddDays(1), CancellationToken.None);

        Assert.Equal(
        [
            new ServiceMetrics(IncidentMetrics.NoService, 2, new(1, 1, Minutes(20), 1, Minutes(40))),
            new ServiceMetrics("bread", 2, new(2, 2, Minutes(7), 2, Minutes(90))),
            new ServiceMetrics("bread", 3, new(1, 1, Minutes(6), 0, null)),
            new ServiceMetrics("bread", 4, new(1, 0, null, 0, null)),
            new ServiceMetrics("cookies", 2, new(1, 1, Minutes(4), 1, Minutes(60))),
            new ServiceMetrics("cookies", 3, new(1, 1, Minutes(6), 0, null)),
            new ServiceMetrics("cookies", 4, new(1, 0, null, 0, null)),
        ], report.ByService);
        Assert.Equal(
        [
            new SeverityMetrics(2, new(3, 3, Minutes(34) / 3, 3, Minutes(220) / 3)),
            new SeverityMetrics(3, new(1, 1, Minutes(6), 0, null)),
            new SeverityMetrics(4, new(1, 0, null, 0, null)),
        ], report.BySeverity);
        Assert.Equal(new MetricsFigures(5, 4, Minutes(10), 3, Minutes(220) / 3), report.Overall);
        Assert.Equal(new Dictionary<Detection, int> { [Detection.Person] = 3, [Detection.Alert] = 1, [Detection.Synthetic] = 0, [Detection.Customer] = 1 }, report.DetectedBy);

        // A zone's offset on the bounds changes nothing: the same instants select the same incidents.
        var paris = TimeSpan.FromHours(1);
        var shifted = await metrics.ComputeAsync(await TenantIdAsync(app), T.ToOffset(paris), T.AddDays(1).ToOffset(paris), CancellationToken.None);
        Assert.Equal(report.Overall, shifted.Overall);

        var card = MetricsCards.Report(report, CultureInfo.GetCultureInfo("en-GB"));
        var fields = Assert.IsType<FieldsSection>(card.Sections[0]).Fields;
        Assert.Equal(new CardField("MTTR", "1 hour, 13 minutes (3 resolved)"), fields[2]);
        Assert.Contains("bread · SEV2 · 2 incidents · MTTA 7 minutes · MTTR 1 hour, 30 minutes", Assert.IsType<TextSection>(card.Sections[3]).Text, StringComparison.Ordinal);

        async Task At(int minutes, string text, string user = "alice")
        {
            app.Clock.SetUtcNow(T.AddMinutes(minutes));
            var reply = await app.SendAsync("incident", text, user: user);
            Assert.NotEqual(ReplyKind.Warning, reply.Kind);
        }
    }

    [SkippableFact]
    public async Task A_tenant_without_incidents_gets_an_empty_report()
    {
        await using var app = await CoreTestApp.CreateAsync(provider);
        await app.SendAsync("bakery", "whoami");
        await using var scope = app.Services.CreateAsyncScope();

        var report = await scope.ServiceProvider.GetRequiredService<IncidentMetricsService>()
            .ComputeAsync(await TenantIdAsync(app), T, T.AddDays(30), CancellationToken.None);

        Assert.Equal(new MetricsFigures(0, 0, null, 0, null), report.Overall);
        Assert.Empty(report.ByService);
        Assert.All(report.DetectedBy.Values, count => Assert.Equal(0, count));
    }

    /// <summary>The tenant a test's chat requests created (the router makes tenants on first sight).</summary>
    public static Task<int> TenantIdAsync(CoreTestApp app, string tenant = "T1") =>
        app.QueryAsync(db => db.Tenants.Where(t => t.ExternalId == tenant).Select(t => t.Id).SingleAsync());

    /// <summary>A depends-on relationship, written directly until <c>/cmdb link</c> exists.</summary>
    public static async Task DependsOnAsync(CoreTestApp app, string source, string target)
    {
        await using var scope = app.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<BakeryDbContext>();
        var from = await db.ConfigurationItems.SingleAsync(c => c.Key == source);
        var to = await db.ConfigurationItems.SingleAsync(c => c.Key == target);
        db.CiRelationships.Add(new CiRelationship { TenantId = from.TenantId, SourceId = from.Id, Relation = CiRelation.DependsOn, TargetId = to.Id, CreatedAt = app.Clock.GetUtcNow() });
        await db.SaveChangesAsync();
    }

    private static async Task SetDetectionAsync(CoreTestApp app, int number, Detection detection)
    {
        var tenantId = await TenantIdAsync(app);
        await app.QueryAsync(db => db.Incidents.Where(i => i.TenantId == tenantId && i.Number == number)
            .ExecuteUpdateAsync(s => s.SetProperty(i => i.DetectedBy, detection)));
    }

    private static TimeSpan Minutes(int minutes) => TimeSpan.FromMinutes(minutes);
}

public sealed class SqliteMetricsTests() : MetricsTests(DbProvider.Sqlite);

public sealed class PostgresMetricsTests() : MetricsTests(DbProvider.Postgres);

/// <summary>The arithmetic and the card, without a database.</summary>
public sealed class MetricsArithmeticTests
{
    private static readonly DateTimeOffset T = new(2026, 11, 1, 0, 0, 0, TimeSpan.Zero);

    [Fact]
    public void Means_are_exact_and_skip_incidents_without_the_step()
    {
        var report = IncidentMetrics.Compute(T, T.AddDays(30),
        [
            new(1, Detection.Synthetic, T, T.AddSeconds(30), T.AddHours(1), ["cookies", "cookies"]),
            new(1, Detection.Synthetic, T, T.AddSeconds(61), null, ["cookies"]),
            new(1, Detection.Person, T, null, null, []),
        ]);

        Assert.Equal(new ServiceMetrics("cookies", 1, new(2, 2, TimeSpan.FromSeconds(45.5), 1, TimeSpan.FromHours(1))), report.ByService[1]);
        Assert.Equal(new ServiceMetrics(IncidentMetrics.NoService, 1, new(1, 0, null, 0, null)), report.ByService[0]);
        Assert.Equal(new MetricsFigures(3, 2, TimeSpan.FromSeconds(45.5), 1, TimeSpan.FromHours(1)), report.Overall);
        Assert.Equal(2, report.DetectedBy[Detection.Synthetic]);
    }

    [Fact]
    public void The_stats_card_shows_the_overall_figures_the_severities_and_the_services()
    {
        var report = IncidentMetrics.Compute(T, T.AddDays(30),
        [
            new(2, Detection.Alert, T, T.AddSeconds(40), T.AddMinutes(90), ["cookies"]),
            new(3, Detection.Person, T, null, null, ["bread"]),
        ]);

        var card = MetricsCards.Report(report, CultureInfo.GetCultureInfo("en-GB"));

        Assert.Equal("Incident metrics, 1 Nov 2026 – 30 Nov 2026", card.Title);
        Assert.Equal(
        [
            new CardField("Incidents", "2"),
            new CardField("MTTA", "40 seconds (1 responded to)"),
            new CardField("MTTR", "1 hour, 30 minutes (1 resolved)"),
            new CardField("Detected by", "1 person, 1 alert"),
        ], Assert.IsType<FieldsSection>(card.Sections[0]).Fields);
        Assert.Equal("By severity\nSEV2 · 1 incident · MTTA 40 seconds · MTTR 1 hour, 30 minutes\nSEV3 · 1 incident · MTTA – · MTTR – (1 unresolved)",
            Assert.IsType<TextSection>(card.Sections[2]).Text);
        Assert.StartsWith("By service\nbread · SEV3 · 1 incident", Assert.IsType<TextSection>(card.Sections[3]).Text, StringComparison.Ordinal);
        Assert.Empty(card.Buttons);
    }

    [Fact]
    public void An_empty_period_says_so()
    {
        var card = MetricsCards.Report(IncidentMetrics.Compute(T, T.AddDays(7), []), CultureInfo.GetCultureInfo("en-GB"));

        Assert.Equal("No incidents were declared in this period.", Assert.IsType<TextSection>(Assert.Single(card.Sections)).Text);
    }
}
