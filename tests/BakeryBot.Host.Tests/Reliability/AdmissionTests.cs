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

    [Fact]
    public async Task By_default_eight_requests_per_processor_are_handled_at_once()
    {
        await using var slack = await FakeSlack.StartAsync();
        await using var bot = await BotFactory.CreateAsync(DbProvider.Sqlite, slack, new Dictionary<string, string?>
        {
            // Only the queue is set: none waits, so the first request past the places is turned away.
            ["Admission:MaxQueuedRequests"] = "0",
            // A command answers without its result after this long, and gives up its place: not while the test holds the database.
            ["Slack:AnswerBudget"] = "00:00:30",
        });
        using var http = bot.CreateClient();
        var places = AdmissionOptions.PerProcessor * Environment.ProcessorCount;

        List<Task<HttpResponseMessage>> admitted;
        await using (var db = bot.Database.NewContext())
        {
            // Another writer holds the database: each admitted command waits for it, holding its place.
            await using var transaction = await db.Database.BeginTransactionAsync();
            var commands = Enumerable.Range(1, places).Select(n => (Func<Task<HttpResponseMessage>>)(() =>
                http.SendAsync(BotFactory.Signed("/slack/commands", bot.CommandBody("incident", $"oven {n} runs cold sev2", user: $"U0COOK{n}"))))).ToList();
            admitted = await HoldingThePlacesAsync(http, commands);

            var busy = await http.SendAsync(BotFactory.Signed("/slack/commands", bot.CommandBody("incident", "fryer on fire sev1", user: "U0BOB")));
            Assert.Equal(Admission.BusyText, JsonNode.Parse(await busy.Content.ReadAsStringAsync())!["text"]!.GetValue<string>());
            await transaction.CommitAsync();
        }

        foreach (var response in await Task.WhenAll(admitted))
        {
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }

        var titles = await bot.QueryAsync(db => db.Incidents.Select(i => i.Title).ToListAsync());
        Assert.Equal(Enumerable.Range(1, places).Select(n => $"oven {n} runs cold").Order(), titles.Order());
    }

    /// <summary>
    /// Sends the command and waits until it holds the only place: an unsigned probe (which would change
    /// nothing anyway) is then turned away. A probe that took the place first turns the command away
    /// instead, with nothing done; it is then sent again.
    /// </summary>
    private static async Task<Task<HttpResponseMessage>> HoldingThePlaceAsync(HttpClient http, Func<Task<HttpResponseMessage>> send) =>
        (await HoldingThePlacesAsync(http, [send]))[0];

    /// <summary>The same for several commands, each sent once and again if a probe took its place: when a probe is turned away, they hold every place.</summary>
    private static async Task<List<Task<HttpResponseMessage>>> HoldingThePlacesAsync(HttpClient http, List<Func<Task<HttpResponseMessage>>> sends)
    {
        var deadline = DateTime.UtcNow.AddSeconds(20);
        var admitted = sends.Select(send => send()).ToList();
        while (true)
        {
            for (var i = 0; i < admitted.Count; i++)
            {
                if (admitted[i].IsCompleted)
                {
                    var early = JsonNode.Parse(await (await admitted[i]).Content.ReadAsStringAsync())!;
                    Assert.Equal(Admission.BusyText, early["text"]!.GetValue<string>());
                    admitted[i] = sends[i]();
                }
            }

            if ((await http.PostAsync("/slack/events", new StringContent("{}"))).StatusCode == HttpStatusCode.ServiceUnavailable)
            {
                return admitted;
            }

            Assert.True(DateTime.UtcNow < deadline, "The admitted requests never held their places.");
            await Task.Delay(20);
        }
    }
}
