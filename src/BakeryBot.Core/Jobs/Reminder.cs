using BakeryBot.Core.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace BakeryBot.Core.Jobs;

/// <summary>What a <see cref="Reminder"/> reminds of.</summary>
public enum ReminderKind
{
    /// <summary>An incident has used 75% of its time to acknowledge.</summary>
    SlaAcknowledgeWarning,

    /// <summary>An incident was not acknowledged within its target.</summary>
    SlaAcknowledgeBreach,

    /// <summary>An incident has used 75% of its time to resolve.</summary>
    SlaResolveWarning,

    /// <summary>An incident was not resolved within its target.</summary>
    SlaResolveBreach,

    /// <summary>An approved change's window opens soon: the release reminder.</summary>
    ReleaseWindow,
}

/// <summary>
/// Something due at a moment: created with the record that causes it, moved when that record changes,
/// removed when it no longer applies, and claimed once by the job that handles its kind (a conditional
/// update of <see cref="HandledAt"/>), so a restart or a second instance never handles it twice.
/// </summary>
public sealed class Reminder
{
    public const int DetailMaxLength = 200;
    public const int OutcomeMaxLength = 200;

    public long Id { get; set; }

    public int TenantId { get; set; }

    public ReminderKind Kind { get; set; }

    /// <summary>The row id of the record it belongs to: an incident's for the SLA kinds, a change's for a release reminder.</summary>
    public int RecordId { get; set; }

    public DateTimeOffset DueAt { get; set; }

    /// <summary>What the reminder was planned from, to say in it and to notice when that changes (an SLA target: service and seconds).</summary>
    public string? Detail { get; set; }

    /// <summary>When a job handled it: sent, or dropped as no longer making sense. Null while it waits.</summary>
    public DateTimeOffset? HandledAt { get; set; }

    /// <summary>What the handling was: <c>sent</c>, or <c>dropped: why</c>.</summary>
    public string? Outcome { get; set; }
}

/// <summary>How a job takes a due reminder: at most one round, on one instance, ever does.</summary>
public static class ReminderClaims
{
    /// <summary>
    /// Marks the reminder handled with <paramref name="outcome"/> where it still waits and is still due
    /// when it was read; true when this call did it. In the caller's transaction, if any: the claim
    /// commits with what the reminder posts, or neither does.
    /// </summary>
    public static async Task<bool> ClaimAsync(this BakeryDbContext db, Reminder reminder, DateTimeOffset now, string outcome, CancellationToken ct) =>
        await db.Reminders
            .Where(r => r.Id == reminder.Id && r.HandledAt == null && r.DueAt == reminder.DueAt)
            .ExecuteUpdateAsync(s => s.SetProperty(r => r.HandledAt, now).SetProperty(r => r.Outcome, outcome), ct) == 1;
}

internal sealed class ReminderMapping : IEntityTypeConfiguration<Reminder>
{
    public void Configure(EntityTypeBuilder<Reminder> b)
    {
        b.Property(r => r.Kind).HasConversion<string>().HasMaxLength(40);
        b.Property(r => r.Detail).HasMaxLength(Reminder.DetailMaxLength);
        b.Property(r => r.Outcome).HasMaxLength(Reminder.OutcomeMaxLength);
        // One reminder of a kind per record; the due ones in order.
        b.HasIndex(r => new { r.RecordId, r.Kind }).IsUnique();
        b.HasIndex(r => new { r.HandledAt, r.DueAt });
        b.HasIndex(r => r.TenantId);
    }
}
