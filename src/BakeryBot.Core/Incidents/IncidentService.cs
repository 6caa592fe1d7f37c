using BakeryBot.Core.Chat;
using BakeryBot.Core.Cmdb;
using BakeryBot.Core.Data;
using BakeryBot.Core.Data.Outbox;
using BakeryBot.Core.People;
using Microsoft.EntityFrameworkCore;

namespace BakeryBot.Core.Incidents;

/// <summary>What declaring did, and what it assumed on the way.</summary>
public sealed record DeclareResult(Incident Incident, IReadOnlyList<string> Assumptions);

/// <summary>The incident lifecycle on the database: each change, its timeline line, audit and card updates commit together.</summary>
public sealed class IncidentService(BakeryDbContext db, CmdbService cmdb, CardPublisher publisher, TimeProvider clock)
{
    public const string RecordType = "incident";
    public const int MaxTitleLength = 300;

    /// <summary>
    /// Declares an incident and posts its card in the channel. Never fails for a detail: a missing
    /// severity or an unknown CI is assumed away and reported.
    /// </summary>
    public async Task<DeclareResult> DeclareAsync(Tenant tenant, Person actor, string platform, string channelId, string title, int? severity, IReadOnlyList<string> ciNames, CancellationToken ct, string? note = null)
    {
        title = title.Trim();
        if (title.Length == 0)
        {
            throw new UserException("Give the incident a title, as in `/incident burnt-cookie sev2 ci:oven-2`.");
        }

        if (title.Length > MaxTitleLength)
        {
            throw new UserException($"That title is {title.Length} characters; keep it under {MaxTitleLength} and put details in `/incident update`.");
        }

        var assumptions = new List<string>();
        if (severity is null)
        {
            assumptions.Add($"severity SEV{Severity.Default} (add `sev1`..`sev4` to say otherwise)");
        }

        var (cis, unknown) = await cmdb.FindManyAsync(tenant.Id, ciNames, ct);
        assumptions.AddRange(unknown.Select(n => $"`{n}` is not in the CMDB, so it is not linked (add it with `/cmdb add asset {n}`)"));

        var now = clock.GetUtcNow();
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        var incident = new Incident
        {
            TenantId = tenant.Id,
            Number = await db.NextNumberAsync(tenant.Id, RecordId.Incident, ct),
            Title = title,
            Severity = severity ?? Severity.Default,
            State = IncidentState.Declared,
            DeclaredAt = now,
            DeclaredById = actor.Id,
            Platform = platform,
            ChannelId = channelId,
            Cis = cis.Select(c => new IncidentCi { TenantId = tenant.Id, CiId = c.Id, Ci = c }).ToList(),
        };
        incident.AddEvent(now, actor.Id, "declared", $"Declared as SEV{incident.Severity} by {actor.DisplayName}");
        if (!string.IsNullOrWhiteSpace(note))
        {
            incident.AddEvent(now, actor.Id, "note", note.Length <= 4000 ? note : note[..3999] + "…");
        }

        db.Incidents.Add(incident);
        var view = new IncidentView(incident, cis.Select(c => c.Name).ToList(), actor.DisplayName, null);
        publisher.Post(tenant.Id, platform, channelId, null, RecordType, incident.RecordId.ToString(), ChannelCard(view, tenant, now),
            $"{actor.DisplayName} declared {incident.RecordId} (SEV{incident.Severity}).");
        await db.SaveChangesAsync(ct);
        await db.CommitAsync(tx, ct);
        return new DeclareResult(incident, assumptions);
    }

    public async Task<Incident> GetAsync(int tenantId, RecordId id, CancellationToken ct) =>
        await db.Incidents
            .Include(i => i.Cis).ThenInclude(c => c.Ci)
            .Include(i => i.Timeline)
            .AsSplitQuery()
            .FirstOrDefaultAsync(i => i.TenantId == tenantId && i.Number == id.Number, ct)
        ?? throw new UserException($"There is no {id}. `/incident list` shows the open ones.");

    /// <summary>Acknowledges; the card as it is now, and whether anything changed (a second click changes nothing).</summary>
    public Task<(bool Changed, Card Card)> AcknowledgeAsync(Tenant tenant, Person actor, RecordId id, CancellationToken ct) =>
        ChangeAsync(tenant, id, incident => incident.Acknowledge(actor.Id, clock.GetUtcNow()), $"{actor.DisplayName} acknowledged {id}.", ct);

    /// <summary>Resolves; the card as it is now, and whether anything changed.</summary>
    public Task<(bool Changed, Card Card)> ResolveAsync(Tenant tenant, Person actor, RecordId id, string? note, CancellationToken ct) =>
        ChangeAsync(tenant, id, incident => incident.Resolve(actor.Id, clock.GetUtcNow(), note), $"{actor.DisplayName} resolved {id}.", ct);

    public async Task<List<Incident>> ListAsync(int tenantId, bool all, DateTimeOffset? since, CancellationToken ct)
    {
        var query = db.Incidents.AsNoTracking().Where(i => i.TenantId == tenantId);
        if (since is { } from)
        {
            query = query.Where(i => i.DeclaredAt >= from);
        }

        return all
            ? await query.OrderByDescending(i => i.Number).Take(20).ToListAsync(ct)
            : await query
                .Where(i => i.State == IncidentState.Declared || i.State == IncidentState.Acknowledged || i.State == IncidentState.Mitigated)
                .OrderBy(i => i.Severity).ThenBy(i => i.Number)
                .Take(50)
                .ToListAsync(ct);
    }

    /// <summary>The names a card shows, looked up in one go.</summary>
    public async Task<IncidentView> ViewAsync(Incident incident, CancellationToken ct)
    {
        var ids = new[] { incident.DeclaredById, incident.CommanderId ?? incident.DeclaredById };
        var names = await db.People.Where(p => ids.Contains(p.Id)).ToDictionaryAsync(p => p.Id, p => p.DisplayName, ct);
        return new IncidentView(
            incident,
            incident.Cis.Where(c => c.Ci is not null).Select(c => c.Ci!.Name).OrderBy(n => n, StringComparer.Ordinal).ToList(),
            names.GetValueOrDefault(incident.DeclaredById, "someone"),
            incident.CommanderId is { } commander ? names.GetValueOrDefault(commander) : null);
    }

    /// <summary>How the card looks in a channel: times in the tenant's zone.</summary>
    public static Card ChannelCard(IncidentView view, Tenant tenant, DateTimeOffset now) =>
        IncidentCards.Card(view, now, TimeZones.Find(tenant.TimeZone), System.Globalization.CultureInfo.GetCultureInfo("en-GB"));

    private async Task<(bool Changed, Card Card)> ChangeAsync(Tenant tenant, RecordId id, Func<Incident, bool> change, string lead, CancellationToken ct)
    {
        var incident = await GetAsync(tenant.Id, id, ct);
        var changed = change(incident);
        var card = ChannelCard(await ViewAsync(incident, ct), tenant, clock.GetUtcNow());
        if (changed)
        {
            await publisher.UpdateEverywhereAsync(tenant.Id, RecordType, id.ToString(), card, lead, ct);
            await db.SaveChangesAsync(ct);
        }

        return (changed, card);
    }
}
