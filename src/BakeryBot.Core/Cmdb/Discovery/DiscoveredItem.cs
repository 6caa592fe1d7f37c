using System.Text.Json;
using BakeryBot.Core.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.ChangeTracking;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace BakeryBot.Core.Cmdb.Discovery;

/// <summary>What a person decided about something a scanner found that matched no CI.</summary>
public enum DiscoveryReview
{
    /// <summary>Nobody has looked at it yet: shadow IT until someone adopts or dismisses it.</summary>
    Unreviewed,

    /// <summary>Made a CI of the CMDB.</summary>
    Adopted,

    /// <summary>Known and not wanted in the CMDB; later reports only refresh when it was seen.</summary>
    Dismissed,
}

/// <summary>
/// Software, a cloud provider or a SaaS tool a discovery scanner reported that matches no CI: listed
/// by <c>/cmdb discovered</c> until someone adopts it into the CMDB or dismisses it.
/// </summary>
public sealed class DiscoveredItem : IAudited
{
    public int Id { get; set; }

    public int TenantId { get; set; }

    /// <summary><c>software</c>, <c>cloud</c> or <c>saas</c>, as the scanner said.</summary>
    public required string Kind { get; set; }

    public required string Name { get; set; }

    /// <summary>The name folded to lower case: unique per tenant and kind.</summary>
    public required string Key { get; set; }

    public string? Vendor { get; set; }

    public Dictionary<string, string> Attributes { get; set; } = [];

    /// <summary>The scanner that last reported it.</summary>
    [AuditIgnored]
    public required string Source { get; set; }

    public DateTimeOffset FirstSeenAt { get; set; }

    [AuditIgnored]
    public DateTimeOffset LastSeenAt { get; set; }

    /// <summary>How many reports named it.</summary>
    [AuditIgnored]
    public int Sightings { get; set; }

    public DiscoveryReview Review { get; set; }

    public int? ReviewedById { get; set; }

    public DateTimeOffset? ReviewedAt { get; set; }

    /// <summary>The CI it became when adopted.</summary>
    public int? CiId { get; set; }

    string IAudited.AuditType => "discovered";

    string IAudited.AuditKey => $"{Kind}/{Name}";
}

internal sealed class DiscoveredItemMapping : IEntityTypeConfiguration<DiscoveredItem>
{
    public void Configure(EntityTypeBuilder<DiscoveredItem> b)
    {
        b.Property(d => d.Kind).HasMaxLength(16);
        b.Property(d => d.Name).HasMaxLength(200);
        b.Property(d => d.Key).HasMaxLength(200);
        b.Property(d => d.Vendor).HasMaxLength(200);
        b.Property(d => d.Source).HasMaxLength(100);
        b.Property(d => d.Review).HasConversion<string>().HasMaxLength(16);
        b.Property(d => d.Attributes).IsJsonDictionary();
        b.HasIndex(d => new { d.TenantId, d.Kind, d.Key }).IsUnique();
        b.HasIndex(d => new { d.TenantId, d.Review });
        b.HasOne<ConfigurationItem>().WithMany().HasForeignKey(d => d.CiId).OnDelete(DeleteBehavior.SetNull);
    }
}
