using BakeryBot.Core.Chat;
using BakeryBot.Core.Data.Outbox;
using BakeryBot.Core.Digests;
using BakeryBot.Core.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace BakeryBot.Core.Tests.Digests;

/// <summary><c>/digest subscribe|unsubscribe|list|now</c>, and what they refuse. On each database.</summary>
public abstract class DigestCommandTests(DbProvider provider)
{
    [SkippableFact]
    public async Task A_manager_subscribes_a_channel_resubscribes_it_to_another_zone_lists_and_unsubscribes()
    {
        await using var app = await DigestJobTests.ManagerAsync(provider);

        var subscribed = await app.SendAsync("digest", "subscribe weekly tz:Europe/Paris");
        var again = await app.SendAsync("digest", "subscribe weekly tz:Europe/Paris");
        var other = await app.SendAsync("digest", "subscribe weekly <#C9>");
        var moved = await app.SendAsync("digest", "subscribe weekly tz:Asia/Tokyo");
        var list = await app.SendAsync("digest", "list", user: "bob");

        // A new subscription has not had this week's digest (of last week): the job's next run posts it.
        Assert.Equal("This channel gets the weekly digest every Monday at 09:00 Europe/Paris. The first, of last week, comes with the digest job's next run (within a minute); then every Monday.", subscribed.Text);
        Assert.Equal("This channel gets the weekly digest at Monday 09:00 Europe/Paris already; nothing changed. The next comes with the digest job's next run (within a minute).", again.Text);
        Assert.Equal("<#C9> gets the weekly digest every Monday at 09:00 UTC. The first, of last week, comes with the digest job's next run (within a minute); then every Monday.", other.Text);
        Assert.Equal("This channel gets the weekly digest at Monday 09:00 Asia/Tokyo from now on. The next comes with the digest job's next run (within a minute).", moved.Text);
        var lines = Assert.IsType<TextSection>(Assert.Single(list.Cards).Sections[0]).Text;
        Assert.Equal("<#C1> · Monday 09:00 Asia/Tokyo · next with the digest job's next run (within a minute)\n<#C9> · Monday 09:00 UTC · next with the digest job's next run (within a minute)", lines);
        await DigestJobTests.RunAsync(app);
        var listed = Assert.IsType<TextSection>(Assert.Single((await app.SendAsync("digest", "list")).Cards).Sections[0]).Text;
        Assert.Equal("<#C1> · Monday 09:00 Asia/Tokyo · next Mon 30 Nov 2026 00:00 UTC · last Mon 23 Nov 2026 00:00 UTC\n<#C9> · Monday 09:00 UTC · next Mon 30 Nov 2026 09:00 UTC · last Mon 23 Nov 2026 09:00 UTC", listed);
        var subscriptions = await app.QueryAsync(db => db.DigestSubscriptions.OrderBy(s => s.ChannelId).Select(s => new { s.ChannelId, s.TimeZone }).ToListAsync());
        Assert.Equal([("C1", "Asia/Tokyo"), ("C9", "UTC")], subscriptions.Select(s => (s.ChannelId, s.TimeZone)));
        // Subscribing itself posts nothing; the job's run posted one digest in each channel.
        Assert.Equal(["C1", "C9"], await app.QueryAsync(db => db.Outbox.OrderBy(o => o.ChannelId).Select(o => o.ChannelId).ToListAsync()));

        var gone = await app.SendAsync("digest", "unsubscribe <#C9>");
        Assert.Equal("<#C9> no longer gets the weekly digest.", gone.Text);
        Assert.Equal(["C1"], await app.QueryAsync(db => db.DigestSubscriptions.Select(s => s.ChannelId).ToListAsync()));

        // Each change is in the audit trail, with who made it.
        var audit = await app.QueryAsync(db => db.AuditEntries.Where(a => a.RecordType == "digest-subscription").OrderBy(a => a.Id).Select(a => a.RecordKey + " " + a.Action).ToListAsync());
        Assert.Equal(["test:C1 created", "test:C9 created", "test:C1 updated", "test:C9 deleted"], audit);
    }

    [SkippableFact]
    public async Task Digest_now_posts_the_last_seven_days_in_the_channel_for_everyone()
    {
        await using var app = await DigestJobTests.ManagerAsync(provider);
        await app.SendAsync("incident", "burnt cookies sev2");
        app.Clock.Advance(TimeSpan.FromHours(1));

        var reply = await app.SendAsync("digest", "now", channel: "C5");

        Assert.Equal(ReplyKind.Private, reply.Kind);
        Assert.Equal("Posted the digest of the last 7 days in this channel (Weekly digest, 19 Nov 2026 – 26 Nov 2026).", reply.Text);
        var post = await app.QueryAsync(db => db.Outbox.Where(o => o.ChannelId == "C5" && o.Kind == OutboxKind.Post).SingleAsync());
        var card = ChatJson.Deserialize(post.CardJson!);
        Assert.Equal("Weekly digest, 19 Nov 2026 – 26 Nov 2026", card.Title);
        Assert.Contains(new CardField("Incidents", "1 (SEV1 0 · SEV2 1 · SEV3 0 · SEV4 0) · ▲ 1 since the week before"), card.Sections.OfType<FieldsSection>().SelectMany(s => s.Fields));
    }

    [SkippableFact]
    public async Task Without_the_manager_role_nothing_is_subscribed_or_posted()
    {
        await using var app = await CoreTestApp.CreateAsync(provider);
        await app.SendAsync("bakery", "whoami");

        await app.AssertRefusedAsync("digest", "subscribe weekly", "Only people with the `manager` or `admin` role manage digests.");
        await app.AssertRefusedAsync("digest", "now", "Only people with the `manager` or `admin` role manage digests.");
        await app.AssertRefusedAsync("digest", "unsubscribe", "Only people with the `manager` or `admin` role manage digests.");
    }

    [SkippableTheory]
    [InlineData("subscribe weekly tz:Mars/Olympus", "`Mars/Olympus` is not a time zone. Use an IANA name, as in `tz:Europe/Paris`")]
    [InlineData("subscribe weekly #general", "`#general` is not a channel the bot can see")]
    [InlineData("subscribe daily", "`daily` is not a schedule the digest has: it is weekly")]
    [InlineData("subscribe", "Say how often: the digest is weekly")]
    [InlineData("subscribe weekly every:monday", "every")]
    [InlineData("unsubscribe <#C4>", "<#C4> is not subscribed to the weekly digest; nothing changed.")]
    [InlineData("now please", "`please` is not something `/digest now` takes.")]
    public async Task Bad_input_is_refused_and_changes_nothing(string text, string expected)
    {
        await using var app = await DigestJobTests.ManagerAsync(provider);
        await app.SendAsync("digest", "subscribe weekly tz:Europe/Paris");

        await app.AssertRefusedAsync("digest", text, expected);
        Assert.Equal(("C1", "Europe/Paris"), await app.QueryAsync(async db => await db.DigestSubscriptions.Select(s => new ValueTuple<string, string>(s.ChannelId, s.TimeZone)).SingleAsync()));
    }

    [SkippableFact]
    public async Task Help_lists_the_digest_verbs()
    {
        await using var app = await CoreTestApp.CreateAsync(provider);
        var help = await app.SendAsync("digest", "help");
        Assert.Contains("`/digest subscribe weekly [#channel] [tz:Europe/Paris]`", help.Text, StringComparison.Ordinal);
        Assert.Contains("`/digest now`", help.Text, StringComparison.Ordinal);
        Assert.Contains("`/digest unsubscribe [#channel]`", help.Text, StringComparison.Ordinal);
        Assert.Contains("`/digest list`", help.Text, StringComparison.Ordinal);
    }
}

public sealed class SqliteDigestCommandTests() : DigestCommandTests(DbProvider.Sqlite);

public sealed class PostgresDigestCommandTests() : DigestCommandTests(DbProvider.Postgres);
