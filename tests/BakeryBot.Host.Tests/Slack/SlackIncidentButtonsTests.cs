using System.Net;
using BakeryBot.Core.Incidents;
using BakeryBot.Core.Problems;
using BakeryBot.Core.Tests.Infrastructure;
using BakeryBot.Core.TimeTracking;
using BakeryBot.Host.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace BakeryBot.Host.Tests.Slack;

/// <summary>Every button of an incident card (and of a problem suggestion) through /slack/interactions.</summary>
public sealed class SlackIncidentButtonsTests
{
    [Fact]
    public async Task Mitigated_start_timer_and_link_problem_work_from_the_card_and_the_suggestion_creates_a_problem()
    {
        await using var slack = await FakeSlack.StartAsync();
        await using var bot = await BotFactory.CreateAsync(DbProvider.Sqlite, slack);
        using var http = bot.CreateClient();
        await http.SendAsync(BotFactory.Signed("/slack/commands", bot.CommandBody("cmdb", "add asset oven-2")));
        for (var i = 1; i <= 3; i++)
        {
            await http.SendAsync(BotFactory.Signed("/slack/commands", bot.CommandBody("incident", $"burnt {i} ci:oven-2")));
        }

        await http.SendAsync(BotFactory.Signed("/slack/commands", bot.CommandBody("problem", "new ovens misbehave")));
        await bot.DrainOutboxAsync();
        string Ts(string text) => slack.Messages.First(m => m.Attachments!.ToJsonString().Contains(text, StringComparison.Ordinal)).Ts;

        Assert.Equal(HttpStatusCode.OK, (await http.SendAsync(BotFactory.Signed("/slack/interactions", Payloads.ButtonClick(slack, IncidentCommands.MitigateAction, "INC-1", Ts("INC-1: burnt 1"))))).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await http.SendAsync(BotFactory.Signed("/slack/interactions", Payloads.ButtonClick(slack, TimerCommands.StartAction, "INC-1", Ts("INC-1: burnt 1"), user: "U0BOB")))).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await http.SendAsync(BotFactory.Signed("/slack/interactions", Payloads.ButtonClick(slack, IncidentCommands.LinkProblemAction, "INC-1", Ts("INC-1: burnt 1"), inputs: new Dictionary<string, string> { ["problem"] = "PRB-1" })))).StatusCode);
        var suggestion = slack.Messages.Single(m => m.Attachments!.ToJsonString().Contains(ProblemCommands.CreateFromSuggestionAction, StringComparison.Ordinal));
        var suggestionId = await bot.QueryAsync(db => db.Set<ProblemSuggestion>().Select(s => s.Id).SingleAsync());
        Assert.Equal(HttpStatusCode.OK, (await http.SendAsync(BotFactory.Signed("/slack/interactions", Payloads.ButtonClick(slack, ProblemCommands.CreateFromSuggestionAction, suggestionId.ToString(System.Globalization.CultureInfo.InvariantCulture), suggestion.Ts)))).StatusCode);
        await bot.DrainOutboxAsync();

        var incidents = await bot.QueryAsync(db => db.Incidents.OrderBy(i => i.Number).Select(i => new { i.State, i.ProblemId }).ToListAsync());
        Assert.Equal(IncidentState.Mitigated, incidents[0].State);
        Assert.Equal(["PRB-1", "PRB-2", "PRB-2"], await bot.QueryAsync(db => db.Incidents.OrderBy(i => i.Number)
            .Select(i => db.Set<Problem>().Where(p => p.Id == i.ProblemId).Select(p => "PRB-" + p.Number).Single()).ToListAsync()));
        Assert.Equal("INC-1", await bot.QueryAsync(db => db.Set<BakeryBot.Core.TimeTracking.Timer>().Select(t => t.RecordKey).SingleAsync()));
        var card = slack.Messages.Single(m => m.Ts == Ts("INC-1: burnt 1")).Attachments!.ToJsonString();
        Assert.Contains("*Status*\\nMitigated", card, StringComparison.Ordinal); // the status field, not the button
        Assert.Contains("PRB-1: ovens misbehave", card, StringComparison.Ordinal);
        Assert.DoesNotContain(ProblemCommands.CreateFromSuggestionAction, slack.Messages.Single(m => m.Ts == suggestion.Ts).Attachments!.ToJsonString(), StringComparison.Ordinal);
        Assert.Contains(slack.CallsTo("response:click"), c => c["text"]!.GetValue<string>().Contains("Timer started on INC-1", StringComparison.Ordinal));
    }
}
