using System.Net;
using System.Text.Json.Nodes;
using BakeryBot.Core.Drills;
using BakeryBot.Core.Jobs;
using BakeryBot.Core.Tests.Infrastructure;
using BakeryBot.Host.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace BakeryBot.Host.Tests.Drills;

/// <summary>
/// A drill due tomorrow is reminded by the drill-reminders job the host runs, and the reminder's Start drill
/// button starts a run: Slack block_actions through /slack/interactions, Teams Action.Execute through
/// /api/messages.
/// </summary>
public abstract class DrillButtonTests(DbProvider provider)
{
    private const string NewDrill = "new Bakery 2 can't open scenario:site-down every:\"1 day\" rto:4h rpo:1h";

    [SkippableFact]
    public async Task On_slack_the_reminders_start_drill_button_starts_one_run_and_the_reminder_loses_the_button()
    {
        await using var slack = await FakeSlack.StartAsync();
        await using var bot = await BotFactory.CreateAsync(provider, slack);
        using var http = bot.CreateClient();
        Assert.Equal(HttpStatusCode.OK, (await http.SendAsync(BotFactory.Signed("/slack/commands", bot.CommandBody("drill", NewDrill)))).StatusCode);

        await bot.RunJobAsync(JobNames.DrillReminders);
        await bot.RunJobAsync(JobNames.DrillReminders);
        await bot.DrainOutboxAsync();

        var reminder = Assert.Single(slack.Messages, m => m.Text.StartsWith("⏰ DRL-1 Bakery 2 can't open is due", StringComparison.Ordinal));
        Assert.Equal("C0INCIDENTS", reminder.Channel);
        Assert.Contains("<@U0ALICE>, start it on the card", reminder.Text, StringComparison.Ordinal);
        Assert.Contains(DrillCommands.StartAction, reminder.Attachments!.ToJsonString(), StringComparison.Ordinal);

        Task<HttpResponseMessage> ClickAsync(string user) =>
            http.SendAsync(BotFactory.Signed("/slack/interactions", Payloads.ButtonClick(slack, DrillCommands.StartAction, "DRL-1", reminder.Ts, user: user)));
        Assert.Equal(HttpStatusCode.OK, (await ClickAsync("U0BOB")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await ClickAsync("U0CAROL")).StatusCode);
        await bot.DrainOutboxAsync();

        Assert.Equal(1, await bot.QueryAsync(db => db.DrillRuns.CountAsync(r => r.FinishedAt == null)));
        var updated = slack.Messages.Single(m => m.Ts == reminder.Ts);
        Assert.True(updated.Edits > 0);
        Assert.DoesNotContain(DrillCommands.StartAction, updated.Attachments!.ToJsonString(), StringComparison.Ordinal);
        Assert.Contains("run 1, started", updated.Attachments!.ToJsonString(), StringComparison.Ordinal);
        var runCard = Assert.Single(slack.Messages, m => m.Attachments?.ToJsonString().Contains("DRL-1 run 1: Bakery 2", StringComparison.Ordinal) == true);
        Assert.Equal("C0INCIDENTS", runCard.Channel);
        Assert.Contains(slack.CallsTo("response:click"), c => c["text"]?.GetValue<string>().Contains("DRL-1 run 1 is under way already", StringComparison.Ordinal) == true);
    }

    [SkippableFact]
    public async Task On_slack_start_drill_on_the_owners_direct_reminder_posts_the_run_in_the_drills_channel()
    {
        await using var slack = await FakeSlack.StartAsync();
        await using var bot = await BotFactory.CreateAsync(provider, slack);
        using var http = bot.CreateClient();
        Assert.Equal(HttpStatusCode.OK, (await http.SendAsync(BotFactory.Signed("/slack/commands", bot.CommandBody("drill", NewDrill)))).StatusCode);
        await bot.RunJobAsync(JobNames.DrillReminders);
        await bot.DrainOutboxAsync();
        var direct = FakeSlack.DirectChannel("U0ALICE");
        var reminder = Assert.Single(slack.Messages, m => m.Channel == direct && m.Text.StartsWith("⏰ DRL-1", StringComparison.Ordinal));

        var click = await http.SendAsync(BotFactory.Signed("/slack/interactions", Payloads.ButtonClick(slack, DrillCommands.StartAction, "DRL-1", reminder.Ts, user: "U0ALICE", channel: direct)));
        await bot.DrainOutboxAsync();

        Assert.Equal(HttpStatusCode.OK, click.StatusCode);
        var runCard = Assert.Single(slack.Messages, m => m.Attachments?.ToJsonString().Contains("DRL-1 run 1: Bakery 2", StringComparison.Ordinal) == true);
        Assert.Equal("C0INCIDENTS", runCard.Channel);
        Assert.Equal([reminder.Ts], slack.Messages.Where(m => m.Channel == direct).Select(m => m.Ts));
        var updated = slack.Messages.Single(m => m.Ts == reminder.Ts);
        Assert.True(updated.Edits > 0);
        Assert.DoesNotContain(DrillCommands.StartAction, updated.Attachments!.ToJsonString(), StringComparison.Ordinal);
    }

    [SkippableFact]
    public async Task On_teams_action_execute_on_start_drill_answers_with_the_refreshed_card_and_a_second_click_says_why_nothing_changed()
    {
        await using var bed = await TeamsTestBed.StartAsync(provider);
        await bed.SendAsync(bed.Message($"drill {NewDrill}"));
        await bed.Bot.RunJobAsync(JobNames.DrillReminders);
        await bed.Bot.DrainOutboxAsync();
        var reminder = Assert.Single(bed.Connector.In(TeamsTestBed.Channel), a => a.Body["text"]?.GetValue<string>().StartsWith("⏰ DRL-1", StringComparison.Ordinal) == true);
        Assert.Contains(DrillCommands.StartAction, reminder.Body["attachments"]!.ToJsonString(), StringComparison.Ordinal);

        var first = JsonNode.Parse(await (await bed.SendAsync(bed.CardAction(DrillCommands.StartAction, "DRL-1", user: "aad-bob", name: "Bob Baker"))).Content.ReadAsStringAsync())!;
        var second = JsonNode.Parse(await (await bed.SendAsync(bed.CardAction(DrillCommands.StartAction, "DRL-1", user: "aad-carol", name: "Carol Cook"))).Content.ReadAsStringAsync())!;

        Assert.Equal("application/vnd.microsoft.card.adaptive", first["type"]!.GetValue<string>());
        Assert.DoesNotContain(DrillCommands.StartAction, first["value"]!.ToJsonString(), StringComparison.Ordinal);
        Assert.Contains("by Bob Baker", first["value"]!.ToJsonString(), StringComparison.Ordinal);
        Assert.Contains("DRL-1 run 1 is under way already (started by Bob Baker", second.ToJsonString(), StringComparison.Ordinal);
        Assert.Equal(1, await bed.Bot.QueryAsync(db => db.DrillRuns.CountAsync()));
        await bed.Bot.DrainOutboxAsync();
        Assert.Contains(bed.Connector.In(TeamsTestBed.Channel), a => a.Body["attachments"]?.ToJsonString().Contains("DRL-1 run 1: Bakery 2", StringComparison.Ordinal) == true);
    }
}

public sealed class SqliteDrillButtonTests() : DrillButtonTests(DbProvider.Sqlite);

public sealed class PostgresDrillButtonTests() : DrillButtonTests(DbProvider.Postgres);
