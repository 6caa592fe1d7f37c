using System.Net;
using BakeryBot.Core.Tests.Infrastructure;
using BakeryBot.Host.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace BakeryBot.Host.Tests.Slack;

/// <summary>With Incidents:CreateChannel, each incident gets a Slack channel of its own.</summary>
public sealed class SlackIncidentChannelTests
{
    [Fact]
    public async Task An_incident_gets_its_own_channel_with_its_card_and_updates_from_there_need_no_id()
    {
        await using var slack = await FakeSlack.StartAsync();
        await using var bot = await BotFactory.CreateAsync(DbProvider.Sqlite, slack, new() { ["Incidents:CreateChannel"] = "true" });
        using var http = bot.CreateClient();

        await http.SendAsync(BotFactory.Signed("/slack/commands", bot.CommandBody("incident", "Burnt cookie! (oven 2) sev2")));
        await bot.DrainOutboxAsync();
        await http.SendAsync(BotFactory.Signed("/slack/commands", bot.CommandBody("incident", "burnt-cookie again")));
        await bot.DrainOutboxAsync();

        var create = slack.CallsTo("conversations.create").Select(c => c["name"]!.GetValue<string>()).ToList();
        Assert.Equal(["inc-1-burnt-cookie-oven-2", "inc-2-burnt-cookie-again"], create);
        var invite = slack.CallsTo("conversations.invite").First();
        Assert.Equal(("C001NEW", "U0ALICE"), (invite["channel"]!.GetValue<string>(), invite["users"]!.GetValue<string>()));
        var channel = await bot.QueryAsync(db => db.Incidents.Where(i => i.Number == 1).Select(i => i.IncidentChannelId).SingleAsync());
        Assert.Equal("C001NEW", channel);
        Assert.Contains(slack.Messages, m => m.Channel == "C001NEW" && m.Attachments!.ToJsonString().Contains("INC-1: Burnt cookie! (oven 2)", StringComparison.Ordinal));

        var update = await http.SendAsync(BotFactory.Signed("/slack/commands", bot.CommandBody("incident", "update oven 2 cooling down", channel: "C001NEW")));
        Assert.Equal(HttpStatusCode.OK, update.StatusCode);
        Assert.Contains("Update posted on INC-1", await update.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        await bot.DrainOutboxAsync();
        var statusPosts = slack.Messages.Where(m => m.Text.StartsWith("Update on INC-1", StringComparison.Ordinal)).Select(m => (m.Channel, m.ThreadTs is not null)).ToList();
        Assert.Equal([("C001NEW", false), ("C0INCIDENTS", true)], statusPosts.OrderBy(p => p.Channel, StringComparer.Ordinal));
    }
}
