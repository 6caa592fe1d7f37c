using System.Globalization;
using BakeryBot.Core.Chat;
using BakeryBot.Core.Cmdb.Import;
using BakeryBot.Core.Data;
using BakeryBot.Core.Incidents;
using BakeryBot.Core.Jobs;
using BakeryBot.Core.Synthetic;
using BakeryBot.Core.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace BakeryBot.Core.Tests.Synthetic;

/// <summary>
/// Synthetic checks: CIs with a check_url probed on schedule against a local web server; failures in a
/// row open one incident detected by "synthetic", recovery mitigates it automatically. On each database.
/// </summary>
public abstract class SyntheticCheckTests(DbProvider provider)
{
    private static readonly TimeSpan Every = new SyntheticOptions().CheckEvery;

    private static void Settings(IServiceCollection services) =>
        services.Configure<SyntheticOptions>(o => o.Timeout = TimeSpan.FromSeconds(1));

    private async Task<CoreTestApp> AppAsync() => await CoreTestApp.CreateAsync(provider, Settings);

    private static async Task<JobRunReport> RunAsync(CoreTestApp app) =>
        (await app.Services.GetRequiredService<JobRunner>().RunAsync(JobNames.SyntheticChecks, manual: false, CancellationToken.None))!;

    /// <summary>Moves time on to the next probe, then runs the job.</summary>
    private static async Task<JobRunReport> NextRoundAsync(CoreTestApp app)
    {
        app.Clock.Advance(Every);
        return await RunAsync(app);
    }

    private static Task<List<Incident>> IncidentsAsync(CoreTestApp app, string tenant = "T1") =>
        app.QueryAsync(db => db.Incidents.Include(i => i.Cis).ThenInclude(c => c.Ci).Include(i => i.Timeline)
            .Where(i => db.Tenants.Any(t => t.Id == i.TenantId && t.ExternalId == tenant)).OrderBy(i => i.Number).ToListAsync());

    private static async Task<string?> CheckFieldAsync(CoreTestApp app, string ci)
    {
        var reply = await app.SendAsync("cmdb", $"show {ci}");
        return Assert.Single(reply.Cards).Sections.OfType<FieldsSection>().SelectMany(s => s.Fields).FirstOrDefault(f => f.Label == "Synthetic check")?.Value;
    }

    [SkippableFact]
    public async Task Failures_in_a_row_open_one_incident_at_the_threshold_and_the_first_success_mitigates_it_automatically()
    {
        await using var target = await FakeTarget.StartAsync();
        await using var app = await AppAsync();
        target.Answer("web", 503);
        var added = await app.SendAsync("cmdb", $"add service web check_url:{target.Url("web")}");
        Assert.Contains($"Its synthetic check probes {target.Url("web")} every 2 minutes; failures open an incident in this conversation.", added.Text, StringComparison.Ordinal);
        Assert.Equal("not probed yet (every 2 minutes)", await CheckFieldAsync(app, "web"));

        // Two failures: no incident yet.
        await RunAsync(app);
        await NextRoundAsync(app);
        Assert.Empty(await IncidentsAsync(app));
        Assert.Equal("❌ down for 2 minutes: HTTP 503 (2 failed probes in a row, checked less than a minute ago)", await CheckFieldAsync(app, "web"));

        // The third opens one, detected by the check, on the CI, where the URL was set.
        var third = await NextRoundAsync(app);
        Assert.Equal("Probed 1 check (down: web); opened INC-1; mitigated none.", third.Result!.Summary);
        var incident = Assert.Single(await IncidentsAsync(app));
        Assert.Equal(("web: synthetic check failing (HTTP 503)", Detection.Synthetic, "C1"), (incident.Title, incident.DetectedBy, incident.ChannelId));
        Assert.Equal(["web"], incident.Cis.Select(c => c.Ci!.Name));
        Assert.Contains(incident.Timeline, e => e.Text == "Declared as SEV3 by Synthetic check (detected by a synthetic check)");
        var events = incident.Timeline.Count;

        // Further failures add nothing: no second incident, no line on the first.
        await NextRoundAsync(app);
        await NextRoundAsync(app);
        incident = Assert.Single(await IncidentsAsync(app));
        Assert.Equal(events, incident.Timeline.Count);
        Assert.Equal(5, target.Requests("web"));
        Assert.Equal("❌ down for 8 minutes: HTTP 503 (5 failed probes in a row, checked less than a minute ago); INC-1 opened", await CheckFieldAsync(app, "web"));

        // Up again: mitigated by the check itself, a line on the timeline, and the count starts again.
        target.Answer("web", 200);
        var recovered = await NextRoundAsync(app);
        Assert.Equal("Probed 1 check (down: none); opened none; mitigated INC-1.", recovered.Result!.Summary);
        incident = Assert.Single(await IncidentsAsync(app));
        Assert.Equal(IncidentState.Mitigated, incident.State);
        Assert.True(incident.MitigatedAutomatically);
        Assert.Null(incident.RespondedAt);
        Assert.Contains(incident.Timeline, e => e.Kind == "mitigated" && e.Text == "Mitigated: synthetic check up again (HTTP 200)");
        var check = await app.QueryAsync(db => db.Set<SyntheticCheck>().SingleAsync());
        Assert.Equal((0, SyntheticStatus.Up, (int?)null, (string?)null), (check.ConsecutiveFailures, check.LastStatus, check.OpenIncidentId, check.LastError));
        Assert.Equal("✅ up for less than a minute (checked less than a minute ago, every 2 minutes)", await CheckFieldAsync(app, "web"));

        // A new outage needs its own run of failures.
        target.Answer("web", 500);
        await NextRoundAsync(app);
        await NextRoundAsync(app);
        Assert.Single(await IncidentsAsync(app));
        await NextRoundAsync(app);
        Assert.Equal(["web: synthetic check failing (HTTP 503)", "web: synthetic check failing (HTTP 500)"], (await IncidentsAsync(app)).Select(i => i.Title));
    }

    [SkippableFact]
    public async Task A_check_is_probed_only_when_due_and_once_after_a_long_stop()
    {
        await using var target = await FakeTarget.StartAsync();
        await using var app = await AppAsync();
        await app.SendAsync("cmdb", $"add service web check_url:{target.Url("web")}");

        await RunAsync(app);
        await RunAsync(app);
        app.Clock.Advance(Every - TimeSpan.FromSeconds(1));
        await RunAsync(app);
        Assert.Equal(1, target.Requests("web"));

        app.Clock.Advance(TimeSpan.FromSeconds(1));
        await RunAsync(app);
        Assert.Equal(2, target.Requests("web"));

        // An hour without runs (the bot was down): one probe, not thirty.
        app.Clock.Advance(TimeSpan.FromHours(1));
        await RunAsync(app);
        await RunAsync(app);
        Assert.Equal(3, target.Requests("web"));
    }

    [SkippableFact]
    public async Task Two_instances_running_at_once_probe_each_interval_once_and_open_one_incident()
    {
        await using var target = await FakeTarget.StartAsync();
        await using var app = await AppAsync();
        await using var other = app.AnotherInstance(Settings);
        target.Answer("web", 503);
        await app.SendAsync("cmdb", $"add service web check_url:{target.Url("web")}");

        for (var round = 0; round < 5; round++)
        {
            var reports = await Task.WhenAll(Task.Run(() => RunAsync(app)), Task.Run(() => RunAsync(other)));
            Assert.All(reports, r => Assert.Equal(JobOutcome.Ok, r.Outcome));
            app.Clock.Advance(Every);
            other.Clock.Advance(Every);
        }

        Assert.Equal(5, target.Requests("web"));
        var incident = Assert.Single(await IncidentsAsync(app));
        Assert.Equal(Detection.Synthetic, incident.DetectedBy);
        Assert.Equal(5, await app.QueryAsync(db => db.Set<SyntheticCheck>().Select(c => c.ConsecutiveFailures).SingleAsync()));
    }

    [SkippableFact]
    public async Task A_hang_beyond_the_timeout_and_a_refused_connection_are_down_and_a_redirect_is_up()
    {
        await using var target = await FakeTarget.StartAsync();
        await using var app = await CoreTestApp.CreateAsync(provider, s => s.Configure<SyntheticOptions>(o => (o.Timeout, o.FailuresToOpen) = (TimeSpan.FromSeconds(1), 1)));
        target.Answer("slow", FakeTarget.Hang);
        target.Answer("moved", 302);
        await app.SendAsync("cmdb", $"add service slow check_url:{target.Url("slow")}");
        await app.SendAsync("cmdb", $"add service gone check_url:{FakeTarget.RefusingUrl()}");
        await app.SendAsync("cmdb", $"add service moved check_url:{target.Url("moved")}");

        var run = await RunAsync(app);

        Assert.Equal(["gone: synthetic check failing (connection refused)", "slow: synthetic check failing (timed out)"],
            (await IncidentsAsync(app)).Select(i => i.Title).Order(StringComparer.Ordinal));
        Assert.Equal(["moved"], (IReadOnlyList<string>)run.Result!.Did["up"]);
        // The redirect was not followed.
        Assert.Equal((1, 0), (target.Requests("moved"), target.Requests("elsewhere")));
    }

    [SkippableTheory]
    [InlineData("ftp://files.example.com/health")]
    [InlineData("web.example.com/health")]
    [InlineData("/health")]
    [InlineData("https://admin:secret@web.example.com/health")]
    public async Task A_bad_check_url_is_refused_and_changes_nothing(string url)
    {
        await using var app = await AppAsync();
        await app.SendAsync("cmdb", "add service api");
        await app.AssertRefusedAsync("cmdb", $"add service web check_url:{url}", "is not an address to check");
        var before = await app.QueryAsync(db => db.ConfigurationItems.SingleAsync(c => c.Name == "api"));

        await app.AssertRefusedAsync("cmdb", $"set api tier:1 check_url:{url}", "write an absolute http or https URL");

        var after = await app.QueryAsync(db => db.ConfigurationItems.SingleAsync(c => c.Name == "api"));
        Assert.Equal((before.Tier, before.Attributes.Count, before.Version), (after.Tier, after.Attributes.Count, after.Version));
        Assert.Equal(0, await app.QueryAsync(db => db.Set<SyntheticCheck>().CountAsync()));
    }

    [SkippableFact]
    public async Task Setting_and_removing_a_check_url_starts_and_stops_the_check_and_a_new_url_starts_afresh()
    {
        await using var target = await FakeTarget.StartAsync();
        await using var app = await AppAsync();
        target.Answer("old", 503);
        await app.SendAsync("cmdb", "add service web");
        var set = await app.SendAsync("cmdb", $"set web check_url:{target.Url("old")}", channel: "C7");
        Assert.Contains("Its synthetic check probes", set.Text, StringComparison.Ordinal);
        await RunAsync(app);
        await NextRoundAsync(app);

        await app.SendAsync("cmdb", $"set web check_url:{target.Url("new")}");
        var check = await app.QueryAsync(db => db.Set<SyntheticCheck>().SingleAsync());
        Assert.Equal((target.Url("new"), "C1", 0, SyntheticStatus.Unknown), (check.Url, check.ChannelId, check.ConsecutiveFailures, check.LastStatus));
        await RunAsync(app);
        Assert.Equal(1, target.Requests("new"));

        var stopped = await app.SendAsync("cmdb", "set web check_url:none");
        Assert.Contains("Its synthetic check is stopped.", stopped.Text, StringComparison.Ordinal);
        Assert.Equal(0, await app.QueryAsync(db => db.Set<SyntheticCheck>().CountAsync()));
        Assert.Null(await CheckFieldAsync(app, "web"));
    }

    [SkippableFact]
    public async Task An_imported_check_url_is_probed_and_with_no_conversation_to_post_in_records_failures_without_an_incident()
    {
        await using var target = await FakeTarget.StartAsync();
        await using var app = await AppAsync();
        target.Answer("web", 503);
        await app.SendAsync("cmdb", "find nothing-at-all");
        var (rows, errors) = CiFileReader.ReadCsv($"type,name,check_url\nservice,web,{target.Url("web")}\nservice,api,\n");
        Assert.Empty(errors);
        await using (var scope = app.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<BakeryDbContext>();
            var tenant = await db.Tenants.SingleAsync(t => t.ExternalId == "T1");
            await scope.ServiceProvider.GetRequiredService<CmdbImporter>().ImportAsync(tenant, rows, dryRun: false, CancellationToken.None);
        }

        await RunAsync(app);
        await NextRoundAsync(app);
        await NextRoundAsync(app);

        Assert.Empty(await IncidentsAsync(app));
        Assert.Equal(3, target.Requests("web"));
        Assert.EndsWith("no conversation to open an incident in: set `check_url` with `/cmdb set` where it should go", await CheckFieldAsync(app, "web"), StringComparison.Ordinal);

        // Set where incidents should go (the same URL keeps the count): the next failure opens one there.
        await app.SendAsync("cmdb", $"set web check_url:{target.Url("web")}", channel: "C9");
        await NextRoundAsync(app);
        var incident = Assert.Single(await IncidentsAsync(app));
        Assert.Equal(("C9", "web: synthetic check failing (HTTP 503)"), (incident.ChannelId, incident.Title));
    }

    [SkippableTheory]
    [InlineData("00:00:00", "00:00:10", 3, "Synthetic:CheckEvery must be a positive duration")]
    [InlineData("00:02:00", "00:02:00", 3, "Synthetic:Timeout must be a positive duration shorter than Synthetic:CheckEvery")]
    [InlineData("00:02:00", "00:00:00", 3, "Synthetic:Timeout must be a positive duration")]
    [InlineData("00:02:00", "00:00:10", 0, "Synthetic:FailuresToOpen must be at least 1")]
    public async Task Wrong_settings_are_refused_when_the_bot_starts(string every, string timeout, int failures, string expected)
    {
        await using var app = await CoreTestApp.CreateAsync(provider, s => s.Configure<SyntheticOptions>(o =>
            (o.CheckEvery, o.Timeout, o.FailuresToOpen) = (TimeSpan.Parse(every, CultureInfo.InvariantCulture), TimeSpan.Parse(timeout, CultureInfo.InvariantCulture), failures)));

        var refused = Assert.Throws<OptionsValidationException>(() => app.Services.GetRequiredService<IStartupValidator>().Validate());

        Assert.Contains(expected, refused.Message, StringComparison.Ordinal);
    }

    [SkippableFact]
    public async Task A_ci_of_another_tenant_is_not_touched()
    {
        await using var target = await FakeTarget.StartAsync();
        await using var app = await AppAsync();
        target.Answer("t1", 503);
        await app.SendAsync("cmdb", $"add service web check_url:{target.Url("t1")}");
        await app.SendAsync("cmdb", $"add service web check_url:{target.Url("t2")}", tenant: "T2");
        await app.SendAsync("incident", "unrelated ci:web", tenant: "T2");

        await RunAsync(app);
        await NextRoundAsync(app);
        await NextRoundAsync(app);

        var t1 = Assert.Single(await IncidentsAsync(app, "T1"));
        Assert.Equal(Detection.Synthetic, t1.DetectedBy);
        var t2 = Assert.Single(await IncidentsAsync(app, "T2"));
        Assert.Equal(("unrelated", IncidentState.Declared), (t2.Title, t2.State));
        var t1Ci = Assert.Single(t1.Cis).CiId;
        Assert.Equal(t1Ci, await app.QueryAsync(db => db.ConfigurationItems.Where(c => c.Name == "web" && db.Tenants.Any(t => t.Id == c.TenantId && t.ExternalId == "T1")).Select(c => c.Id).SingleAsync()));
        var checks = await app.QueryAsync(db => db.Set<SyntheticCheck>().OrderBy(c => c.Id).ToListAsync());
        Assert.Equal([(3, SyntheticStatus.Down), (0, SyntheticStatus.Up)], checks.Select(c => (c.ConsecutiveFailures, c.LastStatus)));
        Assert.Equal(3, target.Requests("t2"));
    }
}

public sealed class SqliteSyntheticCheckTests() : SyntheticCheckTests(DbProvider.Sqlite);

public sealed class PostgresSyntheticCheckTests() : SyntheticCheckTests(DbProvider.Postgres);
