using System.Net;
using BakeryBot.Core.Changes;
using BakeryBot.Core.Tests.Infrastructure;
using BakeryBot.Host.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace BakeryBot.Host.Tests.Changes;

/// <summary>
/// The CAB's whole policy as a table (risk × votes × who votes → outcome), played with the buttons
/// as each platform sends them: Slack block_actions and Teams Action.Execute invokes.
/// </summary>
public sealed class CabPolicyTableTests
{
    /// <summary>risk, the clicks in order (who:vote), the state and decision they must end in, and the votes counted.</summary>
    public static TheoryData<string, string, string, string, string?, int> Table => new()
    {
        { "slack", "low", "bob:approve", "Approved", "Approved", 1 },
        { "slack", "medium", "bob:approve", "Pending", null, 1 },
        { "slack", "medium", "bob:approve carol:approve", "Approved", "Approved", 2 },
        { "slack", "high", "bob:approve carol:reject", "Rejected", "Rejected", 2 },
        { "slack", "medium", "bob:abstain carol:approve dave:approve", "Approved", "Approved", 3 },
        { "slack", "medium", "bob:approve bob:approve", "Pending", null, 1 },
        { "slack", "low", "alice:approve erin:approve", "Pending", null, 0 },
        { "slack", "low", "bob:approve carol:reject", "Approved", "Approved", 1 },
        { "teams", "low", "bob:approve", "Approved", "Approved", 1 },
        { "teams", "medium", "bob:approve", "Pending", null, 1 },
        { "teams", "medium", "bob:approve carol:approve", "Approved", "Approved", 2 },
        { "teams", "high", "bob:approve carol:reject", "Rejected", "Rejected", 2 },
        { "teams", "medium", "bob:abstain carol:approve dave:approve", "Approved", "Approved", 3 },
        { "teams", "medium", "bob:approve bob:approve", "Pending", null, 1 },
        { "teams", "low", "alice:approve erin:approve", "Pending", null, 0 },
        { "teams", "low", "bob:approve carol:reject", "Approved", "Approved", 1 },
    };

    private static readonly string[] Cab = ["alice", "bob", "carol", "dave"];

    [Theory]
    [MemberData(nameof(Table))]
    public async Task Buttons_decide_as_the_policy_says(string platform, string risk, string clicks, string state, string? decision, int votes)
    {
        var request = $"change request replace thermostat ci:oven-2 window:\"tomorrow 22:00+2h\" risk:{risk} rollback:\"refit the old one\"";
        BotFactory bot;
        Func<string, string, Task<HttpResponseMessage>> click;
        await using var slack = await FakeSlack.StartAsync();
        TeamsTestBed? bed = null;
        if (platform == "slack")
        {
            bot = await BotFactory.CreateAsync(DbProvider.Sqlite, slack);
            var http = bot.CreateClient();
            foreach (var member in Cab)
            {
                await http.SendAsync(BotFactory.Signed("/slack/commands", bot.CommandBody("bakery", $"role add <@U0{member.ToUpperInvariant()}> cab", user: "UADMIN")));
            }

            await http.SendAsync(BotFactory.Signed("/slack/commands", bot.CommandBody("cmdb", "add asset oven-2")));
            await http.SendAsync(BotFactory.Signed("/slack/commands", bot.CommandBody("change", request["change ".Length..])));
            await bot.DrainOutboxAsync();
            var ts = slack.Messages.Single().Ts;
            click = (who, vote) => http.SendAsync(BotFactory.Signed("/slack/interactions", Payloads.ButtonClick(slack, "change." + vote, "CHG-1", ts, user: "U0" + who.ToUpperInvariant(),
                inputs: vote == "reject" ? new Dictionary<string, string> { [ChangeCards.ReasonInput] = "not this week" } : null)));
        }
        else
        {
            bed = await TeamsTestBed.StartAsync();
            bot = bed.Bot;
            foreach (var member in Cab)
            {
                await bed.SendAsync(bed.Message($"bakery role add <at>{member}</at> cab", mentions: new Dictionary<string, string> { [member] = $"29:aad-{member}" }));
            }

            await bed.SendAsync(bed.Message("cmdb add asset oven-2"));
            await bed.SendAsync(bed.Message(request, user: "aad-alice", name: "alice"));
            click = (who, vote) =>
            {
                var action = bed.CardAction("change." + vote, "CHG-1", user: $"aad-{who}", name: who);
                if (vote == "reject")
                {
                    action["value"]!["action"]!["data"]![ChangeCards.ReasonInput] = "not this week";
                }

                return bed.SendAsync(action);
            };
        }

        try
        {
            foreach (var (who, vote) in clicks.Split(' ').Select(c => (c.Split(':')[0], c.Split(':')[1])))
            {
                Assert.Equal(HttpStatusCode.OK, (await click(who, vote)).StatusCode);
            }

            var change = await bot.QueryAsync(db => db.Changes.Include(c => c.Votes).SingleAsync());
            Assert.Equal((state, decision, votes), (change.State.ToString(), change.Decision?.ToString(), change.Votes.Count));
        }
        finally
        {
            if (bed is not null)
            {
                await bed.DisposeAsync();
            }
            else
            {
                await bot.DisposeAsync();
            }
        }
    }
}
