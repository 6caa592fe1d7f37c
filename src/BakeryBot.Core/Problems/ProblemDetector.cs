using System.Globalization;
using BakeryBot.Core.Chat;
using BakeryBot.Core.Data;
using BakeryBot.Core.Data.Outbox;
using BakeryBot.Core.Incidents;
using BakeryBot.Core.People;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace BakeryBot.Core.Problems;

/// <summary>The <c>Problems</c> section: when several incidents on one CI suggest a problem.</summary>
public sealed class ProblemOptions
{
    public const string Section = "Problems";

    /// <summary>How many incidents on one CI make a pattern.</summary>
    public int SuggestAfter { get; set; } = 3;

    /// <summary>Within how long.</summary>
    public TimeSpan SuggestWindow { get; set; } = TimeSpan.FromDays(7);
}

/// <summary>
/// Notices when <see cref="ProblemOptions.SuggestAfter"/> incidents touch one CI within the window
/// and no open problem covers them, and suggests a problem with a "Create problem" button in the
/// channel of the latest of those incidents. Each CI is suggested once per window. It looks when an
/// incident is declared (<see cref="SuggestAsync(Tenant, Incident, CancellationToken)"/>) and, for
/// every CI, in the problem-suggestions job (<see cref="SweepAsync"/>), which catches incidents linked
/// to a CI after they were declared; both go through <see cref="SuggestAsync(int, int, CancellationToken)"/>.
/// </summary>
public sealed class ProblemDetector(BakeryDbContext db, CardPublisher publisher, IOptions<ProblemOptions> options, TimeProvider clock)
{
    public const string RecordType = "problem-suggestion";

    /// <summary>The advisory lock key of suggestions ("PRBSUGST" in ASCII): one check-and-post at a time across instances.</summary>
    private const long SuggestionLock = 0x5052425355475354;

    /// <summary>Looks at the CIs of a newly declared incident; posts a suggestion where one is due.</summary>
    public async Task SuggestAsync(Tenant tenant, Incident incident, CancellationToken ct)
    {
        foreach (var ciId in incident.Cis.Select(c => c.CiId).Distinct().ToList())
        {
            await SuggestAsync(tenant.Id, ciId, ct);
        }
    }

    /// <summary>
    /// The problem-suggestions job: every CI of every tenant with enough incidents declared within the
    /// window gets a suggestion where one is due. Returns the CIs suggested, as <c>oven-2</c>.
    /// </summary>
    public async Task<IReadOnlyList<string>> SweepAsync(CancellationToken ct)
    {
        var (after, since) = Threshold();
        // Candidates only: each is checked again, under the lock, by the one method the inline path uses too.
        // From the window's incidents (an index on their declaration time), not from every incident's CIs.
        var candidates = await db.Incidents.AsNoTracking()
            .Where(i => i.DeclaredAt >= since)
            .SelectMany(i => i.Cis)
            .GroupBy(c => new { c.TenantId, c.CiId })
            .Where(g => g.Count() >= after)
            .Select(g => g.Key)
            .Where(k => !db.Set<ProblemSuggestion>().Any(s => s.TenantId == k.TenantId && s.CiId == k.CiId && s.SuggestedAt >= since)
                        && !db.Set<Problem>().Any(p => p.TenantId == k.TenantId && p.State != ProblemState.Resolved && p.Cis.Any(c => c.CiId == k.CiId)))
            .OrderBy(k => k.TenantId).ThenBy(k => k.CiId)
            .ToListAsync(ct);
        var suggested = new List<string>();
        foreach (var candidate in candidates)
        {
            if (await SuggestAsync(candidate.TenantId, candidate.CiId, ct) is { } ci)
            {
                suggested.Add(ci);
            }
        }

        return suggested;
    }

    /// <summary>
    /// Suggests a problem for one CI when it is due: <see cref="ProblemOptions.SuggestAfter"/> incidents
    /// on it declared within the window, none of them linked to an open problem, no open problem on the
    /// CI, and no suggestion for it within the window. The check, the suggestion (the mark) and its post
    /// commit together under an advisory lock, so two instances or the inline path and the job at once
    /// suggest it once. Returns the CI's name when it posted.
    /// </summary>
    public async Task<string?> SuggestAsync(int tenantId, int ciId, CancellationToken ct)
    {
        var (after, since) = Threshold();
        await using var transaction = await db.BeginExclusiveAsync(SuggestionLock, ct);
        var recent = await db.Incidents
            .Where(i => i.TenantId == tenantId && i.DeclaredAt >= since && i.Cis.Any(c => c.CiId == ciId))
            .OrderBy(i => i.Number)
            .Select(i => new { i.Number, i.ProblemId, i.Platform, i.ChannelId })
            .ToListAsync(ct);
        if (recent.Count < after)
        {
            return null;
        }

        var linked = recent.Where(i => i.ProblemId is not null).Select(i => i.ProblemId!.Value).Distinct().ToList();
        if (linked.Count > 0 && await db.Set<Problem>().AnyAsync(p => linked.Contains(p.Id) && p.State != ProblemState.Resolved, ct))
        {
            return null;
        }

        var covered = await db.Set<Problem>().AnyAsync(p => p.TenantId == tenantId && p.State != ProblemState.Resolved
                          && (p.Cis.Any(c => c.CiId == ciId) || db.Incidents.Any(i => i.ProblemId == p.Id && i.Cis.Any(c => c.CiId == ciId))), ct)
                      || await db.Set<ProblemSuggestion>().AnyAsync(s => s.TenantId == tenantId && s.CiId == ciId && s.SuggestedAt >= since, ct);
        if (covered)
        {
            return null;
        }

        var keys = string.Join(",", recent.Select(i => new RecordId(RecordId.Incident, i.Number).ToString()));
        var suggestion = new ProblemSuggestion { TenantId = tenantId, CiId = ciId, IncidentKeys = keys, SuggestedAt = clock.GetUtcNow().ToUniversalTime() };
        db.Set<ProblemSuggestion>().Add(suggestion);
        await db.SaveChangesAsync(ct);
        var ci = await db.ConfigurationItems.Where(c => c.Id == ciId).Select(c => c.Name).FirstAsync(ct);
        var window = options.Value.SuggestWindow;
        var latest = recent[^1];
        publisher.Post(tenantId, latest.Platform, latest.ChannelId, null, RecordType, suggestion.Id.ToString(CultureInfo.InvariantCulture),
            ProblemCards.Suggestion(suggestion, ci, recent.Count, window),
            $"{recent.Count} incidents on {ci} in {Durations.Humanize(window, Culture)}: is there a problem behind them?");
        await db.SaveChangesAsync(ct);
        await db.CommitAsync(transaction, ct);
        return ci;
    }

    private static readonly CultureInfo Culture = CultureInfo.GetCultureInfo("en-GB");

    /// <summary>How many incidents make a pattern, and since when they count (stored times are UTC).</summary>
    private (int After, DateTimeOffset Since) Threshold() =>
        (options.Value.SuggestAfter, (clock.GetUtcNow() - options.Value.SuggestWindow).ToUniversalTime());
}
