using BakeryBot.Core.Chat;
using BakeryBot.Core.Cmdb;
using BakeryBot.Core.Data;

namespace BakeryBot.Core.Changes;

/// <summary>How a change is approved.</summary>
public enum ChangeType
{
    /// <summary>Pre-approved by policy: approved when requested (outside freezes).</summary>
    Standard,

    /// <summary>Decided by the CAB's votes before it may be released.</summary>
    Normal,

    /// <summary>May be released at once; the CAB reviews it after, with one approval more than usual.</summary>
    Emergency,
}

public enum ChangeRisk
{
    Low,
    Medium,
    High,
}

/// <summary>Where a change is in its life.</summary>
public enum ChangeState
{
    /// <summary>Waiting for the CAB's decision.</summary>
    Pending,

    Approved,

    /// <summary>A CAB member vetoed it; <see cref="Change.DecisionReason"/> says why.</summary>
    Rejected,

    /// <summary>Still undecided at its approval deadline.</summary>
    Expired,

    /// <summary>Withdrawn by its requester before release.</summary>
    Cancelled,

    /// <summary>Its release has started.</summary>
    InRelease,

    /// <summary>Released: <see cref="Change.Outcome"/> says how it went.</summary>
    Completed,
}

/// <summary>What the CAB decided (for an emergency, possibly after its release).</summary>
public enum ChangeDecision
{
    Approved,
    Rejected,
    Expired,
}

/// <summary>How a release ended.</summary>
public enum ReleaseOutcome
{
    Succeeded,
    RolledBack,
    Failed,
}

/// <summary>
/// A change request: "when can we change the faulty thermostat, and who will do it?", with its window,
/// risk, rollback steps, the CAB's votes and, once released, its outcome.
/// </summary>
public sealed class Change : IAudited, IVersioned
{
    public int Id { get; set; }

    public int TenantId { get; set; }

    /// <summary>The per-tenant number: CHG-<c>Number</c>.</summary>
    public int Number { get; set; }

    public required string Title { get; set; }

    public ChangeType Type { get; set; }

    public ChangeRisk Risk { get; set; }

    public ChangeState State { get; set; }

    public DateTimeOffset WindowStart { get; set; }

    public DateTimeOffset WindowEnd { get; set; }

    /// <summary>How to undo it; a change without rollback steps cannot be approved.</summary>
    public string? Rollback { get; set; }

    /// <summary>It changes a database schema: it must name its <see cref="RollbackMigration"/>.</summary>
    public bool SchemaChange { get; set; }

    public string? RollbackMigration { get; set; }

    public DateTimeOffset RequestedAt { get; set; }

    public int RequestedById { get; set; }

    /// <summary>Undecided at this time, it expires (rejected as expired).</summary>
    public DateTimeOffset ApprovalDeadline { get; set; }

    /// <summary>Requested inside a freeze window (emergencies only): one approval more is needed.</summary>
    public bool InFreeze { get; set; }

    /// <summary>The CAB's decision; null while it is undecided.</summary>
    public ChangeDecision? Decision { get; set; }

    public DateTimeOffset? DecidedAt { get; set; }

    public string? DecisionReason { get; set; }

    public DateTimeOffset? ReleaseStartedAt { get; set; }

    public int? ReleaseStartedById { get; set; }

    public DateTimeOffset? ReleasedAt { get; set; }

    public int? ReleasedById { get; set; }

    public ReleaseOutcome? Outcome { get; set; }

    /// <summary>An incident was linked to it as caused by it: a change failure.</summary>
    public bool CausedFailure { get; set; }

    public required string Platform { get; set; }

    public required string ChannelId { get; set; }

    public int Version { get; set; }

    public List<ChangeCi> Cis { get; set; } = [];

    public List<ChangeVote> Votes { get; set; } = [];

    public RecordId RecordId => new(RecordId.Change, Number);

    public bool IsOpen => State is ChangeState.Pending or ChangeState.Approved or ChangeState.InRelease;

    string IAudited.AuditType => "change";

    string IAudited.AuditKey => RecordId.ToString();
}

/// <summary>A CI a change touches.</summary>
public sealed class ChangeCi
{
    public int ChangeId { get; set; }

    public int CiId { get; set; }

    public ConfigurationItem? Ci { get; set; }
}

/// <summary>A CAB member's vote.</summary>
public enum VoteKind
{
    Approve,
    Reject,

    /// <summary>Counts toward neither side.</summary>
    Abstain,
}

/// <summary>One CAB member's vote on a change: once per member.</summary>
public sealed class ChangeVote : IAudited
{
    public int Id { get; set; }

    public int TenantId { get; set; }

    public int ChangeId { get; set; }

    public int PersonId { get; set; }

    public VoteKind Kind { get; set; }

    public string? Reason { get; set; }

    public DateTimeOffset At { get; set; }

    public string? Platform { get; set; }

    string IAudited.AuditType => "change-vote";

    string IAudited.AuditKey => $"change:{ChangeId}/person:{PersonId}";
}

/// <summary>A time in which only emergency changes may be approved or scheduled: the Christmas rush.</summary>
public sealed class FreezeWindow : IAudited
{
    public int Id { get; set; }

    public int TenantId { get; set; }

    public DateTimeOffset From { get; set; }

    public DateTimeOffset To { get; set; }

    public required string Reason { get; set; }

    public int CreatedById { get; set; }

    public DateTimeOffset CreatedAt { get; set; }

    public bool Overlaps(DateTimeOffset start, DateTimeOffset end) => start < To && From < end;

    string IAudited.AuditType => "freeze";

    string IAudited.AuditKey => $"freeze:{Id}";
}

/// <summary>A tenant's Change Advisory Board: where requests are posted, and its policy per risk.</summary>
public sealed class CabSettings : IAudited
{
    public int Id { get; set; }

    public int TenantId { get; set; }

    public string? Platform { get; set; }

    public string? ChannelId { get; set; }

    public int QuorumLow { get; set; } = 1;

    public int QuorumMedium { get; set; } = 2;

    public int QuorumHigh { get; set; } = 2;

    /// <summary>How long before its window opens a change must be decided (by default, the window's start).</summary>
    public long DecideBeforeSeconds { get; set; }

    public int Quorum(ChangeRisk risk) => risk switch
    {
        ChangeRisk.Low => QuorumLow,
        ChangeRisk.Medium => QuorumMedium,
        _ => QuorumHigh,
    };

    string IAudited.AuditType => "cab";

    string IAudited.AuditKey => $"tenant:{TenantId}";
}

/// <summary>A person's private calendar feed link: the token is shown once and stored hashed; revoking it stops the feed.</summary>
public sealed class CalendarToken : IAudited
{
    public int Id { get; set; }

    public int TenantId { get; set; }

    public int PersonId { get; set; }

    /// <summary>SHA-256 of the token, hex.</summary>
    public required string TokenHash { get; set; }

    public DateTimeOffset CreatedAt { get; set; }

    public DateTimeOffset? RevokedAt { get; set; }

    public DateTimeOffset? LastUsedAt { get; set; }

    string IAudited.AuditType => "calendar-token";

    string IAudited.AuditKey => $"person:{PersonId}/{Id}";
}
