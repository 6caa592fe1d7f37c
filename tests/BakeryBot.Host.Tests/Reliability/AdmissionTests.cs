using System.Net;
using System.Text.Json.Nodes;
using BakeryBot.Core.Tests.Infrastructure;
using BakeryBot.Host.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace BakeryBot.Host.Tests.Reliability;

/// <summary>
/// Past its limit of requests handled and waiting, the bot turns requests away at once and changes
/// nothing for them, instead of queueing work past Slack's three seconds.
/// </summary>
public sealed class AdmissionTests
{
    [Fact]
    public async Task At_the_limit_a_command_is_told_the_bot_is_busy_other_requests_get_503_and_the_admitted_one_lands()
    {
        await using var slack = await FakeSlack.StartAsync();
        await using var bot = await BotFactory.CreateAsync(DbProvider.Sqlite, slack, new Dictionary<string, string?>
        {
            ["Admission:MaxConcurrentRequests"] = "1",
            ["Admission:MaxQueuedRequests"] = "0",
        });
        using var http = bot.CreateClient();

        Task<HttpResponseMessage> admitted;
        await using (var db = bot.Database.NewContext())
        {
            // Another writer holds the database: the admitted command waits for it, holding its place.
            await using var transaction = await db.Database.BeginTransactionAsync();
            admitted = await HoldingThePlaceAsync(http, () => http.SendAsync(BotFactory.Signed("/slack/commands", bot.CommandBody("incident", "oven runs cold sev2", user: "U0ALICE"))));

            var busy = await http.SendAsync(BotFactory.Signed("/slack/commands", bot.CommandBody("incident", "fryer on fire sev1", user: "U0BOB")));
            Assert.Equal(HttpStatusCode.OK, busy.StatusCode);
            var answer = JsonNode.Parse(await busy.Content.ReadAsStringAsync())!;
            Assert.Equal("ephemeral", answer["response_type"]!.GetValue<string>());
            Assert.Equal(Admission.BusyText, answer["text"]!.GetValue<string>());

            var click = await http.SendAsync(BotFactory.Signed("/slack/interactions", "payload=%7B%7D"));
            Assert.Equal(HttpStatusCode.ServiceUnavailable, click.StatusCode);
            Assert.Equal("1", click.Headers.RetryAfter?.ToString());
            await transaction.CommitAsync();
        }

        var response = await admitted;
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(["oven runs cold"], await bot.QueryAsync(db => db.Incidents.Select(i => i.Title).ToListAsync()));
        Assert.DoesNotContain("U0BOB", await bot.QueryAsync(db => db.PersonIdentities.Select(i => i.ExternalId).ToListAsync()));

        // Below the limit again, the same command runs.
        var again = await http.SendAsync(BotFactory.Signed("/slack/commands", bot.CommandBody("incident", "fryer on fire sev1", user: "U0BOB")));
        Assert.Equal(HttpStatusCode.OK, again.StatusCode);
        Assert.Equal(2, await bot.QueryAsync(db => db.Incidents.CountAsync()));
    }

    /// <summary>
    /// Sends the command and waits until it holds the only place: an unsigned probe (which would change
    /// nothing anyway) is then turned away. A probe that took the place first turns the command away
    /// instead, with nothing done; it is then sent again.
    /// </summary>
    private static async Task<Task<HttpResponseMessage>> HoldingThePlaceAsync(HttpClient http, Func<Task<HttpResponseMessage>> send)
    {
        var deadline = DateTime.UtcNow.AddSeconds(10);
        var admitted = send();
        while (true)
        {
            if (admitted.IsCompleted)
            {
                var early = JsonNode.Parse(await (await admitted).Content.ReadAsStringAsync())!;
                Assert.Equal(Admission.BusyText, early["text"]!.GetValue<string>());
                admitted = send();
            }

            if ((await http.PostAsync("/slack/events", new StringContent("{}"))).StatusCode == HttpStatusCode.ServiceUnavailable)
            {
                return admitted;
            }

            Assert.True(DateTime.UtcNow < deadline, "The admitted request never held its place.");
            await Task.Delay(20);
        }
    }
}
