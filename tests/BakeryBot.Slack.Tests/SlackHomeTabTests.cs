using System.Net;
using System.Text.Json.Nodes;
using BakeryBot.Core.Chat;

namespace BakeryBot.Slack.Tests;

/// <summary>
/// The Home tab: the home's cards as one <c>home</c> view within Slack's 100 blocks, views.publish, and a
/// click in the view read back with only its own card's inputs.
/// </summary>
public sealed class SlackHomeTabTests
{
    /// <summary>A section card, and an item card with a reason box and three buttons, like the home's changes.</summary>
    private static List<Card> Changes(int count)
    {
        var cards = new List<Card> { new("🗳 Changes waiting for my vote", CardAccent.Info, [], []) };
        for (var i = 1; i <= count; i++)
        {
            cards.Add(new Card(
                $"CHG-{i}: change {i}",
                CardAccent.Warning,
                [new ContextSection("normal · low risk"), new InputSection("reason", "Reason (needed to reject)")],
                [new CardButton("Approve", "change.approve", $"CHG-{i}", ButtonStyle.Primary), new CardButton("Reject", "change.reject", $"CHG-{i}", ButtonStyle.Danger)]));
        }

        return cards;
    }

    private static JsonArray Blocks(string view) => JsonNode.Parse(view)!["blocks"]!.AsArray();

    [Fact]
    public void The_cards_are_one_home_view_whose_inputs_and_button_rows_have_ids_scoped_by_card()
    {
        var view = JsonNode.Parse(SlackBlockKitRenderer.RenderHomeView(new ChatReply("", Changes(2))))!;

        Assert.Equal("home", view["type"]!.GetValue<string>());
        var blocks = view["blocks"]!.AsArray();
        Assert.Equal(["header", "header", "context", "input", "actions", "header", "context", "input", "actions"], blocks.Select(b => b!["type"]!.GetValue<string>()));
        Assert.Equal(["1/reason", "2/reason"], blocks.Where(b => b!["type"]!.GetValue<string>() == "input").Select(b => b!["block_id"]!.GetValue<string>()));
        Assert.All(blocks.Where(b => b!["type"]!.GetValue<string>() == "input"), b => Assert.Equal("reason", b!["element"]!["action_id"]!.GetValue<string>()));
        Assert.Equal(["1/actions", "2/actions"], blocks.Where(b => b!["type"]!.GetValue<string>() == "actions").Select(b => b!["block_id"]!.GetValue<string>()));
        var ids = blocks.Select(b => b!["block_id"]?.GetValue<string>()).OfType<string>().ToList();
        Assert.Equal(ids.Count, ids.Distinct().Count());
        Assert.Equal(["change.approve", "change.reject"], blocks[4]!["elements"]!.AsArray().Select(e => e!["action_id"]!.GetValue<string>()));
        Assert.Equal("CHG-1", blocks[4]!["elements"]![0]!["value"]!.GetValue<string>());
    }

    [Fact]
    public void Cards_past_a_hundred_blocks_are_left_out_whole_with_a_last_line_that_says_so()
    {
        // 1 + 30 × 4 blocks: the section card and 24 item cards fit in 97, the 25th would not.
        var view = SlackBlockKitRenderer.RenderHomeView(new ChatReply("", Changes(30)));

        var blocks = Blocks(view);
        Assert.Equal(98, blocks.Count);
        Assert.Equal("CHG-24: change 24", blocks.Last(b => b!["type"]!.GetValue<string>() == "header")!["text"]!["text"]!.GetValue<string>());
        Assert.Equal("context", blocks[^1]!["type"]!.GetValue<string>());
        Assert.Contains("6 more not shown", blocks[^1]!.ToJsonString(), StringComparison.Ordinal);
        Assert.Equal("actions", blocks[^2]!["type"]!.GetValue<string>());
    }

    [Fact]
    public void Exactly_a_hundred_blocks_fit_without_the_line()
    {
        var cards = Enumerable.Range(1, 50).Select(i => new Card($"DRL-{i}", CardAccent.Info, [new ContextSection("due soon")], [])).ToList();

        var blocks = Blocks(SlackBlockKitRenderer.RenderHomeView(cards));

        Assert.Equal(100, blocks.Count);
        Assert.Equal("DRL-50", blocks[98]!["text"]!["text"]!.GetValue<string>());
    }

    [Fact]
    public void A_reply_without_cards_shows_its_text_marked_as_a_warning()
    {
        var blocks = Blocks(SlackBlockKitRenderer.RenderHomeView(ChatReply.Warning("Something <odd> & wrong")));

        var section = Assert.Single(blocks);
        Assert.Equal(":warning: Something &lt;odd&gt; &amp; wrong", section!["text"]!["text"]!.GetValue<string>());
    }

    [Fact]
    public async Task Publishing_posts_the_user_and_the_view_to_views_publish()
    {
        var handler = FakeSlackHandler.Json("""{"ok":true,"view":{"id":"VHOME0001","type":"home"}}""");
        var (_, client) = handler.Create();
        var view = SlackBlockKitRenderer.RenderHomeView(new ChatReply("", Changes(1)));

        var id = await client.PublishViewAsync("U0ALICE", view);

        Assert.Equal("VHOME0001", id);
        Assert.Equal("https://slack.test/api/views.publish", handler.Last.Uri.ToString());
        Assert.Equal("Bearer " + FakeSlackHandler.Token, handler.Last.Authorization);
        Assert.StartsWith("application/json", handler.Last.ContentType, StringComparison.Ordinal);
        var body = JsonNode.Parse(handler.Last.Body!)!;
        Assert.Equal("U0ALICE", body["user_id"]!.GetValue<string>());
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse(view), body["view"]));
    }

    [Theory]
    [InlineData("""{"ok":false,"error":"invalid_blocks"}""", HttpStatusCode.OK, "invalid_blocks")]
    [InlineData("""{"ok":false,"error":"not_enabled"}""", HttpStatusCode.OK, "not_enabled")]
    [InlineData("oops", HttpStatusCode.OK, SlackApiException.InvalidResponse)]
    public async Task A_refused_publish_is_slacks_error_code(string answer, HttpStatusCode status, string expected)
    {
        var (_, client) = FakeSlackHandler.Json(answer, status).Create();

        var error = await Assert.ThrowsAsync<SlackApiException>(() => client.PublishViewAsync("U0ALICE", """{"type":"home","blocks":[]}"""));

        Assert.Equal(("views.publish", expected), (error.Method, error.Error));
    }

    /// <summary>block_actions from the Home tab, as Slack sends it: a view container, the view with its state, no channel and no response URL.</summary>
    private static string HomeClick(string actionId, string value, string blockId, JsonObject values)
    {
        var payload = new JsonObject
        {
            ["type"] = "block_actions",
            ["user"] = new JsonObject { ["id"] = "U0ONCALL01", ["username"] = "dana.oncall", ["name"] = "dana.oncall", ["team_id"] = "T0CHOPS01" },
            ["api_app_id"] = "A0CHATOPS1",
            ["token"] = "LegacyVerifTok3nXyZ12345",
            ["container"] = new JsonObject { ["type"] = "view", ["view_id"] = "VHOME0001" },
            ["trigger_id"] = "7301122399887.5123456789012.0a1b2c3d4e5f60718293a4b5c6d7e8f9",
            ["team"] = new JsonObject { ["id"] = "T0CHOPS01", ["domain"] = "acme-ops" },
            ["enterprise"] = null,
            ["is_enterprise_install"] = false,
            ["view"] = new JsonObject
            {
                ["id"] = "VHOME0001",
                ["team_id"] = "T0CHOPS01",
                ["type"] = "home",
                ["blocks"] = new JsonArray(),
                ["private_metadata"] = "",
                ["callback_id"] = "",
                ["state"] = new JsonObject { ["values"] = values },
                ["hash"] = "1767226100.aB3dE5fG",
                ["app_id"] = "A0CHATOPS1",
                ["bot_id"] = "B0CHATOPS1",
            },
            ["actions"] = new JsonArray(new JsonObject
            {
                ["type"] = "button",
                ["action_id"] = actionId,
                ["block_id"] = blockId,
                ["text"] = new JsonObject { ["type"] = "plain_text", ["text"] = "Reject", ["emoji"] = true },
                ["value"] = value,
                ["action_ts"] = "1767225712.334455",
            }),
        };
        return payload.ToJsonString();
    }

    private static JsonObject Typed(string text) => new() { ["reason"] = new JsonObject { ["type"] = "plain_text_input", ["value"] = text } };

    [Fact]
    public void A_click_in_the_home_tab_is_the_persons_request_with_its_own_cards_inputs_only()
    {
        var values = new JsonObject { ["1/reason"] = Typed("not tonight"), ["2/reason"] = Typed("too risky") };

        var interaction = SlackPayloadMapper.FromInteraction(HomeClick("change.reject", "CHG-2", "2/actions", values));

        var home = Assert.IsType<SlackInteraction.HomeAction>(interaction);
        Assert.Equal("VHOME0001", home.ViewId);
        var request = home.Request;
        Assert.Equal(("slack", "T0CHOPS01", "U0ONCALL01", "U0ONCALL01"), (request.Platform, request.TenantId, request.ChannelId, request.UserId));
        Assert.Equal(("change.reject", "CHG-2"), (request.ActionId, request.ActionValue));
        Assert.Equal(new Dictionary<string, string> { ["reason"] = "too risky" }, request.Inputs);
        Assert.False(request.CanOpenDialog);
        Assert.Equal("act:1767225712.334455:U0ONCALL01", request.DeliveryId);
        Assert.Null(request.ThreadId);
    }

    [Fact]
    public void A_home_click_on_a_card_without_inputs_takes_none_and_a_repeated_action_id_comes_back_plain()
    {
        var values = new JsonObject { ["1/reason"] = Typed("not tonight") };

        var home = Assert.IsType<SlackInteraction.HomeAction>(SlackPayloadMapper.FromInteraction(HomeClick("incident.ack#2", "INC-4", "3/actions", values)));

        Assert.Null(home.Request.Inputs);
        Assert.Equal("incident.ack", home.Request.ActionId);
    }

    [Theory]
    [InlineData("modal")]
    [InlineData(null)]
    public void A_click_in_any_other_view_is_still_not_handled(string? viewType)
    {
        var payload = JsonNode.Parse(HomeClick("change.reject", "CHG-2", "2/actions", []))!;
        payload["view"]!["type"] = viewType;

        Assert.IsType<SlackInteraction.Unsupported>(SlackPayloadMapper.FromInteraction(payload.ToJsonString()));
    }

    [Theory]
    [InlineData("2/actions", "2")]
    [InlineData("12/reason", "12")]
    [InlineData("actions", null)]
    [InlineData("/actions", null)]
    [InlineData(null, null)]
    public void The_card_of_a_block_is_the_part_of_its_id_before_the_slash(string? blockId, string? expected) =>
        Assert.Equal(expected, SlackPayloadMapper.HomeScopeOf(blockId));
}
