using BakeryBot.Core.Data.Outbox;
using BakeryBot.Core.People;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace BakeryBot.Core.Data;

internal sealed class AuditEntryMapping : IEntityTypeConfiguration<AuditEntry>
{
    public void Configure(EntityTypeBuilder<AuditEntry> b)
    {
        b.Property(a => a.Platform).HasMaxLength(32);
        b.Property(a => a.RecordType).HasMaxLength(32);
        b.Property(a => a.RecordKey).HasMaxLength(200);
        b.Property(a => a.Action).HasMaxLength(16);
        b.HasIndex(a => new { a.TenantId, a.RecordType, a.RecordKey });
    }
}

internal sealed class RecordCounterMapping : IEntityTypeConfiguration<RecordCounter>
{
    public void Configure(EntityTypeBuilder<RecordCounter> b)
    {
        b.HasKey(c => new { c.TenantId, c.Kind });
        b.Property(c => c.Kind).HasMaxLength(8);
        b.HasOne<Tenant>().WithMany().HasForeignKey(c => c.TenantId).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class InboundDeliveryMapping : IEntityTypeConfiguration<InboundDelivery>
{
    public void Configure(EntityTypeBuilder<InboundDelivery> b)
    {
        b.HasKey(d => new { d.Platform, d.DeliveryId });
        b.Property(d => d.Platform).HasMaxLength(32);
        b.Property(d => d.DeliveryId).HasMaxLength(200);
        b.HasIndex(d => d.ReceivedAt);
    }
}

internal sealed class OutboxMessageMapping : IEntityTypeConfiguration<OutboxMessage>
{
    public void Configure(EntityTypeBuilder<OutboxMessage> b)
    {
        b.ToTable("Outbox");
        b.Property(m => m.Platform).HasMaxLength(32);
        b.Property(m => m.ChannelId).HasMaxLength(ChatIds.MaxLength);
        b.Property(m => m.ThreadId).HasMaxLength(ChatIds.MaxLength);
        // Several ids: the people a channel is opened for, or one person's ids on the platform.
        b.Property(m => m.UserId).HasMaxLength(512);
        b.Property(m => m.Kind).HasConversion<string>().HasMaxLength(16);
        b.Property(m => m.Status).HasConversion<string>().HasMaxLength(16);
        b.Property(m => m.CoalesceKey).HasMaxLength(64);
        b.Property(m => m.Subject).HasMaxLength(64);
        // Recording an outcome is conditional on still holding the claim.
        b.Property(m => m.LeaseOwner).HasMaxLength(64).IsConcurrencyToken();
        b.Property(m => m.LastError).HasMaxLength(1000);
        b.HasOne(m => m.PostedCard).WithMany().HasForeignKey(m => m.PostedCardId).OnDelete(DeleteBehavior.SetNull);
        // The dispatcher's queries, whose cost must follow what is pending, not everything ever sent:
        // what is pending, oldest first (read in order, up to the round's size, without sorting the
        // backlog), and the claim of chosen ids. (On SQLite an index on the status and the due time
        // sent both the claim and the oldest-first read through every pending row.)
        b.HasIndex(m => new { m.Status, m.Id });
        // The waiting updates of a card, to send only the newest.
        b.HasIndex(m => new { m.Status, m.CoalesceKey });
    }
}

internal sealed class PostedCardMapping : IEntityTypeConfiguration<PostedCard>
{
    public void Configure(EntityTypeBuilder<PostedCard> b)
    {
        b.Property(c => c.Platform).HasMaxLength(32);
        b.Property(c => c.ChannelId).HasMaxLength(ChatIds.MaxLength);
        b.Property(c => c.ThreadId).HasMaxLength(ChatIds.MaxLength);
        b.Property(c => c.RecordType).HasMaxLength(32);
        b.Property(c => c.RecordKey).HasMaxLength(64);
        b.Property(c => c.MessageId).HasMaxLength(128);
        b.HasIndex(c => new { c.TenantId, c.RecordType, c.RecordKey });
    }
}
