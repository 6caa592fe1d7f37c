using System.Text;
using System.Text.Json;
using BakeryBot.Teams.Activities;

namespace BakeryBot.Teams.Tests.Activities;

public sealed class TeamsActivityParserTests
{
    private const string SharedFixtures = "/work/shared/fixtures/teams";

    [SkippableTheory]
    [InlineData("message.json", TeamsFixtures.Message)]
    [InlineData("conversationUpdate.json", TeamsFixtures.ConversationUpdate)]
    [InlineData("invoke-adaptiveCard-action.json", TeamsFixtures.CardAction)]
    [InlineData("invoke-composeExtension-submitAction-message.json", TeamsFixtures.SubmitAction)]
    public void Embedded_fixtures_match_the_shared_files(string file, string embedded)
    {
        var path = Path.Combine(SharedFixtures, file);
        Skip.IfNot(File.Exists(path), $"{path} is not on this machine.");
        using var shared = JsonDocument.Parse(File.ReadAllText(path));
        using var copy = JsonDocument.Parse(embedded);
        Assert.True(JsonElement.DeepEquals(shared.RootElement, copy.RootElement), $"{file} changed; copy it into TeamsFixtures again.");
    }

    [Fact]
    public void Message_fixture_reads_every_member()
    {
        var a = ActivityJson.Parse(TeamsFixtures.Message);

        Assert.Equal("message", a.Type);
        Assert.Equal("1767225900123", a.Id);
        Assert.Equal(new DateTimeOffset(2026, 1, 1, 0, 5, 0, 123, TimeSpan.Zero), a.Timestamp);
        Assert.Equal("https://smba.trafficmanager.net/emea/3c1f8e2a-7b4d-4e9f-a1c2-6d5e4f3a2b10/", a.ServiceUrl);
        Assert.Equal("msteams", a.ChannelId);
        Assert.Equal(new TeamsAccount("29:1Zq8Xk3vN7bLm2Pq9Rt4Ws6Yu8Ia0Sd2Fg4Hj6Kl8Zx0Cv2Bn4Mq6We8Rt0Yu2Io4Pa6Sd8Fg0Hj2Kl4", "Dana Oncall", "8d2e4f6a-1b3c-4d5e-9f70-a1b2c3d4e5f6"), a.From);
        Assert.Equal(new TeamsConversation("19:7a6b5c4d3e2f41a0b9c8d7e6f5a4b3c2@thread.tacv2;messageid=1767225900123", "channel", true, "3c1f8e2a-7b4d-4e9f-a1c2-6d5e4f3a2b10", null), a.Conversation);
        Assert.Equal(new TeamsAccount("28:b6a1d9f2-4c3e-4f7a-9d21-5e8c0a7b3f10", "ChatOps Bot", null), a.Recipient);
        Assert.Equal("<at>ChatOps Bot</at> incident declare sev2 Checkout latency above SLO", a.Text);
        Assert.Equal("en-US", a.Locale);
        Assert.Null(a.Name);
        Assert.Null(a.Value);
        // clientInfo is not a mention.
        Assert.Equal([new TeamsMention("28:b6a1d9f2-4c3e-4f7a-9d21-5e8c0a7b3f10", "ChatOps Bot", null, "<at>ChatOps Bot</at>")], a.Mentions);
        Assert.Equal(
            new TeamsChannelData("3c1f8e2a-7b4d-4e9f-a1c2-6d5e4f3a2b10", "19:0f1e2d3c4b5a49687766554433221100@thread.tacv2", null, "19:7a6b5c4d3e2f41a0b9c8d7e6f5a4b3c2@thread.tacv2", null, null),
            a.ChannelData);
        Assert.Empty(a.MembersAdded);
    }

    [Fact]
    public void Conversation_update_fixture_reads_members_team_and_event()
    {
        var a = ActivityJson.Parse(TeamsFixtures.ConversationUpdate);

        Assert.Equal("conversationUpdate", a.Type);
        Assert.Equal(["28:b6a1d9f2-4c3e-4f7a-9d21-5e8c0a7b3f10"], a.MembersAdded);
        Assert.Equal("teamMemberAdded", a.ChannelData.EventType);
        Assert.Equal("Platform Operations", a.ChannelData.TeamName);
        Assert.Equal("19:0f1e2d3c4b5a49687766554433221100@thread.tacv2", a.ChannelData.TeamId);
        Assert.Null(a.From.Name);
        Assert.Null(a.Text);
    }

    [Fact]
    public void Invoke_fixtures_keep_name_reply_to_and_a_usable_value()
    {
        var card = ActivityJson.Parse(TeamsFixtures.CardAction);
        var submit = ActivityJson.Parse(TeamsFixtures.SubmitAction);

        Assert.Equal(("invoke", "adaptiveCard/action", "1767225905555"), (card.Type, card.Name, card.ReplyToId));
        // The value was cloned: it is still readable after the parser disposed its document.
        Assert.Equal("incident.ack", card.Value!.Value.GetProperty("action").GetProperty("verb").GetString());
        Assert.Equal("composeExtension/submitAction", submit.Name);
        Assert.Equal("message", submit.Value!.Value.GetProperty("commandContext").GetString());
    }

    [Fact]
    public void Legacy_flat_team_and_channel_ids_are_a_fallback()
    {
        var a = ActivityJson.Edited(TeamsFixtures.Message, root =>
        {
            var data = root["channelData"]!.AsObject();
            data.Remove("team");
            data.Remove("channel");
        });

        Assert.Equal("19:0f1e2d3c4b5a49687766554433221100@thread.tacv2", a.ChannelData.TeamId);
        Assert.Equal("19:7a6b5c4d3e2f41a0b9c8d7e6f5a4b3c2@thread.tacv2", a.ChannelData.ChannelId);
    }

    [Fact]
    public void A_byte_order_mark_is_accepted()
    {
        var bytes = Encoding.UTF8.GetPreamble().Concat(Encoding.UTF8.GetBytes(TeamsFixtures.Message)).ToArray();

        Assert.IsType<TeamsParseResult.Valid>(TeamsActivityParser.Parse(bytes));
    }

    [Theory]
    [InlineData("")]
    [InlineData("   \n")]
    [InlineData("null")]
    [InlineData("[]")]
    [InlineData("42")]
    [InlineData("\"message\"")]
    [InlineData("{")]
    [InlineData("{\"type\":\"message\",}")]
    [InlineData("{} {}")]
    [InlineData("{} x")]
    [InlineData("{\"type\":\"message\"} // comment")]
    [InlineData("{}")]
    public void Malformed_bodies_are_invalid(string body)
    {
        Assert.IsType<TeamsParseResult.Invalid>(TeamsActivityParser.Parse(body));
    }

    [Theory]
    [InlineData("type")]
    [InlineData("serviceUrl")]
    [InlineData("from")]
    [InlineData("recipient")]
    [InlineData("conversation")]
    public void A_missing_required_member_is_invalid(string member)
    {
        var json = ActivityJson.With(TeamsFixtures.Message, root => root.Remove(member));

        var invalid = Assert.IsType<TeamsParseResult.Invalid>(TeamsActivityParser.Parse(json));
        Assert.Contains("needs", invalid.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Members_of_the_wrong_type_read_as_absent()
    {
        Assert.IsType<TeamsParseResult.Invalid>(TeamsActivityParser.Parse(ActivityJson.With(TeamsFixtures.Message, root => root["type"] = 5)));
        Assert.IsType<TeamsParseResult.Invalid>(TeamsActivityParser.Parse(ActivityJson.With(TeamsFixtures.Message, root => root["from"] = "x")));

        var a = ActivityJson.Edited(TeamsFixtures.Message, root =>
        {
            root["text"] = 12;
            root["entities"] = "none";
            root["timestamp"] = "yesterday";
            root["channelData"] = new System.Text.Json.Nodes.JsonArray();
        });
        Assert.Null(a.Text);
        Assert.Empty(a.Mentions);
        Assert.Null(a.Timestamp);
        Assert.Equal(TeamsChannelData.Empty, a.ChannelData);
    }

    [Fact]
    public void Nesting_beyond_the_limit_is_invalid_and_within_it_valid()
    {
        static string Nested(int depth) =>
            TeamsFixtures.Message.TrimEnd()[..^1] + ",\"value\":" + new string('[', depth) + new string(']', depth) + "}";

        // The root object is one level, so 63 arrays inside it are exactly 64.
        Assert.IsType<TeamsParseResult.Valid>(TeamsActivityParser.Parse(Nested(TeamsActivityParser.MaxDepth - 1)));
        var invalid = Assert.IsType<TeamsParseResult.Invalid>(TeamsActivityParser.Parse(Nested(TeamsActivityParser.MaxDepth)));
        Assert.Contains("depth", invalid.Message, StringComparison.OrdinalIgnoreCase);
        Assert.IsType<TeamsParseResult.Invalid>(TeamsActivityParser.Parse(new string('[', 100_000)));
    }

    [Fact]
    public void Bad_text_inside_strings_is_invalid_not_an_exception()
    {
        var loneSurrogate = ActivityJson.With(TeamsFixtures.Message, root => root["text"] = "x").Replace("\"text\":\"x\"", "\"text\":\"\\ud800\"", StringComparison.Ordinal);
        byte[] badUtf8 = [.. "{\"type\":\""u8, 0xC3, 0x28, .. "\"}"u8];

        Assert.NotNull(TeamsActivityParser.Parse(loneSurrogate));
        Assert.IsType<TeamsParseResult.Invalid>(TeamsActivityParser.Parse(badUtf8));
    }
}
