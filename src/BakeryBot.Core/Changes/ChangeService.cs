using BakeryBot.Core.Chat;
using BakeryBot.Core.Cmdb;
using BakeryBot.Core.Data;
using BakeryBot.Core.Data.Outbox;
using BakeryBot.Core.People;
using Microsoft.EntityFrameworkCore;

namespace BakeryBot.Core.Changes;

/// <summary>What a person asks for in <c>/change request</c> (or its form).</summary>
public sealed record ChangeRequest(
    string Title,
    IReadOnlyList<string> CiNames,
    DateTimeOffset WindowStart,
    DateTimeOffset WindowEnd,
    ChangeRisk Risk,
    ChangeType Type,
    string? Rollback,
    bool SchemaChange,
    string? RollbackMigration);

/// <summary>What a vote did: the change as it is now, whether the vote counted, and what to say.</summary>
public sealed record VoteResult(Change Change, bool Counted, string Message, Card Card);

/// <summary>Another open change whose window overlaps and whose CIs are the same or depend on each other.</summary>
public sealed record ChangeConflict(RecordId Other, string Title, string Why);

/// <summary>Changes and the CAB: requests, votes under <see cref="CabPolicy"/>, freezes, expiry; each change and its card updates commit together.</summary>
public sealed class ChangeService(BakeryDbContext db, CmdbService cmdb, CmdbGraph graph, CardPublisher publisher, ReleaseReminderPlan releaseReminders, TimeProvider clock)
{
    public const string RecordType = "change";

    /// <summary>The longest window a change may ask for.</summary>
    public static readonly TimeSpan MaxWindow = TimeSpan.FromDays(30);

    // A click votes, decides and renders the change's card, and each step asks for the CAB's settings
    // and the freezes over the change's window: read once per unit of work (this service lives as long
    // as one), and forgotten when this service changes them.
    private readonly Dictionary<int, CabSettings> _settings = [];
    private readonly Dictionary<(int TenantId, DateTimeOffset Start, DateTimeOffset End), FreezeWindow?> _freezeAt = [];

    public async Task<CabSettings> SettingsAsync(int tenantId, CancellationToken ct)
    {
        if (!_settings.TryGetValue(tenantId, out var settings))
        {
            settings = await SettingsQuery.For(db)(db, tenantId, ct) ?? new CabSettings { TenantId = tenantId };
            _settings[tenantId] = settings;
        }

        return settings;
    }

    /// <summary>Sets the channel the CAB hears of requests in.</summary>
    public async Task<bool> SetCabChannelAsync(int tenantId, string platform, string channelId, CancellationToken ct)
    {
        _settings.Remove(tenantId);
        var settings = await db.CabSettings.FirstOrDefaultAsync(s => s.TenantId == tenantId, ct);
        if (settings is null)
        {
            settings = new CabSettings { TenantId = tenantId };
            db.CabSettings.Add(settings);
        }
        else if (settings.Platform == platform && settings.ChannelId == channelId)
        {
            return false;
        }

        (settings.Platform, settings.ChannelId) = (platform, channelId);
        await db.SaveChangesAsync(ct);
        return true;
    }

    /// <summary>Sets the quorum of approvals for a risk.</summary>
    public async Task<bool> SetQuorumAsync(int tenantId, ChangeRisk risk, int quorum, CancellationToken ct)
    {
        if (quorum is < 1 or > 20)
        {
            throw new UserException("A quorum is 1 to 20 approvals.");
        }

        _settings.Remove(tenantId);

        var settings = await db.CabSettings.FirstOrDefaultAsync(s => s.TenantId == tenantId, ct);
        if (settings is null)
        {
            settings = new CabSettings { TenantId = tenantId };
            db.CabSettings.Add(settings);
        }

        if (settings.Id != 0 && settings.Quorum(risk) == quorum)
        {
            return false;
        }

        _ = risk switch
        {
            ChangeRisk.Low => settings.QuorumLow = quorum,
            ChangeRisk.Medium => settings.QuorumMedium = quorum,
            _ => settings.QuorumHigh = quorum,
        };
        await db.SaveChangesAsync(ct);
        return true;
    }

    /// <summary>
    /// Records a change request. A standard change is approved by policy at once; a normal or emergency
    /// one waits for the CAB, whose channel gets its card. Freezes refuse normal and standard changes;
    /// an emergency inside one needs one approval more.
    /// </summary>
    public async Task<Change> RequestAsync(Tenant tenant, Person actor, ChangeRequest request, string platform, string channelId, CancellationToken ct)
    {
        var title = request.Title.Trim();
        if (title.Length is 0 or > 300)
        {
            throw new FieldException(ChangeForms.Title, title.Length == 0 ? "Give the change a title, as in `/change request replace thermostat ci:oven-2 window:\"tomorrow 22:00+2h\" risk:low rollback:\"refit the old one\"`." : "Keep the title under 300 characters.");
        }

        var now = clock.GetUtcNow();
        if (request.WindowEnd <= request.WindowStart || request.WindowEnd - request.WindowStart > MaxWindow)
        {
            throw new FieldException(ChangeForms.Window, "The window must end after it starts, and last at most 30 days.");
        }

        if (request.WindowStart < now - TimeSpan.FromMinutes(5) && request.Type != ChangeType.Emergency)
        {
            throw new FieldException(ChangeForms.Window, "The window has begun already; only an emergency change can start now. Pick a later window, or add `type:emergency`.");
        }

        if (request.CiNames.Count == 0)
        {
            throw new FieldException(ChangeForms.Cis, "Which CI does it change? Name it with `ci:oven-2` (several: `ci:oven-2,thermostat-2`).");
        }

        var (cis, unknown) = await cmdb.FindManyAsync(tenant.Id, request.CiNames, ct);
        if (unknown.Count > 0)
        {
            throw new FieldException(ChangeForms.Cis, $"{string.Join(", ", unknown.Select(u => $"`{u}`"))} {(unknown.Count == 1 ? "is" : "are")} not in the CMDB. Add {(unknown.Count == 1 ? "it" : "them")} with `/cmdb add`, or check the name.");
        }

        var rollback = string.IsNullOrWhiteSpace(request.Rollback) ? null : request.Rollback.Trim();
        var schema = request.SchemaChange || cis.Any(IsSchema);
        var migration = string.IsNullOrWhiteSpace(request.RollbackMigration) ? null : request.RollbackMigration.Trim();
        if (rollback?.Length > 4000)
        {
            throw new FieldException(ChangeForms.Rollback, "Keep the rollback steps under 4,000 characters.");
        }

        if (migration?.Length > 200)
        {
            throw new FieldException(ChangeForms.RollbackMigration, "Keep the rollback migration's name under 200 characters.");
        }

        if (schema && migration is null)
        {
            throw new FieldException(ChangeForms.RollbackMigration, "This change touches a database schema: name the migration that undoes it, as in `rollback-migration:20261126_AddThermostatLog_Down`.");
        }

        if (request.Type == ChangeType.Standard && rollback is null)
        {
            throw new FieldException(ChangeForms.Rollback, "A standard change is approved by policy, so it needs its rollback steps now: add `rollback:\"...\"`.");
        }

        var freeze = await FreezeAtAsync(tenant.Id, request.WindowStart, request.WindowEnd, ct);
        if (freeze is not null && request.Type != ChangeType.Emergency)
        {
            throw new FieldException(ChangeForms.Window, $"The window falls in the change freeze \"{freeze.Reason}\" ({Times.Span(freeze.From, freeze.To)}): only emergency changes can be scheduled then. Pick another window, or add `type:emergency` if it can't wait.");
        }

        var settings = await SettingsAsync(tenant.Id, ct);
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        var change = new Change
        {
            TenantId = tenant.Id,
            Number = await db.NextNumberAsync(tenant.Id, RecordId.Change, ct),
            Title = title,
            Type = request.Type,
            Risk = request.Risk,
            State = ChangeState.Pending,
            WindowStart = request.WindowStart,
            WindowEnd = request.WindowEnd,
            Rollback = rollback,
            SchemaChange = schema,
            RollbackMigration = migration,
            RequestedAt = now,
            RequestedById = actor.Id,
            ApprovalDeadline = request.WindowStart - TimeSpan.FromSeconds(settings.DecideBeforeSeconds),
            InFreeze = freeze is not null,
            Platform = platform,
            ChannelId = channelId,
            Cis = cis.Select(c => new ChangeCi { CiId = c.Id, Ci = c }).ToList(),
        };
        if (change.Type == ChangeType.Standard)
        {
            (change.State, change.Decision, change.DecidedAt, change.DecisionReason) = (ChangeState.Approved, ChangeDecision.Approved, now, "pre-approved by policy (standard change)");
        }

        db.Changes.Add(change);
        await db.SaveChangesAsync(ct);
        await releaseReminders.PlanAsync(change, ct);
        var card = await CardAsync(change, ct);
        var lead = $"{actor.DisplayName} requested {change.RecordId} ({Word(change.Type)}, {Word(change.Risk)} risk).";
        publisher.Post(tenant.Id, platform, channelId, null, RecordType, change.RecordId.ToString(), card, lead);
        if (settings.ChannelId is { } cab && settings.Platform is { } cabPlatform && (cabPlatform != platform || cab != channelId) && change.Type != ChangeType.Standard)
        {
            publisher.Post(tenant.Id, cabPlatform, cab, null, RecordType, change.RecordId.ToString(), card, $"{lead} The CAB decides: {CabPolicy.Required(settings, change.Risk, change.Type, change.InFreeze)} approval(s) needed.");
        }

        // The changes it conflicts with show the conflict too, wherever their cards are.
        foreach (var conflict in await ConflictsAsync(change, ct))
        {
            var other = await GetAsync(tenant.Id, conflict.Other, ct);
            await publisher.UpdateEverywhereAsync(tenant.Id, RecordType, other.RecordId.ToString(), await CardAsync(other, ct), $"{change.RecordId} overlaps {other.RecordId}: {conflict.Why}.", ct);
        }

        await db.SaveChangesAsync(ct);
        await db.CommitAsync(tx, ct);
        return change;
    }

    /// <summary>A CI that is a database schema (its <c>kind</c> attribute says so): its changes name their rollback migration.</summary>
    private static bool IsSchema(ConfigurationItem ci) =>
        ci.Attributes.TryGetValue("kind", out var kind) && kind.ToLowerInvariant() is "database" or "schema";

    /// <summary>The change with its CIs and votes, tracked; a user's error when there is none.</summary>
    public async Task<Change> GetAsync(int tenantId, RecordId id, CancellationToken ct) =>
        await ByNumberQuery.For(db)(db, tenantId, id.Number, ct)
        ?? throw new UserException($"There is no {id}. `/change list` shows the open ones.");

    /// <summary>
    /// A change with its CIs and votes by number, compiled: every CAB click loads its change so, and EF Core
    /// would otherwise read the parameters out of the expression and look the query up in its cache each time.
    /// </summary>
    private static readonly CompiledPerModel<Func<BakeryDbContext, int, int, CancellationToken, Task<Change?>>> ByNumberQuery = new(() => EF.CompileAsyncQuery(
        (BakeryDbContext db, int tenantId, int number, CancellationToken ct) => db.Changes
            .WithCisAndVotes()
            .FirstOrDefault(c => c.TenantId == tenantId && c.Number == number)));

    // What every vote reads to decide and to render the card, compiled for the reason above.
    private static readonly CompiledPerModel<Func<BakeryDbContext, int, CancellationToken, Task<CabSettings?>>> SettingsQuery = new(() => EF.CompileAsyncQuery(
        (BakeryDbContext db, int tenantId, CancellationToken ct) => db.CabSettings.FirstOrDefault(s => s.TenantId == tenantId)));

    // Compared in SQL: SQLite stores these times as sortable integers.
    private static readonly CompiledPerModel<Func<BakeryDbContext, int, DateTimeOffset, DateTimeOffset, IAsyncEnumerable<FreezeWindow>>> FreezesOverQuery = new(() => EF.CompileAsyncQuery(
        (BakeryDbContext db, int tenantId, DateTimeOffset start, DateTimeOffset end) => db.FreezeWindows.AsNoTracking()
            .Where(f => f.TenantId == tenantId && f.From < end && start < f.To)));

    /// <summary>
    /// The other open changes whose windows overlap, with their CIs. It ends as an <see cref="IQueryable{T}"/>,
    /// not the ordered one, so that the overload compiled is the one that streams rows.
    /// </summary>
    private static readonly CompiledPerModel<Func<BakeryDbContext, int, int, DateTimeOffset, DateTimeOffset, IAsyncEnumerable<Change>>> OverlappingQuery = new(() => EF.CompileAsyncQuery(
        (BakeryDbContext db, int tenantId, int id, DateTimeOffset start, DateTimeOffset end) => db.Changes.AsNoTracking()
            .WithCis()
            .Where(c => c.TenantId == tenantId && c.Id != id && c.WindowStart < end && start < c.WindowEnd
                        && (c.State == ChangeState.Pending || c.State == ChangeState.Approved || c.State == ChangeState.InRelease))
            .OrderBy(c => c.WindowStart).ThenBy(c => c.Number)
            .AsQueryable()));

    private static readonly CompiledPerModel<Func<BakeryDbContext, int, IAsyncEnumerable<int>>> CausedQuery = new(() => EF.CompileAsyncQuery(
        (BakeryDbContext db, int changeId) => db.Incidents.Where(i => i.CausedByChangeId == changeId).OrderBy(i => i.Number).Select(i => i.Number)));

    /// <summary>
    /// A CAB member's vote. Only CAB members vote, never on their own change, once each; a rejection
    /// needs a reason, an approval needs rollback steps; votes after the decision change nothing. The
    /// card shows the tally everywhere it was posted.
    /// </summary>
    public async Task<VoteResult> VoteAsync(Tenant tenant, Person actor, bool isCabMember, RecordId id, VoteKind kind, string? reason, string platform, CancellationToken ct)
    {
        var change = await GetAsync(tenant.Id, id, ct);
        await ExpireIfDueAsync(tenant, change, ct);
        if (change.Decision is { } decided)
        {
            return new VoteResult(change, false, $"{change.RecordId} was {Word(decided)} already; votes now change nothing.", await CardAsync(change, ct));
        }

        if (change.State == ChangeState.Cancelled)
        {
            return new VoteResult(change, false, $"{change.RecordId} was withdrawn; there is nothing to vote on.", await CardAsync(change, ct));
        }

        if (!isCabMember)
        {
            throw new UserException($"Only CAB members vote on changes. An admin can add you with `/bakery role add @you {Roles.Cab}`.");
        }

        if (change.RequestedById == actor.Id && kind != VoteKind.Abstain)
        {
            throw new UserException($"You requested {change.RecordId}, so you can't vote on it: another CAB member decides.");
        }

        if (change.Votes.FirstOrDefault(v => v.PersonId == actor.Id) is { } earlier)
        {
            return new VoteResult(change, false, $"You voted {Word(earlier.Kind)} on {change.RecordId} already; a vote can't be cast twice.", await CardAsync(change, ct));
        }

        reason = string.IsNullOrWhiteSpace(reason) ? null : reason.Trim();
        if (kind == VoteKind.Reject && reason is null)
        {
            throw new FieldException(ChangeCards.ReasonInput, $"Say why you reject {change.RecordId}: the requester needs the reason. Type it in the card's reason box, or `/change reject {change.RecordId} <reason>`.");
        }

        if (reason?.Length > 1000)
        {
            throw new FieldException(ChangeCards.ReasonInput, "Keep the reason under 1,000 characters.");
        }

        if (kind == VoteKind.Approve && change.Rollback is null)
        {
            throw new UserException($"{change.RecordId} has no rollback steps, so it can't be approved. Its requester adds them with `/change rollback {change.RecordId} \"...\"`.");
        }

        var now = clock.GetUtcNow();
        if (kind == VoteKind.Approve && change.Type != ChangeType.Emergency && await FreezeAtAsync(tenant.Id, change.WindowStart, change.WindowEnd, ct) is { } freeze)
        {
            throw new UserException($"{change.RecordId}'s window falls in the freeze \"{freeze.Reason}\": only emergency changes can be approved then. Its requester can move the window.");
        }

        change.Votes.Add(new ChangeVote { TenantId = tenant.Id, ChangeId = change.Id, PersonId = actor.Id, Kind = kind, Reason = reason, At = now, Platform = platform });
        var settings = await SettingsAsync(tenant.Id, ct);
        var required = CabPolicy.Required(settings, change.Risk, change.Type, change.InFreeze);
        var decision = CabPolicy.Decide(change.Votes.Select(v => v.Kind), required);
        string lead;
        if (decision is { } d)
        {
            (change.Decision, change.DecidedAt) = (d, now);
            change.DecisionReason = d == ChangeDecision.Rejected ? $"rejected by {actor.DisplayName}: {reason}" : $"approved by {string.Join(", ", await NamesAsync(change.Votes.Where(v => v.Kind == VoteKind.Approve).Select(v => v.PersonId), ct))}";
            if (change.State == ChangeState.Pending)
            {
                change.State = d == ChangeDecision.Approved ? ChangeState.Approved : ChangeState.Rejected;
            }

            lead = $"{change.RecordId} is {Word(d)}: {change.DecisionReason}.";
        }
        else
        {
            lead = $"{actor.DisplayName} voted {Word(kind)} on {change.RecordId}.";
        }

        await using var tx = await db.Database.BeginTransactionAsync(ct);
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateException)
        {
            // Two clicks at once: the unique vote per member (or the change's version) let one through.
            throw new UserException($"Your vote on {change.RecordId} was being counted already; look at the card again.");
        }

        await releaseReminders.PlanAsync(change, ct);

        var card = await CardAsync(change, ct);
        await publisher.UpdateEverywhereAsync(tenant.Id, RecordType, change.RecordId.ToString(), card, lead, ct);
        await db.SaveChangesAsync(ct);
        await db.CommitAsync(tx, ct);
        return new VoteResult(change, true, decision is null ? $"Your {Word(kind)} vote on {change.RecordId} is counted." : lead, card);
    }

    /// <summary>A change still undecided at its approval deadline is rejected as expired (once).</summary>
    public async Task<bool> ExpireIfDueAsync(Tenant tenant, Change change, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        // An emergency is released first and reviewed after: its review has no deadline to miss.
        if (change.Decision is not null || change.State != ChangeState.Pending || now < change.ApprovalDeadline || change.Type == ChangeType.Emergency)
        {
            return false;
        }

        (change.Decision, change.DecidedAt, change.State) = (ChangeDecision.Expired, now, ChangeState.Expired);
        change.DecisionReason = "no decision before its approval deadline";
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        await db.SaveChangesAsync(ct);
        await publisher.UpdateEverywhereAsync(tenant.Id, RecordType, change.RecordId.ToString(), await CardAsync(change, ct), $"{change.RecordId} expired: the CAB did not decide before its window.", ct);
        await db.SaveChangesAsync(ct);
        await db.CommitAsync(tx, ct);
        return true;
    }

    /// <summary>
    /// Expires every change of every tenant still undecided past its deadline (what the scheduler runs;
    /// a change is also expired when it is next looked at). Returns the ones expired.
    /// </summary>
    public async Task<List<RecordId>> ExpireDueAsync(CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        // Compared in SQL: SQLite stores these times as sortable integers.
        var due = await db.Changes.Where(c => c.State == ChangeState.Pending && c.Decision == null && c.ApprovalDeadline <= now && c.Type != ChangeType.Emergency)
            .Select(c => new { c.TenantId, c.Number }).ToListAsync(ct);
        var expired = new List<RecordId>();
        foreach (var item in due)
        {
            var tenant = await db.Tenants.FirstAsync(t => t.Id == item.TenantId, ct);
            var change = await GetAsync(item.TenantId, new RecordId(RecordId.Change, item.Number), ct);
            if (await ExpireIfDueAsync(tenant, change, ct))
            {
                expired.Add(change.RecordId);
            }
        }

        return expired;
    }

    /// <summary>Adds or replaces rollback steps (the requester, before a decision).</summary>
    public async Task<bool> SetRollbackAsync(Tenant tenant, Person actor, RecordId id, string steps, CancellationToken ct)
    {
        var change = await GetAsync(tenant.Id, id, ct);
        if (change.RequestedById != actor.Id)
        {
            throw new UserException($"Only the requester of {change.RecordId} changes its rollback steps.");
        }

        if (change.Decision is not null || !change.IsOpen)
        {
            throw new UserException($"{change.RecordId} is decided; request a new change to change its plan.");
        }

        steps = steps.Trim();
        if (steps.Length is 0 or > 4000)
        {
            throw new UserException("Write the rollback steps (up to 4,000 characters).");
        }

        if (change.Rollback == steps)
        {
            return false;
        }

        change.Rollback = steps;
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        await db.SaveChangesAsync(ct);
        await publisher.UpdateEverywhereAsync(tenant.Id, RecordType, change.RecordId.ToString(), await CardAsync(change, ct), $"{actor.DisplayName} added rollback steps to {change.RecordId}.", ct);
        await db.SaveChangesAsync(ct);
        await db.CommitAsync(tx, ct);
        return true;
    }

    /// <summary>Withdraws a change (the requester, before its release); false when it was withdrawn already.</summary>
    public async Task<bool> CancelAsync(Tenant tenant, Person actor, RecordId id, CancellationToken ct)
    {
        var change = await GetAsync(tenant.Id, id, ct);
        if (change.State == ChangeState.Cancelled)
        {
            return false;
        }

        if (change.RequestedById != actor.Id)
        {
            throw new UserException($"Only the requester of {change.RecordId} can withdraw it.");
        }

        if (change.State is not (ChangeState.Pending or ChangeState.Approved))
        {
            throw new UserException($"{change.RecordId} is {Word(change.State)}; only a change not yet released can be withdrawn.");
        }

        change.State = ChangeState.Cancelled;
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        await releaseReminders.PlanAsync(change, ct);
        await db.SaveChangesAsync(ct);
        var card = await CardAsync(change, ct);
        await publisher.UpdateEverywhereAsync(tenant.Id, RecordType, change.RecordId.ToString(), card, $"{actor.DisplayName} withdrew {change.RecordId}.", ct);
        // A release reminder posted for it loses its Start release button too.
        await publisher.UpdateEverywhereAsync(tenant.Id, ReleaseService.ReminderRecordType, change.RecordId.ToString(), card, $"{actor.DisplayName} withdrew {change.RecordId}.", ct);
        await db.SaveChangesAsync(ct);
        await db.CommitAsync(tx, ct);
        return true;
    }

    /// <summary>Adds a freeze window; changes pending in it are listed so the CAB can look again.</summary>
    public async Task<(FreezeWindow Freeze, List<Change> Affected)> AddFreezeAsync(Tenant tenant, Person actor, DateTimeOffset from, DateTimeOffset to, string reason, CancellationToken ct)
    {
        reason = reason.Trim();
        if (reason.Length is 0 or > 300)
        {
            throw new UserException("Say why there is a freeze, as in `/change freeze add 2026-12-20..2026-12-27 Christmas rush`.");
        }

        if (to - from > TimeSpan.FromDays(120))
        {
            throw new UserException("A freeze lasts at most 120 days.");
        }

        var freeze = new FreezeWindow { TenantId = tenant.Id, From = from, To = to, Reason = reason, CreatedById = actor.Id, CreatedAt = clock.GetUtcNow() };
        _freezeAt.Clear();
        db.FreezeWindows.Add(freeze);
        await db.SaveChangesAsync(ct);
        var affected = (await OpenChangesAsync(tenant.Id, ct)).Where(c => c.Type != ChangeType.Emergency && freeze.Overlaps(c.WindowStart, c.WindowEnd)).ToList();
        return (freeze, affected);
    }

    /// <summary>Freezes not yet over, soonest first.</summary>
    public async Task<List<FreezeWindow>> FreezesAsync(int tenantId, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        var all = await db.FreezeWindows.AsNoTracking().Where(f => f.TenantId == tenantId && f.To > now).ToListAsync(ct);
        return all.OrderBy(f => f.From).ToList();
    }

    /// <summary>Removes a freeze by its number; false when there was none.</summary>
    public async Task<bool> RemoveFreezeAsync(int tenantId, int freezeId, CancellationToken ct)
    {
        var freeze = await db.FreezeWindows.FirstOrDefaultAsync(f => f.TenantId == tenantId && f.Id == freezeId, ct);
        if (freeze is null)
        {
            return false;
        }

        _freezeAt.Clear();
        db.FreezeWindows.Remove(freeze);
        await db.SaveChangesAsync(ct);
        return true;
    }

    /// <summary>The first freeze overlapping a window, if any.</summary>
    public async Task<FreezeWindow?> FreezeAtAsync(int tenantId, DateTimeOffset start, DateTimeOffset end, CancellationToken ct)
    {
        if (_freezeAt.TryGetValue((tenantId, start, end), out var known))
        {
            return known;
        }

        var freezes = await FreezesOverQuery.For(db)(db, tenantId, start, end).ToListAsync(ct);
        return _freezeAt[(tenantId, start, end)] = freezes.OrderBy(f => f.From).FirstOrDefault();
    }

    /// <summary>
    /// The changes a CAB member's vote is still wanted on, by the rules <see cref="VoteAsync"/> applies:
    /// undecided, not withdrawn, not past their approval deadline (emergencies have none), requested by
    /// someone else, and not voted on by them yet. Soonest window first; at most <paramref name="take"/>,
    /// with how many there are, each with the approvals it needs. Nobody who is not on the CAB votes.
    /// </summary>
    public async Task<(List<(Change Change, int Required)> Changes, int Count)> AwaitingVoteAsync(int tenantId, Person voter, bool isCabMember, int take, CancellationToken ct)
    {
        if (!isCabMember)
        {
            return ([], 0);
        }

        // Compared in SQL: SQLite stores these times as sortable integers.
        var now = clock.GetUtcNow().ToUniversalTime();
        var waiting = db.Changes.AsNoTracking()
            .Where(c => c.TenantId == tenantId && c.Decision == null && c.State != ChangeState.Cancelled && c.RequestedById != voter.Id)
            .Where(c => c.Type == ChangeType.Emergency || c.State != ChangeState.Pending || c.ApprovalDeadline > now)
            .Where(c => !c.Votes.Any(v => v.PersonId == voter.Id));
        var count = await waiting.CountAsync(ct);
        if (count == 0)
        {
            return ([], 0);
        }

        var changes = await waiting.Include(c => c.Votes).OrderBy(c => c.WindowStart).ThenBy(c => c.Number).Take(take).ToListAsync(ct);
        var settings = await SettingsAsync(tenantId, ct);
        return (changes.Select(c => (c, CabPolicy.Required(settings, c.Risk, c.Type, c.InFreeze))).ToList(), count);
    }

    /// <summary>Pending, approved and releasing changes, soonest window first.</summary>
    public async Task<List<Change>> OpenChangesAsync(int tenantId, CancellationToken ct)
    {
        var open = await db.Changes.AsNoTracking().WithCis()
            .Where(c => c.TenantId == tenantId && (c.State == ChangeState.Pending || c.State == ChangeState.Approved || c.State == ChangeState.InRelease))
            .ToListAsync(ct);
        return open.OrderBy(c => c.WindowStart).ThenBy(c => c.Number).ToList();
    }

    /// <summary>
    /// Open changes whose windows overlap this one's and that touch the same CIs, or CIs that depend on
    /// each other (one's failure reaches the other through the CMDB).
    /// </summary>
    public async Task<List<ChangeConflict>> ConflictsAsync(Change change, CancellationToken ct)
    {
        // Only the open changes whose windows overlap, chosen in SQL: a vote re-renders the card, and a
        // workspace may have many open changes on other days.
        var others = await OverlappingQuery.For(db)(db, change.TenantId, change.Id, change.WindowStart, change.WindowEnd).ToListAsync(ct);
        if (others.Count == 0)
        {
            return [];
        }

        var mine = change.Cis.Select(c => c.CiId).ToList();
        var theirs = others.SelectMany(o => o.Cis.Select(c => c.CiId)).Distinct().ToList();
        var reach = await graph.ReachAsync(change.TenantId, mine.Concat(theirs).Distinct().ToList(), ct);
        var names = others.SelectMany(o => o.Cis).Concat(change.Cis).Where(c => c.Ci is not null).GroupBy(c => c.CiId).ToDictionary(g => g.Key, g => g.First().Ci!.Name);
        var conflicts = new List<ChangeConflict>();
        foreach (var other in others)
        {
            var why = new List<string>();
            foreach (var a in mine)
            {
                foreach (var b in other.Cis.Select(c => c.CiId))
                {
                    if (a == b)
                    {
                        why.Add($"both change {names.GetValueOrDefault(a, "a CI")}");
                    }
                    else if (reach.GetValueOrDefault(a)?.Contains(b) == true || reach.GetValueOrDefault(b)?.Contains(a) == true)
                    {
                        why.Add($"{names.GetValueOrDefault(a, "a CI")} and {names.GetValueOrDefault(b, "a CI")} depend on each other");
                    }
                }
            }

            if (why.Count > 0)
            {
                conflicts.Add(new ChangeConflict(other.RecordId, other.Title, string.Join("; ", why.Distinct())));
            }
        }

        return conflicts;
    }

    /// <summary>The change's card as it is now: with its tally, conflicts and buttons.</summary>
    public async Task<Card> CardAsync(Change change, CancellationToken ct)
    {
        var settings = await SettingsAsync(change.TenantId, ct);
        var people = change.Votes.Select(v => v.PersonId).Append(change.RequestedById).Concat(new[] { change.ReleaseStartedById, change.ReleasedById }.OfType<int>()).Distinct().ToList();
        var names = await db.People.Where(p => people.Contains(p.Id)).ToDictionaryAsync(p => p.Id, p => p.DisplayName, ct);
        var conflicts = change.IsOpen ? await ConflictsAsync(change, ct) : [];
        var freeze = change.IsOpen ? await FreezeAtAsync(change.TenantId, change.WindowStart, change.WindowEnd, ct) : null;
        var caused = change.Id == 0 ? [] : await CausedQuery.For(db)(db, change.Id).ToListAsync(ct);
        return ChangeCards.Card(change, names, CabPolicy.Required(settings, change.Risk, change.Type, change.InFreeze), conflicts, freeze, clock.GetUtcNow(), caused.Select(n => new RecordId(RecordId.Incident, n)).ToList());
    }

    private async Task<List<string>> NamesAsync(IEnumerable<int> ids, CancellationToken ct)
    {
        var list = ids.ToList();
        var names = await db.People.Where(p => list.Contains(p.Id)).ToDictionaryAsync(p => p.Id, p => p.DisplayName, ct);
        return list.Select(id => names.GetValueOrDefault(id, "someone")).ToList();
    }

    public static string Word<T>(T value)
        where T : struct, Enum => value.ToString() switch
        {
            "RolledBack" => "rolled back",
            "InRelease" => "in release",
            var other => other.ToLowerInvariant(),
        };
}

/// <summary>Times on change cards and in answers: UTC, compact.</summary>
public static class Times
{
    public static string At(DateTimeOffset at) => at.UtcDateTime.ToString("ddd d MMM HH:mm", System.Globalization.CultureInfo.InvariantCulture) + " UTC";

    public static string Span(DateTimeOffset from, DateTimeOffset to) =>
        from.UtcDateTime.Date == to.UtcDateTime.Date
            ? $"{At(from)[..^4]}–{to.UtcDateTime.ToString("HH:mm", System.Globalization.CultureInfo.InvariantCulture)} UTC"
            : $"{At(from)} – {At(to)}";
}
