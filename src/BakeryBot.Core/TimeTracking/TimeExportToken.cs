using BakeryBot.Core.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace BakeryBot.Core.TimeTracking;

/// <summary>
/// A short-lived link to download time entries as CSV (<c>/time export</c>): the token is shown once
/// and stored hashed; it works until <see cref="ExpiresAt"/>, for its tenant, its days, and either the
/// asker's own entries or (asked by a manager or admin) everyone's.
/// </summary>
public sealed class TimeExportToken : IAudited
{
    public int Id { get; set; }

    public int TenantId { get; set; }

    /// <summary>Who asked for the link.</summary>
    public int PersonId { get; set; }

    /// <summary>SHA-256 of the token, hex (<see cref="SecretToken"/>).</summary>
    public required string TokenHash { get; set; }

    public DateTimeOffset CreatedAt { get; set; }

    public DateTimeOffset ExpiresAt { get; set; }

    /// <summary>The first day exported (each person's local day of an entry's start).</summary>
    public DateOnly From { get; set; }

    /// <summary>The last day exported, included.</summary>
    public DateOnly To { get; set; }

    /// <summary>Everyone's entries (asked by a manager or admin), not only the asker's.</summary>
    public bool Everyone { get; set; }

    string IAudited.AuditType => "time-export";

    string IAudited.AuditKey => $"person:{PersonId}/{Id}";
}

internal sealed class TimeExportTokenMapping : IEntityTypeConfiguration<TimeExportToken>
{
    public void Configure(EntityTypeBuilder<TimeExportToken> b)
    {
        b.ToTable("TimeExportTokens");
        b.Property(t => t.TokenHash).HasMaxLength(64);
        b.HasIndex(t => t.TokenHash).IsUnique();
        b.HasIndex(t => new { t.TenantId, t.PersonId });
        b.HasOne<People.Person>().WithMany().HasForeignKey(t => t.PersonId).OnDelete(DeleteBehavior.Cascade);
    }
}
