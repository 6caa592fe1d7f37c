using BakeryBot.Core.Chat;
using BakeryBot.Core.Data;
using Humanizer;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace BakeryBot.Core.Integrations;

/// <summary>
/// <c>/bakery webhook alertmanager|discovery|list|revoke &lt;id&gt;</c> (product.md §3), admins only through its verb's
/// role. The token is in the maker's private answer once; it is never logged or stored.
/// </summary>
public static class WebhookCommands
{
    public const string Usage = "/bakery webhook alertmanager|discovery|list|revoke <id>";

    /// <summary>The receiver's name in the configuration snippet.</summary>
    public const string ReceiverName = "bakerybot";

    public static Task<ChatReply> HandleAsync(CommandContext ctx)
    {
        ctx.Args.RejectUnknownOptions();
        var op = ctx.Args.Take(t => t.Kind == TokenKind.Word)?.Text.ToLowerInvariant();
        return op switch
        {
            null => throw new UserException("Say what to do: `alertmanager` or `discovery` makes a webhook for this channel, `list` shows them, `revoke <id>` stops one."),
            "list" => ListAsync(ctx),
            "revoke" => RevokeAsync(ctx),
            _ when WebhookKinds.All.Contains(op) => CreateAsync(ctx, op),
            _ => throw new UserException($"`{op}` is not something `/bakery webhook` can do: `alertmanager` or `discovery` makes a webhook for this channel, `list` shows them, `revoke <id>` stops one."),
        };
    }

    private static async Task<ChatReply> CreateAsync(CommandContext ctx, string kind)
    {
        if (ctx.Args.Positional.Count > 0)
        {
            throw new UserException($"`{ctx.Args.Positional[0]}` is not needed: the webhook posts in the channel it is made in.");
        }

        if (!ctx.Request.PrivateReplies)
        {
            throw new UserException("Answers here are seen by everyone in the conversation, so the webhook's token can't be shown here. " +
                                    "Make it where the bot's answers are private to you.");
        }

        var (webhook, token) = await ctx.Get<WebhookService>().CreateAsync(ctx.Tenant, ctx.Actor, kind, ctx.Request.Platform, ctx.Request.ChannelId, ctx.Cancellation);
        var url = ctx.Get<IOptions<PublicUrlOptions>>().Value.HookUrl(webhook.Kind, webhook.HookId);
        var text = webhook.Kind == WebhookKinds.Discovery ? DiscoveryText(webhook.HookId, url, token) : AlertmanagerText(webhook.HookId, url, token);
        return ChatReply.Private(text) with { Sensitive = true };
    }

    private static string AlertmanagerText(string hookId, string url, string token) => $"""
        Alertmanager webhook `{hookId}` is ready: the incidents its alerts open are posted in this channel.
        URL: {url}
        Header: `Authorization: Bearer {token}`
        The token is shown this once and stored only as a hash: copy it now. Lost it? `/bakery webhook revoke {hookId}` and make another.
        Receiver for alertmanager.yml (then route alerts to `{ReceiverName}`):
        ```
        receivers:
          - name: {ReceiverName}
            webhook_configs:
              - url: {url}
                send_resolved: true
                http_config:
                  authorization:
                    type: Bearer
                    credentials: {token}
        ```
        """;

    private static string DiscoveryText(string hookId, string url, string token) => $$$"""
        Discovery webhook `{{{hookId}}}` is ready: assets it reports are kept in the CMDB with when they were last seen, and software, cloud and SaaS outside the CMDB are posted in this channel to adopt or dismiss.
        URL: {{{url}}}
        Header: `Authorization: Bearer {{{token}}}`
        The token is shown this once and stored only as a hash: copy it now. Lost it? `/bakery webhook revoke {{{hookId}}}` and make another.
        A scanner posts, for example:
        ```
        curl -X POST {{{url}}} -H 'Authorization: Bearer {{{token}}}' -H 'Content-Type: application/json' \
          -d '{"source": "netscan", "items": [{"type": "asset", "name": "oven-3", "attributes": {"serial": "OV-1003", "vendor": "Rational"}}]}'
        ```
        """;

    private static async Task<ChatReply> ListAsync(CommandContext ctx)
    {
        var hooks = await ctx.Get<WebhookService>().ListAsync(ctx.Tenant.Id, ctx.Cancellation);
        if (hooks.Count == 0)
        {
            return ChatReply.Private("There are no webhooks yet. `/bakery webhook alertmanager` makes one for this channel.");
        }

        var makers = hooks.Select(h => h.CreatedById).Distinct().ToList();
        var names = await ctx.Get<BakeryDbContext>().People.Where(p => makers.Contains(p.Id)).ToDictionaryAsync(p => p.Id, p => p.DisplayName, ctx.Cancellation);
        var lines = hooks.Select(h => string.Join(" · ",
            h.HookId,
            h.Kind,
            $"channel {h.ChannelId} ({h.Platform})",
            $"made {When(ctx, h.CreatedAt)} by {names.GetValueOrDefault(h.CreatedById, "someone")}",
            h.LastUsedAt is { } used ? $"last used {used.Humanize(ctx.Now, ctx.Culture)}" : "never used",
            h.RevokedAt is { } revoked ? $"revoked {When(ctx, revoked)}" : "active"));
        var active = hooks.Count(h => h.RevokedAt is null);
        var card = new Card("Webhooks", CardAccent.Info, [new TextSection(string.Join('\n', lines))], [],
            $"{active} active, {hooks.Count - active} revoked; /bakery webhook revoke <id> stops one");
        return ChatReply.Private("", card);
    }

    private static async Task<ChatReply> RevokeAsync(CommandContext ctx)
    {
        var hookId = ctx.Args.Take(t => t.Kind is TokenKind.Word or TokenKind.Quoted)?.Text
            ?? throw new UserException("Which webhook? Give its id, as in `/bakery webhook revoke <id>`; `/bakery webhook list` shows them.");
        var result = await ctx.Get<WebhookService>().RevokeAsync(ctx.Tenant.Id, hookId, ctx.Cancellation);
        return ChatReply.Private(result.AlreadyRevoked
            ? $"Webhook `{hookId}` was revoked already, {When(ctx, result.Webhook.RevokedAt!.Value)}."
            : $"Webhook `{hookId}` is revoked: what is posted to it is refused from now on.");
    }

    private static string When(CommandContext ctx, DateTimeOffset at) =>
        TimeZoneInfo.ConvertTime(at, ctx.TimeZone).ToString("dd MMM yyyy HH:mm", ctx.Culture) + (ctx.TimeZone == TimeZoneInfo.Utc ? " UTC" : "");
}
