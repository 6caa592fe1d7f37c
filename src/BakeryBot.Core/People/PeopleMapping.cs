using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace BakeryBot.Core.People;

internal sealed class TenantMapping : IEntityTypeConfiguration<Tenant>
{
    public void Configure(EntityTypeBuilder<Tenant> b)
    {
        b.Property(t => t.Platform).HasMaxLength(32);
        b.Property(t => t.ExternalId).HasMaxLength(128);
        b.Property(t => t.Name).HasMaxLength(200);
        b.Property(t => t.TimeZone).HasMaxLength(64);
        b.HasIndex(t => new { t.Platform, t.ExternalId }).IsUnique();
    }
}

internal sealed class PersonMapping : IEntityTypeConfiguration<Person>
{
    public void Configure(EntityTypeBuilder<Person> b)
    {
        b.Property(p => p.DisplayName).HasMaxLength(200);
        b.Property(p => p.TimeZone).HasMaxLength(64);
        b.HasOne<Tenant>().WithMany().HasForeignKey(p => p.TenantId).OnDelete(DeleteBehavior.Restrict);
        b.HasMany(p => p.Identities).WithOne().HasForeignKey(i => i.PersonId).OnDelete(DeleteBehavior.Cascade);
        b.HasMany(p => p.Roles).WithOne().HasForeignKey(r => r.PersonId).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class PersonIdentityMapping : IEntityTypeConfiguration<PersonIdentity>
{
    public void Configure(EntityTypeBuilder<PersonIdentity> b)
    {
        b.Property(i => i.Platform).HasMaxLength(32);
        b.Property(i => i.ExternalId).HasMaxLength(128);
        b.HasIndex(i => new { i.TenantId, i.ExternalId }).IsUnique();
    }
}

internal sealed class RoleAssignmentMapping : IEntityTypeConfiguration<RoleAssignment>
{
    public void Configure(EntityTypeBuilder<RoleAssignment> b)
    {
        b.Property(r => r.Role).HasMaxLength(32);
        b.HasIndex(r => new { r.PersonId, r.Role }).IsUnique();
        b.HasIndex(r => new { r.TenantId, r.Role });
    }
}
