using BakeryBot.Core.Cmdb;
using BakeryBot.Core.People;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace BakeryBot.Core.Incidents;

internal sealed class IncidentMapping : IEntityTypeConfiguration<Incident>
{
    public void Configure(EntityTypeBuilder<Incident> b)
    {
        b.Property(i => i.Title).HasMaxLength(300);
        b.Property(i => i.State).HasConversion<string>().HasMaxLength(16);
        b.Property(i => i.DetectedBy).HasConversion<string>().HasMaxLength(16);
        b.Property(i => i.AlertFingerprint).HasMaxLength(128);
        b.Property(i => i.IncidentChannelId).HasMaxLength(Data.ChatIds.MaxLength);
        b.HasIndex(i => new { i.TenantId, i.AlertFingerprint });
        b.HasIndex(i => i.ProblemId);
        b.HasIndex(i => i.CausedByChangeId);
        b.HasOne<Changes.Change>().WithMany().HasForeignKey(i => i.CausedByChangeId).OnDelete(DeleteBehavior.SetNull);
        b.HasIndex(i => new { i.TenantId, i.IncidentChannelId });
        b.Property(i => i.Platform).HasMaxLength(32);
        b.Property(i => i.ChannelId).HasMaxLength(Data.ChatIds.MaxLength);
        b.Property(i => i.Version).IsConcurrencyToken();
        b.Ignore(i => i.RecordId);
        b.Ignore(i => i.IsOpen);
        b.Ignore(i => i.RespondedAt);
        b.Ignore(i => i.MitigatedAutomatically);
        b.Ignore(i => i.StateWord);
        b.HasIndex(i => new { i.TenantId, i.Number }).IsUnique();
        b.HasIndex(i => new { i.TenantId, i.State });
        // Reports by period (the digest, /incident stats, /sla report) read incidents declared in a range.
        b.HasIndex(i => new { i.TenantId, i.DeclaredAt });
        // /sla report and the digest find the incidents still unresolved when a period began.
        b.HasIndex(i => new { i.TenantId, i.ResolvedAt });
        // The problem-suggestions job reads every tenant's incidents of its window.
        b.HasIndex(i => i.DeclaredAt);
        b.HasOne<Tenant>().WithMany().HasForeignKey(i => i.TenantId).OnDelete(DeleteBehavior.Restrict);
        b.HasOne<Person>().WithMany().HasForeignKey(i => i.DeclaredById).OnDelete(DeleteBehavior.Restrict);
        b.HasMany(i => i.Cis).WithOne().HasForeignKey(c => c.IncidentId).OnDelete(DeleteBehavior.Cascade);
        b.HasMany(i => i.Timeline).WithOne().HasForeignKey(e => e.IncidentId).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class IncidentCiMapping : IEntityTypeConfiguration<IncidentCi>
{
    public void Configure(EntityTypeBuilder<IncidentCi> b)
    {
        b.HasKey(c => new { c.IncidentId, c.CiId });
        b.HasOne(c => c.Ci).WithMany().HasForeignKey(c => c.CiId).OnDelete(DeleteBehavior.Cascade);
        b.HasIndex(c => c.CiId);
    }
}

internal sealed class IncidentEventMapping : IEntityTypeConfiguration<IncidentEvent>
{
    public void Configure(EntityTypeBuilder<IncidentEvent> b)
    {
        b.Property(e => e.Kind).HasMaxLength(32);
        b.Property(e => e.Text).HasMaxLength(4000);
        b.HasIndex(e => new { e.IncidentId, e.At });
    }
}
