using BakeryBot.Core.Cmdb;
using BakeryBot.Core.Data;
using BakeryBot.Core.People;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace BakeryBot.Core.Knowledge;

/// <summary>A runbook or recipe: what to do about something, optionally for one CI.</summary>
public sealed class KnowledgeArticle : IAudited
{
    public int Id { get; set; }

    public int TenantId { get; set; }

    public required string Title { get; set; }

    /// <summary>The text, or a link to where it lives.</summary>
    public required string Body { get; set; }

    public int? CiId { get; set; }

    public int CreatedById { get; set; }

    public DateTimeOffset CreatedAt { get; set; }

    string IAudited.AuditType => "kb";

    string IAudited.AuditKey => $"kb-{Id}";
}

internal sealed class KnowledgeArticleMapping : IEntityTypeConfiguration<KnowledgeArticle>
{
    public void Configure(EntityTypeBuilder<KnowledgeArticle> b)
    {
        b.Property(a => a.Title).HasMaxLength(200);
        b.Property(a => a.Body).HasMaxLength(8000);
        b.HasIndex(a => new { a.TenantId, a.CiId });
        b.HasOne<Tenant>().WithMany().HasForeignKey(a => a.TenantId).OnDelete(DeleteBehavior.Cascade);
        b.HasOne<ConfigurationItem>().WithMany().HasForeignKey(a => a.CiId).OnDelete(DeleteBehavior.SetNull);
    }
}
