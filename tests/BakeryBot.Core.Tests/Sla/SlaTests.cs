using BakeryBot.Core.Chat;
using BakeryBot.Core.Sla;
using BakeryBot.Core.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace BakeryBot.Core.Tests.Sla;

/// <summary>Service levels: targets, and composite availability against hand-worked examples.</summary>
public abstract class SlaTests(DbProvider provider)
{
    [SkippableFact]
    public async Task Targets_are_set_per_service_and_severity_and_shown()
    {
        await using var app = await CoreTestApp.CreateAsync(provider);
        await app.SendAsync("cmdb", "add service cookie-shop tier:1");

        Assert.Equal("Service levels of `cookie-shop` set.", (await app.SendAsync("sla", "set cookie-shop ack:30m resolve:8h uptime:99.9")).Text);
        Assert.Equal("Service levels of `cookie-shop` set.", (await app.SendAsync("sla", "set cookie-shop sev1 ack:5m resolve:2h")).Text);
        Assert.Equal("`cookie-shop` had those service levels already.", (await app.SendAsync("sla", "set cookie-shop sev1 ack:5m")).Text);

        var shown = Assert.IsType<TextSection>(Assert.Single((await app.SendAsync("sla", "show")).Cards).Sections[0]).Text;
        Assert.Equal(
            "cookie-shop · all severities · acknowledge within 30 minutes · resolve within 8 hours · uptime 99.9%\n" +
            "cookie-shop · SEV1 · acknowledge within 5 minutes · resolve within 2 hours · uptime 99.9%",
            shown);
    }

    [SkippableTheory]
    [InlineData("set cookie-shop", "Give at least one of")]
    [InlineData("set cookie-shop ack:soon", "is not a time to acknowledge")]
    [InlineData("set cookie-shop ack:2h resolve:1h", "can't be shorter")]
    [InlineData("set cookie-shop uptime:101", "is not a percentage")]
    [InlineData("set oven-2 ack:5m", "`oven-2` is an asset, not a service; acknowledge and resolve targets are set on services")]
    [InlineData("set oven-2 uptime:99.9 resolve:1h", "not a service")]
    [InlineData("chain bakery-9", "`bakery-9` is not in the CMDB")]
    public async Task Wrong_sla_commands_change_nothing(string text, string expected)
    {
        await using var app = await CoreTestApp.CreateAsync(provider);
        await app.SendAsync("cmdb", "add service cookie-shop");
        await app.SendAsync("cmdb", "add asset oven-2");

        await app.AssertRefusedAsync("sla", text, expected);
    }

    [SkippableFact]
    public async Task A_commitment_credit_rule_and_fee_go_on_any_ci_from_sla_set_or_cmdb_add_and_are_shown()
    {
        await using var app = await CoreTestApp.CreateAsync(provider);
        await app.SendAsync("cmdb", "add service cookie-shop tier:1");
        await app.SendAsync("sla", "set cookie-shop ack:30m resolve:8h uptime:99.9");
        var added = await app.SendAsync("cmdb", "add cloud region-1 third-party:true vendor:acme uptime:99.95 credit:\"99:25, 99.9:10\" fee:\"1000 eur\"");
        Assert.NotEqual(ReplyKind.Warning, added.Kind);
        await app.SendAsync("cmdb", "add asset oven-2");

        Assert.Equal("Service levels of `oven-2` set.", (await app.SendAsync("sla", "set oven-2 uptime:99.5 credit:99:10 fee:250.50")).Text);
        Assert.Equal("`oven-2` had those service levels already.", (await app.SendAsync("sla", "set oven-2 credit:\"99.0:10%\" fee:250.5")).Text);
        Assert.Equal("Service levels of `cookie-shop` set.", (await app.SendAsync("sla", "set cookie-shop credit:\"99.9:5\"")).Text);

        var shown = Assert.IsType<TextSection>(Assert.Single((await app.SendAsync("sla", "show")).Cards).Sections[0]).Text;
        Assert.Equal(
            "cookie-shop · all severities · acknowledge within 30 minutes · resolve within 8 hours · uptime 99.9%\n" +
            "cookie-shop · service credit below 99.9%: 5% of the monthly fee\n" +
            "oven-2 · uptime 99.5% · service credit below 99%: 10% of the monthly fee · monthly fee 250.50\n" +
            "region-1 · third party (acme) · uptime 99.95% · service credit below 99.9%: 10%, below 99%: 25% of the monthly fee · monthly fee 1,000 EUR",
            shown);
        var stored = await app.QueryAsync(db => db.ConfigurationItems.Where(c => c.Key == "region-1").Select(c => new { c.ServiceCredits, c.MonthlyFee, c.Currency }).SingleAsync());
        Assert.Equal(("99.9:10,99:25", 1000m, "EUR"), (stored.ServiceCredits, stored.MonthlyFee, stored.Currency));

        Assert.Equal("Service levels of `region-1` set.", (await app.SendAsync("sla", "set region-1 credit:none fee:none")).Text);
        var region = Assert.IsType<TextSection>(Assert.Single((await app.SendAsync("sla", "show region-1")).Cards).Sections[0]).Text;
        Assert.Equal("region-1 · third party (acme) · uptime 99.95%", region);
    }

    [SkippableTheory]
    [InlineData("set region-1 credit:\"99.9:25,99:10\"", "A lower threshold must credit more")]
    [InlineData("set region-1 credit:\"99.9:10,99.9:25\"", "is given twice")]
    [InlineData("set region-1 credit:\"0:10\"", "out of range for the uptime threshold")]
    [InlineData("set region-1 credit:\"99:101\"", "out of range for the share of the fee")]
    [InlineData("set region-1 credit:lots", "is not a threshold and a share")]
    [InlineData("set region-1 uptime:99.99 credit:\"99.9:10\" fee:\"12 euros\"", "`euros` is not a currency")]
    [InlineData("set region-1 fee:-5", "is not an amount")]
    [InlineData("set oven-2 ack:5m credit:\"99.9:10\"", "`oven-2` is an asset, not a service")]
    public async Task Wrong_credit_rules_and_fees_change_nothing(string text, string expected)
    {
        await using var app = await CoreTestApp.CreateAsync(provider);
        await app.SendAsync("cmdb", "add cloud region-1 third-party:true uptime:99.95 credit:\"99.9:10,99:25\" fee:\"1000 EUR\"");
        await app.SendAsync("cmdb", "add asset oven-2");

        await app.AssertRefusedAsync("sla", text, expected);
        var cis = await app.QueryAsync(db => db.ConfigurationItems.OrderBy(c => c.Key).Select(c => new { c.Key, c.UptimeCommitment, c.ServiceCredits, c.MonthlyFee, c.Currency }).ToListAsync());
        Assert.Equal(
            [("oven-2", null, null, null, null), ("region-1", 99.95, "99.9:10,99:25", 1000m, "EUR")],
            cis.Select(c => (c.Key, c.UptimeCommitment, c.ServiceCredits, c.MonthlyFee, c.Currency)));
    }

    [SkippableTheory]
    [InlineData("add cloud region-2 credit:\"99:10,99.9:5,95\"", "`95` is not a threshold and a share")]
    [InlineData("add cloud region-2 credit:99.9:10 fee:EUR", "`EUR` is not an amount")]
    public async Task Cmdb_add_refuses_a_wrong_credit_rule_or_fee_and_adds_nothing(string text, string expected)
    {
        await using var app = await CoreTestApp.CreateAsync(provider);
        await app.SendAsync("cmdb", "add asset oven-2");
        var before = await app.SnapshotAsync();

        var reply = await app.SendAsync("cmdb", text);

        Assert.Equal(ReplyKind.Warning, reply.Kind);
        Assert.Contains(expected, reply.Text, StringComparison.Ordinal);
        Assert.Equal(before, await app.SnapshotAsync());
    }

    [SkippableFact]
    public async Task The_chain_multiplies_serial_dependencies_combines_a_redundant_pair_and_names_the_weakest_link_and_third_parties()
    {
        await using var app = await CoreTestApp.CreateAsync(provider);
        foreach (var add in new[]
        {
            "service cookie-shop tier:1 uptime:99.9", "asset oven-2 uptime:99.9", "cloud region-1 uptime:99.95 third-party:true vendor:acme",
            "asset mixer-a uptime:99", "asset mixer-b uptime:99", "team bakers",
        })
        {
            await app.SendAsync("cmdb", "add " + add);
        }

        foreach (var link in new[]
        {
            "cookie-shop depends-on oven-2", "oven-2 runs-on region-1",
            "cookie-shop depends-on mixer-a redundant:mixers", "cookie-shop depends-on mixer-b redundant:mixers",
            "cookie-shop owned-by bakers", // ownership is not availability
            "region-1 depends-on cookie-shop", // a cycle back to the service
        })
        {
            await app.SendAsync("cmdb", "link " + link);
        }

        var card = Assert.Single((await app.SendAsync("sla", "chain cookie-shop")).Cards);

        // 0.999 × 0.9995 × (1 − 0.01 × 0.01) = 0.99840065: below the 99.9% promised.
        var fields = Assert.IsType<FieldsSection>(card.Sections[0]).Fields;
        Assert.Contains(new CardField("Composite availability", "99.84%"), fields);
        Assert.Contains(new CardField("Commitment", "99.9% (the chain can't keep it)"), fields);
        Assert.Contains(new CardField("Weakest link", "oven-2 at 99.9%"), fields);
        Assert.Contains(new CardField("Third parties on the chain", "region-1"), fields);
        Assert.Equal(CardAccent.Danger, card.Accent);
        Assert.Contains(card.Sections, s => s is ContextSection);
    }

    [Fact]
    public void Hand_worked_examples_compose_as_expected()
    {
        var nodes = new Dictionary<int, ChainNode>
        {
            [1] = new(1, "svc", null, false),
            [2] = new(2, "db-a", 0.99, false),
            [3] = new(3, "db-b", 0.98, false),
            [4] = new(4, "lb", 0.9999, true),
            [5] = new(5, "dns", null, true),
        };
        var edges = new List<ChainEdge> { new(1, 2, "db"), new(1, 3, "db"), new(1, 4, null), new(4, 5, null), new(2, 4, null) };

        var result = CompositeAvailability.Compute(1, nodes, edges);

        // lb (0.9999) serial; db pair: 1 − (1 − 0.99 × 0.9999)(1 − 0.98) where db-a itself needs lb.
        var dbA = 0.99 * 0.9999;
        var expected = 0.9999 * (1 - ((1 - dbA) * (1 - 0.98)));
        Assert.Equal(expected, result.Availability, 12);
        Assert.Equal(["dns", "lb"], result.ThirdParties);
        Assert.Equal(["dns"], result.Unknown);
        Assert.False(result.HasCycle);
        // The redundant pair (0.99980) is weaker than the load balancer (0.9999); its members alone are not factors.
        Assert.Equal("db (db-a | db-b)", result.WeakestLink);
        Assert.Equal(1 - ((1 - dbA) * (1 - 0.98)), result.WeakestAvailability!.Value, 12);
    }
}

public sealed class SqliteSlaTests() : SlaTests(DbProvider.Sqlite);

public sealed class PostgresSlaTests() : SlaTests(DbProvider.Postgres);
