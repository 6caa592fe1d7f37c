using BakeryBot.Core.Data;

namespace BakeryBot.Core.People;

/// <summary>A role a person holds in a tenant.</summary>
public sealed class RoleAssignment : IAudited
{
    public int Id { get; set; }

    public int TenantId { get; set; }

    public int PersonId { get; set; }

    public required string Role { get; set; }

    public DateTimeOffset GrantedAt { get; set; }

    public int? GrantedById { get; set; }

    string IAudited.AuditType => "role";

    string IAudited.AuditKey => $"person:{PersonId}/{Role}";
}

/// <summary>The roles of product.md §6. Everyone can declare, acknowledge, update, track time and read.</summary>
public static class Roles
{
    public const string Cab = "cab";
    public const string Manager = "manager";
    public const string Admin = "admin";

    public static readonly IReadOnlyList<string> All = [Cab, Manager, Admin];
}
