using BakeryBot.Core.Chat;
using BakeryBot.Core.Sla;
using BakeryBot.Core.Tests.Infrastructure;

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
    [InlineData("set oven-2 ack:5m", "not a service")]
    [InlineData("chain bakery-9", "`bakery-9` is not in the CMDB")]
    public async Task Wrong_sla_commands_change_nothing(string text, string expected)
    {
        await using var app = await CoreTestApp.CreateAsync(provider);
        await app.SendAsync("cmdb", "add service cookie-shop");
        await app.SendAsync("cmdb", "add asset oven-2");
        var before = await app.SnapshotAsync();

        var reply = await app.SendAsync("sla", text);

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
