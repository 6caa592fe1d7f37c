using BakeryBot.Core.Chat;
using BakeryBot.Core.Cmdb;
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
/// and no open problem covers them, and suggests a problem in the channel with a "Create problem"
/// button. Each CI is suggested once per window.
/// </summary>
public sealed class ProblemDetector(BakeryDbContext db, CardPublisher publisher, IOptions<ProblemOptions> options, TimeProvider clock)
{
    public const string RecordType = "problem-suggestion";

    /// <summary>Looks at the CIs of a newly declared incident; posts a suggestion where one is due.</summary>
    public async Task SuggestAsync(Tenant tenant, Incident incident, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        var since = now - options.Value.SuggestWindow;
        var posted = false;
        foreach (var link in incident.Cis)
        {
            var ciId = link.CiId;
            var recent = await db.Incidents
                .Where(i => i.TenantId == tenant.Id && i.DeclaredAt >= since && i.Cis.Any(c => c.CiId == ciId))
                .OrderBy(i => i.Number)
                .Select(i => new { i.Number, i.ProblemId })
                .ToListAsync(ct);
            if (recent.Count < options.Value.SuggestAfter)
            {
                continue;
            }

            var linked = recent.Where(i => i.ProblemId is not null).Select(i => i.ProblemId!.Value).Distinct().ToList();
            if (linked.Count > 0 && await db.Set<Problem>().AnyAsync(p => linked.Contains(p.Id) && p.State != ProblemState.Resolved, ct))
            {
                continue;
            }

            var covered = await db.Set<Problem>().AnyAsync(p => p.TenantId == tenant.Id && p.State != ProblemState.Resolved
                              && (p.Cis.Any(c => c.CiId == ciId) || db.Incidents.Any(i => i.ProblemId == p.Id && i.Cis.Any(c => c.CiId == ciId))), ct)
                          || await db.Set<ProblemSuggestion>().AnyAsync(s => s.TenantId == tenant.Id && s.CiId == ciId && s.SuggestedAt >= since, ct);
            if (covered)
            {
                continue;
            }

            var keys = string.Join(",", recent.Select(i => new RecordId(RecordId.Incident, i.Number).ToString()));
            var suggestion = new ProblemSuggestion { TenantId = tenant.Id, CiId = ciId, IncidentKeys = keys, SuggestedAt = now };
            db.Set<ProblemSuggestion>().Add(suggestion);
            await db.SaveChangesAsync(ct);
            var ci = link.Ci?.Name ?? await db.ConfigurationItems.Where(c => c.Id == ciId).Select(c => c.Name).FirstAsync(ct);
            publisher.Post(tenant.Id, incident.Platform, incident.ChannelId, null, RecordType, suggestion.Id.ToString(System.Globalization.CultureInfo.InvariantCulture),
                ProblemCards.Suggestion(suggestion, ci, recent.Count, options.Value.SuggestWindow),
                $"{recent.Count} incidents on {ci} in {Humanizer.TimeSpanHumanizeExtensions.Humanize(options.Value.SuggestWindow)}: is there a problem behind them?");
            posted = true;
        }

        if (posted)
        {
            await db.SaveChangesAsync(ct);
        }
    }
}
