using BakeryBot.Core.Chat;
using BakeryBot.Core.Data;

namespace BakeryBot.Core.Drills;

/// <summary>What a continuity drill rehearses: what is lost, and must be recovered from.</summary>
public enum DrillScenario
{
    /// <summary>A site (a bakery, an office, a data centre) can't be used.</summary>
    SiteDown,

    /// <summary>A supplier stops delivering.</summary>
    SupplierDown,

    /// <summary>A third-party service (payments, a SaaS) is unavailable.</summary>
    ThirdPartyDown,

    /// <summary>An availability zone of a cloud is lost.</summary>
    ZoneDown,

    /// <summary>A whole cloud region is lost.</summary>
    RegionDown,

    /// <summary>Someone the service depends on leaves (or can't be reached) at once.</summary>
    KeyPersonLeaves,

    Custom,
}

/// <summary>Whether a drill is still practised.</summary>
public enum DrillState
{
    Active,

    /// <summary>No longer practised: not reminded, not due, kept with its history.</summary>
    Retired,
}

/// <summary>How a run of a drill went, as its owner judged it.</summary>
public enum DrillResult
{
    Pass,
    Fail,
}

/// <summary>
/// A continuity drill: "what if Bakery #2 can't open?", practised on a schedule against its recovery
/// time objective (RTO: how long the recovery may take) and recovery point objective (RPO: how much
/// recent data may be lost). Its next due date is kept in <see cref="NextDueAt"/> (see
/// <see cref="DrillSchedule"/> for how it is computed).
/// </summary>
public sealed class ContinuityDrill : IAudited, IVersioned
{
    public int Id { get; set; }

    public int TenantId { get; set; }

    /// <summary>The per-tenant number: DRL-<c>Number</c>.</summary>
    public int Number { get; set; }

    public required string Title { get; set; }

    public DrillScenario Scenario { get; set; }

    /// <summary>The schedule as <see cref="DrillSchedule.Parse"/> reads it back (<c>3 months</c>, <c>14 days</c>, <c>0 9 1 */3 *</c>).</summary>
    public required string Schedule { get; set; }

    public long RtoSeconds { get; set; }

    public long RpoSeconds { get; set; }

    /// <summary>Who answers for the drill: reminded of it, finishes its runs.</summary>
    public int OwnerId { get; set; }

    /// <summary>The CMDB item the scenario is about (a facility, a supplier, a cloud region), when named.</summary>
    public int? CiId { get; set; }

    public DrillState State { get; set; }

    /// <summary>When the drill is due next: what reminders, overdue flags and the calendar go by.</summary>
    public DateTimeOffset NextDueAt { get; set; }

    public DateTimeOffset CreatedAt { get; set; }

    public int CreatedById { get; set; }

    public DateTimeOffset? RetiredAt { get; set; }

    /// <summary>Where the drill was created: its card is there, and its reminders go there.</summary>
    public required string Platform { get; set; }

    public required string ChannelId { get; set; }

    public int Version { get; set; }

    public List<DrillRun> Runs { get; set; } = [];

    public RecordId RecordId => new(RecordId.Drill, Number);

    public TimeSpan Rto => TimeSpan.FromSeconds(RtoSeconds);

    public TimeSpan Rpo => TimeSpan.FromSeconds(RpoSeconds);

    /// <summary>The run under way, if any (there is at most one).</summary>
    public DrillRun? OpenRun => Runs.FirstOrDefault(r => r.FinishedAt is null);

    /// <summary>The latest finished run, if any.</summary>
    public DrillRun? LastFinishedRun => Runs.Where(r => r.FinishedAt is not null).MaxBy(r => r.Number);

    /// <summary>Past its due date with no run under way.</summary>
    public bool IsOverdue(DateTimeOffset now) => State == DrillState.Active && OpenRun is null && now >= NextDueAt;

    string IAudited.AuditType => "drill";

    string IAudited.AuditKey => RecordId.ToString();
}

/// <summary>One run of a drill: its own timeline, then its result against the drill's targets and its findings.</summary>
public sealed class DrillRun : IAudited
{
    public int Id { get; set; }

    public int TenantId { get; set; }

    public int DrillId { get; set; }

    /// <summary>The run's number within its drill: run 1, run 2...</summary>
    public int Number { get; set; }

    /// <summary>The due date the run answers: the drill's <see cref="ContinuityDrill.NextDueAt"/> when it started.</summary>
    public DateTimeOffset DueAt { get; set; }

    public DateTimeOffset StartedAt { get; set; }

    public int StartedById { get; set; }

    public DateTimeOffset? FinishedAt { get; set; }

    public int? FinishedById { get; set; }

    public DrillResult? Result { get; set; }

    public long? RtoAchievedSeconds { get; set; }

    public long? RpoAchievedSeconds { get; set; }

    /// <summary>Where the run's card is posted: the drill's own channel, wherever the run was started from.</summary>
    public required string Platform { get; set; }

    public required string ChannelId { get; set; }

    public List<DrillRunEvent> Timeline { get; set; } = [];

    public List<DrillFinding> Findings { get; set; } = [];

    public TimeSpan? RtoAchieved => RtoAchievedSeconds is { } s ? TimeSpan.FromSeconds(s) : null;

    public TimeSpan? RpoAchieved => RpoAchievedSeconds is { } s ? TimeSpan.FromSeconds(s) : null;

    string IAudited.AuditType => "drill-run";

    string IAudited.AuditKey => $"drill:{DrillId}/run:{Number}";
}

/// <summary>One line of a run's timeline: when it started, what people noted, how it finished.</summary>
public sealed class DrillRunEvent
{
    public long Id { get; set; }

    public int RunId { get; set; }

    public DateTimeOffset At { get; set; }

    public int? PersonId { get; set; }

    /// <summary><c>started</c>, <c>note</c> or <c>finished</c>.</summary>
    public required string Kind { get; set; }

    public required string Text { get; set; }
}

/// <summary>Something a run found that needs fixing; it can become a problem (PRB-n).</summary>
public sealed class DrillFinding : IAudited
{
    public int Id { get; set; }

    public int TenantId { get; set; }

    public int RunId { get; set; }

    public int DrillId { get; set; }

    /// <summary>The finding's number within its drill, across runs: finding 1, 2...</summary>
    public int Number { get; set; }

    public required string Text { get; set; }

    /// <summary>The problem made of it, once someone did.</summary>
    public int? ProblemId { get; set; }

    /// <summary>
    /// When someone began making its problem: two clicks at once make one problem. A claim older than
    /// <see cref="DrillService.StaleClaim"/> without a problem was left by a click that never finished, and is taken over.
    /// </summary>
    public DateTimeOffset? ProblemClaimedAt { get; set; }

    string IAudited.AuditType => "drill-finding";

    string IAudited.AuditKey => $"drill:{DrillId}/finding:{Number}";
}
