namespace BakeryBot.Core.Data;

/// <summary>An entity whose every change is written to the audit trail by <see cref="BakeryDbContext"/>.</summary>
public interface IAudited
{
    int TenantId { get; }

    /// <summary>The kind of record (<c>incident</c>, <c>ci</c>).</summary>
    string AuditType { get; }

    /// <summary>How people name the record (<c>INC-42</c>, <c>oven-2</c>).</summary>
    string AuditKey { get; }
}

/// <summary>
/// A property whose changes alone are not a change of the record (a scanner's latest sighting): they
/// are stored but not written to the audit trail; with other changes they are listed among them.
/// </summary>
[AttributeUsage(AttributeTargets.Property)]
public sealed class AuditIgnoredAttribute : Attribute;

/// <summary>An entity guarded by optimistic concurrency: two writers never both win.</summary>
public interface IVersioned
{
    int Version { get; set; }
}

/// <summary>Who is changing records in this unit of work, for the audit trail.</summary>
public sealed record AuditActor(int? PersonId, string? Platform);
