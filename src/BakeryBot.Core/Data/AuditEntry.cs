namespace BakeryBot.Core.Data;

/// <summary>One change to one record: who, when, from which platform, what changed.</summary>
public sealed class AuditEntry
{
    public long Id { get; set; }

    public int TenantId { get; set; }

    public DateTimeOffset At { get; set; }

    public int? ActorId { get; set; }

    public string? Platform { get; set; }

    public required string RecordType { get; set; }

    public required string RecordKey { get; set; }

    /// <summary><c>created</c>, <c>updated</c> or <c>deleted</c>.</summary>
    public required string Action { get; set; }

    /// <summary>JSON object: property name to <c>[old, new]</c>.</summary>
    public required string Changes { get; set; }
}
