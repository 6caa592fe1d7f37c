using BakeryBot.Core.Data;
using Microsoft.EntityFrameworkCore;

namespace BakeryBot.Core.Changes;

/// <summary>What making a calendar link did: the token, shown once, and how many older links it revoked.</summary>
public sealed record CalendarLink(string Token, int Replaced);

/// <summary>
/// Calendar links and the change calendar behind them (<c>GET /calendar/changes.ics?token=...</c>).
/// A link's token exists only in the answer to the person who asked; the database keeps its SHA-256
/// (<see cref="SecretToken"/>). Each person has at most one active link: a new one revokes the old.
/// </summary>
public sealed class ChangeCalendarService(BakeryDbContext db, TimeProvider clock)
{
    /// <summary>How stale <see cref="CalendarToken.LastUsedAt"/> may get: one write a minute, not one per fetch.</summary>
    public static readonly TimeSpan LastUsedResolution = TimeSpan.FromMinutes(1);

    /// <summary>How far back the feed reaches: recent changes stay visible for a quarter.</summary>
    public static readonly TimeSpan Past = TimeSpan.FromDays(90);

    /// <summary>How far ahead the feed reaches.</summary>
    public static readonly TimeSpan Ahead = TimeSpan.FromDays(365);

    /// <summary><see cref="Past"/> and <see cref="Ahead"/> in words, for people.</summary>
    public const string Range = "from 90 days ago to a year ahead";

    /// <summary>A new link for the person, revoking the ones they had: the token is returned once and never stored.</summary>
    public async Task<CalendarLink> CreateAsync(int tenantId, int personId, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        var replaced = await RevokeActiveAsync(tenantId, personId, now, ct);
        var token = SecretToken.New();
        db.CalendarTokens.Add(new CalendarToken
        {
            TenantId = tenantId,
            PersonId = personId,
            TokenHash = SecretToken.HashHex(token),
            CreatedAt = now,
        });
        await db.SaveChangesAsync(ct);
        return new CalendarLink(token, replaced);
    }

    /// <summary>Revokes the person's active links; how many there were.</summary>
    public async Task<int> RevokeAsync(int tenantId, int personId, CancellationToken ct)
    {
        var revoked = await RevokeActiveAsync(tenantId, personId, clock.GetUtcNow(), ct);
        await db.SaveChangesAsync(ct);
        return revoked;
    }

    /// <summary>
    /// The active link whose token is <paramref name="token"/>; null for a missing, unknown or revoked
    /// one, without saying which.
    /// </summary>
    public async Task<CalendarToken?> VerifyAsync(string? token, CancellationToken ct)
    {
        if (!SecretToken.IsPlausible(token))
        {
            return null;
        }

        // The link carries no id of its own, so it is found by its token's hash. The lookup's timing
        // could tell at most how much of a stored hash a guess's hash shares, and nobody can steer a
        // guess's SHA-256 toward a stored one: unlike a hook's token, compared with the hash stored
        // under the hook's id, there is nothing a constant-time comparison would hide.
        var hash = SecretToken.HashHex(token);
        var link = await db.CalendarTokens.AsNoTracking().FirstOrDefaultAsync(t => t.TokenHash == hash, ct);
        if (link is null || link.RevokedAt is not null)
        {
            return null;
        }

        var now = clock.GetUtcNow();
        if (link.LastUsedAt is not { } last || now - last >= LastUsedResolution)
        {
            var before = now - LastUsedResolution;
            // A bookkeeping column, not a change anyone made: updated in place without an audit row.
            await db.CalendarTokens
                .Where(t => t.Id == link.Id && (t.LastUsedAt == null || t.LastUsedAt <= before))
                .ExecuteUpdateAsync(s => s.SetProperty(t => t.LastUsedAt, now), ct);
            link.LastUsedAt = now;
        }

        return link;
    }

    /// <summary>
    /// The tenant's change calendar: the change windows and freezes that overlap the time from
    /// <see cref="Past"/> ago to <see cref="Ahead"/> from now, whatever their state (cancelled ones
    /// show as cancelled, so calendars that kept them drop them), and the drills due or run in it.
    /// </summary>
    public async Task<ChangeCalendarFeed> FeedAsync(int tenantId, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        var from = now - Past;
        var to = now + Ahead;
        var changes = await db.Changes.AsNoTracking()
            .Where(c => c.TenantId == tenantId && c.WindowEnd > from && c.WindowStart < to)
            .WithCis()
            .ToListAsync(ct);
        var freezes = await db.FreezeWindows.AsNoTracking()
            .Where(f => f.TenantId == tenantId && f.To > from && f.From < to)
            .ToListAsync(ct);
        var drills = await DrillsAsync(tenantId, from, to, ct);
        var requesterIds = changes.Select(c => c.RequestedById).Distinct().ToList();
        var requesters = await db.People.AsNoTracking()
            .Where(p => p.TenantId == tenantId && requesterIds.Contains(p.Id))
            .ToDictionaryAsync(p => p.Id, p => p.DisplayName, ct);
        var tenantName = await db.Tenants.Where(t => t.Id == tenantId).Select(t => t.Name).FirstOrDefaultAsync(ct);

        var items = changes
            .Select(c => new CalendarChange(
                c,
                c.Cis.Select(ci => ci.Ci?.Name).OfType<string>().Order(StringComparer.OrdinalIgnoreCase).ToList(),
                requesters.GetValueOrDefault(c.RequestedById)))
            .ToList();
        var name = string.IsNullOrWhiteSpace(tenantName) ? "Changes" : $"Changes: {tenantName.Trim()}";
        return new ChangeCalendarFeed(name, items, freezes, drills);
    }

    /// <summary>
    /// The tenant's drills whose next due date or runs fall in [<paramref name="from"/>, <paramref name="to"/>):
    /// active ones by their due date, retired ones too (shown cancelled), and every run in range,
    /// under way or finished, with its findings.
    /// </summary>
    private async Task<List<CalendarDrill>> DrillsAsync(int tenantId, DateTimeOffset from, DateTimeOffset to, CancellationToken ct)
    {
        var (fromUtc, toUtc) = (from.ToUniversalTime(), to.ToUniversalTime());
        var drills = await db.Drills.AsNoTracking()
            .Where(d => d.TenantId == tenantId
                        && ((d.NextDueAt < toUtc && d.NextDueAt > fromUtc) || d.Runs.Any(r => r.StartedAt < toUtc && (r.FinishedAt == null || r.FinishedAt > fromUtc))))
            .Include(d => d.Runs).ThenInclude(r => r.Findings)
            .AsSplitQuery()
            .ToListAsync(ct);
        var people = drills.Select(d => d.OwnerId).Distinct().ToList();
        var owners = await db.People.AsNoTracking().Where(p => people.Contains(p.Id)).ToDictionaryAsync(p => p.Id, p => p.DisplayName, ct);
        var ciIds = drills.Select(d => d.CiId).OfType<int>().Distinct().ToList();
        var cis = await db.ConfigurationItems.AsNoTracking().Where(c => ciIds.Contains(c.Id)).ToDictionaryAsync(c => c.Id, c => c.Name, ct);
        return drills.Select(d => new CalendarDrill(
                d,
                owners.GetValueOrDefault(d.OwnerId),
                d.CiId is { } ci ? cis.GetValueOrDefault(ci) : null,
                d.NextDueAt < to && d.NextDueAt > from,
                d.Runs.Where(r => r.StartedAt < to && (r.FinishedAt is not { } end || end > from)).ToList()))
            .ToList();
    }

    private async Task<int> RevokeActiveAsync(int tenantId, int personId, DateTimeOffset now, CancellationToken ct)
    {
        // Tracked, not updated in place: revoking is a change the person made, and is audited.
        var active = await db.CalendarTokens
            .Where(t => t.TenantId == tenantId && t.PersonId == personId && t.RevokedAt == null)
            .ToListAsync(ct);
        foreach (var link in active)
        {
            link.RevokedAt = now;
        }

        return active.Count;
    }
}
