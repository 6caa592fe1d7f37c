using System.Text.Json.Nodes;
using BakeryBot.Core.Chat;

namespace BakeryBot.Slack.Tests;

/// <summary>A card's text input: rendered as an input block, read back from the click's state.values.</summary>
public sealed class SlackInputTests
{
    [Fact]
    public void An_input_section_renders_as_an_optional_plain_text_input_block()
    {
        var card = new Card("CHG-7", CardAccent.Info, [new InputSection("reason", "Why reject?", "e.g. no rollback plan", Multiline: true)], [new CardButton("Reject", "change.reject", "CHG-7")]);

        var blocks = JsonNode.Parse(SlackBlockKitRenderer.RenderMessage(card))!["attachments"]![0]!["blocks"]!.AsArray();

        var input = Assert.Single(blocks, b => b!["type"]!.GetValue<string>() == "input")!;
        Assert.True(JsonNode.DeepEquals(
            JsonNode.Parse("""
                {"type":"input","block_id":"reason","optional":true,
                 "label":{"type":"plain_text","text":"Why reject?","emoji":true},
                 "element":{"type":"plain_text_input","action_id":"reason","multiline":true,
                            "placeholder":{"type":"plain_text","text":"e.g. no rollback plan","emoji":true}}}
                """),
            input));
    }

    [Fact]
    public void A_click_carries_what_was_typed_into_the_cards_inputs()
    {
        var payload = JsonNode.Parse(TestFiles.Fixture("block_actions.json"))!.AsObject();
        payload["state"] = new JsonObject
        {
            ["values"] = new JsonObject
            {
                ["reason"] = new JsonObject { ["reason"] = new JsonObject { ["type"] = "plain_text_input", ["value"] = "no rollback plan" } },
                ["empty"] = new JsonObject { ["empty"] = new JsonObject { ["type"] = "plain_text_input", ["value"] = null } },
            },
        };

        var action = Assert.IsType<SlackInteraction.BlockAction>(SlackPayloadMapper.FromInteraction(payload.ToJsonString()));

        Assert.Equal(new Dictionary<string, string> { ["reason"] = "no rollback plan" }, action.Request.Inputs);
    }
}
