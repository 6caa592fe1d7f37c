using BakeryBot.Core.Data;

namespace BakeryBot.Core.People;

/// <summary>Someone who uses the bot (or is named by it) within one tenant.</summary>
public sealed class Person : IAudited
{
    public int Id { get; set; }

    public int TenantId { get; set; }

    public required string DisplayName { get; set; }

    /// <summary>IANA time zone; times are read and shown in it.</summary>
    public string TimeZone { get; set; } = "UTC";

    public DateTimeOffset CreatedAt { get; set; }

    public List<PersonIdentity> Identities { get; set; } = [];

    public List<RoleAssignment> Roles { get; set; } = [];

    string IAudited.AuditType => "person";

    string IAudited.AuditKey => $"person-{Id}";
}

/// <summary>A platform account of a person: the user id the platform sends.</summary>
public sealed class PersonIdentity
{
    public int Id { get; set; }

    public int TenantId { get; set; }

    public int PersonId { get; set; }

    public required string Platform { get; set; }

    public required string ExternalId { get; set; }
}
