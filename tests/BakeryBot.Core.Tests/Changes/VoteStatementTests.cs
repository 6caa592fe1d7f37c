using BakeryBot.Core.Data;
using BakeryBot.Core.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace BakeryBot.Core.Tests.Changes;

/// <summary>
/// A CAB click records the vote, decides when quorate and renders the change's card; each of those
/// asks for the CAB's settings and the freezes over the change's window, which one click reads once.
/// </summary>
public sealed class VoteStatementTests
{
    [Fact]
    public async Task A_click_reads_the_cab_settings_and_the_freezes_once()
    {
        await using var app = await CoreTestApp.CreateAsync(DbProvider.Sqlite);
        foreach (var member in new[] { "bob", "carol" })
        {
            await app.SendAsync("bakery", $"role add <@{member}> cab", user: "admin");
        }

        await app.SendAsync("change", "cab quorum medium 2", user: "admin");
        await app.SendAsync("change", "freeze add 2027-12-20..2027-12-27 Christmas rush", user: "admin");
        await app.SendAsync("cmdb", "add asset oven-2");
        await app.SendAsync("change", "request replace thermostat ci:oven-2 window:\"tomorrow 22:00+2h\" risk:medium rollback:\"refit the old one\"");

        var counter = new StatementCounter();
        await using var counted = app.AnotherInstance(s => s.ConfigureDbContext<SqliteBakeryDbContext>((_, o) => o.AddInterceptors(counter)));
        foreach (var (who, state) in new[] { ("bob", "Pending"), ("carol", "Approved") })
        {
            counter.Clear();
            await counted.ClickAsync("change.approve", "CHG-1", user: who);

            Assert.Equal(state, (await app.QueryAsync(db => db.Changes.SingleAsync())).State.ToString());
            Assert.True(counter.Reading("\"CabSettings\"") == 1, counter.Describe());
            Assert.True(counter.Reading("\"FreezeWindows\"") == 1, counter.Describe());
        }

        // A new quorum holds from the next unit of work on.
        var reply = await counted.SendAsync("change", "cab quorum medium 3", user: "admin");
        Assert.Equal("Medium-risk changes need 3 approvals now.", reply.Text);
        Assert.Contains("medium 3", (await counted.SendAsync("change", "cab", user: "admin")).Text, StringComparison.Ordinal);
    }
}
