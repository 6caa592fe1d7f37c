using System.Security.Cryptography;
using System.Text;
using BakeryBot.Core.Changes;
using BakeryBot.Core.Chat;
using BakeryBot.Core.Integrations;
using BakeryBot.Core.Tests.Infrastructure;
using Ical.Net;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using static BakeryBot.Core.Tests.Changes.ChangeCalendarSamples;

namespace BakeryBot.Core.Tests.Changes;

/// <summary><c>/change calendar [revoke]</c>, the link's verification and the feed behind it, on each database.</summary>
public abstract class ChangeCalendarTests(DbProvider provider)
{
    private static readonly DateTimeOffset Now = CoreTestApp.Start;

    [SkippableFact]
    public async Task A_person_gets_a_private_link_shown_once_while_only_its_hash_is_stored()
    {
        await using var app = await CoreTestApp.CreateAsync(provider, s => s.Configure<PublicUrlOptions>(o => o.PublicUrl = "https://bot.bakery.example/"));

        var reply = await app.SendAsync("change", "calendar");

        Assert.Equal(ReplyKind.Private, reply.Kind);
        Assert.True(reply.Sensitive);
        var token = TokenIn(reply.Text);
        Assert.Contains($"\nhttps://bot.bakery.example/calendar/changes.ics?token={token}\n", reply.Text, StringComparison.Ordinal);
        Assert.Contains($"open webcal://bot.bakery.example/calendar/changes.ics?token={token}\n", reply.Text, StringComparison.Ordinal);
        Assert.Contains("Google Calendar: Other calendars › + › From URL", reply.Text, StringComparison.Ordinal);
        Assert.Contains("Outlook: Add calendar › Subscribe from web", reply.Text, StringComparison.Ordinal);
        Assert.Contains("Apple Calendar: File › New Calendar Subscription", reply.Text, StringComparison.Ordinal);
        Assert.Contains("shown this once and stored only as a hash", reply.Text, StringComparison.Ordinal);
        Assert.Contains("You have one link at a time", reply.Text, StringComparison.Ordinal);

        var link = await app.QueryAsync(db => db.CalendarTokens.AsNoTracking().SingleAsync());
        var who = await app.QueryAsync(db => WhoAsync(db, "test", "T1", "alice"));
        Assert.Equal((who.TenantId, who.PersonId, CoreTestApp.Start, null, null), (link.TenantId, link.PersonId, link.CreatedAt, link.RevokedAt, link.LastUsedAt));
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(token))), link.TokenHash);
        Assert.Equal("created", await app.QueryAsync(db => db.AuditEntries.Where(a => a.RecordType == "calendar-token").Select(a => a.Action).SingleAsync()));

        // The token is in no table: not the link's, not its audit, not the outbox.
        var stored = await app.QueryAsync(StoredText.AllAsync);
        Assert.Contains(link.TokenHash, stored, StringComparison.Ordinal);
        Assert.DoesNotContain(token, stored, StringComparison.Ordinal);
    }

    [SkippableFact]
    public async Task A_new_link_revokes_the_old_one_and_says_so()
    {
        await using var app = await CoreTestApp.CreateAsync(provider);
        var first = TokenIn((await app.SendAsync("change", "calendar")).Text);
        await app.SendAsync("change", "calendar", user: "bob");
        app.Clock.Advance(TimeSpan.FromMinutes(5));

        var reply = await app.SendAsync("change", "calendar");

        var second = TokenIn(reply.Text);
        Assert.NotEqual(first, second);
        Assert.Contains("It replaces your previous link, which no longer works", reply.Text, StringComparison.Ordinal);
        Assert.Null(await VerifyAsync(app, first));
        Assert.NotNull(await VerifyAsync(app, second));
        var links = await app.QueryAsync(db => db.CalendarTokens.AsNoTracking().OrderBy(t => t.Id).Select(t => t.RevokedAt).ToListAsync());
        // Bob's link is his own: Alice's new one leaves it alone.
        Assert.Equal([Now.AddMinutes(5), null, null], links);
        Assert.Equal(["created", "created", "created", "updated"], await app.QueryAsync(db =>
            db.AuditEntries.Where(a => a.RecordType == "calendar-token").OrderBy(a => a.Action).Select(a => a.Action).ToListAsync()));
    }

    [SkippableFact]
    public async Task Revoke_stops_the_link_and_says_when_there_was_none()
    {
        await using var app = await CoreTestApp.CreateAsync(provider);
        var token = TokenIn((await app.SendAsync("change", "calendar")).Text);
        var bobs = TokenIn((await app.SendAsync("change", "calendar", user: "bob")).Text);

        var revoked = await app.SendAsync("change", "calendar revoke");
        var again = await app.SendAsync("change", "calendar REVOKE");

        Assert.Equal("Your change calendar link is revoked: calendars subscribed to it stop updating. `/change calendar` makes a new one.", revoked.Text);
        Assert.Equal("You have no change calendar link to revoke. `/change calendar` makes one.", again.Text);
        Assert.All([revoked, again], r => Assert.Equal((ReplyKind.Private, false), (r.Kind, r.Sensitive)));
        Assert.Null(await VerifyAsync(app, token));
        Assert.NotNull(await VerifyAsync(app, bobs));
    }

    [SkippableFact]
    public async Task Where_everyone_would_see_the_answer_no_link_is_made_or_shown()
    {
        await using var app = await CoreTestApp.CreateAsync(provider);
        await app.SendAsync("change", "help");
        var before = await app.SnapshotAsync();

        var reply = await app.Router.HandleAsync(CoreTestApp.Request("alice") with { Command = "change", Text = "calendar", PrivateReplies = false }, CancellationToken.None);

        Assert.Equal(ReplyKind.Warning, reply.Kind);
        Assert.Contains("Answers here are seen by everyone in the conversation, so your calendar link can't be shown here.", reply.Text, StringComparison.Ordinal);
        Assert.DoesNotContain("token=", reply.Text, StringComparison.Ordinal);
        Assert.Equal(before, await app.SnapshotAsync());
        Assert.Equal(0, await app.QueryAsync(db => db.CalendarTokens.CountAsync()));

        // Revoking shows no secret: it works there too.
        TokenIn((await app.SendAsync("change", "calendar")).Text);
        var revoke = await app.Router.HandleAsync(CoreTestApp.Request("alice") with { Command = "change", Text = "calendar revoke", PrivateReplies = false }, CancellationToken.None);
        Assert.Contains("is revoked", revoke.Text, StringComparison.Ordinal);
    }

    [SkippableFact]
    public async Task Wrong_words_are_refused_and_change_nothing()
    {
        await using var app = await CoreTestApp.CreateAsync(provider);
        TokenIn((await app.SendAsync("change", "calendar")).Text);

        await app.AssertRefusedAsync("change", "calendar subscribe", "`subscribe` is not something `/change calendar` can do");
        await app.AssertRefusedAsync("change", "calendar revoke all", "`all` is not needed: the link is yours");
        await app.AssertRefusedAsync("change", "calendar for:bob", "`for:` is not an option here");
        await app.AssertRefusedAsync("change", "calender", "looks like a typo for `calendar`");

        Assert.Null(await app.QueryAsync(db => db.CalendarTokens.Select(t => t.RevokedAt).SingleAsync()));
        Assert.Contains("`/change calendar [revoke]`", (await app.SendAsync("change", "help")).Text, StringComparison.Ordinal);
    }

    [SkippableFact]
    public async Task Verification_needs_an_active_link_and_notes_its_use_once_a_minute()
    {
        await using var app = await CoreTestApp.CreateAsync(provider);
        var token = TokenIn((await app.SendAsync("change", "calendar")).Text);

        Assert.NotNull(await VerifyAsync(app, token));
        Assert.Null(await VerifyAsync(app, token[..^1] + (token[^1] == 'A' ? 'B' : 'A')));
        Assert.Null(await VerifyAsync(app, ""));
        Assert.Null(await VerifyAsync(app, null));
        Assert.Null(await VerifyAsync(app, new string('A', 10_000)));
        Assert.Equal(Now, await LastUsedAsync(app));

        app.Clock.Advance(TimeSpan.FromSeconds(30));
        Assert.NotNull(await VerifyAsync(app, token));
        Assert.Equal(Now, await LastUsedAsync(app));
        app.Clock.Advance(TimeSpan.FromSeconds(31));
        Assert.NotNull(await VerifyAsync(app, token));
        Assert.Equal(Now.AddSeconds(61), await LastUsedAsync(app));
        // Noting use is bookkeeping, not a change: no audit row.
        Assert.Equal(1, await app.QueryAsync(db => db.AuditEntries.CountAsync(a => a.RecordType == "calendar-token")));
    }

    [SkippableFact]
    public async Task The_feed_has_the_tenants_change_windows_and_freezes_in_range_with_their_status_and_sequence()
    {
        await using var app = await CoreTestApp.CreateAsync(provider);
        await app.SendAsync("cmdb", "add asset oven-2");
        await app.SendAsync("cmdb", "add software pos-app");
        await app.SendAsync("change", "calendar", tenant: "T2");
        var who = await app.QueryAsync(db => WhoAsync(db, "test", "T1", "alice"));
        var other = await app.QueryAsync(db => WhoAsync(db, "test", "T2", "alice"));
        await app.QueryAsync(async db =>
        {
            await AddChangeAsync(db, who, 1, "Swap the thermostat of oven 2", ChangeState.Pending, Now.AddDays(1), TimeSpan.FromHours(2), null, "oven-2");
            await AddChangeAsync(db, who, 2, "Upgrade the POS app", ChangeState.Approved, Now.AddDays(3).AddHours(22), TimeSpan.FromHours(3), c =>
            {
                c.Type = ChangeType.Standard;
                c.Risk = ChangeRisk.High;
                c.Rollback = "Reinstall 4.1; restore the config backup";
                c.SchemaChange = true;
                c.RollbackMigration = "20261101_PosV41";
                c.RequestedAt = Now.AddDays(-1);
                c.DecidedAt = Now.AddHours(-1);
                c.Version = 3;
            }, "pos-app", "oven-2");
            await AddChangeAsync(db, who, 3, "Repaint the shop", ChangeState.Rejected, Now.AddDays(10), TimeSpan.FromDays(1), c => c.DecisionReason = "Not during the rush");
            await AddChangeAsync(db, who, 4, "Replace the till", ChangeState.InRelease, Now.AddMinutes(-30), TimeSpan.FromHours(1));
            await AddChangeAsync(db, who, 5, "Patch the router", ChangeState.Completed, Now.AddDays(-89), TimeSpan.FromDays(2), c => c.Outcome = ReleaseOutcome.RolledBack);
            await AddChangeAsync(db, who, 6, "Move the mixer", ChangeState.Expired, Now.AddDays(2), TimeSpan.FromHours(1));
            await AddChangeAsync(db, who, 7, "New oven", ChangeState.Cancelled, Now.AddDays(364), TimeSpan.FromHours(4), c => c.Type = ChangeType.Emergency);
            // Out of range: ended more than 90 days ago, or starts more than a year ahead.
            await AddChangeAsync(db, who, 8, "Old change", ChangeState.Completed, Now.AddDays(-95), TimeSpan.FromDays(4));
            await AddChangeAsync(db, who, 9, "Far change", ChangeState.Pending, Now.AddDays(366), TimeSpan.FromHours(1));
            await AddFreezeAsync(db, who, "Christmas rush", Now.AddDays(20), Now.AddDays(40));
            await AddFreezeAsync(db, who, "Summer sale", Now.AddDays(-200), Now.AddDays(-150));
            // Another tenant's, with the same number.
            await AddChangeAsync(db, other, 1, "Their change", ChangeState.Approved, Now.AddDays(1), TimeSpan.FromHours(1));
            await AddFreezeAsync(db, other, "Their freeze", Now.AddDays(5), Now.AddDays(6));
            return 0;
        });

        var ics = await FeedAsync(app, who.TenantId);
        var events = Events(ics);

        Assert.Equal(
            [$"chg-{who.TenantId}-1@bakerybot", $"chg-{who.TenantId}-2@bakerybot", $"chg-{who.TenantId}-3@bakerybot", $"chg-{who.TenantId}-4@bakerybot",
                $"chg-{who.TenantId}-5@bakerybot", $"chg-{who.TenantId}-6@bakerybot", $"chg-{who.TenantId}-7@bakerybot", $"freeze-{who.TenantId}-1@bakerybot"],
            events.Keys.Order(StringComparer.Ordinal));
        var pending = events[$"chg-{who.TenantId}-1@bakerybot"];
        Assert.Equal("CHG-1: Swap the thermostat of oven 2", pending.Summary);
        Assert.True(pending.DtStart!.IsUtc);
        Assert.Equal((Now.AddDays(1).UtcDateTime, Now.AddDays(1).AddHours(2).UtcDateTime), (pending.DtStart.AsUtc, pending.DtEnd!.AsUtc));
        Assert.Equal((EventStatus.Tentative, 0, TransparencyType.Transparent), (pending.Status, pending.Sequence, pending.Transparency));
        Assert.Equal("Type: Normal\nRisk: Medium\nState: pending (waiting for the CAB)\nCIs: oven-2\nRollback: not given yet\nRequested by: Alice", pending.Description);

        var approved = events[$"chg-{who.TenantId}-2@bakerybot"];
        Assert.Equal((EventStatus.Confirmed, 3), (approved.Status, approved.Sequence));
        Assert.Equal((Now.AddHours(-1).UtcDateTime, Now.AddDays(-1).UtcDateTime), (approved.DtStamp!.AsUtc, approved.Created!.AsUtc));
        Assert.Equal(
            "Type: Standard\nRisk: High\nState: approved\nCIs: oven-2, pos-app\nRollback: Reinstall 4.1; restore the config backup\nRollback migration: 20261101_PosV41\nRequested by: Alice",
            approved.Description);
        Assert.Equal(EventStatus.Cancelled, events[$"chg-{who.TenantId}-3@bakerybot"].Status);
        Assert.Contains("Decision: Not during the rush", events[$"chg-{who.TenantId}-3@bakerybot"].Description, StringComparison.Ordinal);
        Assert.Equal(EventStatus.Confirmed, events[$"chg-{who.TenantId}-4@bakerybot"].Status);
        Assert.Contains("State: in release", events[$"chg-{who.TenantId}-4@bakerybot"].Description, StringComparison.Ordinal);
        Assert.Equal(EventStatus.Confirmed, events[$"chg-{who.TenantId}-5@bakerybot"].Status);
        Assert.Contains("Outcome: rolled back", events[$"chg-{who.TenantId}-5@bakerybot"].Description, StringComparison.Ordinal);
        Assert.Equal(EventStatus.Cancelled, events[$"chg-{who.TenantId}-6@bakerybot"].Status);
        Assert.Equal(EventStatus.Cancelled, events[$"chg-{who.TenantId}-7@bakerybot"].Status);

        var freeze = events[$"freeze-{who.TenantId}-1@bakerybot"];
        Assert.Equal(("Change freeze: Christmas rush", TransparencyType.Opaque, EventStatus.Confirmed), (freeze.Summary, freeze.Transparency, freeze.Status));
        Assert.Equal((Now.AddDays(20).UtcDateTime, Now.AddDays(40).UtcDateTime), (freeze.DtStart!.AsUtc, freeze.DtEnd!.AsUtc));
        Assert.DoesNotContain("Their", ics, StringComparison.Ordinal);

        // The other tenant's feed has its own, and none of these.
        var theirs = Events(await FeedAsync(app, other.TenantId));
        Assert.Equal([$"chg-{other.TenantId}-1@bakerybot", $"freeze-{other.TenantId}-3@bakerybot"], theirs.Keys.Order(StringComparer.Ordinal));
        Assert.Equal("CHG-1: Their change", theirs[$"chg-{other.TenantId}-1@bakerybot"].Summary);
    }

    [SkippableFact]
    public async Task The_same_records_give_the_same_text_and_an_edit_moves_the_sequence()
    {
        await using var app = await CoreTestApp.CreateAsync(provider);
        await app.SendAsync("change", "calendar");
        var who = await app.QueryAsync(db => WhoAsync(db, "test", "T1", "alice"));
        await app.QueryAsync(db => AddChangeAsync(db, who, 1, "Swap the thermostat", ChangeState.Pending, Now.AddDays(1), TimeSpan.FromHours(2)));

        var first = await FeedAsync(app, who.TenantId);
        app.Clock.Advance(TimeSpan.FromHours(1));
        var later = await FeedAsync(app, who.TenantId);
        await app.QueryAsync(async db =>
        {
            var change = await db.Changes.SingleAsync();
            change.State = ChangeState.Approved;
            return await db.SaveChangesAsync();
        });
        var edited = await FeedAsync(app, who.TenantId);

        Assert.Equal(first, later);
        Assert.StartsWith("BEGIN:VCALENDAR\r\n", first, StringComparison.Ordinal);
        Assert.Contains("X-WR-CALNAME:Changes\r\n", first, StringComparison.Ordinal);
        Assert.Contains("REFRESH-INTERVAL;VALUE=DURATION:PT1H\r\n", first, StringComparison.Ordinal);
        var changed = Assert.Single(Events(edited).Values);
        Assert.Equal((1, EventStatus.Confirmed), (changed.Sequence, changed.Status));
    }

    private static async Task<string> FeedAsync(CoreTestApp app, int tenantId)
    {
        await using var scope = app.Services.CreateAsyncScope();
        var feed = await scope.ServiceProvider.GetRequiredService<ChangeCalendarService>().FeedAsync(tenantId, CancellationToken.None);
        return feed.Serialize();
    }

    private static async Task<BakeryBot.Core.Changes.CalendarToken?> VerifyAsync(CoreTestApp app, string? token)
    {
        await using var scope = app.Services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<ChangeCalendarService>().VerifyAsync(token, CancellationToken.None);
    }

    private static Task<DateTimeOffset?> LastUsedAsync(CoreTestApp app) =>
        app.QueryAsync(db => db.CalendarTokens.Select(t => t.LastUsedAt).SingleAsync());
}

public sealed class SqliteChangeCalendarTests() : ChangeCalendarTests(DbProvider.Sqlite);

public sealed class PostgresChangeCalendarTests() : ChangeCalendarTests(DbProvider.Postgres);
