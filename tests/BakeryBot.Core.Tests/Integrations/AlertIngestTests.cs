using BakeryBot.Core.Data.Outbox;
using BakeryBot.Core.Incidents;
using BakeryBot.Core.Integrations;
using BakeryBot.Core.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using static BakeryBot.Core.Tests.Integrations.AlertPayloads;

namespace BakeryBot.Core.Tests.Integrations;

/// <summary>Alertmanager alerts becoming incidents (issue 4, point 6), on each database.</summary>
public abstract class AlertIngestTests(DbProvider provider)
{
    [SkippableFact]
    public async Task A_firing_alert_opens_an_incident_with_severity_and_ci_from_its_labels_detected_by_an_alert()
    {
        await using var app = await CoreTestApp.CreateAsync(provider);
        await app.SendAsync("cmdb", "add asset oven-2");
        var (hook, _, _) = await MakeHookAsync(app, channel: "C-ALERTS");

        var summary = await IngestAsync(app, hook, Group(Alert("f1a2b3c4d5e6f708")));

        Assert.Equal((1, 0, 0, 0), (summary.Opened, summary.Repeated, summary.Mitigated, summary.Ignored));
        Assert.Equal(["INC-1"], summary.Incidents);
        var incident = await app.QueryAsync(db => db.Incidents.Include(i => i.Cis).ThenInclude(c => c.Ci).Include(i => i.Timeline).SingleAsync());
        Assert.Equal("OvenTooHot: Oven 2 overheating", incident.Title);
        Assert.Equal(1, incident.Severity);
        Assert.Equal(Detection.Alert, incident.DetectedBy);
        Assert.Equal("f1a2b3c4d5e6f708", incident.AlertFingerprint);
        Assert.Equal(("test", "C-ALERTS"), (incident.Platform, incident.ChannelId));
        Assert.Equal("oven-2", Assert.Single(incident.Cis).Ci!.Name);
        var declarer = await app.QueryAsync(db => db.People.SingleAsync(p => p.Id == incident.DeclaredById));
        Assert.Equal(AlertIngestService.PersonName, declarer.DisplayName);
        var note = Assert.Single(incident.Timeline, e => e.Kind == "note").Text;
        Assert.Equal(
            "Alert firing since 2026-11-26 08:58:00 UTC.\nOven 2 overheating\nOven 2 is at 260°C for 5 minutes.\n" +
            "Source: http://prometheus.bakery.test:9090/graph?g0.expr=oven_temperature_celsius+%3E+250&g0.tab=1",
            note);
        Assert.Contains(incident.Timeline, e => e.Kind == "declared" && e.Text.Contains("detected by an alert", StringComparison.Ordinal));

        var post = await app.QueryAsync(db => db.Outbox.Where(o => o.Kind == OutboxKind.Post).SingleAsync());
        Assert.Equal(("C-ALERTS", "Alertmanager declared INC-1 (SEV1)."), (post.ChannelId, post.Text));
        var audit = await app.QueryAsync(db => db.AuditEntries.Where(a => a.RecordKey == "INC-1").SingleAsync());
        Assert.Equal(("alertmanager", declarer.Id), (audit.Platform, audit.ActorId));
    }

    [SkippableFact]
    public async Task A_repeat_with_the_same_fingerprint_adds_to_the_timeline_and_a_replayed_payload_changes_nothing()
    {
        await using var app = await CoreTestApp.CreateAsync(provider);
        var (hook, _, _) = await MakeHookAsync(app);
        var first = Group(Alert("fp-1"), Alert("fp-2", alertname: "OvenDoorOpen", summary: null, severity: "warning"));
        await IngestAsync(app, hook, first);
        var afterFirst = await app.SnapshotAsync();

        var replay = await IngestAsync(app, hook, first);

        Assert.Equal((0, 0, 0, 2), (replay.Opened, replay.Repeated, replay.Mitigated, replay.Ignored));
        Assert.Equal(["INC-1", "INC-2"], replay.Incidents);
        Assert.Equal(afterFirst, await app.SnapshotAsync());

        app.Clock.Advance(TimeSpan.FromMinutes(20));
        var again = await IngestAsync(app, hook, Group(Alert("fp-1", startsAt: "2026-11-26T09:15:00Z")));

        Assert.Equal((0, 1, 0, 0), (again.Opened, again.Repeated, again.Mitigated, again.Ignored));
        Assert.Equal(2, await app.QueryAsync(db => db.Incidents.CountAsync()));
        var timeline = await app.QueryAsync(db => db.Incidents.Where(i => i.Number == 1).SelectMany(i => i.Timeline).OrderBy(e => e.Id).Select(e => new { e.Kind, e.Text }).ToListAsync());
        Assert.Equal(new { Kind = "alert", Text = "Alert fired again at 2026-11-26 09:15:00 UTC" }, timeline[^1]);
        var second = await app.QueryAsync(db => db.Incidents.SingleAsync(i => i.Number == 2));
        Assert.Equal(("OvenDoorOpen on oven-2", 3), (second.Title, second.Severity));
    }

    [SkippableFact]
    public async Task A_resolved_alert_mitigates_its_incident_once_and_says_so()
    {
        await using var app = await CoreTestApp.CreateAsync(provider);
        var (hook, _, _) = await MakeHookAsync(app);
        await IngestAsync(app, hook, Group(Alert("fp-1")));
        app.Clock.Advance(TimeSpan.FromMinutes(12));
        var resolved = Group(Alert("fp-1", status: "resolved", endsAt: "2026-11-26T09:10:00Z"));

        var first = await IngestAsync(app, hook, resolved);
        var afterFirst = await app.SnapshotAsync();
        var second = await IngestAsync(app, hook, resolved);

        Assert.Equal((0, 0, 1, 0), (first.Opened, first.Repeated, first.Mitigated, first.Ignored));
        Assert.Equal((0, 0, 0, 1), (second.Opened, second.Repeated, second.Mitigated, second.Ignored));
        Assert.Equal(afterFirst, await app.SnapshotAsync());
        var incident = await app.QueryAsync(db => db.Incidents.Include(i => i.Timeline).SingleAsync());
        Assert.Equal(IncidentState.Mitigated, incident.State);
        Assert.Equal(CoreTestApp.Start.AddMinutes(12), incident.MitigatedAt);
        Assert.Equal("Mitigated: alert resolved at 2026-11-26 09:10:00 UTC", incident.Timeline.Single(e => e.Kind == "mitigated").Text);
        var said = await app.QueryAsync(db => db.Outbox.Where(o => o.Kind == OutboxKind.Post && o.PostedCardId == null).Select(o => o.Text).ToListAsync());
        Assert.Contains("INC-1 is mitigated: alert resolved at 2026-11-26 09:10:00 UTC", said);

        // It fires again while mitigated (a line), then resolves again (a line: it is mitigated already).
        await IngestAsync(app, hook, Group(Alert("fp-1", startsAt: "2026-11-26T09:20:00Z")));
        var later = await IngestAsync(app, hook, Group(Alert("fp-1", status: "resolved", startsAt: "2026-11-26T09:20:00Z", endsAt: "2026-11-26T09:30:00Z")));
        Assert.Equal((0, 1, 0, 0), (later.Opened, later.Repeated, later.Mitigated, later.Ignored));
        var lines = await app.QueryAsync(db => db.IncidentEvents.OrderBy(e => e.Id).Select(e => e.Text).ToListAsync());
        Assert.Equal(["Alert fired again at 2026-11-26 09:20:00 UTC", "Alert resolved at 2026-11-26 09:30:00 UTC"], lines[^2..]);
        Assert.Single(lines, l => l.StartsWith("Mitigated", StringComparison.Ordinal));
    }

    [SkippableFact]
    public async Task A_resolved_alert_without_an_open_incident_is_ignored_and_a_new_firing_after_resolution_opens_a_new_one()
    {
        await using var app = await CoreTestApp.CreateAsync(provider);
        var (hook, _, _) = await MakeHookAsync(app);
        var before = await app.SnapshotAsync();

        var orphan = await IngestAsync(app, hook, Group(Alert("fp-9", status: "resolved", endsAt: "2026-11-26T08:59:00Z")));

        Assert.Equal((0, 0, 0, 1), (orphan.Opened, orphan.Repeated, orphan.Mitigated, orphan.Ignored));
        Assert.Empty(orphan.Incidents);
        Assert.Equal(before.Split(' ')[0], (await app.SnapshotAsync()).Split(' ')[0]);

        await IngestAsync(app, hook, Group(Alert("fp-1")));
        await app.SendAsync("incident", "resolve INC-1 thermostat replaced");
        var reopened = await IngestAsync(app, hook, Group(Alert("fp-1", startsAt: "2026-11-26T10:00:00Z")));

        Assert.Equal(["INC-2"], reopened.Incidents);
        Assert.Equal(1, reopened.Opened);
    }

    [SkippableFact]
    public async Task The_same_firing_sent_again_after_a_person_resolved_its_incident_opens_nothing()
    {
        await using var app = await CoreTestApp.CreateAsync(provider);
        var (hook, _, _) = await MakeHookAsync(app);
        await IngestAsync(app, hook, Group(Alert("fp-1")));
        await app.SendAsync("incident", "resolve INC-1 restarted the oven");

        // Alertmanager's repeat_interval sends the same firing (same startsAt) again.
        var repeat = await IngestAsync(app, hook, Group(Alert("fp-1")));

        Assert.Equal((0, 1), (repeat.Opened, repeat.Ignored));
        Assert.Equal(1, await app.QueryAsync(db => db.Incidents.CountAsync()));
    }

    [SkippableFact]
    public async Task An_alert_that_resolves_by_itself_is_nobodys_response_and_a_long_fingerprint_fits()
    {
        await using var app = await CoreTestApp.CreateAsync(provider);
        var (hook, _, _) = await MakeHookAsync(app);
        var fingerprint = new string('f', 300);
        await IngestAsync(app, hook, Group(Alert(fingerprint)));
        app.Clock.Advance(TimeSpan.FromMinutes(12));

        var resolved = await IngestAsync(app, hook, Group(Alert(fingerprint, status: "resolved", endsAt: "2026-11-26T09:10:00Z")));

        Assert.Equal(1, resolved.Mitigated);
        var incident = await app.QueryAsync(db => db.Incidents.SingleAsync());
        Assert.Equal(IncidentState.Mitigated, incident.State);
        Assert.Null(incident.CommanderId);
        Assert.Null(incident.RespondedAt);
        Assert.True(incident.AlertFingerprint!.Length <= 64);
    }

    [SkippableTheory]
    [InlineData("critical", 1)]
    [InlineData("error", 2)]
    [InlineData("warning", 3)]
    [InlineData("info", 4)]
    [InlineData("WARNING", 3)]
    [InlineData("sev2", 2)]
    [InlineData("whatever", 3)]
    [InlineData(null, 3)]
    [InlineData("page", 1)]
    [InlineData("none", 4)]
    public async Task The_severity_label_maps_to_a_severity_configurably(string? label, int expected)
    {
        await using var app = await CoreTestApp.CreateAsync(provider, s => s.Configure<AlertOptions>(o =>
        {
            o.SeverityMap["page"] = 1;
            o.SeverityMap["none"] = 4;
        }));
        var (hook, _, _) = await MakeHookAsync(app);

        await IngestAsync(app, hook, Group(Alert("fp-1", severity: label)));

        Assert.Equal(expected, await app.QueryAsync(db => db.Incidents.Select(i => i.Severity).SingleAsync()));
    }

    [SkippableFact]
    public async Task The_ci_comes_from_the_ci_service_or_instance_label_without_its_port()
    {
        await using var app = await CoreTestApp.CreateAsync(provider);
        foreach (var name in new[] { "checkout", "web-1", "shop.bakery.test", "oven-2" })
        {
            await app.SendAsync("cmdb", $"add asset {name}");
        }

        var (hook, _, _) = await MakeHookAsync(app);

        await IngestAsync(app, hook, Group(
            Alert("a", ci: null, labels: [("service", "checkout"), ("instance", "web-9:9100")]),
            Alert("b", ci: null, labels: [("instance", "web-1:9100")]),
            Alert("c", ci: null, labels: [("instance", "https://shop.bakery.test/health")]),
            Alert("d", labels: [("service", "checkout")])));

        var cis = await app.QueryAsync(db => db.Incidents.OrderBy(i => i.Number).Select(i => i.Cis.Select(c => c.Ci!.Name).Single()).ToListAsync());
        Assert.Equal(["checkout", "web-1", "shop.bakery.test", "oven-2"], cis);
    }

    [SkippableFact]
    public async Task A_firing_alert_on_a_ci_with_a_known_error_gets_its_workaround_posted()
    {
        await using var app = await CoreTestApp.CreateAsync(provider);
        await app.SendAsync("cmdb", "add asset oven-2");
        await app.SendAsync("problem", "new thermostat drifts ci:oven-2");
        var known = await app.SendAsync("problem", "workaround PRB-1 bake at 160°C and check every 10 minutes");
        Assert.Contains("known error", known.Text, StringComparison.Ordinal);
        var (hook, _, _) = await MakeHookAsync(app, channel: "C-ALERTS");

        await IngestAsync(app, hook, Group(Alert("fp-1")));

        var texts = await app.QueryAsync(db => db.Outbox.Where(o => o.ChannelId == "C-ALERTS").OrderBy(o => o.Id).Select(o => o.Text).ToListAsync());
        Assert.Contains(texts, t => t.Contains("PRB-1 is a known error on oven-2", StringComparison.Ordinal)
                                    && t.Contains("Workaround: bake at 160°C and check every 10 minutes", StringComparison.Ordinal));
    }
}

public sealed class SqliteAlertIngestTests() : AlertIngestTests(DbProvider.Sqlite);

public sealed class PostgresAlertIngestTests() : AlertIngestTests(DbProvider.Postgres);
