using BakeryBot.Core.Chat;
using BakeryBot.Core.Cmdb;
using BakeryBot.Core.Data;
using BakeryBot.Core.People;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace BakeryBot.Core.Problems;

/// <summary>Where a problem is: investigated, understood with a workaround (a known error), or fixed.</summary>
public enum ProblemState
{
    Open,
    KnownError,
    Resolved,
}

/// <summary>The cause behind several incidents: Bakery #2's cookies keep burning.</summary>
public sealed class Problem : IAudited, IVersioned
{
    public int Id { get; set; }

    public int TenantId { get; set; }

    /// <summary>The per-tenant number: PRB-<c>Number</c>.</summary>
    public int Number { get; set; }

    public required string Title { get; set; }

    public ProblemState State { get; set; }

    /// <summary>The root cause, once found (the faulty thermostat).</summary>
    public string? RootCause { get; set; }

    /// <summary>What to do meanwhile; a problem with one is a known error.</summary>
    public string? Workaround { get; set; }

    public DateTimeOffset CreatedAt { get; set; }

    public int CreatedById { get; set; }

    public DateTimeOffset? ResolvedAt { get; set; }

    public int? ResolvedById { get; set; }

    public required string Platform { get; set; }

    public required string ChannelId { get; set; }

    public int Version { get; set; }

    /// <summary>CIs named for the problem itself (the incidents' CIs count too).</summary>
    public List<ProblemCi> Cis { get; set; } = [];

    public RecordId RecordId => new(RecordId.Problem, Number);

    string IAudited.AuditType => "problem";

    string IAudited.AuditKey => RecordId.ToString();
}

/// <summary>A CI a problem is about.</summary>
public sealed class ProblemCi
{
    public int ProblemId { get; set; }

    public int CiId { get; set; }

    public ConfigurationItem? Ci { get; set; }
}

/// <summary>A suggestion the bot made to open a problem for incidents on one CI, so it is made once.</summary>
public sealed class ProblemSuggestion
{
    public int Id { get; set; }

    public int TenantId { get; set; }

    public int CiId { get; set; }

    /// <summary>The incidents it was about, as record ids (<c>INC-1,INC-4,INC-9</c>).</summary>
    public required string IncidentKeys { get; set; }

    public DateTimeOffset SuggestedAt { get; set; }

    /// <summary>The problem made from it, once someone clicked "Create problem".</summary>
    public int? ProblemId { get; set; }
}

internal sealed class ProblemMapping : IEntityTypeConfiguration<Problem>
{
    public void Configure(EntityTypeBuilder<Problem> b)
    {
        b.Property(p => p.Title).HasMaxLength(300);
        b.Property(p => p.State).HasConversion<string>().HasMaxLength(16);
        b.Property(p => p.RootCause).HasMaxLength(4000);
        b.Property(p => p.Workaround).HasMaxLength(4000);
        b.Property(p => p.Platform).HasMaxLength(32);
        b.Property(p => p.ChannelId).HasMaxLength(128);
        b.Property(p => p.Version).IsConcurrencyToken();
        b.Ignore(p => p.RecordId);
        b.HasIndex(p => new { p.TenantId, p.Number }).IsUnique();
        b.HasIndex(p => new { p.TenantId, p.State });
        b.HasOne<Tenant>().WithMany().HasForeignKey(p => p.TenantId).OnDelete(DeleteBehavior.Restrict);
        b.HasMany(p => p.Cis).WithOne().HasForeignKey(c => c.ProblemId).OnDelete(DeleteBehavior.Cascade);
        b.HasMany<Incidents.Incident>().WithOne().HasForeignKey(i => i.ProblemId).OnDelete(DeleteBehavior.SetNull);
    }
}

internal sealed class ProblemCiMapping : IEntityTypeConfiguration<ProblemCi>
{
    public void Configure(EntityTypeBuilder<ProblemCi> b)
    {
        b.HasKey(c => new { c.ProblemId, c.CiId });
        b.HasOne(c => c.Ci).WithMany().HasForeignKey(c => c.CiId).OnDelete(DeleteBehavior.Cascade);
        b.HasIndex(c => c.CiId);
    }
}

internal sealed class ProblemSuggestionMapping : IEntityTypeConfiguration<ProblemSuggestion>
{
    public void Configure(EntityTypeBuilder<ProblemSuggestion> b)
    {
        b.Property(s => s.IncidentKeys).HasMaxLength(1000);
        b.HasIndex(s => new { s.TenantId, s.CiId, s.SuggestedAt });
        b.HasOne<ConfigurationItem>().WithMany().HasForeignKey(s => s.CiId).OnDelete(DeleteBehavior.Cascade);
    }
}
