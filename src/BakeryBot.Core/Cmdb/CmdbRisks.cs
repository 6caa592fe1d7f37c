using System.Globalization;
using BakeryBot.Core.Chat;
using BakeryBot.Core.Data;
using BakeryBot.Core.Sla;
using Microsoft.EntityFrameworkCore;

namespace BakeryBot.Core.Cmdb;

/// <summary>What <c>/cmdb risks</c> found.</summary>
public sealed record RiskReport(
    IReadOnlyList<string> NoExpert,
    IReadOnlyList<string> OneExpert,
    IReadOnlyList<string> EndingSoon,
    IReadOnlyList<string> PastEndOfLife,
    IReadOnlyList<string> ThirdPartiesOnTierOne);

/// <summary>
/// The CMDB's standing risks: key people (a CI known by one expert or none), warranties and contracts
/// ending within 60 days (attributes <c>warranty</c>, <c>contract-end</c>), assets past their
/// <c>end-of-life</c> date, and third parties on the chains of tier-1 services.
/// </summary>
public sealed class CmdbRisks(BakeryDbContext db, SlaService sla, TimeProvider clock)
{
    public static readonly TimeSpan Horizon = TimeSpan.FromDays(60);
    private static readonly string[] EndDates = ["warranty", "contract-end"];

    public async Task<RiskReport> FindAsync(int tenantId, CancellationToken ct)
    {
        var today = DateOnly.FromDateTime(clock.GetUtcNow().UtcDateTime);
        var horizon = today.AddDays((int)Horizon.TotalDays);
        // Only the kinds of CI people are expected to know; facilities and teams are not "known" by experts.
        CiType[] known = [CiType.Service, CiType.Asset, CiType.Software, CiType.Cloud, CiType.Component];
        var cis = await db.ConfigurationItems.AsNoTracking()
            .Where(c => c.TenantId == tenantId)
            .Select(c => new { c.Name, c.Type, c.Tier, Experts = c.Experts.Count, c.Attributes })
            .ToListAsync(ct);
        var noExpert = cis.Where(c => known.Contains(c.Type) && c.Experts == 0 && c.Tier is 1 or 2).Select(c => c.Name).Order(StringComparer.Ordinal).ToList();
        var oneExpert = cis.Where(c => known.Contains(c.Type) && c.Experts == 1).Select(c => c.Name).Order(StringComparer.Ordinal).ToList();
        var ending = new List<string>();
        var pastEndOfLife = new List<string>();
        foreach (var ci in cis)
        {
            foreach (var key in EndDates)
            {
                if (Date(ci.Attributes, key) is { } end && end >= today && end <= horizon)
                {
                    ending.Add($"{ci.Name}: {key} ends {end:yyyy-MM-dd}");
                }
            }

            if (Date(ci.Attributes, "end-of-life") is { } eol && eol < today)
            {
                pastEndOfLife.Add($"{ci.Name} (since {eol:yyyy-MM-dd})");
            }
        }

        var tierOne = cis.Where(c => c.Type == CiType.Service && c.Tier == 1).Select(c => c.Name).Order(StringComparer.Ordinal).ToList();
        var thirdParties = new List<string>();
        foreach (var service in tierOne)
        {
            var (_, chain) = await sla.ChainAsync(tenantId, service, ct);
            thirdParties.AddRange(chain.ThirdParties.Select(t => $"{service} → {t}"));
        }

        return new RiskReport(noExpert, oneExpert, ending.Order(StringComparer.Ordinal).ToList(), pastEndOfLife.Order(StringComparer.Ordinal).ToList(), thirdParties);
    }

    public static Card Card(RiskReport report)
    {
        static string List(IReadOnlyList<string> items) => items.Count == 0 ? "none" : string.Join(", ", items);
        var fields = new List<CardField>
        {
            new("Key-person risk: one expert", List(report.OneExpert)),
            new("No expert (tier 1 and 2)", List(report.NoExpert)),
            new($"Ending within {Horizon.TotalDays.ToString(CultureInfo.InvariantCulture)} days", List(report.EndingSoon)),
            new("Past end of life", List(report.PastEndOfLife)),
            new("Third parties on tier-1 chains", List(report.ThirdPartiesOnTierOne)),
        };
        var any = report.OneExpert.Count + report.NoExpert.Count + report.EndingSoon.Count + report.PastEndOfLife.Count + report.ThirdPartiesOnTierOne.Count > 0;
        return new Card("CMDB risks", any ? CardAccent.Warning : CardAccent.Success, [new FieldsSection(fields)], [],
            "Dates come from the attributes warranty, contract-end and end-of-life (yyyy-mm-dd).");
    }

    private static DateOnly? Date(Dictionary<string, string> attributes, string key) =>
        attributes.TryGetValue(key, out var text) && DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date)
            ? date
            : null;
}
