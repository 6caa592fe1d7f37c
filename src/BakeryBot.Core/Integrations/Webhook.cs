using BakeryBot.Core.Data;
using BakeryBot.Core.People;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace BakeryBot.Core.Integrations;

/// <summary>The kinds of inbound webhooks: what posts to <c>/hooks/{kind}/{hookId}</c>.</summary>
public static class WebhookKinds
{
    public const string Alertmanager = "alertmanager";
    public const string Discovery = "discovery";

    public static readonly IReadOnlyList<string> All = [Alertmanager, Discovery];
}

/// <summary>
/// An inbound webhook made for a channel: its public id is in the URL, its bearer token is shown once
/// and stored only as a hash. What it opens is posted in that channel.
/// </summary>
public sealed class Webhook : IAudited
{
    public int Id { get; set; }

    public int TenantId { get; set; }

    /// <summary>The id in the URL (random, not secret).</summary>
    public required string HookId { get; set; }

    public required string Kind { get; set; }

    /// <summary>SHA-256 of the bearer token, hex.</summary>
    public required string TokenHash { get; set; }

    public required string Platform { get; set; }

    public required string ChannelId { get; set; }

    public DateTimeOffset CreatedAt { get; set; }

    public int CreatedById { get; set; }

    public DateTimeOffset? RevokedAt { get; set; }

    public DateTimeOffset? LastUsedAt { get; set; }

    string IAudited.AuditType => "webhook";

    string IAudited.AuditKey => HookId;
}

internal sealed class WebhookMapping : IEntityTypeConfiguration<Webhook>
{
    public void Configure(EntityTypeBuilder<Webhook> b)
    {
        b.Property(w => w.HookId).HasMaxLength(64);
        b.Property(w => w.Kind).HasMaxLength(32);
        b.Property(w => w.TokenHash).HasMaxLength(64);
        b.Property(w => w.Platform).HasMaxLength(32);
        b.Property(w => w.ChannelId).HasMaxLength(128);
        b.HasIndex(w => w.HookId).IsUnique();
        b.HasIndex(w => new { w.TenantId, w.Kind });
        b.HasOne<Tenant>().WithMany().HasForeignKey(w => w.TenantId).OnDelete(DeleteBehavior.Cascade);
    }
}
