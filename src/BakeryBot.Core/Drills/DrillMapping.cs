using BakeryBot.Core.Cmdb;
using BakeryBot.Core.People;
using BakeryBot.Core.Problems;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace BakeryBot.Core.Drills;

internal sealed class ContinuityDrillMapping : IEntityTypeConfiguration<ContinuityDrill>
{
    public void Configure(EntityTypeBuilder<ContinuityDrill> b)
    {
        b.Property(d => d.Title).HasMaxLength(300);
        b.Property(d => d.Scenario).HasConversion<string>().HasMaxLength(32);
        b.Property(d => d.State).HasConversion<string>().HasMaxLength(16);
        b.Property(d => d.Schedule).HasMaxLength(DrillSchedule.MaxLength);
        b.Property(d => d.Platform).HasMaxLength(32);
        b.Property(d => d.ChannelId).HasMaxLength(Data.ChatIds.MaxLength);
        b.Property(d => d.Version).IsConcurrencyToken();
        b.Ignore(d => d.RecordId);
        b.Ignore(d => d.Rto);
        b.Ignore(d => d.Rpo);
        b.Ignore(d => d.OpenRun);
        b.Ignore(d => d.LastFinishedRun);
        b.HasIndex(d => new { d.TenantId, d.Number }).IsUnique();
        b.HasIndex(d => new { d.State, d.NextDueAt });
        b.HasOne<Tenant>().WithMany().HasForeignKey(d => d.TenantId).OnDelete(DeleteBehavior.Restrict);
        b.HasOne<Person>().WithMany().HasForeignKey(d => d.OwnerId).OnDelete(DeleteBehavior.Restrict);
        b.HasOne<Person>().WithMany().HasForeignKey(d => d.CreatedById).OnDelete(DeleteBehavior.Restrict);
        b.HasOne<ConfigurationItem>().WithMany().HasForeignKey(d => d.CiId).OnDelete(DeleteBehavior.SetNull);
        b.HasMany(d => d.Runs).WithOne().HasForeignKey(r => r.DrillId).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class DrillRunMapping : IEntityTypeConfiguration<DrillRun>
{
    public void Configure(EntityTypeBuilder<DrillRun> b)
    {
        b.Property(r => r.Result).HasConversion<string>().HasMaxLength(16);
        b.Property(r => r.Platform).HasMaxLength(32);
        b.Property(r => r.ChannelId).HasMaxLength(Data.ChatIds.MaxLength);
        b.Ignore(r => r.RtoAchieved);
        b.Ignore(r => r.RpoAchieved);
        b.HasIndex(r => new { r.DrillId, r.Number }).IsUnique();
        // A drill has at most one run under way: the database says so too, when two starts race.
        b.HasIndex(r => r.DrillId).IsUnique().HasFilter("\"FinishedAt\" IS NULL").HasDatabaseName("IX_DrillRuns_OneOpenPerDrill");
        b.HasIndex(r => new { r.TenantId, r.StartedAt });
        b.HasOne<Person>().WithMany().HasForeignKey(r => r.StartedById).OnDelete(DeleteBehavior.Restrict);
        b.HasOne<Person>().WithMany().HasForeignKey(r => r.FinishedById).OnDelete(DeleteBehavior.Restrict);
        b.HasMany(r => r.Timeline).WithOne().HasForeignKey(e => e.RunId).OnDelete(DeleteBehavior.Cascade);
        b.HasMany(r => r.Findings).WithOne().HasForeignKey(f => f.RunId).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class DrillRunEventMapping : IEntityTypeConfiguration<DrillRunEvent>
{
    public void Configure(EntityTypeBuilder<DrillRunEvent> b)
    {
        b.Property(e => e.Kind).HasMaxLength(16);
        b.Property(e => e.Text).HasMaxLength(DrillService.MaxNote + 200);
        b.HasIndex(e => new { e.RunId, e.At });
    }
}

internal sealed class DrillFindingMapping : IEntityTypeConfiguration<DrillFinding>
{
    public void Configure(EntityTypeBuilder<DrillFinding> b)
    {
        b.Property(f => f.Text).HasMaxLength(DrillService.MaxFinding);
        b.HasIndex(f => new { f.DrillId, f.Number }).IsUnique();
        b.HasOne<Problem>().WithMany().HasForeignKey(f => f.ProblemId).OnDelete(DeleteBehavior.SetNull);
        b.HasOne<ContinuityDrill>().WithMany().HasForeignKey(f => f.DrillId).OnDelete(DeleteBehavior.Restrict);
    }
}
