using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace BakeryBot.Core.Jobs;

/// <summary>How a job's run ended.</summary>
public enum JobOutcome
{
    Ok,
    Failed,
}

/// <summary>
/// One run of a scheduled job, on any instance: what <c>GET /admin/jobs</c> shows as a job's last run.
/// Bounded per job (see <see cref="JobRunner"/>).
/// </summary>
public sealed class JobRun
{
    public const int ErrorMaxLength = 500;
    public const int SummaryMaxLength = 1000;

    public long Id { get; set; }

    public required string Job { get; set; }

    public DateTimeOffset StartedAt { get; set; }

    public DateTimeOffset FinishedAt { get; set; }

    public JobOutcome Outcome { get; set; }

    /// <summary>What it did, in words (<c>Reminded CHG-7; expired none.</c>).</summary>
    public string? Summary { get; set; }

    /// <summary>Why it failed: the exception's type and message, shortened.</summary>
    public string? Error { get; set; }

    /// <summary>The host and process it ran in (<c>web-1/4242</c>).</summary>
    public required string Instance { get; set; }

    /// <summary>Run on request (<c>POST /admin/jobs/{name}/run</c>, <c>bakerybot run-job</c>) rather than by its schedule.</summary>
    public bool Manual { get; set; }
}

internal sealed class JobRunMapping : IEntityTypeConfiguration<JobRun>
{
    public void Configure(EntityTypeBuilder<JobRun> b)
    {
        b.ToTable("JobRuns");
        b.Property(r => r.Job).HasMaxLength(64);
        b.Property(r => r.Outcome).HasConversion<string>().HasMaxLength(16);
        b.Property(r => r.Summary).HasMaxLength(JobRun.SummaryMaxLength);
        b.Property(r => r.Error).HasMaxLength(JobRun.ErrorMaxLength);
        b.Property(r => r.Instance).HasMaxLength(200);
        // A job's latest runs, and the pruning of its oldest.
        b.HasIndex(r => new { r.Job, r.Id });
        b.HasIndex(r => r.StartedAt);
    }
}
