using BakeryBot.Core.Chat;
using BakeryBot.Core.Cmdb;
using BakeryBot.Core.Data;
using BakeryBot.Core.Data.Outbox;
using BakeryBot.Core.Incidents;
using BakeryBot.Core.People;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace BakeryBot.Core.Problems;

/// <summary>Problems on the database: each change, its audit and card updates commit together.</summary>
public sealed class ProblemService(BakeryDbContext db, CmdbService cmdb, IncidentService incidents, CardPublisher publisher, IOptions<ProblemOptions> options, TimeProvider clock)
{
    public const string RecordType = "problem";

    /// <summary>Opens a problem and posts its card in the channel.</summary>
    public async Task<(Problem Problem, IReadOnlyList<string> UnknownCis)> CreateAsync(Tenant tenant, Person actor, string platform, string channelId, string title, IReadOnlyList<string> ciNames, CancellationToken ct)
    {
        title = title.Trim();
        if (title.Length is 0 or > 300)
        {
            throw new UserException(title.Length == 0 ? "Give the problem a title, as in `/problem new cookies keep burning ci:oven-2`." : "Keep the title under 300 characters.");
        }

        var (cis, unknown) = await cmdb.FindManyAsync(tenant.Id, ciNames, ct);
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        var problem = new Problem
        {
            TenantId = tenant.Id,
            Number = await db.NextNumberAsync(tenant.Id, RecordId.Problem, ct),
            Title = title,
            State = ProblemState.Open,
            CreatedAt = clock.GetUtcNow(),
            CreatedById = actor.Id,
            Platform = platform,
            ChannelId = channelId,
            Cis = cis.Select(c => new ProblemCi { CiId = c.Id, Ci = c }).ToList(),
        };
        db.Set<Problem>().Add(problem);
        await db.SaveChangesAsync(ct);
        publisher.Post(tenant.Id, platform, channelId, null, RecordType, problem.RecordId.ToString(), await CardAsync(problem, ct), $"{actor.DisplayName} opened {problem.RecordId}.");
        await db.SaveChangesAsync(ct);
        await db.CommitAsync(tx, ct);
        return (problem, unknown);
    }

    public async Task<Problem> GetAsync(int tenantId, RecordId id, CancellationToken ct) =>
        await db.Set<Problem>().Include(p => p.Cis).ThenInclude(c => c.Ci)
            .AsSplitQuery()
            .FirstOrDefaultAsync(p => p.TenantId == tenantId && p.Number == id.Number, ct)
        ?? throw new UserException($"There is no {id}. `/problem list` shows the open ones.");

    /// <summary>Links incidents to the problem; their cards and the problem's card change. Returns the ones newly linked.</summary>
    public async Task<List<RecordId>> LinkAsync(Tenant tenant, Person actor, RecordId problemId, IReadOnlyList<RecordId> incidentIds, CancellationToken ct)
    {
        var problem = await GetAsync(tenant.Id, problemId, ct);
        var linked = new List<RecordId>();
        foreach (var id in incidentIds.Distinct())
        {
            if ((await incidents.LinkProblemAsync(tenant, actor, id, problem, ct)).Changed)
            {
                linked.Add(id);
            }
        }

        if (linked.Count > 0)
        {
            await RefreshAsync(tenant, problem, $"{actor.DisplayName} linked {string.Join(", ", linked)} to {problem.RecordId}.", ct);
        }

        return linked;
    }

    public Task<bool> SetRootCauseAsync(Tenant tenant, Person actor, RecordId id, string cause, CancellationToken ct) =>
        ChangeAsync(tenant, id, p =>
        {
            if (p.RootCause == cause)
            {
                return false;
            }

            p.RootCause = cause;
            return true;
        }, $"{actor.DisplayName} recorded the root cause of {id}.", ct);

    /// <summary>Records the workaround: the problem becomes a known error, and incidents declared on its CIs from then on get it posted.</summary>
    public Task<bool> SetWorkaroundAsync(Tenant tenant, Person actor, RecordId id, string workaround, CancellationToken ct) =>
        ChangeAsync(tenant, id, p =>
        {
            if (p.State == ProblemState.Resolved)
            {
                throw new UserException($"{id} is resolved; a workaround is no longer needed.");
            }

            if (p.Workaround == workaround)
            {
                return false;
            }

            p.Workaround = workaround;
            p.State = ProblemState.KnownError;
            return true;
        }, $"{actor.DisplayName} recorded a workaround for {id}: it is a known error.", ct);

    public Task<bool> ResolveAsync(Tenant tenant, Person actor, RecordId id, CancellationToken ct) =>
        ChangeAsync(tenant, id, p =>
        {
            if (p.State == ProblemState.Resolved)
            {
                return false;
            }

            p.State = ProblemState.Resolved;
            p.ResolvedAt = clock.GetUtcNow();
            p.ResolvedById = actor.Id;
            return true;
        }, $"{actor.DisplayName} resolved {id}.", ct);

    public Task<List<Problem>> ListAsync(int tenantId, bool all, CancellationToken ct)
    {
        var query = db.Set<Problem>().AsNoTracking().Where(p => p.TenantId == tenantId);
        return (all ? query : query.Where(p => p.State != ProblemState.Resolved)).OrderByDescending(p => p.Number).Take(30).ToListAsync(ct);
    }

    /// <summary>"Create problem" on a suggestion: the problem, with the suggested incidents linked. A second click finds the first one's problem.</summary>
    public async Task<(Problem Problem, bool Created)> CreateFromSuggestionAsync(Tenant tenant, Person actor, int suggestionId, string platform, string channelId, CancellationToken ct)
    {
        var suggestion = await db.Set<ProblemSuggestion>().FirstOrDefaultAsync(s => s.Id == suggestionId && s.TenantId == tenant.Id, ct)
            ?? throw new UserException("That suggestion is gone.");
        // Claimed with a conditional update, so two clicks at once make one problem.
        const int Claimed = -1;
        var claimed = await db.Set<ProblemSuggestion>()
            .Where(s => s.Id == suggestion.Id && s.ProblemId == null)
            .ExecuteUpdateAsync(s => s.SetProperty(x => x.ProblemId, Claimed), ct);
        if (claimed == 0)
        {
            await db.Entry(suggestion).ReloadAsync(ct);
            return suggestion.ProblemId is { } made and > 0
                ? (await db.Set<Problem>().FirstAsync(p => p.Id == made, ct), false)
                : throw new UserException("Someone is creating that problem right now; look at the suggestion again in a moment.");
        }

        var ci = await db.ConfigurationItems.Where(c => c.Id == suggestion.CiId).Select(c => c.Name).FirstAsync(ct);
        Problem problem;
        try
        {
            (problem, _) = await CreateAsync(tenant, actor, platform, channelId, $"Recurring incidents on {ci}", [ci], ct);
        }
        catch
        {
            await db.Set<ProblemSuggestion>().Where(s => s.Id == suggestion.Id).ExecuteUpdateAsync(s => s.SetProperty(x => x.ProblemId, (int?)null), CancellationToken.None);
            throw;
        }

        await db.Set<ProblemSuggestion>().Where(s => s.Id == suggestion.Id).ExecuteUpdateAsync(s => s.SetProperty(x => x.ProblemId, problem.Id), ct);
        var ids = suggestion.IncidentKeys.Split(',').Select(k => RecordId.Parse(k, RecordId.Incident)).ToList();
        // Incidents linked to a problem meanwhile keep theirs; the rest join the new one.
        var numbers = ids.Select(i => i.Number).ToList();
        var free = await db.Incidents.Where(i => i.TenantId == tenant.Id && numbers.Contains(i.Number) && i.ProblemId == null)
            .Select(i => i.Number).ToListAsync(ct);
        await LinkAsync(tenant, actor, problem.RecordId, ids.Where(i => free.Contains(i.Number)).ToList(), ct);
        var count = ids.Count;
        await publisher.UpdateEverywhereAsync(tenant.Id, ProblemDetector.RecordType, suggestion.Id.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ProblemCards.Suggestion(suggestion, ci, count, options.Value.SuggestWindow, problem.RecordId), $"{actor.DisplayName} created {problem.RecordId} from this suggestion.", ct);
        await db.SaveChangesAsync(ct);
        return (problem, true);
    }

    /// <summary>The problem's card: its incidents, the CIs they share and the total downtime.</summary>
    public async Task<Card> CardAsync(Problem problem, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        var linked = await db.Incidents.Where(i => i.ProblemId == problem.Id && problem.Id != 0)
            .OrderBy(i => i.Number)
            .Select(i => new { i.Number, i.DeclaredAt, End = i.MitigatedAt ?? i.ResolvedAt, CiNames = i.Cis.Select(c => c.Ci!.Name).ToList() })
            .ToListAsync(ct);
        var cis = problem.Cis.Where(c => c.Ci is not null).Select(c => c.Ci!.Name)
            .Concat(linked.SelectMany(i => i.CiNames))
            .Distinct(StringComparer.OrdinalIgnoreCase)
            .Order(StringComparer.Ordinal)
            .ToList();
        var downtime = linked.Aggregate(TimeSpan.Zero, (sum, i) => sum + ((i.End ?? now) - i.DeclaredAt));
        var createdBy = await db.People.Where(p => p.Id == problem.CreatedById).Select(p => p.DisplayName).FirstOrDefaultAsync(ct) ?? "someone";
        var view = new ProblemView(problem, linked.Select(i => new RecordId(RecordId.Incident, i.Number).ToString()).ToList(), cis, downtime, createdBy);
        return ProblemCards.Card(view, System.Globalization.CultureInfo.GetCultureInfo("en-GB"));
    }

    private async Task<bool> ChangeAsync(Tenant tenant, RecordId id, Func<Problem, bool> change, string lead, CancellationToken ct)
    {
        if (id.Prefix != RecordId.Problem)
        {
            throw new UserException($"`{id}` is not a problem id. Write it like `PRB-3`.");
        }

        var problem = await GetAsync(tenant.Id, id, ct);
        if (!change(problem))
        {
            return false;
        }

        await RefreshAsync(tenant, problem, lead, ct);
        return true;
    }

    private async Task RefreshAsync(Tenant tenant, Problem problem, string lead, CancellationToken ct)
    {
        await publisher.UpdateEverywhereAsync(tenant.Id, RecordType, problem.RecordId.ToString(), await CardAsync(problem, ct), lead, ct);
        await db.SaveChangesAsync(ct);
    }
}
