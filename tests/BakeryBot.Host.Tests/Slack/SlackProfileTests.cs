using System.Net;
using BakeryBot.Core.Tests.Infrastructure;
using BakeryBot.Host.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace BakeryBot.Host.Tests.Slack;

public sealed class SlackProfileTests
{
    [Fact]
    public async Task A_new_person_gets_their_slack_name_and_time_zone_after_the_answer()
    {
        await using var slack = await FakeSlack.StartAsync();
        await using var bot = await BotFactory.CreateAsync(DbProvider.Sqlite, slack);
        using var http = bot.CreateClient();

        await http.SendAsync(BotFactory.Signed("/slack/commands", bot.CommandBody("bakery", "whoami", user: "U0NEW")));

        var lookup = await Eventually.SingleAsync(() => slack.CallsTo("users.info"));
        Assert.Equal("U0NEW", lookup["user"]!.GetValue<string>());
        var deadline = DateTime.UtcNow.AddSeconds(10);
        (string Name, string Zone) person;
        do
        {
            person = await bot.QueryAsync(db => db.People.Select(p => new ValueTuple<string, string>(p.DisplayName, p.TimeZone)).SingleAsync());
            await Task.Delay(25);
        }
        while (person.Zone == "UTC" && DateTime.UtcNow < deadline);

        Assert.Equal(("Person U0NEW", "Europe/Paris"), person);
        var whoami = await http.SendAsync(BotFactory.Signed("/slack/commands", bot.CommandBody("bakery", "whoami", user: "U0NEW")));
        Assert.Contains("Europe/Paris", await whoami.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Single(slack.CallsTo("users.info"));
    }

    [Fact]
    public async Task A_profile_lookup_that_times_out_is_logged_and_the_bot_keeps_serving()
    {
        var logs = new LogCapture();
        await using var slack = await FakeSlack.StartAsync();
        // Longer than the bot's Slack client waits (one second in tests): the lookup is cancelled by its timeout.
        slack.UsersInfoDelay = TimeSpan.FromSeconds(3);
        await using var bot = await BotFactory.CreateAsync(DbProvider.Sqlite, slack, services: s => s.AddSingleton<ILoggerProvider>(logs));
        using var http = bot.CreateClient();

        var first = await http.SendAsync(BotFactory.Signed("/slack/commands", bot.CommandBody("bakery", "whoami", user: "U0SLOW")));
        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        await Eventually.SingleAsync(() => logs.Messages.Where(m => m.Contains("Could not fetch the slack profile", StringComparison.Ordinal)), TimeSpan.FromSeconds(10));

        var next = await http.SendAsync(BotFactory.Signed("/slack/commands", bot.CommandBody("incident", "oven door stuck", user: "U0SLOW")));
        Assert.Equal(HttpStatusCode.OK, next.StatusCode);
        Assert.Equal(1, await bot.QueryAsync(db => db.Incidents.CountAsync()));
    }
}
