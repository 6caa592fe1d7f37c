using CsCheck;

namespace BakeryBot.Slack.Tests;

/// <summary>Events API bodies (fixtures of the real shapes) to the neutral request.</summary>
public sealed class SlackEventMapperTests
{
    [Fact]
    public void The_url_verification_fixture_gives_its_challenge()
    {
        var handshake = Assert.IsType<SlackEvent.UrlVerification>(SlackPayloadMapper.FromEvent(TestFiles.Fixture("url_verification.json")));
        Assert.Equal("p7QxW2mZ9aB4cD6eF8gH0iJ1kL3mN5oP7qR9sT1uV3wX5yZ7", handshake.Challenge);
    }

    [Fact]
    public void The_app_mention_fixture_asks_for_the_incident_it_names_from_its_channel()
    {
        var mention = Assert.IsType<SlackEvent.Mention>(SlackPayloadMapper.FromEvent(TestFiles.Fixture("event_callback.json")));

        Assert.Equal("Ev0CHOPS2041A", mention.EventId);
        var request = mention.Request;
        Assert.Equal(("slack", "T0CHOPS01", "C0INC2041", "U0ONCALL01"), (request.Platform, request.TenantId, request.ChannelId, request.UserId));
        Assert.Equal(("incident", "show INC-2041"), (request.Command, request.Text));
        Assert.Equal("ev:Ev0CHOPS2041A", request.DeliveryId);
        Assert.Null(request.ThreadId);
        Assert.False(request.CanOpenDialog);
    }

    [Theory]
    [InlineData("<@UBOT> incident oven cold sev2", "incident", "oven cold sev2")]
    [InlineData("<@UBOT|bakerybot> /timer start INC-4", "timer", "start INC-4")]
    [InlineData("hey <@UBOT> incident assign INC-3 <@U0BOB>", "hey", "incident assign INC-3 <@U0BOB>")]
    [InlineData("<@U0BOB> look <@UBOT> CHG-7", "<@u0bob>", "look CHG-7")]
    [InlineData("<@UBOT> show DRL-2", "drill", "show DRL-2")]
    [InlineData("<@UBOT> inc-9", "incident", "show INC-9")]
    [InlineData("<@UBOT>", "bakery", "help")]
    [InlineData("<@UBOT>   help", "bakery", "help")]
    [InlineData("<@UBOT> show INC-1 now", "show", "INC-1 now")]
    public void The_bots_own_mention_is_taken_out_and_the_first_word_is_the_command(string text, string command, string rest)
    {
        var body = $$$"""
            {"type":"event_callback","team_id":"T1","event_id":"Ev1","authorizations":[{"user_id":"UBOT","is_bot":true}],
             "event":{"type":"app_mention","user":"U0ALICE","channel":"C1","text":{{{System.Text.Json.JsonSerializer.Serialize(text)}}},"ts":"1.2","thread_ts":"1.0"}}
            """;

        var mention = Assert.IsType<SlackEvent.Mention>(SlackPayloadMapper.FromEvent(body));

        Assert.Equal((command, rest), (mention.Request.Command, mention.Request.Text));
        Assert.Equal("1.0", mention.Request.ThreadId);
    }

    [Fact]
    public void Opening_the_home_tab_is_told_apart_from_the_messages_tab()
    {
        const string home = """{"type":"event_callback","team_id":"T1","event_id":"Ev2","event":{"type":"app_home_opened","user":"U0ALICE","channel":"D1","tab":"home"}}""";
        const string messages = """{"type":"event_callback","team_id":"T1","event_id":"Ev3","event":{"type":"app_home_opened","user":"U0ALICE","channel":"D1","tab":"messages"}}""";

        Assert.Equal(new SlackEvent.HomeOpened("Ev2", "T1", "U0ALICE"), SlackPayloadMapper.FromEvent(home));
        Assert.IsType<SlackEvent.Ignored>(SlackPayloadMapper.FromEvent(messages));
    }

    [Theory]
    [InlineData("""{"type":"event_callback","team_id":"T1","event_id":"Ev4","event":{"type":"app_mention","bot_id":"B1","user":"U1","channel":"C1","text":"<@UBOT> incident x"}}""")]
    [InlineData("""{"type":"event_callback","team_id":"T1","event_id":"Ev5","event":{"type":"message","subtype":"bot_message","channel":"C1","text":"x"}}""")]
    [InlineData("""{"type":"event_callback","team_id":"T1","event_id":"Ev6","event":{"type":"reaction_added","user":"U1"}}""")]
    [InlineData("""{"type":"app_rate_limited","team_id":"T1","minute_rate_limited":1518467820}""")]
    public void Bot_messages_and_events_the_bot_does_not_use_are_ignored(string body)
    {
        Assert.IsType<SlackEvent.Ignored>(SlackPayloadMapper.FromEvent(body));
    }

    [Theory]
    [InlineData("")]
    [InlineData("[]")]
    [InlineData("{\"type\":\"event_callback\"")]
    [InlineData("""{"type":"url_verification"}""")]
    [InlineData("""{"type":"event_callback","team_id":"T1","event":{"type":"app_mention"}}""")]
    [InlineData("""{"type":"event_callback","team_id":"T1","event_id":"Ev7","event":{"type":"app_mention","user":"U1","text":"x"}}""")]
    [InlineData("""{"team_id":"T1"}""")]
    public void Bodies_Slack_would_not_send_are_invalid_with_a_reason(string body)
    {
        var invalid = Assert.IsType<SlackEvent.Invalid>(SlackPayloadMapper.FromEvent(body));
        Assert.False(string.IsNullOrWhiteSpace(invalid.Message));
    }

    [Fact]
    public void Damaged_event_fixtures_never_throw()
    {
        var fixture = TestFiles.Fixture("event_callback.json");
        Gen.Int[0, fixture.Length].Select(Gen.Int[0, 20], Gen.Char)
            .Sample((at, changes, c) =>
            {
                var body = changes == 0 ? fixture[..at] : string.Concat(fixture.AsSpan(0, at), new string(c, changes), fixture.AsSpan(Math.Min(fixture.Length, at + changes)));
                Assert.NotNull(SlackPayloadMapper.FromEvent(body));
            }, iter: 5_000);
    }
}
