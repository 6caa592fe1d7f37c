using BakeryBot.Core.Data;

namespace BakeryBot.Core.Cmdb;

/// <summary>The CI types of the CMDB.</summary>
public enum CiType
{
    Facility,
    Service,
    Asset,
    Component,
    Software,
    Cloud,
    Team,
    Person,
}

/// <summary>A configuration item: a bakery, a service, an oven, a piece of software, a team.</summary>
public sealed class ConfigurationItem : IAudited, IVersioned
{
    public int Id { get; set; }

    public int TenantId { get; set; }

    public CiType Type { get; set; }

    /// <summary>The name as written (<c>oven-2</c>).</summary>
    public required string Name { get; set; }

    /// <summary>The name folded to lower case: unique per tenant.</summary>
    public required string Key { get; set; }

    /// <summary>Service tier (1 = most critical), for services.</summary>
    public int? Tier { get; set; }

    public string? Health { get; set; }

    public int? OwnerId { get; set; }

    /// <summary>What it is mainly used for.</summary>
    public string? PrimaryUses { get; set; }

    /// <summary>What could go wrong with it.</summary>
    public string? KeyRisks { get; set; }

    /// <summary>The availability promised for it, in percent (99.95).</summary>
    public double? UptimeCommitment { get; set; }

    /// <summary>Run or supplied by another company.</summary>
    public bool ThirdParty { get; set; }

    public string? Vendor { get; set; }

    /// <summary>The serial number of a physical asset: with the type and name, how imports and discovery recognise it.</summary>
    public string? Serial { get; set; }

    /// <summary>When a discovery scanner last reported it; null for CIs no scanner reports.</summary>
    [AuditIgnored]
    public DateTimeOffset? LastSeenAt { get; set; }

    /// <summary>The scanner that last reported it.</summary>
    [AuditIgnored]
    public string? DiscoveredBy { get; set; }

    /// <summary>The discovery webhook that last reported it: where the stale-assets job flags it once it goes stale.</summary>
    [AuditIgnored]
    public int? DiscoveredByHookId { get; set; }

    /// <summary>
    /// The sighting (<see cref="LastSeenAt"/>) after which its staleness was flagged: the stale-assets
    /// job claims an asset by setting it, so each staleness is flagged once, and an asset seen again
    /// and stale again is flagged again.
    /// </summary>
    [AuditIgnored]
    public DateTimeOffset? StaleFlaggedFor { get; set; }

    /// <summary>
    /// The service-credit rule of a third party's commitment, as thresholds and the share of the
    /// monthly fee credited below each (<c>99.9:10,99:25</c>): see <c>ServiceCreditRule</c>.
    /// </summary>
    public string? ServiceCredits { get; set; }

    /// <summary>What is paid for it each month, for service credits.</summary>
    public decimal? MonthlyFee { get; set; }

    /// <summary>The currency of <see cref="MonthlyFee"/> (EUR, USD...).</summary>
    public string? Currency { get; set; }

    /// <summary>The people who know it (its subject-matter experts).</summary>
    public List<CiExpert> Experts { get; set; } = [];

    /// <summary>Free attributes (serial, version, vendor, uptime...).</summary>
    public Dictionary<string, string> Attributes { get; set; } = [];

    public DateTimeOffset CreatedAt { get; set; }

    public DateTimeOffset UpdatedAt { get; set; }

    public int Version { get; set; }

    string IAudited.AuditType => "ci";

    string IAudited.AuditKey => Name;

    public static string KeyOf(string name) => name.Trim().ToLowerInvariant();
}

/// <summary>The relations between CIs (written in commands as depends-on, runs-on, part-of, located-in, owned-by, supplied-by).</summary>
public enum CiRelation
{
    DependsOn,
    RunsOn,
    PartOf,
    LocatedIn,
    OwnedBy,
    SuppliedBy,
}

/// <summary>A subject-matter expert of a CI; adding one is written to the CI's history.</summary>
public sealed class CiExpert : IAudited
{
    public int CiId { get; set; }

    public int PersonId { get; set; }

    /// <summary>The CI's tenant, for the audit row (set when the expert is added).</summary>
    [System.ComponentModel.DataAnnotations.Schema.NotMapped]
    public int TenantId { get; set; }

    /// <summary>The CI's name, for the audit row (set when the expert is added).</summary>
    [System.ComponentModel.DataAnnotations.Schema.NotMapped]
    public string CiName { get; set; } = "";

    string IAudited.AuditType => "ci";

    string IAudited.AuditKey => CiName;
}

/// <summary>A typed edge: <c>Source</c> depends-on / runs-on / ... <c>Target</c>.</summary>
public sealed class CiRelationship : IAudited
{
    public int Id { get; set; }

    public int TenantId { get; set; }

    public int SourceId { get; set; }

    public ConfigurationItem? Source { get; set; }

    public CiRelation Relation { get; set; }

    public int TargetId { get; set; }

    public ConfigurationItem? Target { get; set; }

    /// <summary>
    /// Relationships of one source sharing a group name are redundant alternatives (two ovens, two
    /// regions): the source is down only when all of them are.
    /// </summary>
    public string? RedundancyGroup { get; set; }

    public DateTimeOffset CreatedAt { get; set; }

    string IAudited.AuditType => "ci-relationship";

    string IAudited.AuditKey => $"{SourceId}-{Relation}-{TargetId}";
}
