using BakeryBot.Core.Data;
using BakeryBot.Core.People;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace BakeryBot.Core.Digests;

/// <summary>
/// A channel subscribed to the weekly digest (<c>/digest subscribe weekly</c>). The row is also what
/// is due: <see cref="NextDueAt"/> is the next Monday 09:00 in <see cref="TimeZone"/>, and the digest
/// job claims it by moving that time on (see <see cref="DigestReminders"/>).
/// </summary>
public sealed class DigestSubscription : IAudited, IVersioned
{
    public int Id { get; set; }

    public int TenantId { get; set; }

    public required string Platform { get; set; }

    public required string ChannelId { get; set; }

    /// <summary>The IANA zone whose Monday 09:00 the digest goes out at, and whose weeks it covers.</summary>
    public required string TimeZone { get; set; }

    public int CreatedById { get; set; }

    public DateTimeOffset CreatedAt { get; set; }

    /// <summary>The UTC instant of the next Monday 09:00 in <see cref="TimeZone"/>: when the next digest is due.</summary>
    public DateTimeOffset NextDueAt { get; set; }

    /// <summary>The Monday 09:00 (UTC instant) of the last digest posted; null before the first.</summary>
    public DateTimeOffset? LastPeriodStart { get; set; }

    public int Version { get; set; }

    string IAudited.AuditType => "digest-subscription";

    string IAudited.AuditKey => $"{Platform}:{ChannelId}";
}

internal sealed class DigestSubscriptionMapping : IEntityTypeConfiguration<DigestSubscription>
{
    public void Configure(EntityTypeBuilder<DigestSubscription> b)
    {
        b.ToTable("DigestSubscriptions");
        b.Property(s => s.Platform).HasMaxLength(32);
        b.Property(s => s.ChannelId).HasMaxLength(ChatIds.MaxLength);
        b.Property(s => s.TimeZone).HasMaxLength(64);
        b.Property(s => s.Version).IsConcurrencyToken();
        // One subscription per channel: subscribing again updates it.
        b.HasIndex(s => new { s.TenantId, s.ChannelId }).IsUnique();
        // What the digest job looks for: the subscriptions due.
        b.HasIndex(s => s.NextDueAt);
        b.HasOne<Tenant>().WithMany().HasForeignKey(s => s.TenantId).OnDelete(DeleteBehavior.Cascade);
        b.HasOne<Person>().WithMany().HasForeignKey(s => s.CreatedById).OnDelete(DeleteBehavior.Restrict);
    }
}
