using System.Buffers.Text;
using System.Security.Cryptography;
using BakeryBot.Core.Chat;
using BakeryBot.Core.Data;
using BakeryBot.Core.People;
using Microsoft.EntityFrameworkCore;

namespace BakeryBot.Core.Integrations;

/// <summary>What revoking did: the hook, and whether it had been revoked before.</summary>
public sealed record WebhookRevocation(Webhook Webhook, bool AlreadyRevoked);

/// <summary>
/// Makes, lists, revokes and verifies inbound webhooks. The bearer token exists only in the answer to
/// the person who made the hook; the database keeps its SHA-256 (<see cref="SecretToken"/>), so nothing
/// stored or logged can be replayed.
/// </summary>
public sealed class WebhookService(BakeryDbContext db, TimeProvider clock)
{
    /// <summary>How stale <see cref="Webhook.LastUsedAt"/> may get: one write a minute, not one per alert.</summary>
    public static readonly TimeSpan LastUsedResolution = TimeSpan.FromMinutes(1);

    private const int HookIdBytes = 16;

    /// <summary>Makes a webhook for a channel; the token is returned once and never stored.</summary>
    public async Task<(Webhook Webhook, string Token)> CreateAsync(Tenant tenant, Person actor, string kind, string platform, string channelId, CancellationToken ct)
    {
        var normalized = kind.Trim().ToLowerInvariant();
        if (!WebhookKinds.All.Contains(normalized))
        {
            throw new UserException($"`{kind}` is not a webhook kind. Kinds: {string.Join(", ", WebhookKinds.All.Select(k => $"`{k}`"))}.");
        }

        var token = SecretToken.New();
        var webhook = new Webhook
        {
            TenantId = tenant.Id,
            HookId = Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(HookIdBytes)),
            Kind = normalized,
            TokenHash = SecretToken.HashHex(token),
            Platform = platform,
            ChannelId = channelId,
            CreatedAt = clock.GetUtcNow(),
            CreatedById = actor.Id,
        };
        db.Set<Webhook>().Add(webhook);
        await db.SaveChangesAsync(ct);
        return (webhook, token);
    }

    /// <summary>The tenant's webhooks, active and revoked, newest first.</summary>
    public async Task<List<Webhook>> ListAsync(int tenantId, CancellationToken ct)
    {
        var hooks = await db.Set<Webhook>().AsNoTracking().Where(w => w.TenantId == tenantId).ToListAsync(ct);
        // Ordered here: SQLite stores times as numbers and the id follows creation anyway.
        return hooks.OrderByDescending(w => w.Id).ToList();
    }

    /// <summary>Revokes a hook of the tenant: its posts are refused from now on.</summary>
    public async Task<WebhookRevocation> RevokeAsync(int tenantId, string hookId, CancellationToken ct)
    {
        var webhook = await db.Set<Webhook>().FirstOrDefaultAsync(w => w.TenantId == tenantId && w.HookId == hookId, ct)
            ?? throw new UserException($"There is no webhook `{hookId}` here. `/bakery webhook list` shows them.");
        if (webhook.RevokedAt is not null)
        {
            return new WebhookRevocation(webhook, AlreadyRevoked: true);
        }

        webhook.RevokedAt = clock.GetUtcNow();
        await db.SaveChangesAsync(ct);
        return new WebhookRevocation(webhook, AlreadyRevoked: false);
    }

    /// <summary>
    /// The active hook of this kind and id whose token is <paramref name="bearerToken"/>; null for an
    /// unknown or revoked hook or a wrong token, without saying which.
    /// </summary>
    public async Task<Webhook?> VerifyAsync(string kind, string hookId, string? bearerToken, CancellationToken ct)
    {
        if (string.IsNullOrEmpty(hookId) || hookId.Length > 64 || !SecretToken.IsPlausible(bearerToken))
        {
            return null;
        }

        var webhook = await db.Set<Webhook>().AsNoTracking().FirstOrDefaultAsync(w => w.HookId == hookId && w.Kind == kind, ct);
        // An unknown hook is compared against no hash: both paths do the same work.
        if (!SecretToken.Matches(bearerToken, webhook?.TokenHash) || webhook is null || webhook.RevokedAt is not null)
        {
            return null;
        }

        var now = clock.GetUtcNow();
        if (webhook.LastUsedAt is not { } last || now - last >= LastUsedResolution)
        {
            var before = now - LastUsedResolution;
            // A bookkeeping column, not a change anyone made: updated in place without an audit row.
            await db.Set<Webhook>()
                .Where(w => w.Id == webhook.Id && (w.LastUsedAt == null || w.LastUsedAt <= before))
                .ExecuteUpdateAsync(s => s.SetProperty(w => w.LastUsedAt, now), ct);
            webhook.LastUsedAt = now;
        }

        return webhook;
    }
}
