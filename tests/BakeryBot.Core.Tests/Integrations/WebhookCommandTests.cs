using System.Security.Cryptography;
using System.Text;
using BakeryBot.Core.Chat;
using BakeryBot.Core.Integrations;
using BakeryBot.Core.People;
using BakeryBot.Core.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace BakeryBot.Core.Tests.Integrations;

/// <summary><c>/bakery webhook ...</c> and the verification the endpoint relies on, on each database.</summary>
public abstract class WebhookCommandTests(DbProvider provider)
{
    [SkippableFact]
    public async Task An_admin_makes_an_alertmanager_webhook_and_sees_its_token_once_while_only_the_hash_is_stored()
    {
        await using var app = await CoreTestApp.CreateAsync(provider);

        var (hook, token, reply) = await AlertPayloads.MakeHookAsync(app);

        Assert.Equal(43, token.Length);
        Assert.Equal(22, hook.HookId.Length);
        Assert.Contains($"URL: http://localhost:5080/hooks/alertmanager/{hook.HookId}", reply, StringComparison.Ordinal);
        Assert.Contains($"`Authorization: Bearer {token}`", reply, StringComparison.Ordinal);
        Assert.Contains("shown this once", reply, StringComparison.Ordinal);
        Assert.Contains($"""
                webhook_configs:
                  - url: http://localhost:5080/hooks/alertmanager/{hook.HookId}
            """, reply, StringComparison.Ordinal);
        Assert.Contains($"credentials: {token}", reply, StringComparison.Ordinal);
        Assert.Equal((WebhookKinds.Alertmanager, "test", "C1"), (hook.Kind, hook.Platform, hook.ChannelId));
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(token))), hook.TokenHash);
        Assert.Equal(CoreTestApp.Start, hook.CreatedAt);

        // The token is nowhere in the database: not in the hook, its audit, or anything queued to post.
        var stored = await app.QueryAsync(async db => string.Join('\n',
            (await db.AuditEntries.Select(a => a.Changes).ToListAsync()).Concat(await db.Outbox.Select(o => o.Text + o.CardJson).ToListAsync())));
        Assert.DoesNotContain(token, stored, StringComparison.Ordinal);
        Assert.Contains(hook.HookId, await app.QueryAsync(db => db.AuditEntries.Where(a => a.RecordType == "webhook").Select(a => a.RecordKey).SingleAsync()), StringComparison.Ordinal);

        // A second hook has its own id and token.
        var (other, otherToken, _) = await AlertPayloads.MakeHookAsync(app);
        Assert.NotEqual(hook.HookId, other.HookId);
        Assert.NotEqual(token, otherToken);
    }

    [SkippableFact]
    public async Task The_public_url_comes_from_the_options()
    {
        await using var app = await CoreTestApp.CreateAsync(provider, s => s.Configure<PublicUrlOptions>(o => o.PublicUrl = "https://bot.bakery.example/"));

        var (hook, _, reply) = await AlertPayloads.MakeHookAsync(app);

        Assert.Contains($"URL: https://bot.bakery.example/hooks/alertmanager/{hook.HookId}\n", reply, StringComparison.Ordinal);
    }

    [SkippableFact]
    public async Task Someone_without_the_admin_role_is_refused_and_nothing_is_made()
    {
        await using var app = await CoreTestApp.CreateAsync(provider);

        var reply = await app.SendAsync("bakery", "webhook alertmanager", user: "alice");

        Assert.Equal(ReplyKind.Warning, reply.Kind);
        Assert.Contains("`admin` role", reply.Text, StringComparison.Ordinal);
        Assert.Equal(0, await app.QueryAsync(db => db.Set<Webhook>().CountAsync()));
        Assert.Equal(ReplyKind.Warning, (await app.SendAsync("bakery", "webhook list", user: "alice")).Kind);
    }

    [SkippableFact]
    public async Task Wrong_kinds_and_verbs_say_what_exists()
    {
        await using var app = await CoreTestApp.CreateAsync(provider);

        var unknown = await app.SendAsync("bakery", "webhook pagerduty", user: "admin");
        var nothing = await app.SendAsync("bakery", "webhook", user: "admin");
        var revokeNothing = await app.SendAsync("bakery", "webhook revoke", user: "admin");
        var revokeUnknown = await app.SendAsync("bakery", "webhook revoke nope", user: "admin");

        Assert.Contains("`pagerduty` is not something `/bakery webhook` can do", unknown.Text, StringComparison.Ordinal);
        Assert.Contains("`alertmanager` or `discovery` makes a webhook", nothing.Text, StringComparison.Ordinal);
        Assert.Contains("Which webhook?", revokeNothing.Text, StringComparison.Ordinal);
        Assert.Contains("There is no webhook `nope` here.", revokeUnknown.Text, StringComparison.Ordinal);
        Assert.All([unknown, nothing, revokeNothing, revokeUnknown], r => Assert.Equal(ReplyKind.Warning, r.Kind));
        Assert.Equal(0, await app.QueryAsync(db => db.Set<Webhook>().CountAsync()));
    }

    [SkippableFact]
    public async Task List_shows_the_tenants_hooks_and_revoking_twice_says_it_already_was()
    {
        await using var app = await CoreTestApp.CreateAsync(provider, s => s.Configure<SecurityOptions>(o => o.Admins = ["test:T1/admin", "test:T2/admin", "test:T3/admin"]));
        var (first, _, _) = await AlertPayloads.MakeHookAsync(app);
        var (second, _, _) = await AlertPayloads.MakeHookAsync(app, channel: "C2");
        var (foreign, _, _) = await AlertPayloads.MakeHookAsync(app, tenant: "T2");
        app.Clock.Advance(TimeSpan.FromMinutes(5));

        var revoked = await app.SendAsync("bakery", $"webhook revoke {first.HookId}", user: "admin");
        var again = await app.SendAsync("bakery", $"webhook revoke {first.HookId}", user: "admin");
        var crossTenant = await app.SendAsync("bakery", $"webhook revoke {foreign.HookId}", user: "admin");
        var list = await app.SendAsync("bakery", "webhook list", user: "admin");

        Assert.Equal($"Webhook `{first.HookId}` is revoked: what is posted to it is refused from now on.", revoked.Text);
        Assert.Equal($"Webhook `{first.HookId}` was revoked already, 26 Nov 2026 09:05 UTC.", again.Text);
        Assert.Equal(ReplyKind.Warning, crossTenant.Kind);
        Assert.Null(await app.QueryAsync(db => db.Set<Webhook>().Where(w => w.HookId == foreign.HookId).Select(w => w.RevokedAt).SingleAsync()));
        var card = Assert.Single(list.Cards);
        Assert.Equal("Webhooks", card.Title);
        Assert.Equal("1 active, 1 revoked; /bakery webhook revoke <id> stops one", card.Context);
        var lines = Assert.IsType<TextSection>(Assert.Single(card.Sections)).Text.Split('\n');
        Assert.Equal(2, lines.Length);
        Assert.Equal($"{second.HookId} · alertmanager · channel C2 (test) · made 26 Nov 2026 09:00 UTC by Admin · never used · active", lines[0]);
        Assert.Equal($"{first.HookId} · alertmanager · channel C1 (test) · made 26 Nov 2026 09:00 UTC by Admin · never used · revoked 26 Nov 2026 09:05 UTC", lines[1]);
        Assert.DoesNotContain(foreign.HookId, string.Join('\n', lines), StringComparison.Ordinal);

        var empty = await app.SendAsync("bakery", "webhook list", user: "admin", tenant: "T3");
        Assert.Contains("There are no webhooks yet", empty.Text, StringComparison.Ordinal);
    }

    [SkippableFact]
    public async Task Verification_needs_the_right_token_an_active_hook_and_the_right_kind_and_notes_use_once_a_minute()
    {
        await using var app = await CoreTestApp.CreateAsync(provider);
        var (hook, token, _) = await AlertPayloads.MakeHookAsync(app);

        Assert.NotNull(await VerifyAsync(app, hook.HookId, token));
        Assert.Null(await VerifyAsync(app, hook.HookId, token[..^1] + (token[^1] == 'A' ? 'B' : 'A')));
        Assert.Null(await VerifyAsync(app, hook.HookId, ""));
        Assert.Null(await VerifyAsync(app, hook.HookId, null));
        Assert.Null(await VerifyAsync(app, "unknown-hook", token));
        Assert.Null(await VerifyAsync(app, hook.HookId, token, WebhookKinds.Discovery));
        Assert.Equal(CoreTestApp.Start, await LastUsedAsync(app));

        app.Clock.Advance(TimeSpan.FromSeconds(30));
        Assert.NotNull(await VerifyAsync(app, hook.HookId, token));
        Assert.Equal(CoreTestApp.Start, await LastUsedAsync(app));
        app.Clock.Advance(TimeSpan.FromSeconds(31));
        Assert.NotNull(await VerifyAsync(app, hook.HookId, token));
        Assert.Equal(CoreTestApp.Start.AddSeconds(61), await LastUsedAsync(app));
        var list = await app.SendAsync("bakery", "webhook list", user: "admin");
        Assert.Contains("last used now", Assert.IsType<TextSection>(list.Cards[0].Sections[0]).Text, StringComparison.Ordinal);

        await app.SendAsync("bakery", $"webhook revoke {hook.HookId}", user: "admin");
        Assert.Null(await VerifyAsync(app, hook.HookId, token));
    }

    private static async Task<Webhook?> VerifyAsync(CoreTestApp app, string hookId, string? token, string kind = WebhookKinds.Alertmanager)
    {
        await using var scope = app.Services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<WebhookService>().VerifyAsync(kind, hookId, token, CancellationToken.None);
    }

    private static Task<DateTimeOffset?> LastUsedAsync(CoreTestApp app) =>
        app.QueryAsync(db => db.Set<Webhook>().Select(w => w.LastUsedAt).SingleAsync());
}

public sealed class SqliteWebhookCommandTests() : WebhookCommandTests(DbProvider.Sqlite);

public sealed class PostgresWebhookCommandTests() : WebhookCommandTests(DbProvider.Postgres);
