using BakeryBot.Core.Chat;
using BakeryBot.Core.Data.Outbox;
using BakeryBot.Core.Incidents;
using BakeryBot.Core.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace BakeryBot.Core.Tests.Incidents;

/// <summary>Every state transition of an incident, allowed and refused, and what a change posts.</summary>
public abstract class LifecycleTests(DbProvider provider)
{
    [SkippableTheory]
    [InlineData("declared", "ack", "INC-1 acknowledged", IncidentState.Acknowledged)]
    [InlineData("declared", "mitigate", "INC-1 mitigated", IncidentState.Mitigated)]
    [InlineData("declared", "resolve", "INC-1 resolved", IncidentState.Resolved)]
    [InlineData("acknowledged", "mitigate", "INC-1 mitigated", IncidentState.Mitigated)]
    [InlineData("acknowledged", "resolve", "INC-1 resolved", IncidentState.Resolved)]
    [InlineData("mitigated", "resolve", "INC-1 resolved", IncidentState.Resolved)]
    [InlineData("resolved", "close", "INC-1 closed", IncidentState.Closed)]
    [InlineData("acknowledged", "ack", "already acknowledged", IncidentState.Acknowledged)]
    [InlineData("mitigated", "ack", "already acknowledged", IncidentState.Mitigated)]
    [InlineData("mitigated", "mitigate", "already mitigated", IncidentState.Mitigated)]
    [InlineData("resolved", "resolve", "already resolved", IncidentState.Resolved)]
    [InlineData("closed", "close", "already closed", IncidentState.Closed)]
    public async Task Allowed_transitions_change_the_state_and_repeats_change_nothing(string from, string verb, string reply, IncidentState expected)
    {
        await using var app = await CoreTestApp.CreateAsync(provider);
        await BringToAsync(app, from);

        var answer = await app.SendAsync("incident", $"{verb} INC-1");

        Assert.Contains(reply, answer.Text, StringComparison.Ordinal);
        Assert.Equal(expected, await app.QueryAsync(db => db.Incidents.Select(i => i.State).SingleAsync()));
    }

    [SkippableTheory]
    [InlineData("declared", "close", "resolve it before closing it")]
    [InlineData("acknowledged", "close", "resolve it before closing it")]
    [InlineData("resolved", "ack", "there is nothing to acknowledge")]
    [InlineData("resolved", "mitigate", "is resolved already")]
    [InlineData("closed", "ack", "there is nothing to acknowledge")]
    [InlineData("closed", "mitigate", "is closed already")]
    [InlineData("closed", "sev INC-1 sev1 x", "its severity stays")]
    [InlineData("closed", "update INC-1 still here", "updates go to a new incident")]
    [InlineData("closed", "assign INC-1 <@bob> scribe", "its roles stay")]
    public async Task Refused_transitions_say_why_and_change_nothing(string from, string verb, string reply)
    {
        await using var app = await CoreTestApp.CreateAsync(provider);
        await BringToAsync(app, from);
        var before = await app.SnapshotAsync();

        var answer = await app.SendAsync("incident", verb.Contains("INC-1", StringComparison.Ordinal) ? verb : $"{verb} INC-1");

        Assert.Equal(ReplyKind.Warning, answer.Kind);
        Assert.Contains(reply, answer.Text, StringComparison.Ordinal);
        Assert.Equal(before, await app.SnapshotAsync());
    }

    [SkippableFact]
    public async Task Severity_roles_and_updates_go_to_the_timeline_the_card_and_where_the_incident_is_followed()
    {
        await using var app = await CoreTestApp.CreateAsync(provider);
        await app.SendAsync("incident", "burnt-cookie sev3");

        Assert.Equal("INC-1 is SEV1 now.", (await app.SendAsync("incident", "sev INC-1 sev1")).Text);
        Assert.Equal("<@bob> is the scribe of INC-1.", (await app.SendAsync("incident", "assign INC-1 <@bob> scribe")).Text);
        Assert.Equal("<@carol> is the incident commander of INC-1.", (await app.SendAsync("incident", "assign INC-1 <@carol>")).Text);
        Assert.Equal("Update posted on INC-1.", (await app.SendAsync("incident", "update INC-1 oven 2 back at temperature")).Text);
        Assert.Contains("was SEV1 already", (await app.SendAsync("incident", "sev INC-1 sev1")).Text, StringComparison.Ordinal);
        Assert.Contains("not an incident role", (await app.SendAsync("incident", "assign INC-1 <@bob> baker")).Text, StringComparison.Ordinal);

        var incident = await app.QueryAsync(db => db.Incidents.Include(i => i.Timeline).SingleAsync());
        Assert.Equal(1, incident.Severity);
        Assert.Equal(["declared", "severity", "assigned", "assigned", "update"], incident.Timeline.OrderBy(e => e.Id).Select(e => e.Kind));
        var card = ChatJson.Deserialize((await app.QueryAsync(db => db.Outbox.Where(o => o.Kind == OutboxKind.Update).OrderBy(o => o.Id).LastAsync())).CardJson!);
        var fields = Assert.IsType<FieldsSection>(card.Sections[0]).Fields;
        Assert.Contains(new CardField("Severity", "SEV1"), fields);
        Assert.Contains(new CardField("Scribe", "bob"), fields); // known only by their id until they speak
        Assert.Contains(new CardField("Commander", "carol"), fields);
        Assert.Equal(CardAccent.Critical, card.Accent);
        var posts = await app.QueryAsync(db => db.Outbox.Where(o => o.Kind == OutboxKind.Post && o.CardJson == null).Select(o => o.Text).ToListAsync());
        Assert.Equal(["INC-1 is now SEV1.", "Update on INC-1 from Alice: oven 2 back at temperature"], posts);
    }

    [SkippableFact]
    public async Task Inside_an_incidents_own_channel_or_card_thread_the_id_may_be_left_out()
    {
        await using var app = await CoreTestApp.CreateAsync(provider);
        await app.SendAsync("incident", "burnt-cookie");
        await app.SendAsync("incident", "flat bread");
        await app.QueryAsync(db => db.Incidents.Where(i => i.Number == 1).ExecuteUpdateAsync(s => s.SetProperty(i => i.IncidentChannelId, "C-inc-1")));
        await app.QueryAsync(db => db.PostedCards.Where(c => c.RecordKey == "INC-2").ExecuteUpdateAsync(s => s.SetProperty(c => c.MessageId, "thread-2")));

        var inChannel = await app.SendAsync("incident", "ack", channel: "C-inc-1");
        var inThread = await app.Router.HandleAsync(CoreTestApp.Request("alice") with { Command = "incident", Text = "resolve all good", ThreadId = "thread-2" }, CancellationToken.None);
        var elsewhere = await app.SendAsync("incident", "ack");

        var noted = await app.SendAsync("incident", "update same cause as INC-2", channel: "C-inc-1");
        Assert.Equal("Update posted on INC-1.", noted.Text); // an id further on is part of the note
        Assert.StartsWith("INC-1 acknowledged", inChannel.Text, StringComparison.Ordinal);
        Assert.Equal("INC-2 resolved.", inThread.Text);
        Assert.Contains("Which one?", elsewhere.Text, StringComparison.Ordinal);
    }

    [SkippableFact]
    public async Task The_card_shows_the_services_impacted_through_the_cmdb()
    {
        await using var app = await CoreTestApp.CreateAsync(provider);
        await app.SendAsync("cmdb", "add asset oven-2");
        await app.SendAsync("cmdb", "add component thermostat-7");
        await app.SendAsync("cmdb", "add service bread-delivery tier:1");
        await app.SendAsync("cmdb", "add service cookie-shop tier:2");
        await app.QueryAsync(async db =>
        {
            var ids = await db.ConfigurationItems.ToDictionaryAsync(c => c.Name, c => c.Id);
            var tenant = await db.Tenants.Select(t => t.Id).SingleAsync();
            db.CiRelationships.Add(new() { TenantId = tenant, SourceId = ids["oven-2"], Relation = BakeryBot.Core.Cmdb.CiRelation.DependsOn, TargetId = ids["thermostat-7"] });
            db.CiRelationships.Add(new() { TenantId = tenant, SourceId = ids["cookie-shop"], Relation = BakeryBot.Core.Cmdb.CiRelation.RunsOn, TargetId = ids["oven-2"] });
            db.CiRelationships.Add(new() { TenantId = tenant, SourceId = ids["bread-delivery"], Relation = BakeryBot.Core.Cmdb.CiRelation.DependsOn, TargetId = ids["cookie-shop"] });
            // A cycle must not loop.
            db.CiRelationships.Add(new() { TenantId = tenant, SourceId = ids["thermostat-7"], Relation = BakeryBot.Core.Cmdb.CiRelation.PartOf, TargetId = ids["bread-delivery"] });
            return await db.SaveChangesAsync();
        });

        await app.SendAsync("incident", "thermostat stuck ci:thermostat-7");

        var card = ChatJson.Deserialize((await app.QueryAsync(db => db.Outbox.Where(o => o.CardJson != null).OrderBy(o => o.Id).LastAsync())).CardJson!);
        Assert.Contains(new CardField("Services impacted", "bread-delivery, cookie-shop"), Assert.IsType<FieldsSection>(card.Sections[0]).Fields);
    }

    [SkippableFact]
    public async Task The_postmortem_draft_is_posted_in_the_channel_and_stats_summarise_response_times()
    {
        await using var app = await CoreTestApp.CreateAsync(provider);
        await app.SendAsync("incident", "burnt-cookie sev2 detected:customer");
        app.Clock.Advance(TimeSpan.FromMinutes(10));
        await app.SendAsync("incident", "ack INC-1");
        app.Clock.Advance(TimeSpan.FromMinutes(50));
        await app.SendAsync("incident", "resolve INC-1 thermostat replaced");

        var reply = await app.SendAsync("incident", "postmortem INC-1");
        var stats = await app.SendAsync("incident", "stats since:7d");

        Assert.StartsWith("The postmortem draft of INC-1 is posted here (1 message)", reply.Text, StringComparison.Ordinal);
        var draft = await app.QueryAsync(db => db.Outbox.Where(o => o.Text.StartsWith("# INC-1")).Select(o => o.Text).SingleAsync());
        Assert.Contains("postmortem (draft)", draft, StringComparison.Ordinal);
        Assert.Contains("10 minutes", draft, StringComparison.Ordinal);
        Assert.Contains("1 hour", draft, StringComparison.Ordinal);
        Assert.Contains("customer", draft, StringComparison.Ordinal);
        var card = Assert.Single(stats.Cards);
        Assert.Contains("10 minutes", System.Text.Json.JsonSerializer.Serialize(card, ChatJson.Options), StringComparison.Ordinal);
        Assert.Equal(ReplyKind.Warning, (await app.SendAsync("incident", "stats since:soon")).Kind);
    }

    private static async Task BringToAsync(CoreTestApp app, string state)
    {
        await app.SendAsync("incident", "burnt-cookie sev2");
        var steps = state switch
        {
            "acknowledged" => new[] { "ack" },
            "mitigated" => ["ack", "mitigate"],
            "resolved" => ["resolve"],
            "closed" => ["resolve", "close"],
            _ => [],
        };
        foreach (var step in steps)
        {
            await app.SendAsync("incident", $"{step} INC-1");
        }
    }
}

public sealed class SqliteLifecycleTests() : LifecycleTests(DbProvider.Sqlite);

public sealed class PostgresLifecycleTests() : LifecycleTests(DbProvider.Postgres);
