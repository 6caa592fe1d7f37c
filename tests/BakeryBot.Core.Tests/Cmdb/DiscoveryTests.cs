using System.Text;
using System.Text.RegularExpressions;
using BakeryBot.Core.Chat;
using BakeryBot.Core.Cmdb;
using BakeryBot.Core.Cmdb.Discovery;
using BakeryBot.Core.Data.Outbox;
using BakeryBot.Core.Integrations;
using BakeryBot.Core.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace BakeryBot.Core.Tests.Cmdb;

/// <summary>Discovery reports: upserts with last sightings, staleness, and shadow IT to adopt or dismiss, on each database.</summary>
public abstract partial class DiscoveryTests(DbProvider provider)
{
    private const string Report = """
        {"source": "netscan", "items": [
          {"type": "asset", "name": "oven-7", "attributes": {"serial": "OV-7007", "vendor": "Rational", "ip": "10.0.0.7"}},
          {"type": "asset", "name": "till-1", "attributes": {"serial": "TL-1"}},
          {"type": "software", "name": "pos-app", "attributes": {"version": "4.2"}},
          {"type": "saas", "name": "Tableau Online", "attributes": {"vendor": "Salesforce", "seats": 12}},
          {"type": "cloud", "name": "hetzner", "attributes": {}}
        ]}
        """;

    [SkippableFact]
    public async Task Assets_are_upserted_with_their_sighting_known_software_is_seen_and_a_replay_duplicates_nothing()
    {
        await using var app = await CoreTestApp.CreateAsync(provider);
        await app.SendAsync("cmdb", "add asset oven-7b serial:OV-7007 tier:2");
        await app.SendAsync("cmdb", "add software pos-app");
        var hook = await MakeHookAsync(app, "C-CMDB");
        var auditBefore = await app.QueryAsync(db => db.AuditEntries.CountAsync(a => a.RecordType == "ci"));

        var first = await IngestAsync(app, hook, Report);
        var afterFirst = await app.SnapshotAsync();
        app.Clock.Advance(TimeSpan.FromHours(1));
        var replay = await IngestAsync(app, hook, Report);

        Assert.Equal((1, 2, 0, 2), (first.Created, first.Updated, first.Seen, first.NewUnreviewed));
        Assert.Equal((0, 0, 3, 0, 2), (replay.Created, replay.Updated, replay.Seen, replay.NewUnreviewed, replay.Unreviewed));
        Assert.Equal(afterFirst, await app.SnapshotAsync());
        var cis = await app.QueryAsync(db => db.ConfigurationItems.OrderBy(c => c.Key).ToListAsync());
        Assert.Equal(["oven-7b", "pos-app", "till-1"], cis.Select(c => c.Name));
        var oven = cis[0];
        Assert.Equal(("Rational", "10.0.0.7", 2, "netscan"), (oven.Vendor, oven.Attributes["ip"], oven.Tier, oven.DiscoveredBy));
        Assert.Equal("4.2", cis[1].Attributes["version"]);
        Assert.All(cis, c => Assert.Equal(CoreTestApp.Start.AddHours(1), c.LastSeenAt));
        Assert.Equal(("TL-1", CiType.Asset), (cis[2].Serial, cis[2].Type));
        // One audit row per real change: the created till and the two updated CIs; sightings alone are not changes.
        Assert.Equal(auditBefore + 3, await app.QueryAsync(db => db.AuditEntries.CountAsync(a => a.RecordType == "ci")));
        var audit = await app.QueryAsync(db => db.AuditEntries.Where(a => a.RecordType == "ci").OrderBy(a => a.Id).Skip(auditBefore).Select(a => a.Platform).ToListAsync());
        Assert.All(audit, p => Assert.Equal(WebhookKinds.Discovery, p));
    }

    [SkippableFact]
    public async Task Software_outside_the_cmdb_is_announced_once_in_the_hooks_channel_and_adopt_makes_it_a_ci()
    {
        await using var app = await CoreTestApp.CreateAsync(provider);
        var hook = await MakeHookAsync(app, "C-CMDB");

        await IngestAsync(app, hook, Report);
        await IngestAsync(app, hook, Report);

        var posts = await app.QueryAsync(db => db.Outbox.Where(o => o.Kind == OutboxKind.Post).OrderBy(o => o.Id).ToListAsync());
        Assert.Equal(
            ["netscan found software that is not in the CMDB: pos-app.", "netscan found a SaaS tool that is not in the CMDB: Tableau Online.", "netscan found a cloud service that is not in the CMDB: hetzner."],
            posts.Select(p => p.Text));
        Assert.All(posts, p => Assert.Equal("C-CMDB", p.ChannelId));
        var card = ChatJson.Deserialize(posts[1].CardJson!);
        Assert.Equal(["Adopt", "Dismiss"], card.Buttons.Select(b => b.Text));
        Assert.Contains(new CardField("Seen", "once"), Assert.IsType<FieldsSection>(card.Sections[0]).Fields);

        var listed = await app.SendAsync("cmdb", "discovered");
        Assert.Equal("3 unreviewed discoveries (shadow IT).", listed.Text);
        Assert.Equal(["Tableau Online", "hetzner", "pos-app"], listed.Cards.Select(c => c.Title).Order(StringComparer.Ordinal));

        var tableau = card.Buttons[0];
        var adopted = await app.ClickAsync(tableau.ActionId, tableau.Value, user: "bob");
        var again = await app.ClickAsync(tableau.ActionId, tableau.Value, user: "carol");

        Assert.Equal(ReplyKind.None, adopted.Kind);
        Assert.Empty(adopted.UpdatedCard!.Buttons);
        Assert.Equal("Tableau Online was adopted already.", again.Text);
        var ci = await app.QueryAsync(db => db.ConfigurationItems.SingleAsync(c => c.Key == "tableau-online"));
        Assert.Equal((CiType.Software, true, "Salesforce", "12", "netscan"), (ci.Type, ci.ThirdParty, ci.Vendor, ci.Attributes["seats"], ci.DiscoveredBy));
        var update = await app.QueryAsync(db => db.Outbox.Where(o => o.Kind == OutboxKind.Update).SingleAsync());
        Assert.Equal("Bob adopted Tableau Online into the CMDB as `tableau-online`.", update.Text);
        Assert.Contains("Adopted into the CMDB as tableau-online by Bob.", ChatJson.Deserialize(update.CardJson!).Sections.OfType<ContextSection>().Single().Text, StringComparison.Ordinal);

        // Now a CI: the next report only refreshes its sighting.
        app.Clock.Advance(TimeSpan.FromDays(1));
        var next = await IngestAsync(app, hook, Report);
        Assert.Equal((0, 2), (next.NewUnreviewed, next.Unreviewed));
        Assert.Equal(CoreTestApp.Start.AddDays(1), await app.QueryAsync(db => db.ConfigurationItems.Where(c => c.Key == "tableau-online").Select(c => c.LastSeenAt).SingleAsync()));
    }

    [SkippableFact]
    public async Task Dismissed_discoveries_stay_quiet_and_typed_adopt_takes_a_type()
    {
        await using var app = await CoreTestApp.CreateAsync(provider);
        var hook = await MakeHookAsync(app, "C-CMDB");
        await IngestAsync(app, hook, Report);

        Assert.Equal("Tableau Online dismissed: scanners' later reports of it stay quiet.", (await app.SendAsync("cmdb", "dismiss tableau online")).Text);
        Assert.Equal("hetzner is in the CMDB now as `hetzner`; add its owner and experts with `/cmdb add` keys, e.g. `/cmdb show hetzner`.", (await app.SendAsync("cmdb", "adopt hetzner type:service")).Text);
        var outboxBefore = await app.QueryAsync(db => db.Outbox.CountAsync());
        var later = await IngestAsync(app, hook, Report);

        Assert.Equal((0, 1, 1), (later.NewUnreviewed, later.Unreviewed, later.Dismissed));
        Assert.Equal(outboxBefore, await app.QueryAsync(db => db.Outbox.CountAsync()));
        Assert.Equal(CiType.Service, await app.QueryAsync(db => db.ConfigurationItems.Where(c => c.Key == "hetzner").Select(c => c.Type).SingleAsync()));
        Assert.Equal("1 unreviewed discovery (shadow IT).", (await app.SendAsync("cmdb", "discovered")).Text);
        Assert.Equal("1 unreviewed discovery (shadow IT), 2 reviewed.", (await app.SendAsync("cmdb", "discovered all")).Text);
        await app.SendAsync("cmdb", "dismiss pos-app");
        Assert.Equal("Nothing unreviewed: everything scanners found is in the CMDB, adopted or dismissed.", (await app.SendAsync("cmdb", "discovered")).Text);
        Assert.Contains("Nothing called `excel` was discovered", (await app.SendAsync("cmdb", "adopt excel")).Text, StringComparison.Ordinal);
        Assert.Equal("Tableau Online was dismissed already.", (await app.SendAsync("cmdb", "adopt Tableau Online")).Text);
    }

    [SkippableFact]
    public async Task An_asset_not_reported_for_longer_than_the_stale_period_is_flagged_in_show_and_listed_by_stale()
    {
        await using var app = await CoreTestApp.CreateAsync(provider);
        await app.SendAsync("cmdb", "add asset oven-1");
        var hook = await MakeHookAsync(app, "C-CMDB");
        await IngestAsync(app, hook, Report);
        app.Clock.Advance(TimeSpan.FromDays(20));
        await IngestAsync(app, hook, """{"source": "netscan", "items": [{"type": "asset", "name": "till-1", "attributes": {"serial": "TL-1"}}]}""");

        app.Clock.Advance(TimeSpan.FromDays(11));

        var oven = Assert.Single((await app.SendAsync("cmdb", "show oven-7")).Cards);
        Assert.Equal(CardAccent.Warning, oven.Accent);
        Assert.Contains(new CardField("Last seen", "4 weeks, 3 days ago by netscan (stale)"), Assert.IsType<FieldsSection>(oven.Sections[0]).Fields);
        Assert.Contains(oven.Sections.OfType<ContextSection>(), s => s.Text.StartsWith("Stale: no scanner has reported it for over 4 weeks, 2 days.", StringComparison.Ordinal));
        var till = Assert.Single((await app.SendAsync("cmdb", "show till-1")).Cards);
        Assert.Contains(new CardField("Last seen", "1 week, 4 days ago by netscan"), Assert.IsType<FieldsSection>(till.Sections[0]).Fields);
        Assert.Equal(CardAccent.Neutral, till.Accent);
        Assert.DoesNotContain(Assert.Single((await app.SendAsync("cmdb", "show oven-1")).Cards).Sections.OfType<FieldsSection>().Single().Fields, f => f.Label == "Last seen");
        var stale = Assert.Single((await app.SendAsync("cmdb", "stale")).Cards);
        Assert.Equal("Stale assets (1)", stale.Title);
        Assert.Equal("• oven-7: last seen 4 weeks, 3 days ago by netscan", stale.Sections.OfType<TextSection>().Single().Text);
    }

    private static async Task<Webhook> MakeHookAsync(CoreTestApp app, string channel)
    {
        var reply = await app.SendAsync("bakery", "webhook discovery", user: "admin", channel: channel);
        var hookId = HookPattern().Match(reply.Text).Groups[1].Value;
        Assert.Contains("Discovery webhook", reply.Text, StringComparison.Ordinal);
        return await app.QueryAsync(db => db.Set<Webhook>().AsNoTracking().SingleAsync(w => w.HookId == hookId));
    }

    private static async Task<DiscoverySummary> IngestAsync(CoreTestApp app, Webhook hook, string json)
    {
        var (payload, error) = DiscoveryPayload.Parse(Encoding.UTF8.GetBytes(json));
        Assert.Null(error);
        await using var scope = app.Services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<DiscoveryService>().IngestAsync(hook, payload!, CancellationToken.None);
    }

    [GeneratedRegex(@"/hooks/discovery/([A-Za-z0-9_-]{22})")]
    private static partial Regex HookPattern();
}

public sealed class SqliteDiscoveryTests() : DiscoveryTests(DbProvider.Sqlite);

public sealed class PostgresDiscoveryTests() : DiscoveryTests(DbProvider.Postgres);
