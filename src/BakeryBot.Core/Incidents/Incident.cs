using BakeryBot.Core.Chat;
using BakeryBot.Core.Cmdb;
using BakeryBot.Core.Data;

namespace BakeryBot.Core.Incidents;

/// <summary>Where an incident is in its life.</summary>
public enum IncidentState
{
    Declared,
    Acknowledged,
    Mitigated,
    Resolved,
    Closed,
}

/// <summary>An unplanned interruption or degradation: a burnt cookie.</summary>
public sealed class Incident : IAudited, IVersioned
{
    public int Id { get; set; }

    public int TenantId { get; set; }

    /// <summary>The per-tenant number: INC-<c>Number</c>.</summary>
    public int Number { get; set; }

    public required string Title { get; set; }

    public int Severity { get; set; } = Chat.Severity.Default;

    public IncidentState State { get; set; }

    public DateTimeOffset DeclaredAt { get; set; }

    public int DeclaredById { get; set; }

    public DateTimeOffset? AcknowledgedAt { get; set; }

    public int? AcknowledgedById { get; set; }

    public DateTimeOffset? MitigatedAt { get; set; }

    public DateTimeOffset? ResolvedAt { get; set; }

    public int? ResolvedById { get; set; }

    public DateTimeOffset? ClosedAt { get; set; }

    public int? CommanderId { get; set; }

    /// <summary>Where it was declared.</summary>
    public required string Platform { get; set; }

    public required string ChannelId { get; set; }

    public int Version { get; set; }

    public List<IncidentCi> Cis { get; set; } = [];

    public List<IncidentEvent> Timeline { get; set; } = [];

    public RecordId RecordId => new(RecordId.Incident, Number);

    public bool IsOpen => State is IncidentState.Declared or IncidentState.Acknowledged or IncidentState.Mitigated;

    string IAudited.AuditType => "incident";

    string IAudited.AuditKey => RecordId.ToString();

    /// <summary>Acknowledges; false when it already was (a second click changes nothing).</summary>
    public bool Acknowledge(int personId, DateTimeOffset now)
    {
        if (State != IncidentState.Declared)
        {
            if (AcknowledgedAt is not null || State is IncidentState.Mitigated)
            {
                return false;
            }

            throw new UserException($"{RecordId} is {State.ToString().ToLowerInvariant()}; there is nothing to acknowledge.");
        }

        State = IncidentState.Acknowledged;
        AcknowledgedAt = now;
        AcknowledgedById = personId;
        CommanderId ??= personId;
        AddEvent(now, personId, "acknowledged", "Acknowledged");
        return true;
    }

    /// <summary>Resolves; false when it already was.</summary>
    public bool Resolve(int personId, DateTimeOffset now, string? note)
    {
        if (State is IncidentState.Resolved or IncidentState.Closed)
        {
            return false;
        }

        // Resolving implies the earlier steps; their times stay empty if they were skipped.
        State = IncidentState.Resolved;
        ResolvedAt = now;
        ResolvedById = personId;
        AddEvent(now, personId, "resolved", string.IsNullOrWhiteSpace(note) ? "Resolved" : $"Resolved: {note}");
        return true;
    }

    public void AddEvent(DateTimeOffset at, int? personId, string kind, string text) =>
        Timeline.Add(new IncidentEvent { At = at, PersonId = personId, Kind = kind, Text = text });
}

/// <summary>A CI the incident affects.</summary>
public sealed class IncidentCi : IAudited
{
    public int TenantId { get; set; }

    public int IncidentId { get; set; }

    public int CiId { get; set; }

    public ConfigurationItem? Ci { get; set; }

    string IAudited.AuditType => "incident-ci";

    string IAudited.AuditKey => $"incident-{IncidentId}/ci-{CiId}";
}

/// <summary>One line of an incident's timeline.</summary>
public sealed class IncidentEvent
{
    public long Id { get; set; }

    public int IncidentId { get; set; }

    public DateTimeOffset At { get; set; }

    public int? PersonId { get; set; }

    public required string Kind { get; set; }

    public required string Text { get; set; }
}
