using System.Diagnostics.Metrics;
using BakeryBot.Core.Chat;
using BakeryBot.Core.Data;
using BakeryBot.Core.Tests.Infrastructure;
using BakeryBot.Core.Tests.Telemetry;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace BakeryBot.Core.Tests.Data;

/// <summary>
/// The queries every request runs (who sends it; whether its delivery was handled already) are
/// compiled once: EF Core would otherwise look each up in its cache, read its parameters out of the
/// expression and write its SQL again on every request. EF Core counts every such lookup in its
/// metrics (<c>compiled_query_cache_hits</c> and <c>_misses</c>); a compiled query makes none. Those
/// counters are process-wide, so these tests run alone.
/// </summary>
[Collection(nameof(MetricsCollection))]
public abstract class CompiledRequestQueryTests(DbProvider provider)
{
    [SkippableFact]
    public async Task A_known_person_is_found_without_translating_a_query()
    {
        await using var app = await CoreTestApp.CreateAsync(provider);
        // The workspace and the person exist, and the query is compiled for this database's model.
        await app.SendAsync("incident", "help", user: "carol");

        var before = QueryCacheLookups();
        for (var i = 0; i < 5; i++)
        {
            var reply = await app.SendAsync("incident", "help", user: "carol");
            Assert.Equal(ReplyKind.Private, reply.Kind);
            Assert.Contains("/incident", reply.Text, StringComparison.Ordinal);
        }

        // `/incident help` reads nothing but who sends it.
        Assert.Equal(0, QueryCacheLookups() - before);
    }

    [SkippableFact]
    public async Task A_known_conversation_is_looked_up_without_translating_a_query_and_not_written_again()
    {
        await using var app = await CoreTestApp.CreateAsync(provider);
        // As Teams sends every request: where it comes from, which the bot remembers to post there later.
        var seen = new ConversationSighting("test", "T1", "C1", "https://smba.example/emea/", "channel", "Ovens", "team-1");
        var help = CoreTestApp.Request("carol") with { Command = "incident", Text = "help", Conversation = seen };
        await app.Router.HandleAsync(help, CancellationToken.None);
        var recorded = await app.QueryAsync(db => db.Set<ChatConversation>().SingleAsync());

        var before = QueryCacheLookups();
        for (var i = 0; i < 5; i++)
        {
            Assert.Equal(ReplyKind.Private, (await app.Router.HandleAsync(help, CancellationToken.None)).Kind);
        }

        // Who sends it and the conversation, both compiled; nothing new about the conversation, so nothing written.
        Assert.Equal(0, QueryCacheLookups() - before);
        var now = await app.QueryAsync(db => db.Set<ChatConversation>().SingleAsync());
        Assert.Equal((recorded.Name, recorded.Endpoint, recorded.LastSeenAt), (now.Name, now.Endpoint, now.LastSeenAt));
        Assert.Equal("Ovens", now.Name);
    }

    [SkippableFact]
    public async Task A_requests_delivery_is_checked_without_translating_a_query_and_a_retry_has_no_second_effect()
    {
        await using var app = await CoreTestApp.CreateAsync(provider);
        await app.Router.HandleAsync(CoreTestApp.Request("carol") with { Command = "bakery", Text = "whoami", DeliveryId = "cmd:0" }, CancellationToken.None);

        var before = QueryCacheLookups();
        for (var i = 1; i <= 5; i++)
        {
            var reply = await app.Router.HandleAsync(CoreTestApp.Request("carol") with { Command = "bakery", Text = "whoami", DeliveryId = $"cmd:{i}" }, CancellationToken.None);
            Assert.Equal(ReplyKind.Private, reply.Kind);
        }

        // `/bakery whoami` reads nothing but who sends it and whether its delivery is new.
        Assert.Equal(0, QueryCacheLookups() - before);

        var declare = CoreTestApp.Request("carol") with { Command = "incident", Text = "burnt cookies", DeliveryId = "cmd:declare" };
        Assert.Equal(ReplyKind.Private, (await app.Router.HandleAsync(declare, CancellationToken.None)).Kind);
        Assert.Equal(ReplyKind.None, (await app.Router.HandleAsync(declare, CancellationToken.None)).Kind);
        Assert.Equal(1, await app.QueryAsync(db => db.Incidents.CountAsync()));
    }

    [SkippableFact]
    public async Task A_person_known_by_either_id_is_the_same_person_with_their_roles()
    {
        await using var app = await CoreTestApp.CreateAsync(provider);
        var first = CoreTestApp.Request("dana-aad") with { Command = "bakery", Text = "whoami", UserAlias = "dana-29" };
        await app.Router.HandleAsync(first, CancellationToken.None);
        Assert.NotEqual(ReplyKind.Warning, (await app.SendAsync("bakery", "role add <@dana-29> cab", user: "admin")).Kind);

        // By the alias alone (as a mention names them), then by the main id alone: the one person, a CAB member.
        foreach (var user in new[] { "dana-29", "dana-aad" })
        {
            var reply = await app.SendAsync("bakery", "whoami", user: user);
            var roles = reply.Cards.SelectMany(c => c.Sections).OfType<FieldsSection>().SelectMany(f => f.Fields).Single(f => f.Label == "Roles");
            Assert.Equal("cab", roles.Value);
        }

        Assert.Equal(1, await app.QueryAsync(db => db.People.CountAsync(p => p.Identities.Any(i => i.ExternalId == "dana-aad" || i.ExternalId == "dana-29"))));
    }

    [SkippableFact]
    public async Task A_change_is_loaded_for_a_click_without_translating_a_query()
    {
        await using var app = await CoreTestApp.CreateAsync(provider);
        await app.SendAsync("bakery", "role add <@bob> cab", user: "admin");
        await app.SendAsync("cmdb", "add asset oven-2");
        await app.SendAsync("change", "request replace thermostat ci:oven-2 window:\"tomorrow 22:00+2h\" risk:medium rollback:\"refit the old one\"");
        await app.ClickAsync("change.approve", "CHG-1", user: "bob");
        var tenant = await app.QueryAsync(db => db.Tenants.SingleAsync());

        await using var scope = app.Services.CreateAsyncScope();
        var changes = scope.ServiceProvider.GetRequiredService<BakeryBot.Core.Changes.ChangeService>();
        await changes.GetAsync(tenant.Id, new RecordId(RecordId.Change, 1), CancellationToken.None);
        var before = QueryCacheLookups();
        var change = await changes.GetAsync(tenant.Id, new RecordId(RecordId.Change, 1), CancellationToken.None);

        Assert.Equal(0, QueryCacheLookups() - before);
        Assert.Equal("oven-2", Assert.Single(change.Cis).Ci!.Name);
        Assert.Equal(BakeryBot.Core.Changes.VoteKind.Approve, Assert.Single(change.Votes).Kind);
        var missing = await Assert.ThrowsAsync<UserException>(() => changes.GetAsync(tenant.Id, new RecordId(RecordId.Change, 2), CancellationToken.None));
        Assert.Contains("There is no CHG-2", missing.Message, StringComparison.Ordinal);
    }

    [SkippableFact]
    public async Task A_cab_vote_translates_no_query_but_the_names_on_its_card()
    {
        await using var app = await CoreTestApp.CreateAsync(provider);
        foreach (var member in new[] { "bob", "carol" })
        {
            await app.SendAsync("bakery", $"role add <@{member}> cab", user: "admin");
        }

        await app.SendAsync("change", "cab quorum medium 2", user: "admin");
        await app.SendAsync("cmdb", "add asset oven-2");
        await app.SendAsync("change", "request replace thermostat ci:oven-2 window:\"tomorrow 22:00+2h\" risk:medium rollback:\"refit the old one\"");
        await app.SendAsync("change", "request recalibrate ci:oven-2 window:\"tomorrow 23:00+1h\" risk:medium rollback:\"restore the settings\"");
        // A first vote compiles what a vote runs, for this database's model.
        await app.ClickAsync("change.approve", "CHG-1", user: "bob");

        var before = QueryCacheLookups();
        var reply = await app.ClickAsync("change.approve", "CHG-2", user: "bob");

        // The only query translated is the one that reads the names of the people on the card: its list of ids varies.
        Assert.Equal(1, QueryCacheLookups() - before);
        var card = reply.UpdatedCard ?? Assert.Single(reply.Cards);
        Assert.Contains(card.Sections.OfType<TextSection>(), t => t.Text.Contains("CHG-1", StringComparison.Ordinal));
        Assert.Equal(2, await app.QueryAsync(db => db.ChangeVotes.CountAsync()));
    }

    /// <summary>How many times EF Core has looked a query up in its cache of translated queries, in this process.</summary>
    private static long QueryCacheLookups()
    {
        long total = 0;
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter.Name == "Microsoft.EntityFrameworkCore" && instrument.Name.StartsWith("microsoft.entityframeworkcore.compiled_query_cache_", StringComparison.Ordinal))
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<long>((_, value, _, _) => total += value);
        listener.Start();
        listener.RecordObservableInstruments();
        return total;
    }
}

public sealed class SqliteCompiledRequestQueryTests() : CompiledRequestQueryTests(DbProvider.Sqlite);

public sealed class PostgresCompiledRequestQueryTests() : CompiledRequestQueryTests(DbProvider.Postgres);
