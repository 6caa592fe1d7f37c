using BakeryBot.Core.Changes;
using BakeryBot.Core.Chat;
using BakeryBot.Core.Data.Outbox;
using BakeryBot.Core.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using static BakeryBot.Core.Tests.Integrations.AlertPayloads;

namespace BakeryBot.Core.Tests.Changes;

/// <summary>
/// An incident's card names the changes released shortly before it on its CIs or on what they depend
/// on, with a "Caused by" button each; saying so marks the change as a failure. On each database.
/// </summary>
public abstract class CausedByChangeTests(DbProvider provider)
{
    private static readonly TimeSpan Minute = TimeSpan.FromMinutes(1);

    /// <summary>oven-2 depends on thermostat-2; cookie-shop depends on oven-2; mixer-1 stands alone.</summary>
    private static async Task<CoreTestApp> BakeryAsync(DbProvider provider)
    {
        var app = await CoreTestApp.CreateAsync(provider);
        foreach (var ci in new[] { "asset oven-2", "component thermostat-2", "asset mixer-1", "service cookie-shop" })
        {
            await app.SendAsync("cmdb", $"add {ci}");
        }

        await app.SendAsync("cmdb", "link oven-2 depends-on thermostat-2");
        await app.SendAsync("cmdb", "link cookie-shop depends-on oven-2");
        return app;
    }

    private static Task<ChatReply> StandardAsync(CoreTestApp app, string title, string ci, string window) =>
        app.SendAsync("change", $"request {title} ci:{ci} window:\"{window}\" risk:low rollback:\"undo it\" type:standard");

    /// <summary>
    /// Thu 09:00 CHG-1 on oven-2 is released (26½ hours before the incident: too long ago). Fri 08:00–08:30
    /// CHG-2 on thermostat-2 (what oven-2 depends on), CHG-3 on mixer-1 (unrelated) and CHG-4 on
    /// cookie-shop (which depends on oven-2, not the other way) are released; Fri 11:00 CHG-5 on oven-2
    /// starts and is still in release; CHG-6 on oven-2 is approved, not released. Fri 11:30 INC-1 on oven-2.
    /// </summary>
    private static async Task<CoreTestApp> IncidentAfterReleasesAsync(DbProvider provider)
    {
        var app = await BakeryAsync(provider);
        await StandardAsync(app, "old oven work", "oven-2", "today 09:30+1h");
        await StandardAsync(app, "replace thermostat", "thermostat-2", "tomorrow 08:30+1h");
        await StandardAsync(app, "swap mixer blade", "mixer-1", "tomorrow 08:30+1h");
        await StandardAsync(app, "patch the shop", "cookie-shop", "tomorrow 08:30+1h");
        await StandardAsync(app, "fix oven door", "oven-2", "tomorrow 10:30+2h");
        await StandardAsync(app, "retile the floor", "oven-2", "tomorrow 14:00+1h");
        await app.SendAsync("release", "start CHG-1");
        await app.SendAsync("release", "done CHG-1");
        app.Clock.Advance(TimeSpan.FromHours(23)); // Fri 08:00
        foreach (var id in new[] { "CHG-2", "CHG-3", "CHG-4" })
        {
            await app.SendAsync("release", $"start {id}");
        }

        app.Clock.Advance(30 * Minute);
        foreach (var id in new[] { "CHG-2", "CHG-3", "CHG-4" })
        {
            await app.SendAsync("release", $"done {id}");
        }

        app.Clock.Advance(TimeSpan.FromHours(2.5)); // 11:00
        await app.SendAsync("release", "start CHG-5");
        app.Clock.Advance(30 * Minute); // 11:30
        await app.SendAsync("incident", "oven-2 too cold sev2 ci:oven-2");
        return app;
    }

    [SkippableFact]
    public async Task The_incident_card_shows_changes_released_on_its_cis_or_what_they_depend_on_in_the_last_day()
    {
        await using var app = await IncidentAfterReleasesAsync(provider);

        var card = ChatJson.Deserialize((await app.QueryAsync(db => db.Outbox.Where(o => o.Kind == OutboxKind.Post && o.Text.Contains("declared INC-1")).SingleAsync())).CardJson!);

        var recent = card.Sections.OfType<TextSection>().Single(s => s.Text.StartsWith("Recent changes:", StringComparison.Ordinal)).Text;
        Assert.Equal("Recent changes:\n• CHG-5 fix oven door (release started 30 minutes ago on oven-2)\n• CHG-2 replace thermostat (released 3 hours ago on thermostat-2)", recent);
        var caused = card.Buttons.Where(b => b.ActionId == ReleaseCommands.CausedByAction).ToList();
        Assert.Equal([("Caused by CHG-5", "INC-1/CHG-5"), ("Caused by CHG-2", "INC-1/CHG-2")], caused.Select(b => (b.Text, b.Value)));
    }

    [SkippableFact]
    public async Task Caused_by_this_change_marks_the_change_as_a_failure_on_both_cards_once()
    {
        await using var app = await IncidentAfterReleasesAsync(provider);

        var click = await app.ClickAsync(ReleaseCommands.CausedByAction, "INC-1/CHG-2", user: "bob");
        var before = await app.SnapshotAsync();
        var again = await app.ClickAsync(ReleaseCommands.CausedByAction, "INC-1/CHG-2", user: "bob");

        Assert.Equal(ReplyKind.None, click.Kind);
        Assert.Contains(new CardField("Caused by", "CHG-2: replace thermostat"), click.UpdatedCard!.Sections.OfType<FieldsSection>().Single().Fields);
        Assert.DoesNotContain(click.UpdatedCard.Buttons, b => b.ActionId == ReleaseCommands.CausedByAction);
        Assert.Equal((ReplyKind.Private, "INC-1 is linked to CHG-2 as its cause already; nothing changed."), (again.Kind, again.Text));
        Assert.Equal(before, await app.SnapshotAsync());
        var change = await app.QueryAsync(db => db.Changes.SingleAsync(c => c.Number == 2));
        var incident = await app.QueryAsync(db => db.Incidents.Include(i => i.Timeline).SingleAsync());
        Assert.True(change.CausedFailure);
        Assert.Equal(change.Id, incident.CausedByChangeId);
        Assert.Contains(incident.Timeline, e => e.Kind == "caused-by" && e.Text == "Caused by CHG-2: replace thermostat (said Bob)");
        // Both are audited as Bob's doing.
        var bob = await app.QueryAsync(db => db.People.Where(p => p.DisplayName == "Bob").Select(p => p.Id).SingleAsync());
        var audit = await app.QueryAsync(db => db.AuditEntries.Where(a => a.Action == "updated" && (a.Changes.Contains("CausedFailure") || a.Changes.Contains("CausedByChangeId")))
            .OrderBy(a => a.RecordKey).Select(a => new { a.RecordKey, a.ActorId }).ToListAsync());
        Assert.Equal([("CHG-2", (int?)bob), ("INC-1", bob)], audit.Select(a => (a.RecordKey, a.ActorId)));
        // Both cards are updated where they were posted.
        var updates = await app.QueryAsync(db => db.Outbox.Include(o => o.PostedCard).Where(o => o.Kind == OutboxKind.Update && o.Text.Contains("Bob marked"))
            .OrderBy(o => o.Id).Select(o => new { o.PostedCard!.RecordKey, o.Text, o.CardJson }).ToListAsync());
        Assert.Equal(["Bob marked INC-1 as caused by CHG-2.", "Bob marked CHG-2 as the cause of INC-1."], updates.Select(u => u.Text));
        var changeCard = ChatJson.Deserialize(updates.Single(u => u.RecordKey == "CHG-2").CardJson!);
        Assert.Contains(new CardField("Caused", "INC-1 (a change failure)"), changeCard.Sections.OfType<FieldsSection>().Single().Fields);
        Assert.Equal(CardAccent.Danger, changeCard.Accent);
    }

    [SkippableFact]
    public async Task Incident_link_with_a_change_id_does_the_same_and_moves_the_cause()
    {
        await using var app = await IncidentAfterReleasesAsync(provider);

        var first = await app.SendAsync("incident", "link INC-1 CHG-2");
        var moved = await app.SendAsync("incident", "link INC-1 CHG-5");

        Assert.Equal("INC-1 is linked to CHG-2 as its cause; CHG-2 counts as a change failure.", first.Text);
        Assert.Equal("INC-1 is linked to CHG-5 as its cause now, no longer to CHG-2; CHG-5 counts as a change failure.", moved.Text);
        var failed = await app.QueryAsync(db => db.Changes.Where(c => c.CausedFailure).Select(c => c.Number).ToListAsync());
        Assert.Equal([5], failed);
        var lead = await app.QueryAsync(db => db.Outbox.Include(o => o.PostedCard).Where(o => o.PostedCard!.RecordKey == "CHG-2").OrderBy(o => o.Id).Select(o => o.Text).LastAsync());
        Assert.Equal("Alice moved the cause of INC-1 from CHG-2 to CHG-5.", lead);
        // A problem id still links a problem.
        await app.SendAsync("problem", "new cold ovens");
        Assert.Equal("Linked INC-1 to PRB-1.", (await app.SendAsync("incident", "link INC-1 PRB-1")).Text);
    }

    [SkippableFact]
    public async Task A_change_that_was_not_released_before_the_incident_cant_have_caused_it()
    {
        await using var app = await IncidentAfterReleasesAsync(provider);
        app.Clock.Advance(10 * Minute);
        await app.SendAsync("change", "request swap mixer motor ci:mixer-1 window:\"today 12:00+1h\" risk:low rollback:\"refit it\" type:emergency");
        await app.SendAsync("release", "start CHG-7");

        await app.AssertRefusedAsync("incident", "link INC-1 CHG-6", "CHG-6 has not been released, so it can't have caused INC-1.");
        await app.AssertRefusedAsync("incident", "link INC-1 CHG-7", "CHG-7's release started Fri 27 Nov 11:40 UTC, after INC-1 was declared (Fri 27 Nov 11:30 UTC), so it can't have caused it.");
        await app.AssertRefusedAsync("incident", "link INC-1 CHG-99", "There is no CHG-99.");
        await app.AssertRefusedAsync("incident", "link INC-9 CHG-2", "There is no INC-9.");
        foreach (var value in new[] { "INC-1", "INC-1/PRB-2", "CHG-2/INC-1" })
        {
            var before = await app.SnapshotAsync();
            var reply = await app.ClickAsync(ReleaseCommands.CausedByAction, value);
            Assert.Equal(ReplyKind.Warning, reply.Kind);
            Assert.Equal(before, await app.SnapshotAsync());
        }
    }

    [SkippableFact]
    public async Task An_incident_opened_by_an_alert_shows_the_recent_changes_too()
    {
        await using var app = await BakeryAsync(provider);
        await StandardAsync(app, "replace thermostat", "thermostat-2", "today 09:30+1h");
        await app.SendAsync("release", "start CHG-1");
        await app.SendAsync("release", "done CHG-1");
        var (hook, _, _) = await MakeHookAsync(app, channel: "C-ALERTS");
        app.Clock.Advance(TimeSpan.FromHours(2));

        await IngestAsync(app, hook, Group(Alert("fp-oven")));

        var card = ChatJson.Deserialize((await app.QueryAsync(db => db.Outbox.Where(o => o.Kind == OutboxKind.Post && o.ChannelId == "C-ALERTS" && o.CardJson != null).SingleAsync())).CardJson!);
        Assert.Contains(new TextSection("Recent changes:\n• CHG-1 replace thermostat (released 2 hours ago on thermostat-2)"), card.Sections);
        Assert.Contains(card.Buttons, b => b.Value == "INC-1/CHG-1");
    }
}

public sealed class SqliteCausedByChangeTests() : CausedByChangeTests(DbProvider.Sqlite);

public sealed class PostgresCausedByChangeTests() : CausedByChangeTests(DbProvider.Postgres);
