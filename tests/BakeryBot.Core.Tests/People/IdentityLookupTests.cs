using BakeryBot.Core.Chat;
using BakeryBot.Core.Data;
using BakeryBot.Core.People;
using BakeryBot.Core.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace BakeryBot.Core.Tests.People;

/// <summary>
/// Every request starts by finding who sends it, so that lookup must cost one statement and must not
/// grow with the workspace: a person is found through the (tenant, id) index of their ids, never by
/// looking at each person of the tenant in turn. Each statement is asked of SQLite's planner.
/// </summary>
public sealed class IdentityLookupTests
{
    private static readonly string[] Colleagues = ["alice", "bob", "carol", "dave", "erin"];

    [Fact]
    public async Task A_known_person_and_their_tenant_are_one_statement_through_the_ids_index()
    {
        await using var app = await CoreTestApp.CreateAsync(DbProvider.Sqlite);
        await SeedAsync(app);
        var plans = new PlanRecorder();
        await using var observed = app.AnotherInstance(s => s.ConfigureDbContext<SqliteBakeryDbContext>((_, o) => o.AddInterceptors(plans)));

        var reply = await observed.SendAsync("incident", "list", user: "carol");

        Assert.NotEqual(ReplyKind.Warning, reply.Kind);
        var lookups = plans.Seen.Where(p => p.Sql.Contains("FROM \"Tenants\"", StringComparison.Ordinal) || p.Sql.Contains("FROM \"People\"", StringComparison.Ordinal)).ToList();
        var lookup = Assert.Single(lookups);
        AssertThroughTheIdsIndex(lookup);
    }

    [Fact]
    public async Task A_mentioned_person_is_found_through_the_ids_index()
    {
        await using var app = await CoreTestApp.CreateAsync(DbProvider.Sqlite);
        await SeedAsync(app);
        var plans = new PlanRecorder();
        await using var observed = app.AnotherInstance(s => s.ConfigureDbContext<SqliteBakeryDbContext>((_, o) => o.AddInterceptors(plans)));

        var reply = await observed.SendAsync("bakery", "role add <@dave> cab", user: "admin");

        Assert.NotEqual(ReplyKind.Warning, reply.Kind);
        var people = plans.Seen.Where(p => p.Sql.StartsWith("SELECT", StringComparison.Ordinal) && p.Sql.Contains("FROM \"People\"", StringComparison.Ordinal)).ToList();
        Assert.Equal(2, people.Count); // the admin's own lookup, then dave's
        Assert.All(people, AssertThroughTheIdsIndex);
        Assert.True(await app.QueryAsync(db => db.RoleAssignments.AnyAsync(r => r.Role == Roles.Cab && db.People.Any(p => p.Id == r.PersonId && p.DisplayName == "Dave"))));
    }

    [Fact]
    public async Task The_same_user_id_in_two_tenants_is_two_people_with_their_own_roles()
    {
        await using var app = await CoreTestApp.CreateAsync(DbProvider.Sqlite);
        await app.SendAsync("incident", "list", user: "alice", tenant: "T2");
        Assert.NotEqual(ReplyKind.Warning, (await app.SendAsync("bakery", "role add <@alice> admin", user: "admin")).Kind);

        // Alice of T1 is an admin now; alice of T2, the same user id in another workspace, is not.
        Assert.NotEqual(ReplyKind.Warning, (await app.SendAsync("bakery", "role add <@bob> cab", user: "alice")).Kind);
        var refused = await app.SendAsync("bakery", "role add <@bob> cab", user: "alice", tenant: "T2");

        Assert.Equal(ReplyKind.Warning, refused.Kind);
        Assert.Contains("admin", refused.Text, StringComparison.Ordinal);
        Assert.Equal(2, await app.QueryAsync(db => db.People.CountAsync(p => p.DisplayName == "Alice")));
        Assert.Equal(1, await app.QueryAsync(db => db.RoleAssignments.CountAsync(r => r.Role == Roles.Cab)));
    }

    [Fact]
    public async Task A_request_without_a_user_id_is_answered_not_failed()
    {
        await using var app = await CoreTestApp.CreateAsync(DbProvider.Sqlite);
        await app.SendAsync("incident", "list", user: "carol");

        var reply = await app.Router.HandleAsync(CoreTestApp.Request("nobody") with { UserId = "", UserName = null, Command = "incident", Text = "list" }, CancellationToken.None);

        Assert.NotEqual(ReplyKind.Error, reply.Kind);
    }

    /// <summary>Colleagues in the workspace, and the same people in another, so that a lookup that looked at each person would show.</summary>
    private static async Task SeedAsync(CoreTestApp app)
    {
        foreach (var tenant in new[] { "T1", "T2" })
        {
            foreach (var user in Colleagues)
            {
                await app.SendAsync("incident", "list", user: user, tenant: tenant);
            }
        }
    }

    private static void AssertThroughTheIdsIndex(PlannedStatement lookup)
    {
        // The person by primary key, from the ids found by (tenant, id); no subquery run per person.
        Assert.Contains(lookup.Plan, step => step.StartsWith("SEARCH p USING INTEGER PRIMARY KEY", StringComparison.Ordinal));
        Assert.Contains(lookup.Plan, step => step.Contains("IX_PersonIdentities_TenantId_ExternalId (TenantId=? AND ExternalId=?)", StringComparison.Ordinal));
        Assert.DoesNotContain(lookup.Plan, step => step.Contains("CORRELATED", StringComparison.Ordinal));
        Assert.DoesNotContain(lookup.Plan, step => step.StartsWith("SCAN p", StringComparison.Ordinal));
    }
}
