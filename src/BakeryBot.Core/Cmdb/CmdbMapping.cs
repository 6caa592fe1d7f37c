using System.Text.Json;
using BakeryBot.Core.Data;
using BakeryBot.Core.People;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.ChangeTracking;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace BakeryBot.Core.Cmdb;

internal sealed class ConfigurationItemMapping : IEntityTypeConfiguration<ConfigurationItem>
{
    public void Configure(EntityTypeBuilder<ConfigurationItem> b)
    {
        b.Property(c => c.Type).HasConversion<string>().HasMaxLength(16);
        b.Property(c => c.Name).HasMaxLength(200);
        b.Property(c => c.Key).HasMaxLength(200);
        b.Property(c => c.Health).HasMaxLength(32);
        b.Property(c => c.PrimaryUses).HasMaxLength(1000);
        b.Property(c => c.KeyRisks).HasMaxLength(1000);
        b.Property(c => c.Vendor).HasMaxLength(200);
        b.Property(c => c.Serial).HasMaxLength(100);
        b.Property(c => c.DiscoveredBy).HasMaxLength(100);
        b.Property(c => c.ServiceCredits).HasMaxLength(200);
        b.Property(c => c.MonthlyFee).HasPrecision(18, 2);
        b.Property(c => c.Currency).HasMaxLength(8);
        b.HasMany(c => c.Experts).WithOne().HasForeignKey(e => e.CiId).OnDelete(DeleteBehavior.Cascade);
        b.Property(c => c.Version).IsConcurrencyToken();
        b.Property(c => c.Attributes).IsJsonDictionary();
        b.HasIndex(c => new { c.TenantId, c.Key }).IsUnique();
        b.HasIndex(c => new { c.TenantId, c.Type });
        b.HasIndex(c => new { c.TenantId, c.Serial });
        // The stale-assets job reads every tenant's assets last seen before its cutoff.
        b.HasIndex(c => new { c.Type, c.LastSeenAt });
        b.HasOne<Tenant>().WithMany().HasForeignKey(c => c.TenantId).OnDelete(DeleteBehavior.Restrict);
        b.HasOne<Person>().WithMany().HasForeignKey(c => c.OwnerId).OnDelete(DeleteBehavior.SetNull);
    }
}

internal sealed class CiRelationshipMapping : IEntityTypeConfiguration<CiRelationship>
{
    public void Configure(EntityTypeBuilder<CiRelationship> b)
    {
        b.Property(r => r.Relation).HasConversion<string>().HasMaxLength(16);
        b.HasOne(r => r.Source).WithMany().HasForeignKey(r => r.SourceId).OnDelete(DeleteBehavior.Cascade);
        b.HasOne(r => r.Target).WithMany().HasForeignKey(r => r.TargetId).OnDelete(DeleteBehavior.Cascade);
        b.Property(r => r.RedundancyGroup).HasMaxLength(64);
        b.HasIndex(r => new { r.SourceId, r.Relation, r.TargetId }).IsUnique();
        // Impact analysis walks edges backwards: who points at this CI.
        b.HasIndex(r => new { r.TargetId, r.Relation });
    }
}

internal sealed class CmdbGraphStampMapping : IEntityTypeConfiguration<CmdbGraphStamp>
{
    public void Configure(EntityTypeBuilder<CmdbGraphStamp> b)
    {
        b.HasKey(s => s.TenantId);
        b.Property(s => s.TenantId).ValueGeneratedNever();
        b.HasOne<Tenant>().WithMany().HasForeignKey(s => s.TenantId).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class CiExpertMapping : IEntityTypeConfiguration<CiExpert>
{
    public void Configure(EntityTypeBuilder<CiExpert> b)
    {
        b.HasKey(e => new { e.CiId, e.PersonId });
        b.HasOne<Person>().WithMany().HasForeignKey(e => e.PersonId).OnDelete(DeleteBehavior.Cascade);
        b.HasIndex(e => e.PersonId);
    }
}
