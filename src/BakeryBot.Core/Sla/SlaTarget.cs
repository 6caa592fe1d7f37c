using BakeryBot.Core.Cmdb;
using BakeryBot.Core.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace BakeryBot.Core.Sla;

/// <summary>What a service promises for its incidents: time to acknowledge and to resolve, per severity or for all.</summary>
public sealed class SlaTarget : IAudited
{
    public int Id { get; set; }

    public int TenantId { get; set; }

    public int ServiceId { get; set; }

    public ConfigurationItem? Service { get; set; }

    /// <summary>1..4, or null for every severity without a target of its own.</summary>
    public int? Severity { get; set; }

    public long? AcknowledgeSeconds { get; set; }

    public long? ResolveSeconds { get; set; }

    public DateTimeOffset UpdatedAt { get; set; }

    string IAudited.AuditType => "sla";

    string IAudited.AuditKey => $"ci-{ServiceId}/{(Severity is { } s ? $"sev{s}" : "all")}";
}

internal sealed class SlaTargetMapping : IEntityTypeConfiguration<SlaTarget>
{
    public void Configure(EntityTypeBuilder<SlaTarget> b)
    {
        b.HasOne(t => t.Service).WithMany().HasForeignKey(t => t.ServiceId).OnDelete(DeleteBehavior.Cascade);
        b.HasIndex(t => new { t.ServiceId, t.Severity }).IsUnique();
        b.HasIndex(t => t.TenantId);
    }
}
