using BakeryBot.Core.Chat;
using BakeryBot.Core.Cmdb;
using BakeryBot.Core.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace BakeryBot.Core.Tests.Cmdb;

/// <summary>The CMDB commands: add, show, find, link, unlink, impact and the service catalogue.</summary>
public abstract class CmdbTests(DbProvider provider)
{
    [SkippableFact]
    public async Task A_ci_keeps_its_key_attributes_experts_and_links_both_ways_and_every_change_is_audited()
    {
        await using var app = await CoreTestApp.CreateAsync(provider);
        await app.SendAsync("cmdb", "add facility bakery-2");
        var added = await app.SendAsync("cmdb", "add asset oven-2 tier:2 owner:<@bob> sme:<@carol> uptime:99.5 vendor:acme third-party:true uses:\"baking cookies\" risks:\"thermostat drifts\" serial:SN-42");
        await app.SendAsync("cmdb", "add service cookie-shop tier:1 uptime:99.9 owner:<@alice>");
        Assert.Equal("Linked: `oven-2` located-in `bakery-2`.", (await app.SendAsync("cmdb", "link oven-2 located-in bakery-2")).Text);
        await app.SendAsync("cmdb", "link cookie-shop runs-on oven-2");
        await app.SendAsync("incident", "burnt ci:oven-2");

        Assert.Equal("Added asset `oven-2` to the CMDB.", added.Text);
        var card = Assert.Single((await app.SendAsync("cmdb", "show OVEN-2")).Cards);
        var fields = Assert.IsType<FieldsSection>(card.Sections[0]).Fields;
        Assert.Contains(new CardField("Tier", "2"), fields);
        Assert.Contains(new CardField("Owner", "bob"), fields);
        Assert.Contains(new CardField("Experts", "carol"), fields);
        Assert.Contains(new CardField("Uptime commitment", "99.5%"), fields);
        Assert.Contains(new CardField("Third party", "acme"), fields);
        Assert.Contains(new CardField("Primary uses", "baking cookies"), fields);
        Assert.Contains(new CardField("Key risks", "thermostat drifts"), fields);
        Assert.Contains(new CardField("Serial", "SN-42"), fields);
        var text = string.Join('\n', card.Sections.OfType<TextSection>().Select(s => s.Text));
        Assert.Contains("• located-in bakery-2", text, StringComparison.Ordinal);
        Assert.Contains("• cookie-shop runs-on this", text, StringComparison.Ordinal);
        Assert.Contains("Open incidents: INC-1", text, StringComparison.Ordinal);

        Assert.Equal("`cookie-shop` runs-on `oven-2` was linked already.", (await app.SendAsync("cmdb", "link cookie-shop runs-on oven-2")).Text);
        Assert.Equal("Unlinked: `cookie-shop` runs-on `oven-2`.", (await app.SendAsync("cmdb", "unlink cookie-shop runs-on oven-2")).Text);
        Assert.Equal("There was no link `cookie-shop` runs-on `oven-2`.", (await app.SendAsync("cmdb", "unlink cookie-shop runs-on oven-2")).Text);
        var history = await app.QueryAsync(db => db.AuditEntries.Where(a => a.RecordType == "ci" || a.RecordType == "ci-relationship").Select(a => a.RecordType + ":" + a.Action).ToListAsync());
        Assert.Equal(4, history.Count(h => h == "ci:created")); // three CIs and oven-2's expert
        Assert.Equal(["ci-relationship:created", "ci-relationship:created", "ci-relationship:deleted"], history.Where(h => h.StartsWith("ci-relationship", StringComparison.Ordinal)));
    }

    [SkippableFact]
    public async Task Set_changes_attributes_says_what_changed_and_history_shows_who_changed_what_from_where()
    {
        await using var app = await CoreTestApp.CreateAsync(provider);
        await app.SendAsync("cmdb", "add asset oven-2 tier:2 vendor:acme");
        app.Clock.Advance(TimeSpan.FromHours(1));

        var set = await app.SendAsync("cmdb", "set oven-2 tier:1 third-party:true sme:<@carol> colour:red", user: "bob");
        var again = await app.SendAsync("cmdb", "set oven-2 tier:1", user: "bob");
        var wrong = await app.SendAsync("cmdb", "set oven-2 tier:0");
        var nothing = await app.SendAsync("cmdb", "set oven-2");

        Assert.Equal("Updated `oven-2`: colour: none → red; sme: none → carol; third-party: none → true; tier: 2 → 1.", set.Text);
        Assert.Equal("`oven-2` had those values already.", again.Text);
        Assert.Contains("is not a tier", wrong.Text, StringComparison.Ordinal);
        Assert.Contains("What to set?", nothing.Text, StringComparison.Ordinal);
        Assert.Equal(1, await app.QueryAsync(db => db.ConfigurationItems.Where(c => c.Key == "oven-2").Select(c => c.Tier).SingleAsync()));

        var history = Assert.Single((await app.SendAsync("cmdb", "history oven-2")).Cards);
        var lines = history.Sections.OfType<TextSection>().Single().Text.Split('\n');
        Assert.Equal(3, lines.Length);
        Assert.StartsWith("2026-11-26 10:00 UTC · Bob (test) · ", lines[0], StringComparison.Ordinal);
        Assert.Contains(lines[..2], l => l.EndsWith("added expert carol", StringComparison.Ordinal));
        Assert.Contains(lines[..2], l => l.Contains("updated: ", StringComparison.Ordinal) && l.Contains("Tier 2 → 1", StringComparison.Ordinal) && l.Contains("ThirdParty false → true", StringComparison.Ordinal));
        Assert.StartsWith("2026-11-26 09:00 UTC · Alice (test) · created: ", lines[2], StringComparison.Ordinal);
    }

    [SkippableFact]
    public async Task An_assets_card_shows_its_book_value_and_wrong_dates_are_refused()
    {
        await using var app = await CoreTestApp.CreateAsync(provider);

        var added = await app.SendAsync("cmdb", "add asset oven-9 purchase-date:2024-11-26 purchase-price:\"1200 EUR\" useful-life:5y warranty:2027-03-01");
        var wrong = await app.SendAsync("cmdb", "add asset oven-8 warranty:soon");

        var fields = Assert.IsType<FieldsSection>(Assert.Single(added.Cards).Sections[0]).Fields;
        Assert.Contains(new CardField("Book value", "720 EUR (40% written off, straight line over 5 years)"), fields);
        Assert.Contains(new CardField("useful-life", "5 years"), fields);
        Assert.StartsWith("`warranty:soon` is not a date; write it like `warranty:2027-03-01`.", wrong.Text, StringComparison.Ordinal);
        Assert.Equal(1, await app.QueryAsync(db => db.ConfigurationItems.CountAsync()));
    }

    [SkippableTheory]
    [InlineData("add oven oven-9", "is not a CI type")]
    [InlineData("add asset oven-9 tier:7", "is not a tier")]
    [InlineData("add asset oven-9 uptime:lots", "is not a percentage")]
    [InlineData("add asset oven-9 third-party:maybe", "is true or false")]
    [InlineData("link oven-2 bakes bakery-2", "is not a relation")]
    [InlineData("link oven-2 located-in bakery-9", "`bakery-9` is not in the CMDB")]
    [InlineData("link oven-2 depends-on oven-2", "can't be linked to itself")]
    [InlineData("link oven-2 depends-on", "Write two CIs and the relation")]
    [InlineData("impact oven-9", "`oven-9` is not in the CMDB")]
    [InlineData("find", "What to look for?")]
    public async Task Wrong_cmdb_commands_say_what_was_wrong_and_change_nothing(string text, string expected)
    {
        await using var app = await CoreTestApp.CreateAsync(provider);
        await app.SendAsync("cmdb", "add asset oven-2");
        await app.SendAsync("cmdb", "add facility bakery-2");
        var before = await app.SnapshotAsync();

        var reply = await app.SendAsync("cmdb", text);

        Assert.Equal(ReplyKind.Warning, reply.Kind);
        Assert.Contains(expected, reply.Text, StringComparison.Ordinal);
        Assert.Equal(before, await app.SnapshotAsync());
    }

    [SkippableFact]
    public async Task Find_matches_names_vendors_uses_and_attributes()
    {
        await using var app = await CoreTestApp.CreateAsync(provider);
        await app.SendAsync("cmdb", "add asset oven-1 vendor:Acme serial:SN-1");
        await app.SendAsync("cmdb", "add asset oven-2 vendor:Bakeware serial:SN-2");
        await app.SendAsync("cmdb", "add software till-app uses:\"taking orders\" version:4.2");

        static string Lines(ChatReply r) => Assert.IsType<TextSection>(Assert.Single(r.Cards).Sections[0]).Text;
        Assert.Equal("oven-1 · asset\noven-2 · asset", Lines(await app.SendAsync("cmdb", "find oven")));
        Assert.Equal("oven-1 · asset", Lines(await app.SendAsync("cmdb", "find acme")));
        Assert.Equal("till-app · software", Lines(await app.SendAsync("cmdb", "find orders")));
        Assert.Equal("oven-2 · asset", Lines(await app.SendAsync("cmdb", "find oven serial:sn-2")));
        Assert.Equal("Nothing in the CMDB matches that.", (await app.SendAsync("cmdb", "find freezer")).Text);
    }

    [SkippableFact]
    public async Task Impact_follows_chains_diamonds_and_cycles_and_groups_by_service()
    {
        await using var app = await CoreTestApp.CreateAsync(provider);
        foreach (var add in new[]
        {
            "component thermostat-7", "asset oven-2", "asset oven-3", "facility bakery-2", "service cookie-shop tier:1",
            "service bread-delivery tier:2", "service loyalty-app tier:3", "software baking-planner",
        })
        {
            await app.SendAsync("cmdb", "add " + add);
        }

        foreach (var link in new[]
        {
            "thermostat-7 part-of oven-2", // a part's failure reaches its whole
            "cookie-shop runs-on oven-2",
            "baking-planner depends-on oven-2",
            "bread-delivery depends-on cookie-shop", // a diamond: bread-delivery also needs the planner
            "bread-delivery depends-on baking-planner",
            "cookie-shop depends-on bread-delivery", // and a cycle back
            "oven-3 located-in bakery-2", // not reached from the thermostat
        })
        {
            await app.SendAsync("cmdb", "link " + link);
        }

        var impact = Assert.Single((await app.SendAsync("cmdb", "impact thermostat-7")).Cards);

        Assert.Equal("Impact of thermostat-7: 4 CIs", impact.Title);
        Assert.Equal(CardAccent.Critical, impact.Accent);
        Assert.Equal("Services (2):\n• cookie-shop (tier 1), through 1 step\n• bread-delivery (tier 2), through 2 steps", Assert.IsType<TextSection>(impact.Sections[0]).Text);
        Assert.Equal([new CardField("Assets", "oven-2"), new CardField("Software", "baking-planner")], Assert.IsType<FieldsSection>(impact.Sections[1]).Fields);
        var none = Assert.Single((await app.SendAsync("cmdb", "impact loyalty-app")).Cards);
        Assert.Equal(CardAccent.Success, none.Accent);
    }

    [SkippableFact]
    public async Task Risks_name_key_people_ending_dates_end_of_life_and_third_parties_on_tier_one_chains()
    {
        await using var app = await CoreTestApp.CreateAsync(provider);
        Assert.Equal(CardAccent.Success, Assert.Single((await app.SendAsync("cmdb", "risks")).Cards).Accent);
        foreach (var add in new[]
        {
            "service cookie-shop tier:1", "asset oven-2 tier:2 sme:<@carol> warranty:2027-01-10",
            "asset mixer-1 end-of-life:2026-01-01", "cloud region-1 third-party:true contract-end:2027-06-01",
            "service loyalty-app tier:3",
        })
        {
            await app.SendAsync("cmdb", "add " + add);
        }

        await app.SendAsync("cmdb", "link cookie-shop depends-on oven-2");
        await app.SendAsync("cmdb", "link oven-2 runs-on region-1");

        var card = Assert.Single((await app.SendAsync("cmdb", "risks")).Cards);

        Assert.Equal(CardAccent.Warning, card.Accent);
        Assert.Equal(
            [
                new CardField("Key-person risk: one expert", "oven-2"),
                new CardField("No expert (tier 1 and 2)", "cookie-shop"),
                new CardField("Ending within 60 days", "oven-2: warranty ends 2027-01-10"),
                new CardField("Past end of life", "mixer-1 (since 2026-01-01)"),
                new CardField("Third parties on tier-1 chains", "cookie-shop → region-1"),
            ],
            Assert.IsType<FieldsSection>(card.Sections[0]).Fields);
    }

    [SkippableFact]
    public async Task The_catalogue_lists_services_with_tier_owner_sla_and_health()
    {
        await using var app = await CoreTestApp.CreateAsync(provider);
        Assert.Contains("No services in the CMDB yet", (await app.SendAsync("catalog", "")).Text, StringComparison.Ordinal);
        await app.SendAsync("cmdb", "add service loyalty-app tier:3 health:degraded");
        await app.SendAsync("cmdb", "add service cookie-shop tier:1 uptime:99.9 owner:<@alice>");
        await app.SendAsync("cmdb", "add asset oven-2");
        await app.SendAsync("incident", "shop down ci:cookie-shop");

        var catalog = Assert.Single((await app.SendAsync("catalog", "list")).Cards);

        Assert.Equal("Service catalogue (2)", catalog.Title);
        Assert.Equal(
            "cookie-shop · tier 1 · owner Alice · SLA 99.9% · 1 open incident\nloyalty-app · tier 3 · no owner · no SLA · degraded",
            Assert.IsType<TextSection>(catalog.Sections[0]).Text);
    }
}

public sealed class SqliteCmdbTests() : CmdbTests(DbProvider.Sqlite);

public sealed class PostgresCmdbTests() : CmdbTests(DbProvider.Postgres);
