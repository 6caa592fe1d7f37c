using System.Net;
using System.Text.Json.Nodes;
using BakeryBot.Core.Incidents;
using BakeryBot.Core.Tests.Infrastructure;
using BakeryBot.Host.Slack;
using BakeryBot.Host.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace BakeryBot.Host.Tests.Slack;

/// <summary>
/// Socket Mode end to end: the bot opens a WebSocket to a local fake of Slack (apps.connections.open, hello,
/// envelopes, disconnect, a dropped network) and runs what arrives through the same handlers as HTTP.
/// </summary>
public abstract class SlackSocketModeTests(DbProvider provider)
{
    private const string Bot = "U0BAKEBOT";

    [SkippableFact]
    public async Task Commands_buttons_and_mentions_arrive_over_the_socket_and_each_is_acknowledged_by_its_envelope_id()
    {
        await using var slack = await FakeSlack.StartAsync();
        await using var bot = await SocketBotAsync(slack);
        var connection = await slack.Socket.NextConnectionAsync();

        var declared = await connection.EnvelopeAsync("slash_commands", Command("incident", "oven cold sev2"), envelopeId: "env-1");

        Assert.Equal("env-1", declared["envelope_id"]!.GetValue<string>());
        Assert.StartsWith("INC-1 declared", declared["payload"]!["text"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal("ephemeral", declared["payload"]!["response_type"]!.GetValue<string>());
        Assert.Equal((2, IncidentState.Declared), await bot.QueryAsync(db => db.Incidents.Select(i => new ValueTuple<int, IncidentState>(i.Severity, i.State)).SingleAsync()));
        await bot.DrainOutboxAsync();
        var card = Assert.Single(slack.Messages);

        var click = await connection.EnvelopeAsync("interactive", ClickPayload(slack, IncidentCommands.AckAction, "INC-1", card.Ts), envelopeId: "env-2");

        Assert.Equal(new JsonObject { ["envelope_id"] = "env-2" }.ToJsonString(), click.ToJsonString());
        Assert.Equal(IncidentState.Acknowledged, await bot.QueryAsync(db => db.Incidents.Select(i => i.State).SingleAsync()));
        await bot.DrainOutboxAsync();
        Assert.Contains("Acknowledged", Assert.Single(slack.Messages).Attachments!.ToJsonString(), StringComparison.Ordinal);

        var mention = await connection.EnvelopeAsync("events_api", Payloads.Mention("Ev1", $"<@{Bot}> INC-1", Bot), envelopeId: "env-3");

        Assert.Equal("env-3", mention["envelope_id"]!.GetValue<string>());
        Assert.Null(mention["payload"]);
        // An event is acknowledged once handled or after the answer budget, whichever comes first: on a busy
        // machine its answer may be queued after the acknowledgement, so it is waited for.
        await bot.DrainOutboxAsync();
        Assert.Contains("oven cold", (await Eventually.SingleAsync(() => slack.CallsTo("chat.postEphemeral"))).ToJsonString(), StringComparison.Ordinal);

        var opened = await connection.EnvelopeAsync("events_api", new JsonObject
        {
            ["type"] = "event_callback",
            ["team_id"] = BotFactory.Team,
            ["event_id"] = "Ev2",
            ["event"] = new JsonObject { ["type"] = "app_home_opened", ["user"] = "U0ALICE", ["tab"] = "home" },
        });
        Assert.NotNull(opened["envelope_id"]);
        Assert.Equal("U0ALICE", (await Eventually.SingleAsync(() => slack.PublishedViews)).UserId);

        // No public endpoint is served: Slack reaches the bot only through the socket it opened.
        using var http = bot.CreateClient();
        var posted = await http.SendAsync(BotFactory.Signed("/slack/commands", bot.CommandBody("incident", "over http")));
        Assert.Equal(HttpStatusCode.NotFound, posted.StatusCode);
    }

    [SkippableFact]
    public async Task A_slow_command_is_acknowledged_within_the_answer_budget_and_holds_up_no_other_envelope()
    {
        await using var slack = await FakeSlack.StartAsync();
        await using var bot = await SocketBotAsync(slack, SlowCommand.Register, new() { ["Slack:AnswerBudget"] = "00:00:01" });
        var connection = await slack.Socket.NextConnectionAsync();
        var slowCommand = Command("slow", "please");
        slowCommand["response_url"] = slack.ResponseUrl("slow");

        var slow = connection.EnvelopeAsync("slash_commands", slowCommand, envelopeId: "slow");
        var fast = await connection.EnvelopeAsync("slash_commands", Command("incident", "fast one"), envelopeId: "fast");

        Assert.False(slow.IsCompleted);
        Assert.StartsWith("INC-1 declared", fast["payload"]!["text"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Contains("Working on it", (await slow)["payload"]!["text"]!.GetValue<string>(), StringComparison.Ordinal);
        var late = await Eventually.SingleAsync(() => slack.CallsTo("response:slow"), TimeSpan.FromSeconds(10));
        Assert.Equal("Done, slowly.", late["text"]!.GetValue<string>());
    }

    [SkippableFact]
    public async Task A_disconnect_from_Slack_opens_a_new_connection_and_closes_the_old_one()
    {
        await using var slack = await FakeSlack.StartAsync();
        await using var bot = await SocketBotAsync(slack);
        var first = await slack.Socket.NextConnectionAsync();
        var opened = slack.Socket.Opened;

        await first.DisconnectAsync("refresh_requested");

        var second = await slack.Socket.NextConnectionAsync();
        await first.Closed.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal(System.Net.WebSockets.WebSocketCloseStatus.NormalClosure, first.CloseStatus);
        Assert.Equal(opened + 1, slack.Socket.Opened);
        var ack = await second.EnvelopeAsync("slash_commands", Command("incident", "after the refresh"));
        Assert.StartsWith("INC-1 declared", ack["payload"]!["text"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.True(bot.Services.GetRequiredService<SlackSocketMode>().IsConnected);
    }

    [SkippableFact]
    public async Task Socket_Mode_turned_off_in_the_app_is_logged_as_what_to_fix_and_the_bot_keeps_trying()
    {
        await using var slack = await FakeSlack.StartAsync();
        var log = new LogCapture();
        await using var bot = await SocketBotAsync(slack, services => services.AddLogging(l => l.AddProvider(log)));
        var first = await slack.Socket.NextConnectionAsync();

        await first.DisconnectAsync("link_disabled");

        var second = await slack.Socket.NextConnectionAsync(TimeSpan.FromSeconds(20));
        Assert.Contains(log.Messages, m => m.Contains("link_disabled", StringComparison.Ordinal) && m.Contains("Turn it on", StringComparison.Ordinal));
        var ack = await second.EnvelopeAsync("slash_commands", Command("incident", "once it is back on"));
        Assert.StartsWith("INC-1 declared", ack["payload"]!["text"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    [SkippableFact]
    public async Task A_dropped_network_connection_is_opened_again_and_work_goes_on()
    {
        await using var slack = await FakeSlack.StartAsync();
        await using var bot = await SocketBotAsync(slack);
        var first = await slack.Socket.NextConnectionAsync();
        await first.EnvelopeAsync("slash_commands", Command("incident", "before the drop"));

        first.Drop();

        var second = await slack.Socket.NextConnectionAsync(TimeSpan.FromSeconds(20));
        var ack = await second.EnvelopeAsync("slash_commands", Command("incident", "after the drop"));
        Assert.StartsWith("INC-2 declared", ack["payload"]!["text"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal(2, await bot.QueryAsync(db => db.Incidents.CountAsync()));
    }

    [SkippableFact]
    public async Task An_envelope_under_way_when_the_bot_stops_is_still_acknowledged_with_its_answer()
    {
        await using var slack = await FakeSlack.StartAsync();
        await using var bot = await SocketBotAsync(slack, SlowCommand.Register, new() { ["Slack:AnswerBudget"] = "00:00:06" });
        var connection = await slack.Socket.NextConnectionAsync();
        var slow = connection.EnvelopeAsync("slash_commands", Command("slow", "please"), envelopeId: "slow", timeout: TimeSpan.FromSeconds(15));
        await Task.Delay(TimeSpan.FromSeconds(1));

        // A deploy stops the bot while the command runs: what it accepted is answered before the socket goes.
        var stopping = bot.Services.GetRequiredService<SlackSocketMode>().StopAsync(CancellationToken.None);

        var ack = await slow;
        Assert.Equal("Done, slowly.", ack["payload"]!["text"]!.GetValue<string>());
        await stopping.WaitAsync(TimeSpan.FromSeconds(15));
        await connection.Closed.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal(System.Net.WebSockets.WebSocketCloseStatus.NormalClosure, connection.CloseStatus);
        Assert.False(bot.Services.GetRequiredService<SlackSocketMode>().IsConnected);
    }

    [SkippableFact]
    public async Task An_event_Slack_delivers_again_after_a_lost_acknowledgement_has_one_effect()
    {
        await using var slack = await FakeSlack.StartAsync();
        await using var bot = await SocketBotAsync(slack);
        var connection = await slack.Socket.NextConnectionAsync();
        var mention = Payloads.Mention("Ev42", $"<@{Bot}> incident flour everywhere", Bot);

        await connection.EnvelopeAsync("events_api", mention);
        var again = await connection.EnvelopeAsync("events_api", mention.DeepClone().AsObject(), retryAttempt: 1);

        Assert.NotNull(again["envelope_id"]);
        Assert.Equal(1, await bot.QueryAsync(db => db.Incidents.CountAsync()));
        await bot.DrainOutboxAsync();
        Assert.Single(slack.CallsTo("chat.postEphemeral"));
    }

    [SkippableFact]
    public async Task A_form_answered_with_errors_goes_back_in_the_acknowledgement_and_bad_payloads_are_acknowledged_all_the_same()
    {
        await using var slack = await FakeSlack.StartAsync();
        await using var bot = await SocketBotAsync(slack);
        var connection = await slack.Socket.NextConnectionAsync();

        var broken = await connection.EnvelopeAsync("interactive", new JsonObject { ["type"] = "block_actions" });
        var unknown = await connection.EnvelopeAsync("something_new", new JsonObject { ["x"] = 1 });
        var noResponse = await connection.EnvelopeAsync("slash_commands", Command("incident", "quietly"), acceptsResponse: false);

        Assert.Null(broken["payload"]);
        Assert.Null(unknown["payload"]);
        Assert.Null(noResponse["payload"]);
        Assert.Equal(1, await bot.QueryAsync(db => db.Incidents.CountAsync()));
    }

    [SkippableFact]
    public async Task An_app_token_Slack_refuses_stops_socket_mode_with_a_line_that_says_what_to_fix()
    {
        await using var slack = await FakeSlack.StartAsync();
        slack.Socket.OpenError = "invalid_auth";
        var log = new LogCapture();
        await using var bot = await SocketBotAsync(slack, services => services.AddLogging(l => l.AddProvider(log)));

        await Eventually.SingleAsync(() => log.Messages.Where(m => m.Contains("Socket Mode stopped", StringComparison.Ordinal)), TimeSpan.FromSeconds(10));
        var opened = slack.Socket.Opened;
        await Task.Delay(TimeSpan.FromSeconds(2));

        // Waiting does not cure a refused token: it is not asked again.
        Assert.Equal(opened, slack.Socket.Opened);
        Assert.Contains(log.Messages, m => m.Contains("invalid_auth", StringComparison.Ordinal) && m.Contains("Slack:AppToken", StringComparison.Ordinal));
        Assert.DoesNotContain(log.Messages, m => m.Contains(FakeSlackSocket.AppToken, StringComparison.Ordinal));
        Assert.False(bot.Services.GetRequiredService<SlackSocketMode>().IsConnected);
    }

    [SkippableTheory]
    [InlineData("", FakeSlackSocket.AppToken, "Slack needs Slack:BotToken and, to receive from Slack, Slack:SigningSecret (public HTTP endpoints) or Slack:AppToken (Socket Mode)")]
    [InlineData("xoxb-test-token", "xoxb-not-an-app-token", "Slack:AppToken must be an app-level token (it starts with xapp-)")]
    public async Task A_socket_mode_configuration_missing_a_piece_stops_the_bot_with_a_clear_message(string botToken, string appToken, string expected)
    {
        await using var slack = await FakeSlack.StartAsync();
        await using var bot = await BotFactory.CreateAsync(provider, slack, new() { ["Slack:SigningSecret"] = "", ["Slack:BotToken"] = botToken, ["Slack:AppToken"] = appToken });

        var failure = Assert.Throws<Microsoft.Extensions.Options.OptionsValidationException>(() => bot.Services);

        Assert.Contains(expected, failure.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(appToken, failure.Message, StringComparison.Ordinal);
        Assert.Equal(0, slack.Socket.Opened);
    }

    [Fact]
    public void The_wait_before_connecting_again_doubles_up_to_thirty_seconds()
    {
        Assert.Equal(TimeSpan.Zero, SlackSocketMode.Backoff(0));
        Assert.InRange(SlackSocketMode.Backoff(1).TotalSeconds, 0.8, 1.2);
        Assert.InRange(SlackSocketMode.Backoff(3).TotalSeconds, 3.2, 4.8);
        Assert.InRange(SlackSocketMode.Backoff(50).TotalSeconds, 24, 36);
    }

    /// <summary>A bot with Socket Mode only: an app-level token and no signing secret.</summary>
    private async Task<BotFactory> SocketBotAsync(FakeSlack slack, Action<IServiceCollection>? services = null, Dictionary<string, string?>? settings = null)
    {
        var all = new Dictionary<string, string?>(settings ?? []) { ["Slack:SigningSecret"] = "", ["Slack:AppToken"] = FakeSlackSocket.AppToken };
        var bot = await BotFactory.CreateAsync(provider, slack, all, services);
        _ = bot.Services; // starts the host, and with it the connection
        return bot;
    }

    private static JsonObject Command(string command, string text) => new()
    {
        ["token"] = "deprecated",
        ["team_id"] = BotFactory.Team,
        ["team_domain"] = "bakery",
        ["channel_id"] = "C0INCIDENTS",
        ["channel_name"] = "incidents",
        ["user_id"] = "U0ALICE",
        ["user_name"] = "alice",
        ["command"] = "/" + command,
        ["text"] = text,
        ["api_app_id"] = "A0BAKERY",
        ["is_enterprise_install"] = false,
        ["response_url"] = "https://hooks.slack.com/commands/T0BAKERY/1/x",
        ["trigger_id"] = $"{Random.Shared.NextInt64()}.1.abc",
    };

    private static JsonObject ClickPayload(FakeSlack slack, string action, string value, string ts)
    {
        var form = BakeryBot.Slack.SlackPayloadMapper.ParseForm(Payloads.ButtonClick(slack, action, value, ts));
        return JsonNode.Parse(form["payload"])!.AsObject();
    }
}

public sealed class SqliteSlackSocketModeTests() : SlackSocketModeTests(DbProvider.Sqlite);

public sealed class PostgresSlackSocketModeTests() : SlackSocketModeTests(DbProvider.Postgres);
