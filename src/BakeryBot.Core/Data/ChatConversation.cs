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

    public DateTimeOffset FirstSeenAt { get; set; }

    public DateTimeOffset LastSeenAt { get; set; }
}

internal sealed class ChatConversationMapping : IEntityTypeConfiguration<ChatConversation>
{
    public void Configure(EntityTypeBuilder<ChatConversation> b)
    {
        b.Property(c => c.Platform).HasMaxLength(32);
        b.Property(c => c.ConversationId).HasMaxLength(200);
        b.Property(c => c.Endpoint).HasMaxLength(500);
        b.Property(c => c.Kind).HasMaxLength(16);
        b.Property(c => c.Name).HasMaxLength(200);
        b.Property(c => c.TeamId).HasMaxLength(200);
        b.HasIndex(c => new { c.TenantId, c.ConversationId }).IsUnique();
        b.HasOne<Tenant>().WithMany().HasForeignKey(c => c.TenantId).OnDelete(DeleteBehavior.Cascade);
    }
}

/// <summary>What a platform tells about a conversation when a request comes from it.</summary>
public sealed record ConversationSighting(string Platform, string TenantExternalId, string ConversationId, string? Endpoint, string? Kind, string? Name, string? TeamId);

/// <summary>Remembers conversations and answers where to post in them.</summary>
public sealed class ConversationDirectory(BakeryDbContext db, TimeProvider clock)
{
    /// <summary>Records a conversation, or what changed about it. Returns true when it is new.</summary>
    public async Task<bool> RememberAsync(int tenantId, ConversationSighting seen, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        var known = await db.Set<ChatConversation>().FirstOrDefaultAsync(c => c.TenantId == tenantId && c.ConversationId == seen.ConversationId, ct);
        if (known is not null && (seen.Endpoint ?? known.Endpoint) == known.Endpoint && (seen.Name ?? known.Name) == known.Name
            && (seen.TeamId ?? known.TeamId) == known.TeamId && now - known.LastSeenAt < TimeSpan.FromDays(1))
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

    /// <summary>The endpoint for a conversation of a tenant, or null when it was never seen.</summary>
    public Task<string?> EndpointAsync(string platform, string tenantExternalId, string conversationId, CancellationToken ct) =>
        db.Set<ChatConversation>()
            .Where(c => c.Platform == platform && c.ConversationId == conversationId
                        && db.Tenants.Any(t => t.Id == c.TenantId && t.Platform == platform && t.ExternalId == tenantExternalId))
            .Select(c => c.Endpoint)
            .FirstOrDefaultAsync(ct);
}
