using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using BakeryBot.Core.Tests.Infrastructure;
using BakeryBot.Host.Tests.Infrastructure;

namespace BakeryBot.Host.Tests.Playground;

/// <summary>The playground goes through the same router, handlers and outbox as the platforms.</summary>
public sealed class PlaygroundTests
{
    [Fact]
    public async Task The_page_is_served_when_no_platform_is_configured_and_its_commands_and_buttons_work()
    {
        await using var bot = await BotFactory.CreateAsync(DbProvider.Sqlite, slack: null);
        using var http = bot.CreateClient();

        var page = await http.GetStringAsync("/");
        Assert.Contains("BakeryBot playground", page, StringComparison.Ordinal);
        var setup = JsonNode.Parse(await http.GetStringAsync("/playground/api/setup"))!;
        Assert.Equal("admin", setup["users"]![0]!["roles"]![0]!.GetValue<string>());

        var added = await PostAsync(http, "/playground/api/command", new { user = "alice", channel = "incidents", text = "/cmdb add asset oven-2" });
        Assert.Equal("private", added["kind"]!.GetValue<string>());
        var declared = await PostAsync(http, "/playground/api/command", new { user = "alice", channel = "incidents", text = "/incident burnt-cookie sev2 ci:oven-2" });
        Assert.StartsWith("INC-1 declared", declared["text"]!.GetValue<string>(), StringComparison.Ordinal);

        await bot.DrainOutboxAsync();
        var card = (await MessagesAsync(http))[0]!["card"]!;
        Assert.Equal("INC-1: burnt-cookie", card["title"]!.GetValue<string>());
        Assert.Equal("danger", card["accent"]!.GetValue<string>());
        var ack = card["buttons"]![0]!;
        Assert.Equal("incident.ack", ack["actionId"]!.GetValue<string>());

        var clicked = await PostAsync(http, "/playground/api/action", new { user = "bob", channel = "incidents", actionId = ack["actionId"]!.GetValue<string>(), value = ack["value"]!.GetValue<string>() });
        Assert.Equal("none", clicked["kind"]!.GetValue<string>());
        await bot.DrainOutboxAsync();
        var messages = await MessagesAsync(http);
        Assert.Single(messages);
        Assert.Contains("\"Acknowledged\"", messages[0]!["card"]!.ToJsonString(), StringComparison.Ordinal);

        var granted = await PostAsync(http, "/playground/api/command", new { user = "alice", channel = "incidents", text = "/bakery role add @bob cab" });
        Assert.Equal("<@bob> now has the `cab` role.", granted["text"]!.GetValue<string>());
    }

    [Fact]
    public async Task Home_answers_with_its_cards_and_the_command_that_draws_it_again()
    {
        await using var bot = await BotFactory.CreateAsync(DbProvider.Sqlite, slack: null);
        using var http = bot.CreateClient();
        await PostAsync(http, "/playground/api/command", new { user = "alice", channel = "incidents", text = "/incident burnt-cookie sev2" });

        var home = await PostAsync(http, "/playground/api/command", new { user = "alice", channel = "incidents", text = "/home" });

        Assert.Equal("home", home["redraw"]!.GetValue<string>());
        var item = home["cards"]!.AsArray().Single(c => c!["title"]!.GetValue<string>() == "INC-1: burnt-cookie")!;
        Assert.Equal("incident.ack", item["buttons"]![0]!["actionId"]!.GetValue<string>());
        Assert.Null((await PostAsync(http, "/playground/api/command", new { user = "alice", channel = "incidents", text = "/incident list" }))["redraw"]);
    }

    [Theory]
    [InlineData("""{"user":"mallory","channel":"incidents","text":"/incident x"}""")]
    [InlineData("""{"user":"alice","channel":"nowhere","text":"/incident x"}""")]
    [InlineData("""{"user":"alice","channel":"incidents","actionId":""}""")]
    [InlineData("""{not json""")]
    public async Task Bad_playground_requests_are_4xx(string body)
    {
        await using var bot = await BotFactory.CreateAsync(DbProvider.Sqlite, slack: null);
        using var http = bot.CreateClient();
        var path = body.Contains("actionId", StringComparison.Ordinal) ? "/playground/api/action" : "/playground/api/command";

        var response = await http.PostAsync(path, new StringContent(body, System.Text.Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
    }

    [Fact]
    public async Task The_playground_is_off_when_a_platform_is_configured()
    {
        await using var slack = await FakeSlack.StartAsync();
        await using var bot = await BotFactory.CreateAsync(DbProvider.Sqlite, slack);
        using var http = bot.CreateClient();

        Assert.Equal(HttpStatusCode.NotFound, (await http.GetAsync("/")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync("/healthz")).StatusCode);
        Assert.Equal("ready", await http.GetStringAsync("/readyz"));
    }

    private static async Task<JsonNode> PostAsync(HttpClient http, string path, object body)
    {
        var response = await http.PostAsJsonAsync(path, body);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return JsonNode.Parse(await response.Content.ReadAsStringAsync())!["reply"]!;
    }

    private static async Task<JsonArray> MessagesAsync(HttpClient http) =>
        JsonNode.Parse(await http.GetStringAsync("/playground/api/channels/incidents/messages"))!["messages"]!.AsArray();
}
