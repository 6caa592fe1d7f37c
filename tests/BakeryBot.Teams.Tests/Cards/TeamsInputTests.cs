using System.Text.Json.Nodes;
using BakeryBot.Core.Chat;
using BakeryBot.Teams.Activities;
using BakeryBot.Teams.Cards;
using BakeryBot.Teams.Tests.Activities;

namespace BakeryBot.Teams.Tests.Cards;

/// <summary>A card's text input: rendered as Input.Text, read back from Action.Execute's data.</summary>
public sealed class TeamsInputTests
{
    [Fact]
    public void An_input_section_renders_as_an_input_text_that_action_execute_sends_along()
    {
        var card = new Card("CHG-7", CardAccent.Info, [new InputSection("reason", "Why reject?", "e.g. no rollback plan", Multiline: true)], [new CardButton("Reject", "change.reject", "CHG-7")]);

        var json = TeamsAdaptiveCardRenderer.RenderCard(card).ToJsonString();

        var input = JsonNode.Parse(json)!.AsObject().ToJsonString();
        Assert.Contains("""{"type":"Input.Text","id":"reason","label":"Why reject?","isMultiline":true,"placeholder":"e.g. no rollback plan"}""", input, StringComparison.Ordinal);
        Assert.DoesNotContain("associatedInputs\":\"none", input, StringComparison.Ordinal);
    }

    [Fact]
    public void An_action_execute_carries_the_inputs_next_to_the_buttons_value()
    {
        var activity = ActivityJson.Edited(TeamsFixtures.CardAction, root =>
            root["value"]!["action"]!["data"] = new JsonObject { ["value"] = "CHG-7", ["reason"] = "no rollback plan", ["count"] = 3 });

        var mapped = Assert.IsType<TeamsInvokeMapping.Mapped>(TeamsActivityMapper.MapCardAction(activity));

        Assert.Equal("CHG-7", mapped.Request.ActionValue);
        Assert.Equal(new Dictionary<string, string> { ["reason"] = "no rollback plan" }, mapped.Request.Inputs);
    }
}
