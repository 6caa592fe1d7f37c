using System.Text.Json.Nodes;
using BakeryBot.Core.Chat;
using BakeryBot.Teams.Activities;
using BakeryBot.Teams.Cards;
using BakeryBot.Teams.Tests.Activities;

namespace BakeryBot.Teams.Tests.Cards;

/// <summary>
/// A reply that is a view of several cards (the person's home) as one Adaptive Card: each card a Container
/// with its own buttons and inputs scoped by its place, within Teams' message size; and a click on it read back.
/// </summary>
public sealed class TeamsBoardTests
{
    private static ChatReply Board(int changes, string text = "")
    {
        var cards = new List<Card> { new("🏠 Home: what needs you, Dana", CardAccent.Info, [new TextSection("1 open incident.")], [], "As of Thu 26 Nov 09:00 (UTC).") };
        cards.Add(new Card("INC-1: oven on fire", CardAccent.Critical, [new ContextSection("SEV1 · Declared")], [new CardButton("Acknowledge", "incident.ack", "INC-1", ButtonStyle.Primary)]));
        for (var i = 1; i <= changes; i++)
        {
            cards.Add(new Card(
                $"CHG-{i}: change {i} " + new string('x', 400),
                CardAccent.Warning,
                [new ContextSection("normal · low risk " + new string('y', 1500)), new InputSection("reason", "Reason (needed to reject)")],
                [new CardButton("Approve", "change.approve", $"CHG-{i}", ButtonStyle.Primary), new CardButton("Reject", "change.reject", $"CHG-{i}", ButtonStyle.Danger)]));
        }

        return new ChatReply(text, cards) { Redraw = "home" };
    }

    private static List<JsonObject> Containers(JsonObject card) => card["body"]!.AsArray().Select(n => n!.AsObject()).Where(n => n["type"]!.GetValue<string>() == "Container").ToList();

    [Fact]
    public void Each_card_is_a_container_with_its_buttons_naming_its_place_and_the_command_that_redraws()
    {
        var card = TeamsAdaptiveCardRenderer.RenderBoard(Board(2));

        var actions = AdaptiveCardShape.AssertValid(card);
        var parts = Containers(card);
        Assert.Equal(4, parts.Count);
        Assert.Equal(["accent", "attention", "warning", "warning"], parts.Select(p => p["style"]!.GetValue<string>()));
        Assert.Equal(["incident.ack", "change.approve", "change.reject", "change.approve", "change.reject"], actions.Select(a => a["verb"]!.GetValue<string>()));
        Assert.Equal(["1", "2", "2", "3", "3"], actions.Select(a => a["data"]![TeamsActivityMapper.PartDataKey]!.GetValue<string>()));
        Assert.All(actions, a => Assert.Equal("home", a["data"]![TeamsActivityMapper.RedrawDataKey]!.GetValue<string>()));
        Assert.Equal("CHG-2", actions[3]["data"]!["value"]!.GetValue<string>());
        var inputs = parts.SelectMany(p => p["items"]!.AsArray()).Where(i => i!["type"]!.GetValue<string>() == "Input.Text").Select(i => i!["id"]!.GetValue<string>());
        Assert.Equal(["2/reason", "3/reason"], inputs);
        Assert.Empty(card["actions"]!.AsArray());
    }

    [Fact]
    public void A_board_too_large_for_one_message_leaves_out_whole_cards_and_says_how_many()
    {
        var reply = Board(60);

        var message = TeamsAdaptiveCardRenderer.RenderBoardMessage(reply);

        Assert.InRange(TeamsAdaptiveCardRenderer.SizeOf(message), 1, TeamsAdaptiveCardRenderer.MaxMessageBytes - TeamsAdaptiveCardRenderer.EnvelopeReserveBytes);
        var card = message["attachments"]![0]!["content"]!.AsObject();
        AdaptiveCardShape.AssertValid(card);
        var shown = Containers(card).Count;
        Assert.InRange(shown, 10, 61);
        var last = card["body"]!.AsArray()[^1]!;
        Assert.Equal($"\u2026{62 - shown} more not shown, to fit Teams' message size limit.", last["text"]!.GetValue<string>());
        Assert.Equal("🏠 Home: what needs you, Dana (As of Thu 26 Nov 09:00 (UTC).)", message["summary"]!.GetValue<string>());
    }

    [Fact]
    public void The_answer_to_a_click_shows_above_the_redrawn_board()
    {
        var card = TeamsAdaptiveCardRenderer.RenderInvokeBoardResponse(Board(0, "⚠️ INC-1 was already acknowledged."));

        Assert.Equal(TeamsAdaptiveCardRenderer.ContentType, card["type"]!.GetValue<string>());
        var body = card["value"]!["body"]!.AsArray();
        Assert.Equal("⚠️ INC-1 was already acknowledged.", body[0]!["text"]!.GetValue<string>());
        Assert.Equal(2, Containers(card["value"]!.AsObject()).Count);
    }

    [Fact]
    public void A_click_on_a_board_takes_its_own_cards_inputs_and_the_command_to_redraw()
    {
        var activity = ActivityJson.Edited(TeamsFixtures.CardAction, root =>
        {
            root["value"]!["action"]!["verb"] = "change.reject";
            root["value"]!["action"]!["data"] = new JsonObject
            {
                ["value"] = "CHG-2",
                [TeamsActivityMapper.PartDataKey] = "3",
                [TeamsActivityMapper.RedrawDataKey] = "home",
                ["2/reason"] = "meant for CHG-1",
                ["3/reason"] = "not during the night bake",
                ["reason"] = "unscoped",
            };
        });

        var mapped = Assert.IsType<TeamsInvokeMapping.Mapped>(TeamsActivityMapper.MapCardAction(activity));

        Assert.Equal(("change.reject", "CHG-2"), (mapped.Request.ActionId, mapped.Request.ActionValue));
        Assert.Equal(new Dictionary<string, string> { ["reason"] = "not during the night bake" }, mapped.Request.Inputs);
        Assert.Equal("home", mapped.Redraw);
    }

    [Fact]
    public void A_click_on_an_ordinary_card_has_nothing_to_redraw()
    {
        var mapped = Assert.IsType<TeamsInvokeMapping.Mapped>(TeamsActivityMapper.MapCardAction(ActivityJson.Parse(TeamsFixtures.CardAction)));

        Assert.Null(mapped.Redraw);
    }
}
