using System.Globalization;
using BakeryBot.Core.Chat;
using BakeryBot.Core.Cmdb;
using BakeryBot.Core.Data;
using BakeryBot.Core.Data.Outbox;
using BakeryBot.Core.People;
using BakeryBot.Core.Problems;
using Microsoft.EntityFrameworkCore;

namespace BakeryBot.Core.Drills;

/// <summary>What <c>/drill new</c> asks for; the owner is a platform user id (the creator when null).</summary>
public sealed record DrillRequest(string Title, DrillScenario Scenario, DrillSchedule Schedule, TimeSpan Rto, TimeSpan Rpo, string? OwnerUserId, string? CiName);

/// <summary>How a run ended, as <c>/drill finish</c> says it.</summary>
public sealed record DrillFinish(DrillResult Result, TimeSpan? RtoAchieved, TimeSpan? RpoAchieved, IReadOnlyList<string> Findings);

/// <summary>What a step did: the drill as it is now, the run it was about, whether anything changed, and what to say.</summary>
public sealed record DrillOutcome(ContinuityDrill Drill, DrillRun? Run, bool Changed, string Message);

/// <summary>
/// Continuity drills on the database: each change, its audit and its card updates commit together.
/// Who may do what: anyone creates a drill (its owner is the one named, or its creator), starts a run
/// and notes what happens in it; the drill's owner, managers and admins finish its runs, give it
/// another owner and retire it, since they answer for the result. Anyone makes a problem of a finding.
/// </summary>
public sealed class DrillService(BakeryDbContext db, CmdbService cmdb, ProblemService problems, IdentityService identities, CardPublisher publisher, TimeProvider clock)
{
    /// <summary>The drill's card, keyed by its id.</summary>
    public const string RecordType = "drill";

    /// <summary>A run's card, keyed <c>DRL-2/run-3</c>.</summary>
    public const string RunRecordType = "drill-run";

    public const int MaxNote = 1000;

    /// <summary>A finding becomes a problem's title, which holds 300 characters.</summary>
    public const int MaxFinding = 300;

    public const int MaxFindings = 20;

    /// <summary>How long a claim to make a finding's problem holds before another click may take it over.</summary>
    public static readonly TimeSpan StaleClaim = TimeSpan.FromMinutes(2);

    /// <summary>The longest RTO or RPO a drill takes.</summary>
    public static readonly TimeSpan MaxTarget = TimeSpan.FromDays(365);

    internal static readonly CultureInfo Culture = CultureInfo.GetCultureInfo("en-GB");

    /// <summary>Creates a drill, due by its schedule from now, and posts its card in the channel.</summary>
    public async Task<ContinuityDrill> CreateAsync(Tenant tenant, Person actor, DrillRequest request, string platform, string channelId, CancellationToken ct)
    {
        var title = request.Title.Trim();
        if (title.Length is 0 or > 300)
        {
            throw new UserException(title.Length == 0
                ? "Give the drill a title, as in `/drill new Bakery 2 can't open scenario:site-down every:quarter rto:4h rpo:1h`."
                : "Keep the title under 300 characters.");
        }

        CheckTarget(request.Rto, "RTO");
        CheckTarget(request.Rpo, "RPO");
        int? ciId = null;
        if (request.CiName is { } name)
        {
            var ci = await cmdb.FindAsync(tenant.Id, name, ct)
                ?? throw new UserException($"`{name}` is not in the CMDB. Add it with `/cmdb add facility {name}` (or the type it is), or check the name.");
            ciId = ci.Id;
        }

        // Looked up (or noted, when mentioned for the first time) once everything else is right.
        var owner = request.OwnerUserId is { } userId ? await identities.FindOrCreateAsync(tenant, userId, ct) : actor;
        var now = clock.GetUtcNow();
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        var drill = new ContinuityDrill
        {
            TenantId = tenant.Id,
            Number = await db.NextNumberAsync(tenant.Id, RecordId.Drill, ct),
            Title = title,
            Scenario = request.Scenario,
            Schedule = request.Schedule.Text,
            RtoSeconds = (long)request.Rto.TotalSeconds,
            RpoSeconds = (long)request.Rpo.TotalSeconds,
            OwnerId = owner.Id,
            CiId = ciId,
            State = DrillState.Active,
            NextDueAt = request.Schedule.NextDue(now, null, null, TimeZones.Find(owner.TimeZone)),
            CreatedAt = now,
            CreatedById = actor.Id,
            Platform = platform,
            ChannelId = channelId,
        };
        db.Drills.Add(drill);
        await db.SaveChangesAsync(ct);
        var card = await ChannelCardAsync(drill, ct);
        publisher.Post(tenant.Id, platform, channelId, null, RecordType, drill.RecordId.ToString(), card, $"{actor.DisplayName} set up the continuity drill {drill.RecordId} ({DrillCards.Word(drill.Scenario)}).");
        await db.SaveChangesAsync(ct);
        await db.CommitAsync(tx, ct);
        return drill;
    }

    public async Task<ContinuityDrill> GetAsync(int tenantId, RecordId id, CancellationToken ct) =>
        await db.Drills
            .Include(d => d.Runs).ThenInclude(r => r.Timeline)
            .Include(d => d.Runs).ThenInclude(r => r.Findings)
            .AsSplitQuery()
            .FirstOrDefaultAsync(d => d.TenantId == tenantId && d.Number == id.Number, ct)
        ?? throw new UserException($"There is no {id}. `/drill list` shows the drills.");

    /// <summary>Active drills soonest due first, then (with <paramref name="all"/>) retired ones.</summary>
    public async Task<List<DrillView>> ListAsync(int tenantId, bool all, CancellationToken ct)
    {
        var drills = await db.Drills.AsNoTracking().Include(d => d.Runs)
            .Where(d => d.TenantId == tenantId && (all || d.State == DrillState.Active))
            .ToListAsync(ct);
        var views = new List<DrillView>();
        foreach (var drill in drills.OrderBy(d => d.State).ThenBy(d => d.NextDueAt).ThenBy(d => d.Number).Take(50))
        {
            views.Add(await ViewAsync(drill, ct));
        }

        return views;
    }

    /// <summary>
    /// The active drills of a tenant due by <paramref name="until"/> (overdue ones too), those
    /// <paramref name="owner"/> owns first, then soonest due; at most <paramref name="take"/>, with how many
    /// there are.
    /// </summary>
    public async Task<(List<DrillView> Drills, int Count)> DueByAsync(int tenantId, int owner, DateTimeOffset until, int take, CancellationToken ct)
    {
        // Compared in SQL: SQLite stores these times as sortable integers.
        var before = until.ToUniversalTime();
        var due = db.Drills.AsNoTracking().Where(d => d.TenantId == tenantId && d.State == DrillState.Active && d.NextDueAt <= before);
        var count = await due.CountAsync(ct);
        if (count == 0)
        {
            return ([], 0);
        }

        var drills = await due.Include(d => d.Runs)
            .OrderBy(d => d.OwnerId == owner ? 0 : 1).ThenBy(d => d.NextDueAt).ThenBy(d => d.Number)
            .Take(take)
            .ToListAsync(ct);
        var views = new List<DrillView>();
        foreach (var drill in drills)
        {
            views.Add(await ViewAsync(drill, ct));
        }

        return (views, count);
    }

    /// <summary>
    /// Starts a run: it has its own timeline and card, and answers the drill's current due date. The
    /// run's card is posted in the drill's own channel, wherever the run was started from (the reminder
    /// sent to the owner directly, another conversation), so the channel follows every run; the one
    /// who started it is answered where they asked. A drill has at most one run under way; starting
    /// another changes nothing and says so. A retired drill is not run.
    /// </summary>
    public async Task<DrillOutcome> StartAsync(Tenant tenant, Person actor, RecordId id, TimeZoneInfo readerZone, CancellationToken ct)
    {
        var drill = await GetAsync(tenant.Id, id, ct);
        if (drill.State == DrillState.Retired)
        {
            throw new UserException($"{id} is retired, so it is not run any more. Set up a new drill with `/drill new`.");
        }

        if (drill.OpenRun is { } open)
        {
            var names = await NamesAsync([open.StartedById], ct);
            return new DrillOutcome(drill, open, false, $"{id} run {open.Number} is under way already (started by {names.GetValueOrDefault(open.StartedById, "someone")}, {DrillCards.At(open.StartedAt, readerZone, Culture)}); nothing changed. " +
                                                         $"Note what happens with `/drill note {id} <text>`.");
        }

        var now = clock.GetUtcNow();
        var run = new DrillRun
        {
            TenantId = tenant.Id,
            DrillId = drill.Id,
            Number = drill.Runs.Count == 0 ? 1 : drill.Runs.Max(r => r.Number) + 1,
            DueAt = drill.NextDueAt,
            StartedAt = now,
            StartedById = actor.Id,
            Platform = drill.Platform,
            ChannelId = drill.ChannelId,
        };
        run.Timeline.Add(new DrillRunEvent { At = now, PersonId = actor.Id, Kind = "started", Text = $"{actor.DisplayName} started run {run.Number}: {DrillCards.Word(drill.Scenario)}." });
        drill.Runs.Add(run);
        // Starting a run moves the drill's version on, as retiring and finishing do: of a start and a
        // retire at the same moment one fails, so a retired drill never has a run under way.
        db.Entry(drill).Property(d => d.Version).IsModified = true;
        var lead = $"{actor.DisplayName} started {id} run {run.Number}.";
        try
        {
            await using var tx = await db.Database.BeginTransactionAsync(ct);
            await db.SaveChangesAsync(ct);
            publisher.Post(tenant.Id, drill.Platform, drill.ChannelId, null, RunRecordType, RunKey(drill, run), await RunCardAsync(drill, run, ct), lead);
            await UpdateCardsAsync(drill, lead, [drill.NextDueAt], ct);
            await db.SaveChangesAsync(ct);
            await db.CommitAsync(tx, ct);
        }
        catch (DbUpdateException)
        {
            // Two starts at once (the one open run per drill, the run's number or the version let one
            // through), or a retire or a change of the drill at the same moment.
            var (retired, underWay) = await CurrentStateAsync(drill, ct);
            throw new UserException(retired
                ? $"{id} was retired at the same moment, so it is not run any more; nothing changed."
                : underWay is { } current
                    ? $"{id} run {current.Number} was started by {current.StartedBy} at the same moment; nothing changed. Note what happens with `/drill note {id} <text>`."
                    : $"{id} was changed at the same moment; nothing changed. Look at its card again and start it if it is still needed.");
        }

        return new DrillOutcome(drill, run, true, $"{id} run {run.Number} started. Note what happens with `/drill note {id} <text>`; when it is over, `/drill finish {id} pass|fail rto-achieved:<dur> rpo-achieved:<dur> <findings>`.");
    }

    /// <summary>Adds a note to the timeline of the run under way; its card shows it.</summary>
    public async Task<DrillOutcome> NoteAsync(Tenant tenant, Person actor, RecordId id, string text, CancellationToken ct)
    {
        text = text.Trim();
        if (text.Length is 0 or > MaxNote)
        {
            throw new UserException(text.Length == 0 ? $"What happened? As in `/drill note {id} generator started, tills back on`." : $"Keep the note under {MaxNote:N0} characters.");
        }

        var drill = await GetAsync(tenant.Id, id, ct);
        var run = drill.OpenRun ?? throw new UserException($"{id} has no run under way. Start one with `/drill start {id}`.");
        run.Timeline.Add(new DrillRunEvent { RunId = run.Id, At = clock.GetUtcNow(), PersonId = actor.Id, Kind = "note", Text = $"{actor.DisplayName}: {text}" });
        await SaveRunAsync(drill, run, $"{actor.DisplayName} noted on {id} run {run.Number}: {text}", ct);
        return new DrillOutcome(drill, run, true, $"Noted on {id} run {run.Number}.");
    }

    /// <summary>
    /// Finishes the run under way: pass or fail, the recovery time and data loss achieved, and its
    /// findings. A pass needs both achieved values, so it can be held against the targets; a fail may
    /// leave them out. The drill is then due again by its schedule (<see cref="DrillSchedule.NextDue"/>).
    /// </summary>
    public async Task<DrillOutcome> FinishAsync(Tenant tenant, Person actor, bool isManager, RecordId id, DrillFinish finish, CancellationToken ct)
    {
        var drill = await GetAsync(tenant.Id, id, ct);
        await RequireOwnerAsync(drill, actor, isManager, "finish its runs", ct);
        var run = drill.OpenRun ?? throw new UserException(drill.LastFinishedRun is { } last
            ? $"{id} has no run under way: run {last.Number} finished already ({DrillCards.Verdict(drill, last)}). Start another with `/drill start {id}`."
            : $"{id} has no run under way. Start one with `/drill start {id}`.");
        if (finish.Result == DrillResult.Pass && (finish.RtoAchieved is null || finish.RpoAchieved is null))
        {
            throw new UserException($"A pass is measured against the targets: give how long the recovery took and how much data was lost, as in `/drill finish {id} pass rto-achieved:3h10m rpo-achieved:20m`.");
        }

        CheckAchieved(finish.RtoAchieved, "RTO");
        CheckAchieved(finish.RpoAchieved, "RPO");
        if (finish.Findings.Count > MaxFindings)
        {
            throw new UserException($"That is {finish.Findings.Count} findings; a run takes at most {MaxFindings}.");
        }

        if (finish.Findings.FirstOrDefault(f => f.Length > MaxFinding) is { } longFinding)
        {
            throw new UserException($"Keep each finding under {MaxFinding} characters (it becomes a problem's title): \"{longFinding[..40]}…\" is longer.");
        }

        var now = clock.GetUtcNow().ToUniversalTime();
        var dueBefore = drill.NextDueAt;
        (run.FinishedAt, run.FinishedById, run.Result) = (now, actor.Id, finish.Result);
        run.RtoAchievedSeconds = finish.RtoAchieved is { } rto ? (long)rto.TotalSeconds : null;
        run.RpoAchievedSeconds = finish.RpoAchieved is { } rpo ? (long)rpo.TotalSeconds : null;
        var number = drill.Runs.SelectMany(r => r.Findings).Select(f => f.Number).DefaultIfEmpty(0).Max();
        foreach (var text in finish.Findings)
        {
            run.Findings.Add(new DrillFinding { TenantId = tenant.Id, DrillId = drill.Id, RunId = run.Id, Number = ++number, Text = text });
        }

        var verdict = DrillCards.Verdict(drill, run);
        run.Timeline.Add(new DrillRunEvent { RunId = run.Id, At = now, PersonId = actor.Id, Kind = "finished", Text = $"{actor.DisplayName} finished run {run.Number}: {verdict}." });
        var owner = await db.People.FirstAsync(p => p.Id == drill.OwnerId, ct);
        var zone = TimeZones.Find(owner.TimeZone);
        drill.NextDueAt = DrillSchedule.Parse(drill.Schedule).NextDue(drill.CreatedAt, now, run.DueAt, zone);
        var lead = $"{actor.DisplayName} finished {id} run {run.Number}: {verdict}.";
        await using (var tx = await db.Database.BeginTransactionAsync(ct))
        {
            // Finished with a conditional update first: of two finishes at once one wins, and the
            // other changes nothing (no second result, no findings numbered twice).
            var finished = await db.DrillRuns
                .Where(r => r.Id == run.Id && r.FinishedAt == null)
                .ExecuteUpdateAsync(s => s.SetProperty(r => r.FinishedAt, now).SetProperty(r => r.FinishedById, actor.Id), ct);
            if (finished == 0)
            {
                var by = await db.DrillRuns.Where(r => r.Id == run.Id).Select(r => r.FinishedById).FirstOrDefaultAsync(ct);
                var name = by is { } person ? (await NamesAsync([person], ct)).GetValueOrDefault(person, "someone") : "someone";
                throw new UserException($"{id} run {run.Number} was finished by {name} at the same moment; nothing changed. `/drill show {id}` shows its result.");
            }

            await SaveRunChangesAsync(drill, run, lead, dueBefore, ct);
            await db.CommitAsync(tx, ct);
        }

        var lines = new List<string>
        {
            $"{id} run {run.Number} finished: {verdict}.",
            DrillCards.Against("RTO", drill.Rto, run.RtoAchieved, Culture),
            DrillCards.Against("RPO", drill.Rpo, run.RpoAchieved, Culture),
        };
        if (run.Findings.Count > 0)
        {
            lines.Add($"{run.Findings.Count} finding{(run.Findings.Count == 1 ? "" : "s")}: make each a problem with its button on the run's card, or `/drill problem {id} {run.Findings[0].Number}`.");
        }

        return new DrillOutcome(drill, run, true, string.Join('\n', lines));
    }

    /// <summary>
    /// Makes a problem (PRB-n, through <see cref="ProblemService"/>) of a finding: its title is the
    /// finding, its CI the drill's; the finding names it and the run's card shows it everywhere. A
    /// finding that is a problem already changes nothing and says which one.
    /// </summary>
    public async Task<DrillOutcome> MakeProblemAsync(Tenant tenant, Person actor, RecordId id, int findingNumber, string platform, string channelId, CancellationToken ct)
    {
        var drill = await GetAsync(tenant.Id, id, ct);
        var all = drill.Runs.SelectMany(r => r.Findings).ToList();
        var finding = all.FirstOrDefault(f => f.Number == findingNumber) ?? throw new UserException(all.Count == 0
            ? $"{id} has no findings: they are recorded when a run finishes."
            : $"{id} has no finding {findingNumber}; its findings are numbered {all.Min(f => f.Number)} to {all.Max(f => f.Number)}.");
        var run = drill.Runs.First(r => r.Id == finding.RunId);
        if (finding.ProblemId is { } made)
        {
            return new DrillOutcome(drill, run, false, $"Finding {finding.Number} of {id} is {await ProblemIdAsync(made, ct)} already; nothing changed.");
        }

        // Claimed with a conditional update, so two clicks at once make one problem. The claim, the
        // problem and the link commit separately: a claim left by a click that never finished (the
        // process stopped half-way) goes stale, and the finding can be claimed again.
        var now = clock.GetUtcNow().ToUniversalTime();
        var staleBefore = now - StaleClaim;
        var claimed = await db.DrillFindings
            .Where(f => f.Id == finding.Id && f.ProblemId == null && (f.ProblemClaimedAt == null || f.ProblemClaimedAt < staleBefore))
            .ExecuteUpdateAsync(s => s.SetProperty(f => f.ProblemClaimedAt, now), ct);
        if (claimed == 0)
        {
            await db.Entry(finding).ReloadAsync(ct);
            return finding.ProblemId is { } other
                ? new DrillOutcome(drill, run, false, $"Finding {finding.Number} of {id} is {await ProblemIdAsync(other, ct)} already; nothing changed.")
                : throw new UserException($"Someone is making finding {finding.Number} of {id} a problem right now; look at the card again in a moment.");
        }

        Problem problem;
        try
        {
            var ci = drill.CiId is { } ciId ? await db.ConfigurationItems.Where(c => c.Id == ciId).Select(c => c.Name).FirstOrDefaultAsync(ct) : null;
            (problem, _) = await problems.CreateAsync(tenant, actor, platform, channelId, finding.Text, ci is null ? [] : [ci], ct);
        }
        catch
        {
            await db.DrillFindings.Where(f => f.Id == finding.Id).ExecuteUpdateAsync(s => s.SetProperty(f => f.ProblemClaimedAt, (DateTimeOffset?)null), CancellationToken.None);
            throw;
        }

        finding.ProblemId = problem.Id;
        finding.ProblemClaimedAt = now;
        run.Timeline.Add(new DrillRunEvent { RunId = run.Id, At = now, PersonId = actor.Id, Kind = "problem", Text = $"{actor.DisplayName} made {problem.RecordId} of finding {finding.Number}." });
        await SaveRunAsync(drill, run, $"{actor.DisplayName} made {problem.RecordId} of finding {finding.Number} of {id}: {finding.Text}", ct);
        return new DrillOutcome(drill, run, true, $"{problem.RecordId} opened from finding {finding.Number} of {id}.");
    }

    /// <summary>
    /// Gives the drill another owner (who is reminded of it from then on). Its due date stays as it is;
    /// the next one, when a run finishes, is computed in the new owner's time zone.
    /// </summary>
    public async Task<DrillOutcome> SetOwnerAsync(Tenant tenant, Person actor, bool isManager, RecordId id, string ownerUserId, CancellationToken ct)
    {
        var drill = await GetAsync(tenant.Id, id, ct);
        await RequireOwnerAsync(drill, actor, isManager, "give it another owner", ct);
        var owner = await identities.FindOrCreateAsync(tenant, ownerUserId, ct);
        if (drill.OwnerId == owner.Id)
        {
            return new DrillOutcome(drill, null, false, $"{owner.DisplayName} owns {id} already; nothing changed.");
        }

        // The due date stays the instant it is: computed again in the new owner's zone it could move by
        // an hour, and its reminder and overdue notice (kept by that instant) would be posted again.
        drill.OwnerId = owner.Id;
        await SaveDrillAsync(drill, $"{actor.DisplayName} made {owner.DisplayName} the owner of {id}.", [drill.NextDueAt], ct);
        return new DrillOutcome(drill, null, true, $"{owner.DisplayName} owns {id} now.");
    }

    /// <summary>Retires a drill: no longer due nor reminded, kept with its history. Its run under way must be finished first.</summary>
    public async Task<DrillOutcome> RetireAsync(Tenant tenant, Person actor, bool isManager, RecordId id, CancellationToken ct)
    {
        var drill = await GetAsync(tenant.Id, id, ct);
        if (drill.State == DrillState.Retired)
        {
            return new DrillOutcome(drill, null, false, $"{id} was retired already; nothing changed.");
        }

        await RequireOwnerAsync(drill, actor, isManager, "retire it", ct);
        if (drill.OpenRun is { } open)
        {
            throw new UserException($"{id} run {open.Number} is under way: finish it first (`/drill finish {id} pass|fail ...`).");
        }

        (drill.State, drill.RetiredAt) = (DrillState.Retired, clock.GetUtcNow());
        try
        {
            await SaveDrillAsync(drill, $"{actor.DisplayName} retired {id}.", [drill.NextDueAt], ct);
        }
        catch (DbUpdateConcurrencyException)
        {
            // A run started (or the drill changed) since it was read: its version moved on.
            var (retired, underWay) = await CurrentStateAsync(drill, ct);
            throw new UserException(retired
                ? $"{id} was retired at the same moment; nothing changed."
                : underWay is { } current
                    ? $"{id} run {current.Number} was started by {current.StartedBy} at the same moment: finish it first (`/drill finish {id} pass|fail ...`); nothing changed."
                    : $"{id} was changed at the same moment; nothing changed. Look at its card again and retire it if it is still needed.");
        }

        return new DrillOutcome(drill, null, true, $"{id} is retired: it is no longer due or reminded.");
    }

    /// <summary>The names, CI and problems the drill's cards show.</summary>
    public async Task<DrillView> ViewAsync(ContinuityDrill drill, CancellationToken ct)
    {
        var people = new[] { drill.OwnerId, drill.CreatedById }
            .Concat(drill.Runs.SelectMany(r => new[] { r.StartedById, r.FinishedById ?? 0 }))
            .Where(p => p != 0).Distinct().ToList();
        var names = await NamesAsync(people, ct);
        var ci = drill.CiId is { } ciId ? await db.ConfigurationItems.Where(c => c.Id == ciId).Select(c => c.Name).FirstOrDefaultAsync(ct) : null;
        var problemIds = drill.Runs.SelectMany(r => r.Findings).Select(f => f.ProblemId).OfType<int>().Distinct().ToList();
        var problemNumbers = problemIds.Count == 0
            ? []
            : await db.Set<Problem>().Where(p => problemIds.Contains(p.Id)).ToDictionaryAsync(p => p.Id, p => new RecordId(RecordId.Problem, p.Number), ct);
        var zone = await db.People.Where(p => p.Id == drill.OwnerId).Select(p => p.TimeZone).FirstOrDefaultAsync(ct);
        return new DrillView(drill, ci, names, problemNumbers, TimeZones.Find(zone));
    }

    /// <summary>The drill's card in a reader's zone (<c>/drill show</c>).</summary>
    public async Task<Card> CardAsync(ContinuityDrill drill, TimeZoneInfo zone, bool withTimeline, CancellationToken ct) =>
        DrillCards.Card(await ViewAsync(drill, ct), clock.GetUtcNow(), zone, Culture, withTimeline);

    /// <summary>The drill's card as channels see it: times in the tenant's zone.</summary>
    public async Task<Card> ChannelCardAsync(ContinuityDrill drill, CancellationToken ct) =>
        DrillCards.Card(await ViewAsync(drill, ct), clock.GetUtcNow(), await ChannelZoneAsync(drill.TenantId, ct), Culture);

    /// <summary>A run's card as channels see it.</summary>
    public async Task<Card> RunCardAsync(ContinuityDrill drill, DrillRun run, CancellationToken ct) =>
        DrillCards.RunCard(await ViewAsync(drill, ct), run, clock.GetUtcNow(), await ChannelZoneAsync(drill.TenantId, ct), Culture);

    /// <summary>The key of a run's posted cards.</summary>
    public static string RunKey(ContinuityDrill drill, DrillRun run) =>
        string.Create(CultureInfo.InvariantCulture, $"{drill.RecordId}/run-{run.Number}");

    /// <summary>The zone of texts many people see: the tenant's.</summary>
    internal async Task<TimeZoneInfo> ChannelZoneAsync(int tenantId, CancellationToken ct) =>
        TimeZones.Find(await db.Tenants.Where(t => t.Id == tenantId).Select(t => t.TimeZone).FirstOrDefaultAsync(ct));

    /// <summary>
    /// Updates every posted copy of the drill's card: its own posts, and the reminders and overdue
    /// notices of the given due dates (which carry the drill's card too).
    /// </summary>
    internal async Task UpdateCardsAsync(ContinuityDrill drill, string lead, IEnumerable<DateTimeOffset> dueDates, CancellationToken ct)
    {
        var card = await ChannelCardAsync(drill, ct);
        var id = drill.RecordId.ToString();
        await publisher.UpdateEverywhereAsync(drill.TenantId, RecordType, id, card, lead, ct);
        foreach (var due in dueDates.Distinct())
        {
            var key = DrillReminders.Key(drill, due);
            await publisher.UpdateEverywhereAsync(drill.TenantId, DrillReminders.ReminderRecordType, key, card, lead, ct);
            await publisher.UpdateEverywhereAsync(drill.TenantId, DrillReminders.OverdueRecordType, key, card, lead, ct);
        }
    }

    /// <summary>Saves a change of a run and updates its card everywhere.</summary>
    private async Task SaveRunAsync(ContinuityDrill drill, DrillRun run, string lead, CancellationToken ct)
    {
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        await SaveRunChangesAsync(drill, run, lead, null, ct);
        await db.CommitAsync(tx, ct);
    }

    /// <summary>The changes and card updates of <see cref="SaveRunAsync"/>, in the caller's transaction; with <paramref name="dueBefore"/> (a finished run) the drill's cards too.</summary>
    private async Task SaveRunChangesAsync(ContinuityDrill drill, DrillRun run, string lead, DateTimeOffset? dueBefore, CancellationToken ct)
    {
        await db.SaveChangesAsync(ct);
        await publisher.UpdateEverywhereAsync(drill.TenantId, RunRecordType, RunKey(drill, run), await RunCardAsync(drill, run, ct), lead, ct);
        if (dueBefore is { } before)
        {
            await UpdateCardsAsync(drill, lead, [before, drill.NextDueAt], ct);
        }

        await db.SaveChangesAsync(ct);
    }

    /// <summary>The drill as the database has it now, after a change at the same moment won: whether it is retired, and its run under way.</summary>
    private async Task<(bool Retired, (int Number, string StartedBy)? Open)> CurrentStateAsync(ContinuityDrill drill, CancellationToken ct)
    {
        var state = await db.Drills.AsNoTracking().Where(d => d.Id == drill.Id).Select(d => d.State).FirstAsync(ct);
        var open = await db.DrillRuns.AsNoTracking().Where(r => r.DrillId == drill.Id && r.FinishedAt == null)
            .Select(r => new { r.Number, r.StartedById }).FirstOrDefaultAsync(ct);
        if (open is null)
        {
            return (state == DrillState.Retired, null);
        }

        var names = await NamesAsync([open.StartedById], ct);
        return (state == DrillState.Retired, (open.Number, names.GetValueOrDefault(open.StartedById, "someone")));
    }

    private async Task SaveDrillAsync(ContinuityDrill drill, string lead, IReadOnlyList<DateTimeOffset> dueDates, CancellationToken ct)
    {
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        await db.SaveChangesAsync(ct);
        await UpdateCardsAsync(drill, lead, dueDates, ct);
        await db.SaveChangesAsync(ct);
        await db.CommitAsync(tx, ct);
    }

    private async Task RequireOwnerAsync(ContinuityDrill drill, Person actor, bool isManager, string what, CancellationToken ct)
    {
        if (drill.OwnerId == actor.Id || isManager)
        {
            return;
        }

        var owner = (await NamesAsync([drill.OwnerId], ct)).GetValueOrDefault(drill.OwnerId, "its owner");
        throw new UserException($"Only {drill.RecordId}'s owner ({owner}), managers and admins {what}: they answer for the drill. Ask {owner}, or a manager.");
    }

    private async Task<string> ProblemIdAsync(int problemId, CancellationToken ct) =>
        new RecordId(RecordId.Problem, await db.Set<Problem>().Where(p => p.Id == problemId).Select(p => p.Number).FirstAsync(ct)).ToString();

    private async Task<Dictionary<int, string>> NamesAsync(IReadOnlyCollection<int> ids, CancellationToken ct) =>
        await db.People.Where(p => ids.Contains(p.Id)).ToDictionaryAsync(p => p.Id, p => p.DisplayName, ct);

    private static void CheckTarget(TimeSpan target, string what)
    {
        if (target <= TimeSpan.Zero || target > MaxTarget)
        {
            throw new UserException($"The {what} is more than nothing and at most a year.");
        }
    }

    private static void CheckAchieved(TimeSpan? achieved, string what)
    {
        if (achieved is { } value && (value < TimeSpan.Zero || value > MaxTarget))
        {
            throw new UserException($"The {what} achieved is at most a year.");
        }
    }
}
