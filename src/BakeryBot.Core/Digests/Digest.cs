using BakeryBot.Core.Cmdb;

namespace BakeryBot.Core.Digests;

/// <summary>
/// The figures of one week's digest for [<see cref="From"/>, <see cref="To"/>), with the week before
/// ([<see cref="PreviousFrom"/>, <see cref="From"/>)) for the changes. Null means "no data", never zero.
/// </summary>
public sealed record Digest(
    DateTimeOffset From,
    DateTimeOffset To,
    DateTimeOffset PreviousFrom,
    DateTimeOffset Now,
    DigestIncidents Incidents,
    DigestIncidents Previous,
    IReadOnlyList<DigestWeek> Weeks,
    DigestSla Sla,
    DigestChanges Changes,
    DigestDrills Drills,
    IReadOnlyDictionary<string, TimeSpan> TimeLogged,
    IReadOnlyList<DigestCi> TopCis,
    IReadOnlyList<string> StaleAssets,
    RiskReport Risks);

/// <summary>
/// Incidents declared in a week: how many of each severity (SEV1..SEV4, zeros included), the mean time to
/// first response and to resolution (as <c>/incident stats</c> defines them), and how they were detected:
/// by monitoring (alerts and synthetic checks) or by people (the team and customers).
/// </summary>
public sealed record DigestIncidents(int Count, IReadOnlyDictionary<int, int> BySeverity, int Responded, TimeSpan? Mtta, int Resolved, TimeSpan? Mttr, int ByMonitoring, int ByPeople);

/// <summary>One of the weeks of the sparklines, oldest first; the last is the digest's own.</summary>
public sealed record DigestWeek(DateTimeOffset From, int Incidents, TimeSpan? Mttr);

/// <summary>A CI with a commitment: its uptime over the week and whether the commitment holds.</summary>
public sealed record DigestUptime(string Ci, decimal Percent, double Commitment, bool Met);

/// <summary>The SLA targets missed by incidents declared in the week (per CI and target), and uptime against each commitment.</summary>
public sealed record DigestSla(int Breaches, IReadOnlyList<string> BreachedCis, IReadOnlyList<DigestUptime> Uptimes);

/// <summary>Releases completed in the week (<c>CHG-7 title</c>, failed ones marked), deployments per week and the change failure rate.</summary>
public sealed record DigestChanges(IReadOnlyList<string> Released, int Count, double PerWeek, int Failures, double? FailureRate);

/// <summary>Drill runs finished in the week, by result, and the drills overdue now.</summary>
public sealed record DigestDrills(int Passed, int Failed, IReadOnlyList<string> Overdue);

/// <summary>A CI and the number of the week's incidents that named it.</summary>
public sealed record DigestCi(string Name, int Incidents);
