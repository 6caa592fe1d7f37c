using System.Net;
using System.Text;
using BakeryBot.Core.Tests.Infrastructure;
using BakeryBot.Host.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace BakeryBot.Host.Tests.Security;

/// <summary>A body larger than any platform sends is refused with 413 and a message, on every endpoint that reads one.</summary>
public abstract class OversizedBodyTests(DbProvider provider)
{
    // Counterexamples HostileBodyTests found: Slack's and Teams' endpoints answered an oversized
    // body with a bare 413, and the playground's API read and ran it.
    [SkippableFact]
    public async Task An_oversized_body_is_413_saying_so_on_slack_teams_and_the_playground()
    {
        await using var bed = await TeamsTestBed.StartAsync(provider, withSlack: true);
        await using var playground = await BotFactory.CreateAsync(provider, slack: null);
        using var playgroundHttp = playground.CreateClient();
        var huge = new string('x', Host.RawBody.MaxBytes + 1);

        var slack = await bed.Http.SendAsync(BotFactory.Signed("/slack/commands", bed.Bot.CommandBody("incident", huge)));
        var teams = await bed.SendAsync(bed.Message(huge));
        var play = await playgroundHttp.PostAsync("/playground/api/command", new StringContent($$"""{"user":"alice","channel":"incidents","text":"/incident {{huge}}"}""", Encoding.UTF8, "application/json"));

        foreach (var response in new[] { slack, teams, play })
        {
            Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
            Assert.Contains($"larger than {Host.RawBody.MaxBytes} bytes", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }

        Assert.Equal(0, await playground.QueryAsync(db => db.Incidents.CountAsync()));
    }
}

public sealed class SqliteOversizedBodyTests() : OversizedBodyTests(DbProvider.Sqlite);

public sealed class PostgresOversizedBodyTests() : OversizedBodyTests(DbProvider.Postgres);
