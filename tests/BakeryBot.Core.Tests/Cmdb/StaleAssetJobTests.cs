using System.Text;
using System.Text.RegularExpressions;
using BakeryBot.Core.Chat;
using BakeryBot.Core.Cmdb.Discovery;
using BakeryBot.Core.Data.Outbox;
using BakeryBot.Core.Integrations;
using BakeryBot.Core.Jobs;
using BakeryBot.Core.People;
using BakeryBot.Core.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace BakeryBot.Core.Tests.Cmdb;

/// <summary>The stale-assets job: each asset flagged once per staleness, in its discovery hook's channel, on each database.</summary>
public abstract partial class StaleAssetJobTests(DbProvider provider)
{
    private static string Assets(params string[] names) =>
        "{\"source\": \"netscan\", \"items\": [" + string.Join(", ", names.Select(n => $"{{\"type\": \"asset\", \"name\": \"{n}\", \"attributes\": {{}}}}")) + "]}";

    [SkippableFact]
    public async Task A_stale_asset_is_flagged_once_in_its_hooks_channel_and_not_before_the_threshold()
    {
        await using var app = await CoreTestApp.CreateAsync(provider);
        var hook = await MakeHookAsync(app, "C-CMDB");
        await IngestAsync(app, hook, Assets("oven-7"));

        app.Clock.Advance(TimeSpan.FromDays(30));
        var early = await RunAsync(app);
        Assert.Equal(("Flagged 0 stale assets.", false), (early.Summary, early.Changed));
        Assert.Equal(0, await app.QueryAsync(db => db.Outbox.CountAsync()));

        app.Clock.Advance(TimeSpan.FromMinutes(1));
        var first = await RunAsync(app);
        var second = await RunAsync(app);
        await using var instance = app.AnotherInstance();
        instance.Clock.Advance(TimeSpan.FromDays(30) + TimeSpan.FromMinutes(2));
        var other = await RunAsync(instance);

        Assert.Equal(("Flagged 1 stale asset (oven-7).", true), (first.Summary, first.Changed));
        Assert.Equal(["oven-7"], Assert.IsAssignableFrom<IReadOnlyList<string>>(first.Did["flagged"]));
        Assert.Equal(("Flagged 0 stale assets.", false), (second.Summary, second.Changed));
        Assert.Equal("Flagged 0 stale assets.", other.Summary);
        var post = await app.QueryAsync(db => db.Outbox.SingleAsync());
        Assert.Equal((OutboxKind.Post, "C-CMDB"), (post.Kind, post.ChannelId));
        Assert.Equal("🔎 oven-7 has not been reported by any scanner for over 4 weeks, 2 days.", post.Text);
        var card = ChatJson.Deserialize(post.CardJson!);
        Assert.Equal("Stale assets (1)", card.Title);
        Assert.Equal("• oven-7: last seen 4 weeks, 2 days ago by netscan", card.Sections.OfType<TextSection>().Single().Text);
        var mark = await app.QueryAsync(db => db.PostedCards.SingleAsync(p => p.RecordType == StaleAssetFlags.RecordType));
        var ovenId = await app.QueryAsync(db => db.ConfigurationItems.Where(c => c.Name == "oven-7").Select(c => c.Id).SingleAsync());
        Assert.Equal($"{ovenId}@2026-11-26T09:00:00.0000000+00:00", mark.RecordKey);
        Assert.Equal(mark.Id, post.PostedCardId);
    }

    [SkippableFact]
    public async Task An_asset_seen_again_and_stale_again_is_flagged_again()
    {
        await using var app = await CoreTestApp.CreateAsync(provider);
        var hook = await MakeHookAsync(app, "C-CMDB");
        await IngestAsync(app, hook, Assets("oven-7"));
        app.Clock.Advance(TimeSpan.FromDays(31));
        Assert.Equal("Flagged 1 stale asset (oven-7).", (await RunAsync(app)).Summary);

        await IngestAsync(app, hook, Assets("oven-7"));
        app.Clock.Advance(TimeSpan.FromDays(10));
        Assert.Equal("Flagged 0 stale assets.", (await RunAsync(app)).Summary);
        app.Clock.Advance(TimeSpan.FromDays(21));

        Assert.Equal("Flagged 1 stale asset (oven-7).", (await RunAsync(app)).Summary);
        Assert.Equal("Flagged 0 stale assets.", (await RunAsync(app)).Summary);
        Assert.Equal(2, await app.QueryAsync(db => db.Outbox.CountAsync(o => o.Kind == OutboxKind.Post)));
        Assert.Equal(2, await app.QueryAsync(db => db.PostedCards.CountAsync(p => p.RecordType == StaleAssetFlags.RecordType)));
    }

    [SkippableFact]
    public async Task One_card_per_channel_lists_its_assets_and_each_tenant_keeps_its_own()
    {
        await using var app = await CoreTestApp.CreateAsync(provider, s => s.Configure<SecurityOptions>(o => o.Admins = ["test:T1/admin", "test:T2/admin"]));
        var bakery = await MakeHookAsync(app, "C-CMDB");
        var shop = await MakeHookAsync(app, "C-SHOP");
        var other = await MakeHookAsync(app, "C-T2", tenant: "T2");
        await IngestAsync(app, bakery, Assets("oven-7", "till-1"));
        await IngestAsync(app, shop, Assets("scale-3"));
        await IngestAsync(app, other, Assets("oven-9"));
        app.Clock.Advance(TimeSpan.FromHours(1));
        await IngestAsync(app, bakery, Assets("mixer-2"));
        // Reported last through the shop's hook: flagged there.
        await IngestAsync(app, shop, Assets("till-1"));
        app.Clock.Advance(TimeSpan.FromDays(31));

        var result = await RunAsync(app);

        Assert.Equal(["oven-7", "mixer-2", "scale-3", "till-1", "oven-9"], Assert.IsAssignableFrom<IReadOnlyList<string>>(result.Did["flagged"]));
        var posts = await app.QueryAsync(db => db.Outbox.Where(o => o.Kind == OutboxKind.Post).OrderBy(o => o.ChannelId).ToListAsync());
        Assert.Equal(["C-CMDB", "C-SHOP", "C-T2"], posts.Select(p => p.ChannelId));
        Assert.Equal(
            ["• oven-7: last seen 4 weeks, 3 days ago by netscan\n• mixer-2: last seen 4 weeks, 3 days ago by netscan",
             "• scale-3: last seen 4 weeks, 3 days ago by netscan\n• till-1: last seen 4 weeks, 3 days ago by netscan",
             "• oven-9: last seen 4 weeks, 3 days ago by netscan"],
            posts.Select(p => ChatJson.Deserialize(p.CardJson!).Sections.OfType<TextSection>().Single().Text));
        Assert.Equal("🔎 2 assets have not been reported by any scanner for over 4 weeks, 2 days: oven-7, mixer-2.", posts[0].Text);
        var tenants = await app.QueryAsync(db => db.Tenants.ToDictionaryAsync(t => t.Id, t => t.ExternalId));
        Assert.Equal(["T1", "T1", "T2"], posts.Select(p => tenants[p.TenantId]));
        var marks = await app.QueryAsync(db => db.PostedCards.Where(p => p.RecordType == StaleAssetFlags.RecordType).ToListAsync());
        Assert.Equal(5, marks.Count);
        Assert.Equal([("C-CMDB", 2), ("C-SHOP", 2), ("C-T2", 1)], marks.GroupBy(m => m.ChannelId).OrderBy(g => g.Key).Select(g => (g.Key, g.Count())));
    }

    [SkippableFact]
    public async Task An_asset_whose_hook_was_revoked_is_skipped()
    {
        await using var app = await CoreTestApp.CreateAsync(provider);
        var hook = await MakeHookAsync(app, "C-CMDB");
        await IngestAsync(app, hook, Assets("oven-7"));
        await app.SendAsync("bakery", $"webhook revoke {hook.HookId}", user: "admin", channel: "C-CMDB");
        app.Clock.Advance(TimeSpan.FromDays(31));

        Assert.Equal("Flagged 0 stale assets.", (await RunAsync(app)).Summary);
        Assert.Equal(0, await app.QueryAsync(db => db.PostedCards.CountAsync(p => p.RecordType == StaleAssetFlags.RecordType)));
    }

    private static async Task<JobResult> RunAsync(CoreTestApp app)
    {
        var report = await app.Services.GetRequiredService<JobRunner>().RunAsync(JobNames.StaleAssets, manual: false, CancellationToken.None);
        Assert.Equal(JobOutcome.Ok, report!.Outcome);
        return report.Result!;
    }

    private static async Task<Webhook> MakeHookAsync(CoreTestApp app, string channel, string tenant = "T1")
    {
        var reply = await app.SendAsync("bakery", "webhook discovery", user: "admin", tenant: tenant, channel: channel);
        var hookId = HookPattern().Match(reply.Text).Groups[1].Value;
        Assert.Contains("Discovery webhook", reply.Text, StringComparison.Ordinal);
        return await app.QueryAsync(db => db.Set<Webhook>().AsNoTracking().SingleAsync(w => w.HookId == hookId));
    }

    private static async Task IngestAsync(CoreTestApp app, Webhook hook, string json)
    {
        var (payload, error) = DiscoveryPayload.Parse(Encoding.UTF8.GetBytes(json));
        Assert.Null(error);
        await using var scope = app.Services.CreateAsyncScope();
        await scope.ServiceProvider.GetRequiredService<DiscoveryService>().IngestAsync(hook, payload!, CancellationToken.None);
    }

    [GeneratedRegex(@"/hooks/discovery/([A-Za-z0-9_-]{22})")]
    private static partial Regex HookPattern();
}

public sealed class SqliteStaleAssetJobTests() : StaleAssetJobTests(DbProvider.Sqlite);

public sealed class PostgresStaleAssetJobTests() : StaleAssetJobTests(DbProvider.Postgres);
