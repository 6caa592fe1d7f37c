using BakeryBot.Core.People;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Microsoft.EntityFrameworkCore.Storage;

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

/// <summary>A conversation a unit of work has seen, to be written with its next save.</summary>
internal sealed record NotedConversation(int TenantId, ConversationSighting Seen, DateTimeOffset At);

/// <summary>A person's one-to-one conversation with the bot, and where the platform takes posts for it.</summary>
public sealed record PersonalConversation(string ConversationId, string? Endpoint);

/// <summary>Remembers conversations and answers where to post in them.</summary>
public sealed class ConversationDirectory(BakeryDbContext db, TimeProvider clock)
{
    /// <summary>The <see cref="ChatConversation.Kind"/> of a one-to-one conversation with the bot.</summary>
    public const string PersonalKind = "personal";

    /// <summary>Records a conversation, or what changed about it, at once. Returns true when it is new.</summary>
    public async Task<bool> RememberAsync(int tenantId, ConversationSighting seen, CancellationToken ct)
    {
        var isNew = await NoteAsync(tenantId, seen, ct);
        await db.SaveNotedConversationAsync(ct);
        return isNew;
    }

    /// <summary>
    /// Notes a conversation, or what changed about it, for the unit of work's next save to write in its
    /// transaction (<see cref="BakeryDbContext.SaveNotedConversationAsync"/> writes it alone). Nothing is
    /// noted when nothing is new: no write on the request path. Returns true when it is new.
    /// </summary>
    public async Task<bool> NoteAsync(int tenantId, ConversationSighting seen, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        var known = await db.Set<ChatConversation>().AsNoTracking().FirstOrDefaultAsync(c => c.TenantId == tenantId && c.ConversationId == seen.ConversationId, ct);
        if (known is not null && (seen.Endpoint ?? known.Endpoint) == known.Endpoint && (seen.Name ?? known.Name) == known.Name
            && (seen.TeamId ?? known.TeamId) == known.TeamId && (seen.UserId ?? known.UserId) == known.UserId
            && now - known.LastSeenAt < TimeSpan.FromDays(1))
        {
            return false;
        }

        db.NotedConversation = new NotedConversation(tenantId, seen, now);
        return known is null;
    }

    /// <summary>
    /// Writes a noted conversation inside the context's transaction as one statement that inserts it or
    /// updates what the platform told anew: two requests from a new conversation at once (a thread's
    /// first messages) both stand, and neither fails the work it is saved with.
    /// </summary>
    internal static async Task WriteAsync(BakeryDbContext db, NotedConversation noted, CancellationToken ct)
    {
        var transaction = db.Database.CurrentTransaction?.GetDbTransaction()
            ?? throw new InvalidOperationException("A conversation is written inside a transaction.");
        var entity = db.Model.FindEntityType(typeof(ChatConversation))!;
        var sql = db.GetService<ISqlGenerationHelper>();
        var table = sql.DelimitIdentifier(entity.GetTableName()!);
        await using var command = transaction.Connection!.CreateCommand();
        command.Transaction = transaction;
        var seen = noted.Seen;
        var values = new (string Property, object? Value)[]
        {
            (nameof(ChatConversation.TenantId), noted.TenantId),
            (nameof(ChatConversation.Platform), seen.Platform),
            (nameof(ChatConversation.ConversationId), seen.ConversationId),
            (nameof(ChatConversation.Endpoint), seen.Endpoint),
            (nameof(ChatConversation.Kind), seen.Kind),
            (nameof(ChatConversation.Name), seen.Name),
            (nameof(ChatConversation.TeamId), seen.TeamId),
            (nameof(ChatConversation.UserId), seen.UserId),
            (nameof(ChatConversation.FirstSeenAt), noted.At),
            (nameof(ChatConversation.LastSeenAt), noted.At),
        };
        string Column(string property) => sql.DelimitIdentifier(entity.FindProperty(property)!.GetColumnName());
        for (var i = 0; i < values.Length; i++)
        {
            // The model's own mapping, so that a value is stored as EF Core stores it (a time as SQLite's integer).
            var property = entity.FindProperty(values[i].Property)!;
            command.Parameters.Add(property.GetRelationalTypeMapping().CreateParameter(command, $"@p{i}", values[i].Value, property.IsNullable));
        }

        // What the platform leaves out now stays as it was; the time seen moves on.
        var kept = new[] { nameof(ChatConversation.Endpoint), nameof(ChatConversation.Kind), nameof(ChatConversation.Name), nameof(ChatConversation.TeamId), nameof(ChatConversation.UserId) }
            .Select(p => $"{Column(p)} = COALESCE(excluded.{Column(p)}, {table}.{Column(p)})");
        command.CommandText = $"""
            INSERT INTO {table} ({string.Join(", ", values.Select(v => Column(v.Property)))})
            VALUES ({string.Join(", ", values.Select((_, i) => $"@p{i}"))})
            ON CONFLICT ({Column(nameof(ChatConversation.TenantId))}, {Column(nameof(ChatConversation.ConversationId))}) DO UPDATE SET
            {string.Join(", ", kept)}, {Column(nameof(ChatConversation.LastSeenAt))} = excluded.{Column(nameof(ChatConversation.LastSeenAt))}
            """;
        await command.ExecuteNonQueryAsync(ct);
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
