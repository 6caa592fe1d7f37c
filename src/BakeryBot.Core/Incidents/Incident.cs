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

/// <summary>How an incident came to be known: the seed's "did the smoke alarm trigger? why not?".</summary>
public enum Detection
{
    /// <summary>Someone on the team noticed.</summary>
    Person,

    /// <summary>A monitoring alert (Alertmanager).</summary>
    Alert,

    /// <summary>A synthetic check of the bot's own.</summary>
    Synthetic,

    /// <summary>A customer told us.</summary>
    Customer,
}

/// <summary>The roles people hold in an incident's response.</summary>
public enum IncidentRole
{
    Commander,
    Scribe,
    Communications,
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

    public Detection DetectedBy { get; set; }

    public DateTimeOffset DeclaredAt { get; set; }

    public int DeclaredById { get; set; }

    public DateTimeOffset? AcknowledgedAt { get; set; }

    public int? AcknowledgedById { get; set; }

    public DateTimeOffset? MitigatedAt { get; set; }

    public int? MitigatedById { get; set; }

    public DateTimeOffset? ResolvedAt { get; set; }

    public int? ResolvedById { get; set; }

    public DateTimeOffset? ClosedAt { get; set; }

    public int? ClosedById { get; set; }

    public int? CommanderId { get; set; }

    public int? ScribeId { get; set; }

    public int? CommunicationsId { get; set; }

    /// <summary>The problem this incident is a symptom of, once linked.</summary>
    public int? ProblemId { get; set; }

    /// <summary>The alert that opened it (Alertmanager fingerprint): repeats add to this incident.</summary>
    public string? AlertFingerprint { get; set; }

    /// <summary>Where it was declared.</summary>
    public required string Platform { get; set; }

    public required string ChannelId { get; set; }

    /// <summary>The incident's own channel, when one was opened for it.</summary>
    public string? IncidentChannelId { get; set; }

    public int Version { get; set; }

    /// <summary>The change whose release caused it, once someone says so ("Caused by this change").</summary>
    public int? CausedByChangeId { get; set; }

    public List<IncidentCi> Cis { get; set; } = [];

    public List<IncidentEvent> Timeline { get; set; } = [];

    public RecordId RecordId => new(RecordId.Incident, Number);

    public bool IsOpen => State is IncidentState.Declared or IncidentState.Acknowledged or IncidentState.Mitigated;

    /// <summary><see cref="IsOpen"/> as a query the database can run.</summary>
    public static readonly System.Linq.Expressions.Expression<Func<Incident, bool>> Open =
        i => i.State == IncidentState.Declared || i.State == IncidentState.Acknowledged || i.State == IncidentState.Mitigated;

    string IAudited.AuditType => "incident";

    string IAudited.AuditKey => RecordId.ToString();

    /// <summary>
    /// When a person first responded: acknowledged, or a later step that implied it. A mitigation by
    /// the alert that opened the incident (it stopped firing) is nobody's response.
    /// </summary>
    public DateTimeOffset? RespondedAt => FirstResponse(AcknowledgedAt, MitigatedAt, MitigatedById, ResolvedAt, DeclaredById, DetectedBy);

    /// <summary>Mitigated by the monitoring that declared it, not by a person.</summary>
    public bool MitigatedAutomatically => IsAutomatic(MitigatedById, DeclaredById, DetectedBy);

    /// <summary>
    /// <see cref="RespondedAt"/> from the stored times, for queries that read those columns rather than
    /// whole incidents (EF cannot translate the property).
    /// </summary>
    public static DateTimeOffset? FirstResponse(DateTimeOffset? acknowledgedAt, DateTimeOffset? mitigatedAt, int? mitigatedById, DateTimeOffset? resolvedAt, int declaredById, Detection detectedBy) =>
        acknowledgedAt ?? (IsAutomatic(mitigatedById, declaredById, detectedBy) ? null : mitigatedAt) ?? resolvedAt;

    private static bool IsAutomatic(int? mitigatedById, int declaredById, Detection detectedBy) =>
        mitigatedById is { } by && by == declaredById && detectedBy is Detection.Alert or Detection.Synthetic;

    /// <summary>Acknowledges; false when it already was (a second click changes nothing).</summary>
    public bool Acknowledge(int personId, DateTimeOffset now)
    {
        switch (State)
        {
            case IncidentState.Declared:
                State = IncidentState.Acknowledged;
                AcknowledgedAt = now;
                AcknowledgedById = personId;
                CommanderId ??= personId;
                AddEvent(now, personId, "acknowledged", "Acknowledged");
                return true;
            case IncidentState.Acknowledged or IncidentState.Mitigated:
                return false;
            default:
                throw new UserException($"{RecordId} is {StateWord}; there is nothing to acknowledge.");
        }
    }

    /// <summary>Marks the impact as stopped (the fix may come later); false when it already was.</summary>
    public bool Mitigate(int personId, DateTimeOffset now, string? note)
    {
        switch (State)
        {
            case IncidentState.Declared or IncidentState.Acknowledged:
                State = IncidentState.Mitigated;
                MitigatedAt = now;
                MitigatedById = personId;
                if (!MitigatedAutomatically)
                {
                    CommanderId ??= personId;
                }

                AddEvent(now, personId, "mitigated", string.IsNullOrWhiteSpace(note) ? "Mitigated" : $"Mitigated: {note}");
                return true;
            case IncidentState.Mitigated:
                return false;
            default:
                throw new UserException($"{RecordId} is {StateWord} already.");
        }
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

    /// <summary>Closes a resolved incident (the follow-ups are done); false when it already was.</summary>
    public bool Close(int personId, DateTimeOffset now)
    {
        switch (State)
        {
            case IncidentState.Resolved:
                State = IncidentState.Closed;
                ClosedAt = now;
                ClosedById = personId;
                AddEvent(now, personId, "closed", "Closed");
                return true;
            case IncidentState.Closed:
                return false;
            default:
                throw new UserException($"{RecordId} is {StateWord}: resolve it before closing it (`/incident resolve {RecordId}`).");
        }
    }

    /// <summary>Changes the severity; false when it already had it.</summary>
    public bool ChangeSeverity(int personId, DateTimeOffset now, int severity)
    {
        if (State == IncidentState.Closed)
        {
            throw new UserException($"{RecordId} is closed; its severity stays as it was.");
        }

        if (severity == Severity)
        {
            return false;
        }

        AddEvent(now, personId, "severity", $"Severity changed from SEV{Severity} to SEV{severity}");
        Severity = severity;
        return true;
    }

    /// <summary>Gives a response role to a person; false when they already held it.</summary>
    public bool Assign(int actorId, DateTimeOffset now, IncidentRole role, int personId, string personName)
    {
        if (State == IncidentState.Closed)
        {
            throw new UserException($"{RecordId} is closed; its roles stay as they were.");
        }

        var current = role switch
        {
            IncidentRole.Commander => CommanderId,
            IncidentRole.Scribe => ScribeId,
            _ => CommunicationsId,
        };
        if (current == personId)
        {
            return false;
        }

        switch (role)
        {
            case IncidentRole.Commander:
                CommanderId = personId;
                break;
            case IncidentRole.Scribe:
                ScribeId = personId;
                break;
            default:
                CommunicationsId = personId;
                break;
        }

        AddEvent(now, actorId, "assigned", $"{personName} is {RoleWord(role)}");
        return true;
    }

    public string StateWord => State.ToString().ToLowerInvariant();

    public static string RoleWord(IncidentRole role) => role switch
    {
        IncidentRole.Commander => "incident commander",
        IncidentRole.Scribe => "scribe",
        _ => "communications lead",
    };

    public void AddEvent(DateTimeOffset at, int? personId, string kind, string text) =>
        Timeline.Add(new IncidentEvent { At = at, PersonId = personId, Kind = kind, Text = text.Length <= 4000 ? text : text[..3999] + "…" });
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
