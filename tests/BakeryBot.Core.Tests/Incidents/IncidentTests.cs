using BakeryBot.Core.Chat;
using BakeryBot.Core.Cmdb;
using BakeryBot.Core.Data.Outbox;
using BakeryBot.Core.Incidents;
using BakeryBot.Core.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace BakeryBot.Core.Tests.Incidents;

/// <summary>The first incident slice through the router, on each database.</summary>
public abstract class IncidentTests(DbProvider provider)
{
    [SkippableFact]
    public async Task Declaring_stores_the_incident_its_timeline_audit_and_card_post_together()
    {
        await using var app = await CoreTestApp.CreateAsync(provider);
        await app.SendAsync("cmdb", "add asset oven-2 serial:SN-9");

        var reply = await app.SendAsync("incident", "burnt-cookie sev2 ci:oven-2");

        Assert.Equal(ReplyKind.Private, reply.Kind);
        Assert.StartsWith("INC-1 declared", reply.Text, StringComparison.Ordinal);
        Assert.DoesNotContain("Assumed", reply.Text, StringComparison.Ordinal);
        var incident = await app.QueryAsync(db => db.Incidents.Include(i => i.Cis).ThenInclude(c => c.Ci).Include(i => i.Timeline).SingleAsync());
        Assert.Equal(1, incident.Number);
        Assert.Equal("burnt-cookie", incident.Title);
        Assert.Equal(2, incident.Severity);
        Assert.Equal(IncidentState.Declared, incident.State);
        Assert.Equal(CoreTestApp.Start, incident.DeclaredAt);
        Assert.Equal("oven-2", Assert.Single(incident.Cis).Ci!.Name);
        Assert.Equal("declared", Assert.Single(incident.Timeline).Kind);

        var audit = await app.QueryAsync(db => db.AuditEntries.Where(a => a.RecordType == "incident").ToListAsync());
        var created = Assert.Single(audit);
        Assert.Equal("INC-1", created.RecordKey);
        Assert.Equal("created", created.Action);
        Assert.Equal("test", created.Platform);
        Assert.Contains("burnt-cookie", created.Changes, StringComparison.Ordinal);

        var post = await app.QueryAsync(db => db.Outbox.Include(o => o.PostedCard).SingleAsync());
        Assert.Equal(OutboxKind.Post, post.Kind);
        Assert.Equal("Alice declared INC-1 (SEV2).", post.Text);
        Assert.Equal("C1", post.ChannelId);
        Assert.Equal("INC-1", post.PostedCard!.RecordKey);
        var card = ChatJson.Deserialize(post.CardJson!);
        Assert.Equal("INC-1: burnt-cookie", card.Title);
        Assert.Equal(CardAccent.Danger, card.Accent);
        Assert.Equal([IncidentCommands.AckAction, IncidentCommands.MitigateAction, IncidentCommands.ResolveAction, BakeryBot.Core.TimeTracking.TimerCommands.StartAction, IncidentCommands.LinkProblemAction], card.Buttons.Select(b => b.ActionId));
        var fields = Assert.IsType<FieldsSection>(card.Sections[0]).Fields;
        Assert.Contains(new CardField("Affected CIs", "oven-2"), fields);
        Assert.Contains(new CardField("Severity", "SEV2"), fields);
    }

    [SkippableFact]
    public async Task Declaring_never_fails_for_a_detail_and_says_what_it_assumed()
    {
        await using var app = await CoreTestApp.CreateAsync(provider);

        var reply = await app.SendAsync("incident", "ovens cold ci:oven-404");

        Assert.Contains("INC-1 declared", reply.Text, StringComparison.Ordinal);
        Assert.Contains("severity SEV3", reply.Text, StringComparison.Ordinal);
        Assert.Contains("`oven-404` is not in the CMDB", reply.Text, StringComparison.Ordinal);
        var incident = await app.QueryAsync(db => db.Incidents.Include(i => i.Cis).SingleAsync());
        Assert.Equal(3, incident.Severity);
        Assert.Empty(incident.Cis);
    }

    [SkippableFact]
    public async Task Acknowledge_and_resolve_update_every_posted_card_and_a_second_click_changes_nothing()
    {
        await using var app = await CoreTestApp.CreateAsync(provider);
        await app.SendAsync("incident", "burnt-cookie sev1");
        await app.SendAsync("bakery", "whoami", user: "carol");
        app.Clock.Advance(TimeSpan.FromMinutes(4));

        var first = await app.ClickAsync(IncidentCommands.AckAction, "INC-1", user: "bob");
        var before = await app.SnapshotAsync();
        var second = await app.ClickAsync(IncidentCommands.AckAction, "INC-1", user: "carol");

        Assert.Equal(ReplyKind.None, first.Kind);
        Assert.Contains("already acknowledged", second.Text, StringComparison.Ordinal);
        Assert.Equal(before, await app.SnapshotAsync());
        var incident = await app.QueryAsync(db => db.Incidents.SingleAsync());
        Assert.Equal(IncidentState.Acknowledged, incident.State);
        Assert.Equal(CoreTestApp.Start.AddMinutes(4), incident.AcknowledgedAt);
        var update = await app.QueryAsync(db => db.Outbox.Where(o => o.Kind == OutboxKind.Update).SingleAsync());
        Assert.Equal("Bob acknowledged INC-1.", update.Text);
        var card = ChatJson.Deserialize(update.CardJson!);
        Assert.Contains(new CardField("Status", "Acknowledged"), Assert.IsType<FieldsSection>(card.Sections[0]).Fields);
        Assert.Contains(new CardField("Commander", "Bob"), Assert.IsType<FieldsSection>(card.Sections[0]).Fields);
        Assert.DoesNotContain(card.Buttons, b => b.ActionId == IncidentCommands.AckAction);

        var resolved = await app.SendAsync("incident", "resolve INC-1 thermostat replaced");
        Assert.Equal("INC-1 resolved.", resolved.Text);
        Assert.Contains("already resolved", (await app.ClickAsync(IncidentCommands.ResolveAction, "INC-1")).Text, StringComparison.Ordinal);
        var last = await app.QueryAsync(db => db.Outbox.Where(o => o.Kind == OutboxKind.Update).OrderBy(o => o.Id).LastAsync());
        Assert.Equal(CardAccent.Success, ChatJson.Deserialize(last.CardJson!).Accent);
        // Once resolved, only linking a problem is left to do from the card (a postmortem often finds one).
        Assert.Equal([IncidentCommands.LinkProblemAction], ChatJson.Deserialize(last.CardJson!).Buttons.Select(b => b.ActionId));
        var status = await app.QueryAsync(db => db.Outbox.Where(o => o.Kind == OutboxKind.Post && o.CardJson == null).SingleAsync());
        Assert.Equal(("C1", "INC-1 is resolved: thermostat replaced"), (status.ChannelId, status.Text));
        var audits = await app.QueryAsync(db => db.AuditEntries.Where(a => a.RecordKey == "INC-1").OrderBy(a => a.Id).Select(a => a.Action).ToListAsync());
        Assert.Equal(["created", "updated", "updated"], audits);
    }

    [SkippableFact]
    public async Task List_and_show_read_only_the_tenants_own_incidents()
    {
        await using var app = await CoreTestApp.CreateAsync(provider);
        await app.SendAsync("incident", "burnt-cookie sev2");
        await app.SendAsync("incident", "flat bread sev4");
        await app.SendAsync("incident", "other tenant's oven", tenant: "T2");

        var list = await app.SendAsync("incident", "list");
        var text = Assert.IsType<TextSection>(Assert.Single(list.Cards).Sections[0]).Text;
        Assert.Contains("INC-1 · SEV2 · Declared · burnt-cookie", text, StringComparison.Ordinal);
        Assert.Contains("INC-2 · SEV4", text, StringComparison.Ordinal);
        Assert.DoesNotContain("other tenant", text, StringComparison.Ordinal);

        var otherList = await app.SendAsync("incident", "list", tenant: "T2");
        var otherText = Assert.IsType<TextSection>(Assert.Single(otherList.Cards).Sections[0]).Text;
        Assert.Contains("INC-1 · SEV3 · Declared · other tenant's oven", otherText, StringComparison.Ordinal);

        app.Clock.Advance(TimeSpan.FromHours(3));
        await app.SendAsync("incident", "late sev3");
        var recent = await app.SendAsync("incident", "list since:1h");
        Assert.DoesNotContain("burnt-cookie", Assert.IsType<TextSection>(Assert.Single(recent.Cards).Sections[0]).Text, StringComparison.Ordinal);
        Assert.Contains("INC-3 · SEV3 · Declared · late", Assert.IsType<TextSection>(recent.Cards[0].Sections[0]).Text, StringComparison.Ordinal);

        var show = await app.SendAsync("incident", "show INC-2", tenant: "T2");
        Assert.Equal(ReplyKind.Warning, show.Kind);
        Assert.Contains("There is no INC-2", show.Text, StringComparison.Ordinal);

        var shown = await app.SendAsync("incident", "show inc-1");
        Assert.Equal("INC-1: burnt-cookie", Assert.Single(shown.Cards).Title);
        Assert.Contains("Declared as SEV2 by Alice", shown.Cards[0].Sections.OfType<TextSection>().Last().Text, StringComparison.Ordinal);
    }

    [SkippableTheory]
    [InlineData("incident", "", "needs more")]
    [InlineData("incident", "ack", "Which one?")]
    [InlineData("incident", "ack INC-99", "There is no INC-99")]
    [InlineData("incident", "ack PRB-1", "is not a INC id")]
    [InlineData("incident", "resolve banana", "is not a INC id")]
    [InlineData("incident", "lsit", "looks like a typo for `list`")]
    [InlineData("incident", "resovle INC-1", "looks like a typo for `resolve`")]
    [InlineData("incident", "teleport INC-1 now", "is not something `/incident` can do")]
    [InlineData("incident", "list colour:red", "`colour:` is not an option")]
    [InlineData("incident", "burnt \"unclosed", "never closed")]
    [InlineData("incident", "sev2", "Give the incident a title")]
    [InlineData("incident", "list since:5x", "is not a duration")]
    [InlineData("frobnicate", "now", "is not a command")]
    [InlineData("cmdb", "add gadget oven-9", "is not a CI type")]
    [InlineData("cmdb", "teleport", "is not something `/cmdb` can do")]
    [InlineData("bakery", "role add <@bob> cab", "Only people with the `admin` role")]
    public async Task Bad_input_gets_a_clear_private_message_and_changes_nothing(string command, string text, string expected)
    {
        await using var app = await CoreTestApp.CreateAsync(provider);
        await app.SendAsync("incident", "existing sev3");
        var before = await app.SnapshotAsync();

        var reply = await app.SendAsync(command, text);

        Assert.Equal(ReplyKind.Warning, reply.Kind);
        Assert.Contains(expected, reply.Text, StringComparison.Ordinal);
        Assert.Equal(before, await app.SnapshotAsync());
    }

    [SkippableFact]
    public async Task Prose_that_looks_like_options_stays_in_the_title()
    {
        await using var app = await CoreTestApp.CreateAsync(provider);

        var reply = await app.SendAsync("incident", "db down: host:web-1 \u201Cconnection refused\u201D sev2 colour:red");

        Assert.StartsWith("INC-1 declared", reply.Text, StringComparison.Ordinal);
        var incident = await app.QueryAsync(db => db.Incidents.SingleAsync());
        Assert.Equal("db down: host:web-1 connection refused colour:red", incident.Title);
        Assert.Equal(2, incident.Severity);
    }

    [SkippableFact]
    public async Task People_and_tenants_seen_for_the_first_time_at_the_same_moment_are_created_once()
    {
        await using var app = await CoreTestApp.CreateAsync(provider);

        var replies = await Task.WhenAll(Enumerable.Range(0, 12).Select(i =>
            Task.Run(() => app.SendAsync("incident", $"first contact {i}", user: $"u{i % 3}", tenant: "T-new"))));

        Assert.All(replies, r => Assert.StartsWith("INC-", r.Text, StringComparison.Ordinal));
        Assert.Equal(1, await app.QueryAsync(db => db.Tenants.CountAsync(t => t.ExternalId == "T-new")));
        Assert.Equal(3, await app.QueryAsync(db => db.People.CountAsync()));
        Assert.Equal(Enumerable.Range(1, 12), await app.QueryAsync(db => db.Incidents.Select(i => i.Number).OrderBy(n => n).ToListAsync()));
    }

    [SkippableFact]
    public async Task A_retried_delivery_has_one_effect()
    {
        await using var app = await CoreTestApp.CreateAsync(provider);
        var request = CoreTestApp.Request("alice") with { Command = "incident", Text = "burnt-cookie", DeliveryId = "cmd:123.456" };

        var first = await app.Router.HandleAsync(request, CancellationToken.None);
        var retry = await app.Router.HandleAsync(request, CancellationToken.None);

        Assert.StartsWith("INC-1 declared", first.Text, StringComparison.Ordinal);
        Assert.Equal(ReplyKind.None, retry.Kind);
        Assert.Equal(1, await app.QueryAsync(db => db.Incidents.CountAsync()));
    }

    [SkippableFact]
    public async Task Admins_from_configuration_grant_roles_and_every_grant_is_audited()
    {
        await using var app = await CoreTestApp.CreateAsync(provider);

        var granted = await app.SendAsync("bakery", "role add <@bob> cab", user: "admin");
        var whoami = await app.SendAsync("bakery", "whoami", user: "bob");

        Assert.Equal("<@bob> now has the `cab` role.", granted.Text);
        Assert.Contains(new CardField("Roles", "cab"), Assert.IsType<FieldsSection>(Assert.Single(whoami.Cards).Sections[0]).Fields);
        var audit = await app.QueryAsync(db => db.AuditEntries.Where(a => a.RecordType == "role").ToListAsync());
        Assert.Contains(audit, a => a.Action == "created" && a.RecordKey.EndsWith("/cab", StringComparison.Ordinal));
    }

    [SkippableFact]
    public async Task Concurrent_declares_get_distinct_consecutive_numbers()
    {
        await using var app = await CoreTestApp.CreateAsync(provider);
        await app.SendAsync("bakery", "whoami"); // the tenant and person exist before the race

        var replies = await Task.WhenAll(Enumerable.Range(0, 50).Select(i => Task.Run(() => app.SendAsync("incident", $"burnt batch {i}"))));

        Assert.All(replies, r => Assert.Equal(ReplyKind.Private, r.Kind));
        var numbers = await app.QueryAsync(db => db.Incidents.Select(i => i.Number).OrderBy(n => n).ToListAsync());
        Assert.Equal(Enumerable.Range(1, 50), numbers);
        Assert.Equal(50, await app.QueryAsync(db => db.Outbox.CountAsync()));
    }

    [SkippableFact]
    public async Task Numbers_are_never_reused_and_are_per_tenant()
    {
        await using var app = await CoreTestApp.CreateAsync(provider);
        await app.SendAsync("incident", "one");
        await app.SendAsync("incident", "two");
        await app.QueryAsync(db => db.Incidents.Where(i => i.Number == 2).ExecuteDeleteAsync());

        var third = await app.SendAsync("incident", "three");
        var otherTenant = await app.SendAsync("incident", "elsewhere", tenant: "T9");

        Assert.StartsWith("INC-3 declared", third.Text, StringComparison.Ordinal);
        Assert.StartsWith("INC-1 declared", otherTenant.Text, StringComparison.Ordinal);
    }

    [SkippableFact]
    public async Task Ci_names_are_unique_per_tenant_regardless_of_case()
    {
        await using var app = await CoreTestApp.CreateAsync(provider);
        await app.SendAsync("cmdb", "add asset Oven-2");

        var again = await app.SendAsync("cmdb", "add asset oven-2");
        var elsewhere = await app.SendAsync("cmdb", "add asset oven-2", tenant: "T2");

        Assert.Contains("already in the CMDB", again.Text, StringComparison.Ordinal);
        Assert.Equal(ReplyKind.Private, elsewhere.Kind);
        Assert.Equal(CiType.Asset, (await app.QueryAsync(db => db.ConfigurationItems.FirstAsync())).Type);
    }
}

public sealed class SqliteIncidentTests() : IncidentTests(DbProvider.Sqlite);

public sealed class PostgresIncidentTests() : IncidentTests(DbProvider.Postgres);
