using BakeryBot.Core.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace BakeryBot.Core.TimeTracking;

/// <summary>A running timer: at most one per person.</summary>
public sealed class Timer : IAudited
{
    public int Id { get; set; }

    public int TenantId { get; set; }

    public int PersonId { get; set; }

    public DateTimeOffset StartedAt { get; set; }

    /// <summary>The record the time is for (<c>INC-42</c>), when there is one.</summary>
    public string? RecordKey { get; set; }

    /// <summary>What the time is for, in words.</summary>
    public string? Text { get; set; }

    /// <summary>The message the timer was started from, when it was.</summary>
    public string? SourceLink { get; set; }

    /// <summary>When its owner was last asked whether it still runs (it had run a work day since it started or was last asked).</summary>
    public DateTimeOffset? NudgedAt { get; set; }

    /// <summary>When its owner last said to keep it running; the next nudge waits a work day from then.</summary>
    public DateTimeOffset? KeptAt { get; set; }

    string IAudited.AuditType => "timer";

    string IAudited.AuditKey => $"person-{PersonId}";
}

/// <summary>Time spent by a person, on a record or on something described.</summary>
public sealed class TimeEntry : IAudited
{
    public long Id { get; set; }

    public int TenantId { get; set; }

    public int PersonId { get; set; }

    public DateTimeOffset StartedAt { get; set; }

    public long Seconds { get; set; }

    public string? RecordKey { get; set; }

    public string? Note { get; set; }

    public string? SourceLink { get; set; }

    public DateTimeOffset CreatedAt { get; set; }

    public TimeSpan Duration => TimeSpan.FromSeconds(Seconds);

    string IAudited.AuditType => "time-entry";

    string IAudited.AuditKey => $"entry-{Id}";
}

internal sealed class TimerMapping : IEntityTypeConfiguration<Timer>
{
    public void Configure(EntityTypeBuilder<Timer> b)
    {
        b.ToTable("Timers");
        b.Property(t => t.RecordKey).HasMaxLength(16);
        b.Property(t => t.Text).HasMaxLength(500);
        b.Property(t => t.SourceLink).HasMaxLength(1000);
        // One running timer per person, enforced by the database as well.
        b.HasIndex(t => t.PersonId).IsUnique();
        b.HasOne<People.Person>().WithMany().HasForeignKey(t => t.PersonId).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class TimeEntryMapping : IEntityTypeConfiguration<TimeEntry>
{
    public void Configure(EntityTypeBuilder<TimeEntry> b)
    {
        b.Property(e => e.RecordKey).HasMaxLength(16);
        b.Property(e => e.Note).HasMaxLength(1000);
        b.Property(e => e.SourceLink).HasMaxLength(1000);
        b.Ignore(e => e.Duration);
        b.HasIndex(e => new { e.TenantId, e.PersonId, e.StartedAt });
        b.HasIndex(e => new { e.TenantId, e.RecordKey });
        // The digest sums the time logged in a week across the tenant.
        b.HasIndex(e => new { e.TenantId, e.StartedAt });
        b.HasOne<People.Person>().WithMany().HasForeignKey(e => e.PersonId).OnDelete(DeleteBehavior.Cascade);
    }
}
