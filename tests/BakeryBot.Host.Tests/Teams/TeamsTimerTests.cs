using System.Net;
using System.Text.Json.Nodes;
using BakeryBot.Core.Tests.Infrastructure;
using BakeryBot.Host.Tests.Infrastructure;
using BakeryBot.Teams.Tests.Activities;
using Microsoft.EntityFrameworkCore;

namespace BakeryBot.Host.Tests.Teams;

/// <summary>Timers on Teams end to end: the "Start timer on this" message action.</summary>
public abstract class TeamsTimerTests(DbProvider provider)
{
    /// <summary>../shared/fixtures/teams/invoke-composeExtension-submitAction-message.json as "Start timer on this", served by the fake connector.</summary>
    private static JsonObject StartTimerAction(TeamsTestBed bed, string messageHtml)
    {
        var activity = JsonNode.Parse(TeamsFixtures.SubmitAction)!.AsObject();
        activity["serviceUrl"] = bed.Connector.ServiceUrl;
        activity["recipient"]!["id"] = bed.BotId;
        activity["value"]!["commandId"] = "startTimer";
        // The fixture's form is "Declare incident from this"'s; "Start timer on this" has only an optional note.
        activity["value"]!["data"] = new JsonObject();
        activity["value"]!["messagePayload"]!["body"]!["content"] = messageHtml;
        return activity;
    }

    [SkippableFact]
    public async Task The_start_timer_message_action_runs_a_timer_on_the_record_the_message_names_linked_to_the_message()
    {
        await using var bed = await TeamsTestBed.StartAsync(provider);
        await bed.SendAsync(bed.Message("incident checkout latency"));

        var response = await bed.SendAsync(StartTimerAction(bed, "<p>ALERT: p99 checkout latency 2.4s, see <b>INC-1</b></p><p>in eu-west-1</p>"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var answer = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
        Assert.Equal("message", answer["task"]!["type"]!.GetValue<string>());
        Assert.Equal("Timer started on INC-1 (ALERT: p99 checkout latency 2.4s, see INC-1).", answer["task"]!["value"]!.GetValue<string>());
        var timer = await bed.Bot.QueryAsync(db => db.Set<BakeryBot.Core.TimeTracking.Timer>().SingleAsync());
        Assert.Equal("INC-1", timer.RecordKey);
        Assert.Equal("https://teams.microsoft.com/l/message/19:a1b2c3d4e5f647389a0b1c2d3e4f5a6b@thread.tacv2/1767225990000", timer.SourceLink);
        var owner = await bed.Bot.QueryAsync(db => db.PersonIdentities.Where(i => i.PersonId == timer.PersonId).Select(i => i.ExternalId).OrderBy(i => i).ToListAsync());
        Assert.Contains("1f2e3d4c-5b6a-4798-8a9b-0c1d2e3f4a5b", owner);
    }

    [SkippableFact]
    public async Task The_start_timer_message_action_on_a_message_naming_a_problem_that_does_not_exist_starts_nothing()
    {
        await using var bed = await TeamsTestBed.StartAsync(provider);

        var response = await bed.SendAsync(StartTimerAction(bed, "<p>Same as PRB-4 again</p>"));

        var answer = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
        Assert.Contains("There is no PRB-4", answer["task"]!["value"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal(0, await bed.Bot.QueryAsync(db => db.Set<BakeryBot.Core.TimeTracking.Timer>().CountAsync()));
    }
}

public sealed class SqliteTeamsTimerTests() : TeamsTimerTests(DbProvider.Sqlite);

public sealed class PostgresTeamsTimerTests() : TeamsTimerTests(DbProvider.Postgres);
