using System.Globalization;
using BakeryBot.Core.Chat;
using BakeryBot.Core.Cmdb;
using BakeryBot.Core.Data;
using BakeryBot.Core.Problems;
using Microsoft.EntityFrameworkCore;

namespace BakeryBot.Core.Incidents;

/// <summary>Gathers what <see cref="IncidentPostmortem.Draft"/> needs from the database, so the drafting itself stays pure.</summary>
public sealed class IncidentPostmortemService(BakeryDbContext db, CmdbService cmdb, TimeProvider clock)
{
    /// <summary>The draft of an incident for a reader in <paramref name="zone"/>, as one Markdown text.</summary>
    public async Task<string> DraftAsync(int tenantId, RecordId id, TimeZoneInfo zone, CultureInfo culture, CancellationToken ct) =>
        IncidentPostmortem.Draft(await InputAsync(tenantId, id, zone, culture, ct));

    public async Task<PostmortemInput> InputAsync(int tenantId, RecordId id, TimeZoneInfo zone, CultureInfo culture, CancellationToken ct)
    {
        var incident = await db.Incidents.AsNoTracking()
                           .Include(i => i.Cis).ThenInclude(c => c.Ci)
                           .Include(i => i.Timeline)
                           .AsSplitQuery()
                           .FirstOrDefaultAsync(i => i.TenantId == tenantId && i.Number == id.Number, ct)
                       ?? throw new UserException($"There is no {id}. `/incident list all` shows the latest ones.");

        // Everyone the draft names, in one query: the declarer, the roles and the timeline's people.
        int?[] roles = [incident.DeclaredById, incident.CommanderId, incident.ScribeId, incident.CommunicationsId];
        var ids = roles.Concat(incident.Timeline.Select(e => e.PersonId)).OfType<int>().Distinct().ToList();
        var names = await db.People.AsNoTracking().Where(p => ids.Contains(p.Id)).ToDictionaryAsync(p => p.Id, p => p.DisplayName, ct);
        var problem = incident.ProblemId is { } problemId
            ? await db.Set<Problem>().AsNoTracking().FirstOrDefaultAsync(p => p.Id == problemId, ct)
            : null;
        return new PostmortemInput(
            incident,
            names,
            incident.Cis.Where(c => c.Ci is not null).Select(c => c.Ci!.Name).Order(StringComparer.Ordinal).ToList(),
            await cmdb.ImpactedServicesAsync(tenantId, incident.Cis.Select(c => c.CiId).ToList(), ct),
            problem is null ? null : PostmortemProblem.From(problem),
            [], // Changes arrive with the change module; until then there is nothing to link.
            zone,
            culture,
            clock.GetUtcNow());
    }
}
