using BakeryBot.Core.Chat;
using BakeryBot.Core.Data;
using BakeryBot.Core.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace BakeryBot.Core.Tests.Incidents;

/// <summary>
/// What one <c>/incident</c> costs the database on SQLite, where writers take turns: the statements it
/// runs in all, and those it runs while it holds the write transaction. A new statement on this path
/// shows here first; when one is added on purpose, change the figures with it.
/// </summary>
public sealed class DeclareStatementTests
{
    [Fact]
    public async Task A_typed_incident_from_a_known_person_runs_few_statements_and_fewer_inside_its_transaction()
    {
        await using var app = await CoreTestApp.CreateAsync(DbProvider.Sqlite);
        await app.SendAsync("incident", "first one sev3");
        var counter = new StatementCounter();
        await using var counted = app.AnotherInstance(s => s.ConfigureDbContext<SqliteBakeryDbContext>((_, o) => o.AddInterceptors(counter)));

        var reply = await counted.Router.HandleAsync(
            CoreTestApp.Request("alice") with { Command = "incident", Text = "burnt-cookie sev2", DeliveryId = "cmd:trigger-1" }, CancellationToken.None);

        Assert.Equal("INC-2 declared; its card is posted in this channel.", reply.Text);
        // Outside: the tenant with the person, their roles and ids (one statement), the delivery seen before. Inside: the
        // number (a plain command, which EF Core's interceptors do not see), then the delivery, the
        // incident, its card, its timeline line, the post and the audit row.
        Assert.True(counter.All.Count == 8, counter.Describe());
        Assert.True(counter.InTransaction.Count == 6, counter.Describe());
        Assert.All(counter.InTransaction, sql => Assert.StartsWith("INSERT INTO", sql, StringComparison.Ordinal));
        Assert.Equal(2, await app.QueryAsync(db => db.RecordCounters.Where(c => c.Kind == RecordId.Incident).Select(c => c.Last).SingleAsync()));
    }

    [Fact]
    public async Task An_incident_on_a_ci_with_service_levels_reads_them_before_its_transaction_and_only_writes_inside()
    {
        await using var app = await CoreTestApp.CreateAsync(DbProvider.Sqlite);
        foreach (var line in new[] { "add service web tier:1", "add asset oven-2", "link web runs-on oven-2" })
        {
            await app.SendAsync("cmdb", line, user: "admin");
        }

        await app.SendAsync("sla", "set web sev2 ack:20m resolve:4h", user: "admin");
        await app.SendAsync("incident", "first one sev3");
        var counter = new StatementCounter();
        await using var counted = app.AnotherInstance(s => s.ConfigureDbContext<SqliteBakeryDbContext>((_, o) => o.AddInterceptors(counter)));

        var reply = await counted.SendAsync("incident", "oven cold sev2 ci:oven-2");

        Assert.Equal("INC-2 declared; its card is posted in this channel.", reply.Text);
        Assert.Equal(4, await app.QueryAsync(db => db.Reminders.CountAsync(r => r.RecordId == db.Incidents.Single(i => i.Number == 2).Id)));
        // The view, the known errors and the service levels were read before; inside, the number (not
        // seen here) and the rows.
        Assert.True(counter.InTransaction.All(sql => sql.StartsWith("INSERT", StringComparison.Ordinal)), counter.Describe());
        Assert.True(counter.InTransaction.Count == 11, counter.Describe());
    }
}
