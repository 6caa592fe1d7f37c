using System.Net;
using System.Text.Json.Nodes;
using BakeryBot.Core.Incidents;
using BakeryBot.Core.Tests.Infrastructure;
using BakeryBot.Host.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace BakeryBot.Host.Tests.Slack;

/// <summary><c>POST /slack/events</c> end to end: signed JSON in, the real pipeline and database, a fake Slack out.</summary>
public abstract class SlackEventTests(DbProvider provider)
{
    private const string Bot = "U0BAKEBOT";

    [SkippableFact]
    public async Task The_url_verification_handshake_is_answered_with_its_challenge_only_when_signed()
    {
        await using var slack = await FakeSlack.StartAsync();
        await using var bot = await BotFactory.CreateAsync(provider, slack);
        using var http = bot.CreateClient();
        const string body = """{"token":"x","challenge":"p7QxW2mZ9aB4","type":"url_verification"}""";

        var response = await http.SendAsync(BotFactory.SignedJson("/slack/events", body));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/json", response.Content.Headers.ContentType!.MediaType);
        Assert.Equal("p7QxW2mZ9aB4", JsonNode.Parse(await response.Content.ReadAsStringAsync())!["challenge"]!.GetValue<string>());

        var unsigned = new HttpRequestMessage(HttpMethod.Post, "/slack/events") { Content = new StringContent(body) };
        Assert.Equal(HttpStatusCode.Unauthorized, (await http.SendAsync(unsigned)).StatusCode);
        var wrongSecret = BotFactory.Signed("/slack/events", body, secret: "not-the-secret");
        Assert.Equal(HttpStatusCode.Unauthorized, (await http.SendAsync(wrongSecret)).StatusCode);
    }

    [SkippableFact]
    public async Task A_mention_runs_the_command_after_it_and_a_retried_delivery_has_no_second_effect_on_either_instance()
    {
        await using var slack = await FakeSlack.StartAsync();
        await using var bot = await BotFactory.CreateAsync(provider, slack);
        await using var other = bot.AnotherInstance();
        using var http = bot.CreateClient();
        using var otherHttp = other.CreateClient();
        var mention = Mention("Ev0001", $"<@{Bot}> incident oven cold sev2");

        var response = await http.SendAsync(BotFactory.SignedJson("/slack/events", mention));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var incident = await bot.QueryAsync(db => db.Incidents.SingleAsync());
        Assert.Equal(("oven cold", 2, "C0INCIDENTS"), (incident.Title, incident.Severity, incident.ChannelId));
        await bot.DrainOutboxAsync();
        Assert.Contains(slack.Messages, m => m.Channel == "C0INCIDENTS" && m.Attachments!.ToJsonString().Contains("INC-1: oven cold", StringComparison.Ordinal));
        var told = Assert.Single(slack.CallsTo("chat.postEphemeral"));
        Assert.Equal("U0ALICE", told["user"]!.GetValue<string>());
        Assert.StartsWith("INC-1 declared", told["text"]!.GetValue<string>(), StringComparison.Ordinal);

        // Slack retries with the same event_id: to this instance, and to another one sharing the database.
        var retry = BotFactory.SignedJson("/slack/events", mention, at: DateTimeOffset.UtcNow.AddSeconds(1));
        retry.Headers.Add("X-Slack-Retry-Num", "1");
        retry.Headers.Add("X-Slack-Retry-Reason", "http_timeout");
        Assert.Equal(HttpStatusCode.OK, (await http.SendAsync(retry)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await otherHttp.SendAsync(BotFactory.SignedJson("/slack/events", mention))).StatusCode);

        Assert.Equal(1, await bot.QueryAsync(db => db.Incidents.CountAsync()));
        await bot.DrainOutboxAsync();
        Assert.Single(slack.CallsTo("chat.postEphemeral"));
        Assert.Single(slack.CallsTo("chat.postMessage"));
    }

    [SkippableFact]
    public async Task A_mention_asking_about_a_record_shows_it_and_a_bare_mention_gets_help()
    {
        await using var slack = await FakeSlack.StartAsync();
        await using var bot = await BotFactory.CreateAsync(provider, slack);
        using var http = bot.CreateClient();
        await http.SendAsync(BotFactory.Signed("/slack/commands", bot.CommandBody("incident", "burnt cookie sev3")));

        await http.SendAsync(BotFactory.SignedJson("/slack/events", Mention("Ev0002", $"<@{Bot}> status INC-1", thread: "1767226100.000100")));
        await http.SendAsync(BotFactory.SignedJson("/slack/events", Mention("Ev0003", $"<@{Bot}>")));

        await bot.DrainOutboxAsync();
        var answers = slack.CallsTo("chat.postEphemeral").ToList();
        Assert.Equal(2, answers.Count);
        Assert.Contains("burnt cookie", answers[0].ToJsonString(), StringComparison.Ordinal);
        Assert.Contains("/incident:", answers[1]["text"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Contains("/timer:", answers[1]["text"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal(IncidentState.Declared, await bot.QueryAsync(db => db.Incidents.Select(i => i.State).SingleAsync()));
    }

    [SkippableFact]
    public async Task Opening_the_home_tab_publishes_the_persons_home_once_however_often_Slack_retries()
    {
        await using var slack = await FakeSlack.StartAsync();
        await using var bot = await BotFactory.CreateAsync(provider, slack);
        using var http = bot.CreateClient();
        await http.SendAsync(BotFactory.Signed("/slack/commands", bot.CommandBody("incident", "oven on fire sev1")));
        var opened = HomeOpened("Ev0010", "home");

        var response = await http.SendAsync(BotFactory.SignedJson("/slack/events", opened));
        var retry = BotFactory.SignedJson("/slack/events", opened, at: DateTimeOffset.UtcNow.AddSeconds(1));
        retry.Headers.Add("X-Slack-Retry-Num", "1");
        await http.SendAsync(retry);
        await http.SendAsync(BotFactory.SignedJson("/slack/events", HomeOpened("Ev0011", "messages")));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var (user, view) = await Eventually.SingleAsync(() => slack.PublishedViews);
        Assert.Equal("U0ALICE", user);
        Assert.Equal("home", view["type"]!.GetValue<string>());
        Assert.Contains("oven on fire", view.ToJsonString(), StringComparison.Ordinal);
        await Task.Delay(300);
        Assert.Single(slack.PublishedViews);
    }

    [SkippableFact]
    public async Task Mentioning_the_bot_with_home_publishes_the_home_tab_and_says_where_it_is()
    {
        await using var slack = await FakeSlack.StartAsync();
        await using var bot = await BotFactory.CreateAsync(provider, slack);
        using var http = bot.CreateClient();

        await http.SendAsync(BotFactory.SignedJson("/slack/events", Mention("Ev0012", $"<@{Bot}> home")));

        var (user, _) = await Eventually.SingleAsync(() => slack.PublishedViews);
        Assert.Equal("U0ALICE", user);
        await bot.DrainOutboxAsync();
        Assert.Contains("Home tab", Assert.Single(slack.CallsTo("chat.postEphemeral"))["text"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    [SkippableFact]
    public async Task Bot_messages_and_other_events_are_acknowledged_and_do_nothing_and_a_malformed_body_is_refused_without_retries()
    {
        await using var slack = await FakeSlack.StartAsync();
        await using var bot = await BotFactory.CreateAsync(provider, slack);
        using var http = bot.CreateClient();

        var fromBot = Mention("Ev0004", $"<@{Bot}> incident loop", botId: "B0OTHER");
        var reaction = """{"type":"event_callback","team_id":"T0BAKERY","event_id":"Ev0005","event":{"type":"reaction_added","user":"U0ALICE"}}""";
        Assert.Equal(HttpStatusCode.OK, (await http.SendAsync(BotFactory.SignedJson("/slack/events", fromBot))).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await http.SendAsync(BotFactory.SignedJson("/slack/events", reaction))).StatusCode);

        var malformed = await http.SendAsync(BotFactory.SignedJson("/slack/events", """{"type":"event_callback","event":"""));
        Assert.Equal(HttpStatusCode.BadRequest, malformed.StatusCode);
        Assert.Equal("1", Assert.Single(malformed.Headers.GetValues("X-Slack-No-Retry")));
        var incomplete = await http.SendAsync(BotFactory.SignedJson("/slack/events", """{"type":"event_callback","team_id":"T0BAKERY","event":{"type":"app_mention"}}"""));
        Assert.Equal(HttpStatusCode.BadRequest, incomplete.StatusCode);

        Assert.Equal(0, await bot.QueryAsync(db => db.Incidents.CountAsync()));
        await bot.DrainOutboxAsync();
        Assert.Empty(slack.Calls);
    }

    private static string HomeOpened(string eventId, string tab) => new JsonObject
    {
        ["type"] = "event_callback",
        ["team_id"] = BotFactory.Team,
        ["api_app_id"] = "A0BAKERY",
        ["event_id"] = eventId,
        ["event_time"] = 1767226200,
        ["event"] = new JsonObject { ["type"] = "app_home_opened", ["user"] = "U0ALICE", ["channel"] = "D0ALICE", ["tab"] = tab, ["event_ts"] = "1767226200.1" },
    }.ToJsonString();

    private static string Mention(string eventId, string text, string? thread = null, string? botId = null) =>
        Payloads.Mention(eventId, text, Bot, thread, botId).ToJsonString();
}

public sealed class SqliteSlackEventTests() : SlackEventTests(DbProvider.Sqlite);

public sealed class PostgresSlackEventTests() : SlackEventTests(DbProvider.Postgres);
