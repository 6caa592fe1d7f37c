using System.Globalization;
using BakeryBot.Core.Chat;
using BakeryBot.Core.Cmdb;
using BakeryBot.Core.Data;
using BakeryBot.Core.Data.Outbox;
using BakeryBot.Core.People;
using BakeryBot.Core.Problems;
using Humanizer;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace BakeryBot.Core.Incidents;

/// <summary>What to declare: the title and details, who, where, and how it was detected.</summary>
public sealed record DeclareRequest(Tenant Tenant, Person Actor, string Platform, string ChannelId, string Title)
{
    public int? Severity { get; init; }

    public IReadOnlyList<string> CiNames { get; init; } = [];

    public Detection DetectedBy { get; init; } = Detection.Person;

    /// <summary>A first timeline note (the message it was declared from, the alert's description).</summary>
    public string? Note { get; init; }

    /// <summary>For an incident opened by an alert: its fingerprint, so that repeats find it.</summary>
    public string? AlertFingerprint { get; init; }
}

/// <summary>What declaring did, and what it assumed on the way.</summary>
public sealed record DeclareResult(Incident Incident, IReadOnlyList<string> Assumptions);

/// <summary>What a change did: whether anything changed (a second click changes nothing) and the card as it is now.</summary>
public sealed record IncidentChange(bool Changed, Card Card, Incident Incident);

/// <summary>The incident lifecycle on the database: each change, its timeline line, audit and card updates commit together.</summary>
public sealed class IncidentService(BakeryDbContext db, CmdbService cmdb, Knowledge.KnowledgeService knowledge, CardPublisher publisher, ProblemDetector detector, IOptions<IncidentOptions> options, IEnumerable<IChatPoster> posters, TimeProvider clock, ILogger<IncidentService> logger, Changes.RecentReleases recentReleases, Sla.SlaClocks slaClocks)
{
    public const string RecordType = "incident";
    public const int MaxTitleLength = 300;

    /// <summary>
    /// Declares an incident and posts its card in the channel. Never fails for a detail: a missing
    /// severity or an unknown CI is assumed away and reported. A known error on one of its CIs has
    /// its workaround posted with it; several incidents on one CI lead to a problem suggestion.
    /// </summary>
    public async Task<DeclareResult> DeclareAsync(DeclareRequest request, CancellationToken ct)
    {
        var (tenant, actor) = (request.Tenant, request.Actor);
        var title = request.Title.Trim();
        if (title.Length == 0)
        {
            throw new UserException("Give the incident a title, as in `/incident burnt-cookie sev2 ci:oven-2`.");
        }

        if (title.Length > MaxTitleLength)
        {
            throw new UserException($"That title is {title.Length} characters; keep it under {MaxTitleLength} and put details in `/incident update`.");
        }

        var assumptions = new List<string>();
        if (request.Severity is null)
        {
            assumptions.Add($"severity SEV{Severity.Default} (add `sev1`..`sev4` to say otherwise)");
        }

        var (cis, unknown) = await cmdb.FindManyAsync(tenant.Id, request.CiNames, ct);
        assumptions.AddRange(unknown.Select(n => $"`{n}` is not in the CMDB, so it is not linked (add it with `/cmdb add asset {n}`)"));

        var now = clock.GetUtcNow();
        var incident = new Incident
        {
            TenantId = tenant.Id,
            Title = title,
            Severity = request.Severity ?? Severity.Default,
            State = IncidentState.Declared,
            DetectedBy = request.DetectedBy,
            DeclaredAt = now,
            DeclaredById = actor.Id,
            Platform = request.Platform,
            ChannelId = request.ChannelId,
            AlertFingerprint = request.AlertFingerprint,
            Cis = cis.Select(c => new IncidentCi { TenantId = tenant.Id, CiId = c.Id, Ci = c }).ToList(),
        };
        incident.AddEvent(now, actor.Id, "declared", $"Declared as SEV{incident.Severity} by {actor.DisplayName} (detected by {Words.Detection(request.DetectedBy)})");
        if (!string.IsNullOrWhiteSpace(request.Note))
        {
            incident.AddEvent(now, actor.Id, "note", request.Note);
        }

        // Read before the transaction, as none of it depends on the incident's number: on SQLite one
        // transaction writes at a time, so what runs inside it holds up every other writer.
        var view = await ViewAsync(incident, ct, known: actor);
        var knownErrors = await KnownErrorsAsync(tenant.Id, cis.Select(c => c.Id).ToList(), ct);
        var clocks = await slaClocks.PlanNewAsync(incident, ct);

        // Inside the caller's transaction when there is one (a synthetic check commits the incident
        // with its own state); the caller then looks for a problem behind it once committed.
        var joined = db.Database.CurrentTransaction is not null;
        await using var tx = joined ? null : await db.Database.BeginTransactionAsync(ct);
        incident.Number = await db.NextNumberAsync(tenant.Id, RecordId.Incident, ct);
        db.Incidents.Add(incident);
        publisher.Post(tenant.Id, request.Platform, request.ChannelId, null, RecordType, incident.RecordId.ToString(), ChannelCard(view, tenant, now),
            $"{actor.DisplayName} declared {incident.RecordId} (SEV{incident.Severity}).");
        if (options.Value.CreateChannel && posters.Any(p => p.Platform == request.Platform && p.OpensChannels))
        {
            var invite = actor.Identities.Where(i => i.Platform == request.Platform && !i.ExternalId.StartsWith("bot:", StringComparison.Ordinal)).Select(i => i.ExternalId).Take(1).ToList();
            publisher.OpenChannel(tenant.Id, request.Platform, request.ChannelId, IncidentChannels.ChannelName(incident), invite, IncidentChannels.Subject(incident));
        }

        foreach (var known in knownErrors)
        {
            publisher.PostText(tenant.Id, request.Platform, request.ChannelId, null,
                $"{known.RecordId} is a known error on {string.Join(", ", cis.Select(c => c.Name))}: {known.Title}. Workaround: {known.Workaround}");
        }

        await db.SaveChangesAsync(ct);
        // Its SLA clocks start with it, once it has its id.
        if (slaClocks.Start(incident, clocks))
        {
            await db.SaveChangesAsync(ct);
        }

        if (tx is not null)
        {
            await db.CommitAsync(tx, ct);
            await SuggestProblemAsync(tenant, incident, ct);
        }

        return new DeclareResult(incident, assumptions);
    }

    /// <summary>
    /// Looks for a problem behind a committed incident (several incidents on one of its CIs), as
    /// declaring does. A failure is logged, not thrown: the incident stands, and the problem-suggestions
    /// job looks again.
    /// </summary>
    public async Task SuggestProblemAsync(Tenant tenant, Incident incident, CancellationToken ct)
    {
        try
        {
            await detector.SuggestAsync(tenant, incident, ct);
        }
        catch (Exception ex) when (ex is DbUpdateException or InvalidOperationException)
        {
            db.ChangeTracker.Clear();
            logger.LogWarning(ex, "Looking for a problem behind {Incident} failed", incident.RecordId);
        }
    }

    public async Task<Incident> GetAsync(int tenantId, RecordId id, CancellationToken ct) =>
        await db.Incidents
            .Include(i => i.Cis).ThenInclude(c => c.Ci)
            .Include(i => i.Timeline)
            .AsSplitQuery()
            .FirstOrDefaultAsync(i => i.TenantId == tenantId && i.Number == id.Number, ct)
        ?? throw new UserException($"There is no {id}. `/incident list` shows the open ones.");

    /// <summary>The incident whose own channel (or whose card's thread) this is; null elsewhere.</summary>
    public async Task<RecordId?> InConversationAsync(int tenantId, string channelId, string? threadId, CancellationToken ct)
    {
        var own = await db.Incidents.Where(i => i.TenantId == tenantId && i.IncidentChannelId == channelId)
            .OrderByDescending(i => i.Number).Select(i => (int?)i.Number).FirstOrDefaultAsync(ct);
        if (own is { } number)
        {
            return new RecordId(RecordId.Incident, number);
        }

        if (threadId is null)
        {
            return null;
        }

        var key = await db.PostedCards.Where(c => c.TenantId == tenantId && c.RecordType == RecordType && c.ChannelId == channelId && c.MessageId == threadId)
            .Select(c => c.RecordKey).FirstOrDefaultAsync(ct);
        return RecordId.TryParse(key, out var id) ? id : null;
    }

    /// <summary>The open incident an alert with this fingerprint opened, if any.</summary>
    public Task<Incident?> FindOpenByFingerprintAsync(int tenantId, string fingerprint, CancellationToken ct) =>
        db.Incidents
            .Include(i => i.Cis).ThenInclude(c => c.Ci)
            .Include(i => i.Timeline)
            .AsSplitQuery()
            .Where(i => i.TenantId == tenantId && i.AlertFingerprint == fingerprint)
            .Where(Incident.Open)
            .OrderByDescending(i => i.Number)
            .FirstOrDefaultAsync(ct);

    /// <summary>The latest incident an alert with this fingerprint opened, in any state.</summary>
    public Task<Incident?> FindLatestByFingerprintAsync(int tenantId, string fingerprint, CancellationToken ct) =>
        db.Incidents.Include(i => i.Timeline)
            .Where(i => i.TenantId == tenantId && i.AlertFingerprint == fingerprint)
            .OrderByDescending(i => i.Number)
            .FirstOrDefaultAsync(ct);

    public Task<IncidentChange> AcknowledgeAsync(Tenant tenant, Person actor, RecordId id, CancellationToken ct) =>
        ChangeAsync(tenant, id, i => i.Acknowledge(actor.Id, clock.GetUtcNow()), $"{actor.DisplayName} acknowledged {id}.", null, ct);

    public Task<IncidentChange> MitigateAsync(Tenant tenant, Person actor, RecordId id, string? note, CancellationToken ct) =>
        ChangeAsync(tenant, id, i => i.Mitigate(actor.Id, clock.GetUtcNow(), note), $"{actor.DisplayName} marked {id} mitigated.", Status(id, "mitigated", note), ct);

    public Task<IncidentChange> ResolveAsync(Tenant tenant, Person actor, RecordId id, string? note, CancellationToken ct) =>
        ChangeAsync(tenant, id, i => i.Resolve(actor.Id, clock.GetUtcNow(), note), $"{actor.DisplayName} resolved {id}.", Status(id, "resolved", note), ct);

    public Task<IncidentChange> CloseAsync(Tenant tenant, Person actor, RecordId id, CancellationToken ct) =>
        ChangeAsync(tenant, id, i => i.Close(actor.Id, clock.GetUtcNow()), $"{actor.DisplayName} closed {id}.", null, ct);

    public Task<IncidentChange> ChangeSeverityAsync(Tenant tenant, Person actor, RecordId id, int severity, CancellationToken ct) =>
        ChangeAsync(tenant, id, i => i.ChangeSeverity(actor.Id, clock.GetUtcNow(), severity), $"{actor.DisplayName} set {id} to SEV{severity}.", $"{id} is now SEV{severity}.", ct);

    public Task<IncidentChange> AssignAsync(Tenant tenant, Person actor, RecordId id, IncidentRole role, Person assignee, CancellationToken ct) =>
        ChangeAsync(tenant, id, i => i.Assign(actor.Id, clock.GetUtcNow(), role, assignee.Id, assignee.DisplayName),
            $"{assignee.DisplayName} is {Incident.RoleWord(role)} of {id}.", null, ct);

    /// <summary>A status update: on the timeline, on the card, and posted where the incident is followed.</summary>
    public Task<IncidentChange> UpdateAsync(Tenant tenant, Person actor, RecordId id, string note, CancellationToken ct)
    {
        if (string.IsNullOrWhiteSpace(note))
        {
            throw new UserException($"Say what the update is, as in `/incident update {id} oven 2 back at temperature`.");
        }

        return ChangeAsync(tenant, id, i =>
        {
            if (i.State == IncidentState.Closed)
            {
                throw new UserException($"{id} is closed; updates go to a new incident.");
            }

            i.AddEvent(clock.GetUtcNow(), actor.Id, "update", $"{actor.DisplayName}: {note}");
            return true;
        }, $"{actor.DisplayName} posted an update on {id}.", $"Update on {id} from {actor.DisplayName}: {note}", ct);
    }

    /// <summary>A line on the timeline from outside (a repeated alert), without a status post.</summary>
    public Task<IncidentChange> NoteAsync(Tenant tenant, Person actor, RecordId id, string kind, string text, CancellationToken ct) =>
        ChangeAsync(tenant, id, i =>
        {
            i.AddEvent(clock.GetUtcNow(), actor.Id, kind, text);
            return true;
        }, text, null, ct);

    /// <summary>
    /// The monitoring that opened an incident saw it recover (an alert resolved, a synthetic check up
    /// again): the incident is mitigated by that monitor, so <see cref="Incident.MitigatedAutomatically"/>
    /// holds and no person counts as having responded; one already mitigated gets the line on its
    /// timeline instead. <paramref name="what"/> says what happened (<c>alert resolved at ...</c>).
    /// Returns whether it mitigated the incident.
    /// </summary>
    public async Task<bool> RecoveredAsync(Tenant tenant, Person monitor, Incident open, string kind, string what, CancellationToken ct)
    {
        if (open.State == IncidentState.Mitigated)
        {
            await NoteAsync(tenant, monitor, open.RecordId, kind, what.Transform(CultureInfo.InvariantCulture, To.SentenceCase), ct);
            return false;
        }

        await MitigateAsync(tenant, monitor, open.RecordId, what, ct);
        return true;
    }

    /// <summary>Links the incident to a problem; false when it already was.</summary>
    public Task<IncidentChange> LinkProblemAsync(Tenant tenant, Person actor, RecordId id, Problem problem, CancellationToken ct) =>
        ChangeAsync(tenant, id, i =>
        {
            if (i.ProblemId == problem.Id)
            {
                return false;
            }

            i.ProblemId = problem.Id;
            i.AddEvent(clock.GetUtcNow(), actor.Id, "problem", $"Linked to {problem.RecordId}: {problem.Title}");
            return true;
        }, $"{actor.DisplayName} linked {id} to {problem.RecordId}.", null, ct);

    /// <summary>
    /// Links the incident to more CIs after it was declared (<c>/incident link INC-42 ci:oven-2</c>);
    /// false when it was linked to all of them already. The problem-suggestions job then counts it on them.
    /// </summary>
    public Task<IncidentChange> LinkCisAsync(Tenant tenant, Person actor, RecordId id, IReadOnlyList<ConfigurationItem> cis, CancellationToken ct) =>
        ChangeAsync(tenant, id, i =>
        {
            var added = cis.Where(c => i.Cis.All(l => l.CiId != c.Id)).DistinctBy(c => c.Id).ToList();
            if (added.Count == 0)
            {
                return false;
            }

            i.Cis.AddRange(added.Select(c => new IncidentCi { TenantId = tenant.Id, CiId = c.Id, Ci = c }));
            i.AddEvent(clock.GetUtcNow(), actor.Id, "ci", $"Linked to {string.Join(", ", added.Select(c => c.Name))} (said {actor.DisplayName})");
            return true;
        }, $"{actor.DisplayName} linked {id} to {string.Join(", ", cis.Select(c => c.Name))}.", null, ct);

    /// <summary>
    /// Records the change whose release caused the incident ("Caused by this change"); false when it
    /// was recorded already. The caller marks the change as a failure with it (<see cref="Changes.ReleaseService.LinkCauseAsync"/>).
    /// </summary>
    public Task<IncidentChange> LinkChangeAsync(Tenant tenant, Person actor, RecordId id, Changes.Change change, CancellationToken ct) =>
        ChangeAsync(tenant, id, i =>
        {
            if (i.CausedByChangeId == change.Id)
            {
                return false;
            }

            i.CausedByChangeId = change.Id;
            i.AddEvent(clock.GetUtcNow(), actor.Id, "caused-by", $"Caused by {change.RecordId}: {change.Title} (said {actor.DisplayName})");
            return true;
        }, $"{actor.DisplayName} marked {id} as caused by {change.RecordId}.", null, ct);

    /// <summary>The incident's card as the channel sees it now.</summary>
    public async Task<Card> CardAsync(Tenant tenant, RecordId id, CancellationToken ct) =>
        ChannelCard(await ViewAsync(await GetAsync(tenant.Id, id, ct), ct), tenant, clock.GetUtcNow());

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
                .Where(Incident.Open)
                .OrderBy(i => i.Severity).ThenBy(i => i.Number)
                .Take(50)
                .ToListAsync(ct);
    }

    /// <summary>
    /// The open incidents that need <paramref name="person"/>: those where they hold a response role
    /// (commander, scribe, communications lead), and those they declared or acknowledged that have no
    /// commander yet. Most severe first, then oldest; at most <paramref name="take"/>, with how many there are.
    /// </summary>
    public async Task<(List<Incident> Incidents, int Count)> OpenForAsync(int tenantId, int person, int take, CancellationToken ct)
    {
        var mine = db.Incidents.AsNoTracking()
            .Where(i => i.TenantId == tenantId)
            .Where(Incident.Open)
            .Where(i => i.CommanderId == person || i.ScribeId == person || i.CommunicationsId == person
                        || (i.CommanderId == null && (i.DeclaredById == person || i.AcknowledgedById == person)));
        var count = await mine.CountAsync(ct);
        var incidents = count == 0 ? [] : await mine.OrderBy(i => i.Severity).ThenBy(i => i.DeclaredAt).ThenBy(i => i.Number).Take(take).ToListAsync(ct);
        return (incidents, count);
    }

    /// <summary>
    /// The names a card shows, looked up in one go; a <paramref name="known"/> person (the one acting,
    /// loaded already) is not read again.
    /// </summary>
    public async Task<IncidentView> ViewAsync(Incident incident, CancellationToken ct, Person? known = null)
    {
        int?[] wanted = [incident.DeclaredById, incident.CommanderId, incident.ScribeId, incident.CommunicationsId];
        var ids = wanted.OfType<int>().Distinct().Where(id => id != known?.Id).ToList();
        var names = ids.Count == 0 ? [] : await db.People.Where(p => ids.Contains(p.Id)).ToDictionaryAsync(p => p.Id, p => p.DisplayName, ct);
        if (known is not null)
        {
            names[known.Id] = known.DisplayName;
        }

        var problem = incident.ProblemId is { } problemId
            ? await db.Set<Problem>().Where(p => p.Id == problemId).Select(p => new { p.Number, p.Title }).FirstOrDefaultAsync(ct)
            : null;
        var ciIds = incident.Cis.Select(c => c.CiId).ToList();
        var cause = incident.CausedByChangeId is { } changeId
            ? await db.Changes.Where(c => c.Id == changeId).Select(c => new { c.Number, c.Title }).FirstOrDefaultAsync(ct)
            : null;
        return new IncidentView(
            incident,
            incident.Cis.Where(c => c.Ci is not null).Select(c => c.Ci!.Name).OrderBy(n => n, StringComparer.Ordinal).ToList(),
            await cmdb.ImpactedServicesAsync(incident.TenantId, ciIds, ct),
            names.GetValueOrDefault(incident.DeclaredById, "someone"),
            Name(incident.CommanderId),
            Name(incident.ScribeId),
            Name(incident.CommunicationsId),
            problem is null ? null : $"{new RecordId(RecordId.Problem, problem.Number)}: {problem.Title}",
            await knowledge.RunbooksAsync(incident.TenantId, ciIds, ct))
        {
            RecentReleases = await recentReleases.BeforeAsync(incident.TenantId, ciIds, incident.DeclaredAt, ct),
            CausedBy = cause is null ? null : $"{new RecordId(RecordId.Change, cause.Number)}: {cause.Title}",
        };

        string? Name(int? id) => id is { } value ? names.GetValueOrDefault(value) : null;
    }

    /// <summary>How the card looks in a channel: times in the tenant's zone.</summary>
    public static Card ChannelCard(IncidentView view, Tenant tenant, DateTimeOffset now) =>
        IncidentCards.Card(view, now, TimeZones.Find(tenant.TimeZone), System.Globalization.CultureInfo.GetCultureInfo("en-GB"));

    private static string? Status(RecordId id, string what, string? note) =>
        string.IsNullOrWhiteSpace(note) ? $"{id} is {what}." : $"{id} is {what}: {note}";

    /// <summary>Open problems with a workaround on any of these CIs.</summary>
    private Task<List<Problem>> KnownErrorsAsync(int tenantId, List<int> ciIds, CancellationToken ct) =>
        ciIds.Count == 0
            ? Task.FromResult(new List<Problem>())
            : db.Set<Problem>()
                .Where(p => p.TenantId == tenantId && p.State == ProblemState.KnownError && p.Workaround != null
                            && (p.Cis.Any(c => ciIds.Contains(c.CiId))
                                || db.Incidents.Any(i => i.ProblemId == p.Id && i.Cis.Any(c => ciIds.Contains(c.CiId)))))
                .OrderBy(p => p.Number)
                .ToListAsync(ct);

    /// <summary>
    /// Applies a change; when something changed, updates the card everywhere it was posted and, for
    /// a status change, posts <paramref name="status"/> where the incident is followed (the channel it
    /// was declared in and its own channel).
    /// </summary>
    private async Task<IncidentChange> ChangeAsync(Tenant tenant, RecordId id, Func<Incident, bool> change, string lead, string? status, CancellationToken ct)
    {
        var incident = await GetAsync(tenant.Id, id, ct);
        var clockInputs = Sla.SlaClocks.InputsOf(incident);
        var changed = change(incident);
        var card = ChannelCard(await ViewAsync(incident, ct), tenant, clock.GetUtcNow());
        if (changed)
        {
            // Acknowledged, resolved, a new severity or more CIs: its SLA clocks follow, and commit with
            // the change. A note or an update (a repeated alert) leaves them as they are, unread.
            if (Sla.SlaClocks.InputsOf(incident) != clockInputs)
            {
                await slaClocks.PlanAsync(incident, ct);
            }

            await publisher.UpdateEverywhereAsync(tenant.Id, RecordType, id.ToString(), card, lead, ct);
            if (status is not null)
            {
                foreach (var channel in new[] { incident.ChannelId, incident.IncidentChannelId }.OfType<string>().Distinct())
                {
                    publisher.PostText(tenant.Id, incident.Platform, channel, await ThreadOfAsync(db, tenant.Id, incident, channel, ct), status);
                }
            }

            await db.SaveChangesAsync(ct);
        }

        return new IncidentChange(changed, card, incident);
    }

    /// <summary>On platforms that thread, status posts go in the thread under the incident's card.</summary>
    internal static async Task<string?> ThreadOfAsync(BakeryDbContext db, int tenantId, Incident incident, string channel, CancellationToken ct) =>
        channel == incident.IncidentChannelId
            ? null
            : await db.PostedCards.Where(c => c.TenantId == tenantId && c.RecordType == RecordType && c.RecordKey == incident.RecordId.ToString() && c.ChannelId == channel)
                .OrderBy(c => c.Id).Select(c => c.MessageId).FirstOrDefaultAsync(ct);
}

/// <summary>Words for enum values, as people read them.</summary>
public static class Words
{
    public static string Detection(Detection detection) => detection switch
    {
        Incidents.Detection.Alert => "an alert",
        Incidents.Detection.Synthetic => "a synthetic check",
        Incidents.Detection.Customer => "a customer",
        _ => "a person",
    };
}
