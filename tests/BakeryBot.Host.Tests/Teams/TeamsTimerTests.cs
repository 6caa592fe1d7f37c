using System.Net;
using System.Text.Json.Nodes;
using BakeryBot.Core.Tests.Infrastructure;
using BakeryBot.Core.TimeTracking;
using BakeryBot.Host.Tests.Infrastructure;
using BakeryBot.Teams.Tests.Activities;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace BakeryBot.Host.Tests.Teams;

/// <summary>Timers on Teams end to end: the "Start timer on this" message action, and nudges in the personal chat.</summary>
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

    /// <summary>Moves the running timer's start (and any nudge or keep) nine hours back, and runs the timer-nudges job.</summary>
    private static async Task<string> NineHoursLaterAsync(TeamsTestBed bed)
    {
        var nineHoursAgo = DateTimeOffset.UtcNow.AddHours(-9).AddMinutes(-1);
        var answered = await bed.Bot.QueryAsync(db => db.Set<BakeryBot.Core.TimeTracking.Timer>().AnyAsync(t => t.NudgedAt != null));
        await bed.Bot.QueryAsync(db => db.Set<BakeryBot.Core.TimeTracking.Timer>().ExecuteUpdateAsync(s => s
            .SetProperty(t => t.StartedAt, answered ? nineHoursAgo.AddHours(-9) : nineHoursAgo)
            .SetProperty(t => t.NudgedAt, answered ? nineHoursAgo : null)
            .SetProperty(t => t.KeptAt, answered ? nineHoursAgo : null)));
        await bed.Bot.RunJobAsync(BakeryBot.Core.Jobs.JobNames.TimerNudges);
        await bed.Bot.DrainOutboxAsync();
        return (await bed.Bot.QueryAsync(db => db.Set<BakeryBot.Core.TimeTracking.Timer>().Select(t => t.Id).SingleAsync())).ToString(System.Globalization.CultureInfo.InvariantCulture);
    }

    private static bool IsNudge(FakeActivity activity) => activity.Body.ToJsonString().Contains($"\"verb\":\"{TimerCommands.KeepAction}\"", StringComparison.Ordinal);

    [SkippableFact]
    public async Task A_nudge_goes_to_the_personal_chat_the_person_wrote_from_and_its_stop_button_answers_with_the_refreshed_card()
    {
        await using var bed = await TeamsTestBed.StartAsync(provider);
        await bed.SendAsync(bed.PersonalMessage("incident burnt-cookie"));
        await bed.SendAsync(bed.PersonalMessage("timer start INC-1"));

        var timerId = await NineHoursLaterAsync(bed);

        Assert.DoesNotContain(bed.Connector.Calls, c => c.Path == "/v3/conversations");
        var nudge = Assert.Single(bed.Connector.In(TeamsTestBed.PersonalChat()), IsNudge);
        Assert.StartsWith("⏰ Your timer on INC-1 has run 9 hours", nudge.Body["text"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Contains($"\"verb\":\"{TimerCommands.StopAction}\"", nudge.Body.ToJsonString(), StringComparison.Ordinal);

        var clicked = await bed.SendAsync(bed.CardAction(TimerCommands.StopAction, timerId, personal: true));

        Assert.Equal(HttpStatusCode.OK, clicked.StatusCode);
        var answer = JsonNode.Parse(await clicked.Content.ReadAsStringAsync())!;
        Assert.Equal("application/vnd.microsoft.card.adaptive", answer["type"]!.GetValue<string>());
        Assert.Contains("Logged 9 hours", answer["value"]!.ToJsonString(), StringComparison.Ordinal);
        Assert.DoesNotContain(TimerCommands.StopAction, answer["value"]!.ToJsonString(), StringComparison.Ordinal);
        var entry = await bed.Bot.QueryAsync(db => db.Set<TimeEntry>().SingleAsync());
        Assert.InRange(entry.Duration, TimeSpan.FromHours(9), TimeSpan.FromHours(9) + TimeSpan.FromMinutes(3));
        await bed.Bot.DrainOutboxAsync();
        var updated = bed.Connector.Activities.Single(a => a.Id == nudge.Id);
        Assert.Equal(1, updated.Edits);
        Assert.Contains("Logged 9 hours", updated.Body.ToJsonString(), StringComparison.Ordinal);
    }

    [SkippableFact]
    public async Task Without_a_personal_chat_the_bot_opens_one_for_the_nudge_and_keeps_using_it()
    {
        await using var bed = await TeamsTestBed.StartAsync(provider);
        await bed.SendAsync(bed.Message("incident burnt-cookie"));
        await bed.SendAsync(bed.Message("timer start INC-1"));

        var timerId = await NineHoursLaterAsync(bed);

        var create = Assert.Single(bed.Connector.Calls, c => c.Path == "/v3/conversations").Body;
        Assert.False(create["isGroup"]!.GetValue<bool>());
        Assert.Equal(bed.BotId, create["bot"]!["id"]!.GetValue<string>());
        Assert.Equal($"29:{TeamsTestBed.DanaAad}", create["members"]![0]!["id"]!.GetValue<string>());
        Assert.Equal(TeamsTestBed.Tenant, create["tenantId"]!.GetValue<string>());
        Assert.Equal(TeamsTestBed.Tenant, create["channelData"]!["tenant"]!["id"]!.GetValue<string>());
        Assert.Single(bed.Connector.In(TeamsTestBed.PersonalChat()), IsNudge);

        var kept = await bed.SendAsync(bed.CardAction(TimerCommands.KeepAction, timerId, personal: true));
        var card = JsonNode.Parse(await kept.Content.ReadAsStringAsync())!;
        Assert.Equal("application/vnd.microsoft.card.adaptive", card["type"]!.GetValue<string>());
        Assert.Contains("keeps running", card["value"]!.ToJsonString(), StringComparison.Ordinal);
        Assert.DoesNotContain(TimerCommands.KeepAction, card["value"]!.ToJsonString(), StringComparison.Ordinal);

        await NineHoursLaterAsync(bed);

        Assert.Single(bed.Connector.Calls, c => c.Path == "/v3/conversations");
        // The first nudge shows it was kept; the second asks again.
        var personal = bed.Connector.In(TeamsTestBed.PersonalChat()).ToList();
        Assert.Equal(2, personal.Count);
        Assert.Contains("keeps running", personal[0].Body.ToJsonString(), StringComparison.Ordinal);
        Assert.True(IsNudge(personal[1]));
        Assert.Equal(0, await bed.Bot.QueryAsync(db => db.Set<TimeEntry>().CountAsync()));
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
