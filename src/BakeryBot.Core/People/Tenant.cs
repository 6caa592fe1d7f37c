namespace BakeryBot.Core.People;

/// <summary>A chat workspace or directory: everything else belongs to exactly one tenant.</summary>
public sealed class Tenant
{
    public int Id { get; set; }

    /// <summary>The adapter key of the platform the tenant lives on.</summary>
    public required string Platform { get; set; }

    /// <summary>The platform's id for the workspace or directory.</summary>
    public required string ExternalId { get; set; }

    public string? Name { get; set; }

    /// <summary>IANA time zone used for channel-wide texts (digests, cards seen by many).</summary>
    public string TimeZone { get; set; } = "UTC";

    public DateTimeOffset CreatedAt { get; set; }
}
