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
        var shown = ChatJson.Deserialize(post.CardJson!);
        Assert.Equal("Stale assets (1)", shown.Title);
        Assert.Equal("• oven-7: last seen 4 weeks, 2 days ago by netscan", shown.Sections.OfType<TextSection>().Single().Text);
        var card = await app.QueryAsync(db => db.PostedCards.SingleAsync(p => p.RecordType == StaleAssetFlags.RecordType));
        var oven = await app.QueryAsync(db => db.ConfigurationItems.AsNoTracking().SingleAsync(c => c.Name == "oven-7"));
        Assert.Equal($"{oven.Id}@2026-11-26T09:00:00.0000000+00:00", card.RecordKey);
        Assert.Equal(card.Id, post.PostedCardId);
        // The claim: flagged for the sighting it went stale after.
        Assert.Equal(oven.LastSeenAt, oven.StaleFlaggedFor);
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
        Assert.Equal(["C-CMDB", "C-SHOP", "C-T2"], await app.QueryAsync(db => db.PostedCards.Where(p => p.RecordType == StaleAssetFlags.RecordType).OrderBy(p => p.ChannelId).Select(p => p.ChannelId).ToListAsync()));
        Assert.Equal(5, await app.QueryAsync(db => db.ConfigurationItems.CountAsync(c => c.StaleFlaggedFor != null && c.StaleFlaggedFor == c.LastSeenAt)));
        Assert.Equal("Flagged 0 stale assets.", (await RunAsync(app)).Summary);
    }

    [SkippableFact]
    public async Task An_asset_whose_hook_was_revoked_is_skipped_with_one_log_line()
    {
        var log = new LogLines();
        await using var app = await CoreTestApp.CreateAsync(provider, log.AddTo);
        var hook = await MakeHookAsync(app, "C-CMDB");
        await IngestAsync(app, hook, Assets("oven-7"));
        await app.SendAsync("bakery", $"webhook revoke {hook.HookId}", user: "admin", channel: "C-CMDB");
        app.Clock.Advance(TimeSpan.FromDays(31));

        Assert.Equal("Flagged 0 stale assets.", (await RunAsync(app)).Summary);
        Assert.Equal("Flagged 0 stale assets.", (await RunAsync(app)).Summary);
        Assert.Equal(0, await app.QueryAsync(db => db.PostedCards.CountAsync(p => p.RecordType == StaleAssetFlags.RecordType)));
        Assert.Single(log.Lines, l => l.Contains("(oven-7) is not flagged: the discovery hook that reported it is gone", StringComparison.Ordinal));
    }

    [SkippableFact]
    public async Task An_asset_reported_before_hooks_were_remembered_or_by_a_revoked_hook_is_flagged_in_the_workspaces_one_live_hook()
    {
        await using var app = await CoreTestApp.CreateAsync(provider);
        var old = await MakeHookAsync(app, "C-OLD");
        await IngestAsync(app, old, Assets("oven-7", "till-1"));
        await app.SendAsync("bakery", $"webhook revoke {old.HookId}", user: "admin", channel: "C-OLD");
        await MakeHookAsync(app, "C-CMDB");
        // oven-7 as reported before the hook that reports an asset was remembered.
        await app.QueryAsync(db => db.ConfigurationItems.Where(c => c.Name == "oven-7").ExecuteUpdateAsync(s => s.SetProperty(c => c.DiscoveredByHookId, (int?)null)));
        app.Clock.Advance(TimeSpan.FromDays(31));

        Assert.Equal("Flagged 2 stale assets (oven-7, till-1).", (await RunAsync(app)).Summary);
        Assert.Equal(["C-CMDB"], await app.QueryAsync(db => db.Outbox.Where(o => o.Kind == OutboxKind.Post && o.Text.StartsWith("🔎")).Select(o => o.ChannelId).ToListAsync()));
    }

    [SkippableFact]
    public async Task Runs_at_the_same_moment_on_two_instances_flag_each_asset_once()
    {
        await using var app = await CoreTestApp.CreateAsync(provider);
        var hook = await MakeHookAsync(app, "C-CMDB");
        await IngestAsync(app, hook, Assets("oven-7", "till-1", "scale-3"));
        await using var other = app.AnotherInstance();
        app.Clock.Advance(TimeSpan.FromDays(31));
        other.Clock.SetUtcNow(app.Clock.GetUtcNow());

        var runs = await Task.WhenAll(Enumerable.Range(0, 6).Select(async i =>
        {
            var report = await (i % 2 == 0 ? app : other).Services.GetRequiredService<JobRunner>().RunAsync(JobNames.StaleAssets, manual: false, CancellationToken.None);
            // SQLite has one writer: a run that lost the race fails, and the next run finds the assets flagged.
            return report!.Outcome == JobOutcome.Ok ? Assert.IsAssignableFrom<IReadOnlyList<string>>(report.Result!.Did["flagged"]) : [];
        }));

        Assert.Equal(["oven-7", "scale-3", "till-1"], runs.SelectMany(r => r).Order(StringComparer.Ordinal));
        Assert.Equal(1, await app.QueryAsync(db => db.Outbox.CountAsync(o => o.Kind == OutboxKind.Post)));
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
