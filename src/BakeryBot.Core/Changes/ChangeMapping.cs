using BakeryBot.Core.Cmdb;
using BakeryBot.Core.People;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace BakeryBot.Core.Changes;

internal sealed class ChangeMapping : IEntityTypeConfiguration<Change>
{
    public void Configure(EntityTypeBuilder<Change> b)
    {
        b.Property(c => c.Title).HasMaxLength(300);
        b.Property(c => c.Type).HasConversion<string>().HasMaxLength(16);
        b.Property(c => c.Risk).HasConversion<string>().HasMaxLength(16);
        b.Property(c => c.State).HasConversion<string>().HasMaxLength(16);
        b.Property(c => c.Outcome).HasConversion<string>().HasMaxLength(16);
        b.Property(c => c.Decision).HasConversion<string>().HasMaxLength(16);
        b.Property(c => c.Rollback).HasMaxLength(4000);
        b.Property(c => c.RollbackMigration).HasMaxLength(200);
        b.Property(c => c.DecisionReason).HasMaxLength(1000);
        b.Property(c => c.Platform).HasMaxLength(32);
        b.Property(c => c.ChannelId).HasMaxLength(Data.ChatIds.MaxLength);
        b.Property(c => c.Version).IsConcurrencyToken();
        b.Ignore(c => c.RecordId);
        b.Ignore(c => c.IsOpen);
        b.HasIndex(c => new { c.TenantId, c.Number }).IsUnique();
        b.HasIndex(c => new { c.TenantId, c.State });
        b.HasIndex(c => new { c.TenantId, c.WindowStart });
        // Release metrics and the digest read the releases that ended in a period.
        b.HasIndex(c => new { c.TenantId, c.ReleasedAt });
        b.HasOne<Tenant>().WithMany().HasForeignKey(c => c.TenantId).OnDelete(DeleteBehavior.Restrict);
        b.HasOne<Person>().WithMany().HasForeignKey(c => c.RequestedById).OnDelete(DeleteBehavior.Restrict);
        b.HasMany(c => c.Cis).WithOne().HasForeignKey(c => c.ChangeId).OnDelete(DeleteBehavior.Cascade);
        b.HasMany(c => c.Votes).WithOne().HasForeignKey(v => v.ChangeId).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class ChangeCiMapping : IEntityTypeConfiguration<ChangeCi>
{
    public void Configure(EntityTypeBuilder<ChangeCi> b)
    {
        b.HasKey(c => new { c.ChangeId, c.CiId });
        b.HasOne(c => c.Ci).WithMany().HasForeignKey(c => c.CiId).OnDelete(DeleteBehavior.Cascade);
        b.HasIndex(c => c.CiId);
    }
}

internal sealed class ChangeVoteMapping : IEntityTypeConfiguration<ChangeVote>
{
    public void Configure(EntityTypeBuilder<ChangeVote> b)
    {
        b.Property(v => v.Kind).HasConversion<string>().HasMaxLength(16);
        b.Property(v => v.Reason).HasMaxLength(1000);
        b.Property(v => v.Platform).HasMaxLength(32);
        // A vote can't be cast twice: the database says so too, when two clicks race.
        b.HasIndex(v => new { v.ChangeId, v.PersonId }).IsUnique();
        b.HasOne<Person>().WithMany().HasForeignKey(v => v.PersonId).OnDelete(DeleteBehavior.Restrict);
    }
}

internal sealed class FreezeWindowMapping : IEntityTypeConfiguration<FreezeWindow>
{
    public void Configure(EntityTypeBuilder<FreezeWindow> b)
    {
        b.Property(f => f.Reason).HasMaxLength(300);
        b.HasIndex(f => new { f.TenantId, f.From });
        b.HasOne<Tenant>().WithMany().HasForeignKey(f => f.TenantId).OnDelete(DeleteBehavior.Restrict);
    }
}

internal sealed class CabSettingsMapping : IEntityTypeConfiguration<CabSettings>
{
    public void Configure(EntityTypeBuilder<CabSettings> b)
    {
        b.Property(c => c.Platform).HasMaxLength(32);
        b.Property(c => c.ChannelId).HasMaxLength(Data.ChatIds.MaxLength);
        b.HasIndex(c => c.TenantId).IsUnique();
        b.HasOne<Tenant>().WithMany().HasForeignKey(c => c.TenantId).OnDelete(DeleteBehavior.Restrict);
    }
}

internal sealed class CalendarTokenMapping : IEntityTypeConfiguration<CalendarToken>
{
    public void Configure(EntityTypeBuilder<CalendarToken> b)
    {
        b.Property(t => t.TokenHash).HasMaxLength(64);
        b.HasIndex(t => t.TokenHash).IsUnique();
        b.HasIndex(t => new { t.TenantId, t.PersonId });
        b.HasOne<Person>().WithMany().HasForeignKey(t => t.PersonId).OnDelete(DeleteBehavior.Cascade);
    }
}
