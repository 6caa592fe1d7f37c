using BakeryBot.Core.People;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace BakeryBot.Core.Data;

/// <summary>
/// A conversation (channel, group chat, personal chat) the bot has been in, with what the platform
/// needs to post there later (for some platforms an endpoint that only arrives with their messages).
/// </summary>
public sealed class ChatConversation
{
    public int Id { get; set; }

    public int TenantId { get; set; }

    public required string Platform { get; set; }

    public required string ConversationId { get; set; }

    /// <summary>Where the platform takes posts for this conversation, when it varies by conversation.</summary>
    public string? Endpoint { get; set; }

    /// <summary><c>channel</c>, <c>groupChat</c> or <c>personal</c>.</summary>
    public string? Kind { get; set; }

    public string? Name { get; set; }

    /// <summary>The team (or workspace section) the channel belongs to, when there is one.</summary>
    public string? TeamId { get; set; }

    /// <summary>For a personal (one-to-one) conversation: the person's user id, so direct messages find it.</summary>
    public string? UserId { get; set; }

    public DateTimeOffset FirstSeenAt { get; set; }

    public DateTimeOffset LastSeenAt { get; set; }
}

internal sealed class ChatConversationMapping : IEntityTypeConfiguration<ChatConversation>
{
    public void Configure(EntityTypeBuilder<ChatConversation> b)
    {
        b.Property(c => c.Platform).HasMaxLength(32);
        b.Property(c => c.ConversationId).HasMaxLength(ChatIds.MaxLength);
        b.Property(c => c.Endpoint).HasMaxLength(500);
        b.Property(c => c.Kind).HasMaxLength(16);
        b.Property(c => c.Name).HasMaxLength(200);
        b.Property(c => c.TeamId).HasMaxLength(200);
        b.Property(c => c.UserId).HasMaxLength(200);
        b.HasIndex(c => new { c.TenantId, c.ConversationId }).IsUnique();
        b.HasIndex(c => new { c.TenantId, c.UserId });
        b.HasOne<Tenant>().WithMany().HasForeignKey(c => c.TenantId).OnDelete(DeleteBehavior.Cascade);
    }
}

/// <summary>
/// What a platform tells about a conversation when a request comes from it; for a personal conversation,
/// <paramref name="UserId"/> is the person the bot talks to there.
/// </summary>
public sealed record ConversationSighting(string Platform, string TenantExternalId, string ConversationId, string? Endpoint, string? Kind, string? Name, string? TeamId, string? UserId = null);

/// <summary>A person's one-to-one conversation with the bot, and where the platform takes posts for it.</summary>
public sealed record PersonalConversation(string ConversationId, string? Endpoint);

/// <summary>Remembers conversations and answers where to post in them.</summary>
public sealed class ConversationDirectory(BakeryDbContext db, TimeProvider clock)
{
    /// <summary>The <see cref="ChatConversation.Kind"/> of a one-to-one conversation with the bot.</summary>
    public const string PersonalKind = "personal";

    /// <summary>A conversation as recorded; compiled, as every Teams request looks its conversation up.</summary>
    private static readonly CompiledPerModel<Func<BakeryDbContext, int, string, CancellationToken, Task<ChatConversation?>>> KnownQuery = new(() => EF.CompileAsyncQuery(
        (BakeryDbContext db, int tenantId, string conversationId, CancellationToken ct) => db.Set<ChatConversation>()
            .FirstOrDefault(c => c.TenantId == tenantId && c.ConversationId == conversationId)));

    /// <summary>Records a conversation, or what changed about it. Returns true when it is new.</summary>
    public async Task<bool> RememberAsync(int tenantId, ConversationSighting seen, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        var known = await KnownQuery.For(db)(db, tenantId, seen.ConversationId, ct);
        if (known is not null && (seen.Endpoint ?? known.Endpoint) == known.Endpoint && (seen.Name ?? known.Name) == known.Name
            && (seen.TeamId ?? known.TeamId) == known.TeamId && (seen.UserId ?? known.UserId) == known.UserId
            && now - known.LastSeenAt < TimeSpan.FromDays(1))
        {
            // Nothing new: no write on the request path.
            return false;
        }

        ChatConversation? added = null;
        if (known is null)
        {
            added = new ChatConversation
            {
                TenantId = tenantId,
                Platform = seen.Platform,
                ConversationId = seen.ConversationId,
                Endpoint = seen.Endpoint,
                Kind = seen.Kind,
                Name = seen.Name,
                TeamId = seen.TeamId,
                UserId = seen.UserId,
                FirstSeenAt = now,
                LastSeenAt = now,
            };
            db.Set<ChatConversation>().Add(added);
        }
        else
        {
            known.Endpoint = seen.Endpoint ?? known.Endpoint;
            known.Kind = seen.Kind ?? known.Kind;
            known.Name = seen.Name ?? known.Name;
            known.TeamId = seen.TeamId ?? known.TeamId;
            known.UserId = seen.UserId ?? known.UserId;
            known.LastSeenAt = now;
        }

        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateException) when (added is not null)
        {
            // Two requests from a new conversation at once: the other one recorded it.
            db.Entry(added).State = EntityState.Detached;
            return false;
        }

        return known is null;
    }

    /// <summary>
    /// Records a conversation of a tenant known by its external id (one the platform opened for the bot, as a
    /// person's personal conversation). False when the tenant was never seen, or the conversation was known.
    /// </summary>
    public async Task<bool> RememberAsync(ConversationSighting seen, CancellationToken ct)
    {
        var tenantId = await db.Tenants.Where(t => t.Platform == seen.Platform && t.ExternalId == seen.TenantExternalId).Select(t => (int?)t.Id).FirstOrDefaultAsync(ct);
        return tenantId is { } id && await RememberAsync(id, seen, ct);
    }

    /// <summary>The latest personal conversation of the person with any of <paramref name="userIds"/>, or null.</summary>
    public Task<PersonalConversation?> PersonalAsync(string platform, string tenantExternalId, IEnumerable<string> userIds, CancellationToken ct)
    {
        var ids = userIds.ToArray();
        return db.Set<ChatConversation>()
            .Where(c => c.Platform == platform && c.Kind == PersonalKind && c.UserId != null && ids.Contains(c.UserId)
                        && db.Tenants.Any(t => t.Id == c.TenantId && t.Platform == platform && t.ExternalId == tenantExternalId))
            .OrderByDescending(c => c.LastSeenAt)
            .Select(c => new PersonalConversation(c.ConversationId, c.Endpoint))
            .FirstOrDefaultAsync(ct);
    }

    /// <summary>The endpoint the tenant's conversations were last served from (any conversation), or null.</summary>
    public Task<string?> AnyEndpointAsync(string platform, string tenantExternalId, CancellationToken ct) =>
        db.Set<ChatConversation>()
            .Where(c => c.Platform == platform && c.Endpoint != null
                        && db.Tenants.Any(t => t.Id == c.TenantId && t.Platform == platform && t.ExternalId == tenantExternalId))
            .OrderByDescending(c => c.LastSeenAt)
            .Select(c => c.Endpoint)
            .FirstOrDefaultAsync(ct);

    /// <summary>The endpoint for a conversation of a tenant, or null when it was never seen.</summary>
    public Task<string?> EndpointAsync(string platform, string tenantExternalId, string conversationId, CancellationToken ct) =>
        db.Set<ChatConversation>()
            .Where(c => c.Platform == platform && c.ConversationId == conversationId
                        && db.Tenants.Any(t => t.Id == c.TenantId && t.Platform == platform && t.ExternalId == tenantExternalId))
            .Select(c => c.Endpoint)
            .FirstOrDefaultAsync(ct);
}

/// <summary>How long a stored platform id of a conversation, channel or thread may be.</summary>
public static class ChatIds
{
    /// <summary>
    /// Teams' ids are the long ones: a channel thread is <c>19:…@thread.tacv2;messageid=…</c>, and a personal
    /// chat's id (<c>a:…</c>) is an opaque string of well over a hundred characters. Room to spare, as an id
    /// that does not fit would make a delivery impossible to record.
    /// </summary>
    public const int MaxLength = 256;
}
