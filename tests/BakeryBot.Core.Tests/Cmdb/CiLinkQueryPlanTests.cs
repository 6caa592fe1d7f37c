using BakeryBot.Core.Chat;
using BakeryBot.Core.Data;
using BakeryBot.Core.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace BakeryBot.Core.Tests.Cmdb;

/// <summary>
/// A record loaded with its CIs must read the CI links of that record only, and a CI's records come
/// from its own links. In one statement, EF Core joins the record to a subquery of every link with its
/// CI, which SQLite cannot narrow on the right of a LEFT JOIN: it builds that subquery in full, all
/// tenants' links, for every CAB click (30 ms for one change at 40,000 links, 90 ms for the overlapping
/// changes its card lists). Each statement of a click and of the record commands is asked of SQLite's
/// planner.
/// </summary>
public sealed class CiLinkQueryPlanTests
{
    [Fact]
    public async Task A_cab_click_reads_the_ci_links_of_its_changes_only()
    {
        await using var app = await CoreTestApp.CreateAsync(DbProvider.Sqlite);
        foreach (var member in new[] { "bob", "carol" })
        {
            await app.SendAsync("bakery", $"role add <@{member}> cab", user: "admin");
        }

        await app.SendAsync("change", "cab quorum medium 2", user: "admin");
        await app.SendAsync("cmdb", "add asset oven-2");
        await app.SendAsync("cmdb", "add asset oven-3");
        // The change voted on, and another in the same window on the same CI (a conflict its card shows).
        await app.SendAsync("change", "request replace thermostat ci:oven-2 window:\"tomorrow 22:00+2h\" risk:medium rollback:\"refit the old one\"");
        await app.SendAsync("change", "request recalibrate ci:oven-2,oven-3 window:\"tomorrow 23:00+1h\" risk:medium rollback:\"restore the settings\"");
        await app.SendAsync("problem", "open ovens run cold ci:oven-2");

        var plans = new PlanRecorder();
        await using var observed = app.AnotherInstance(s => s.ConfigureDbContext<SqliteBakeryDbContext>((_, o) => o.AddInterceptors(plans)));
        await observed.ClickAsync("change.approve", "CHG-1", user: "bob");
        await observed.SendAsync("change", "show CHG-2");
        await observed.SendAsync("problem", "show PRB-1");

        Assert.Equal(1, await app.QueryAsync(db => db.Set<Core.Changes.ChangeVote>().CountAsync()));
        var links = plans.Seen.Where(p => p.Sql.StartsWith("SELECT", StringComparison.Ordinal)
                                          && (p.Sql.Contains("FROM \"ChangeCi\"", StringComparison.Ordinal) || p.Sql.Contains("FROM \"ProblemCi\"", StringComparison.Ordinal)
                                              || p.Sql.Contains("JOIN \"ChangeCi\"", StringComparison.Ordinal) || p.Sql.Contains("JOIN \"ProblemCi\"", StringComparison.Ordinal)))
            .ToList();
        Assert.True(links.Count >= 3, plans.Describe());
        Assert.All(links, p =>
        {
            // Nothing built in full, no table read from its start: every link looked up by its record. (A
            // co-routine, the record chosen first, is read as it is produced.)
            var coroutines = p.Plan.Where(step => step.StartsWith("CO-ROUTINE ", StringComparison.Ordinal)).Select(step => "SCAN " + step["CO-ROUTINE ".Length..]).ToHashSet();
            Assert.False(p.Plan.Any(step => step.StartsWith("MATERIALIZE", StringComparison.Ordinal)), p.Describe());
            Assert.False(p.Plan.Any(step => step.StartsWith("SCAN ", StringComparison.Ordinal) && !coroutines.Contains(step)), p.Describe());
        });
    }

    [Fact]
    public async Task A_cis_open_incidents_come_from_its_links_not_from_each_incident_of_the_workspace()
    {
        await using var app = await CoreTestApp.CreateAsync(DbProvider.Sqlite);
        await app.SendAsync("cmdb", "add asset oven-2");
        await app.SendAsync("cmdb", "add asset oven-3");
        await app.SendAsync("incident", "oven cold sev2 ci:oven-2");
        await app.SendAsync("incident", "mixer loud sev3 ci:oven-3");
        await app.SendAsync("incident", "no ci here sev4");

        var plans = new PlanRecorder();
        await using var observed = app.AnotherInstance(s => s.ConfigureDbContext<SqliteBakeryDbContext>((_, o) => o.AddInterceptors(plans)));
        var card = Assert.Single((await observed.SendAsync("cmdb", "show oven-2")).Cards);

        Assert.Contains("Open incidents: INC-1", string.Join('\n', card.Sections.OfType<TextSection>().Select(s => s.Text)), StringComparison.Ordinal);
        Assert.DoesNotContain("INC-2", string.Join('\n', card.Sections.OfType<TextSection>().Select(s => s.Text)), StringComparison.Ordinal);
        var open = Assert.Single(plans.Seen, p => p.Sql.StartsWith("SELECT \"i\".\"Number\"", StringComparison.Ordinal) && p.Sql.Contains("\"IncidentCi\"", StringComparison.Ordinal));
        Assert.Contains(open.Plan, step => step.Contains("(CiId=?)", StringComparison.Ordinal));
        Assert.DoesNotContain(open.Plan, step => step.Contains("CORRELATED", StringComparison.Ordinal));
    }
}
