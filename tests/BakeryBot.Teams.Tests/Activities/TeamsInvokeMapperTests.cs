using System.Text.Json.Nodes;
using BakeryBot.Teams.Activities;

namespace BakeryBot.Teams.Tests.Activities;

public sealed class TeamsInvokeMapperTests
{
    private static JsonObject Action(JsonObject root) => root["value"]!["action"]!.AsObject();

    private static JsonObject Value(JsonObject root) => root["value"]!.AsObject();

    [Fact]
    public void Card_action_fixture_maps_verb_and_identity()
    {
        var mapped = Assert.IsType<TeamsInvokeMapping.Mapped>(TeamsActivityMapper.MapCardAction(ActivityJson.Parse(TeamsFixtures.CardAction)));
        var request = mapped.Request;

        Assert.Equal("incident.ack", request.ActionId);
        // The fixture's data has incidentId and note, not the renderer's "value".
        Assert.Null(request.ActionValue);
        Assert.Equal("act:f:3b9d7c5a-1e2f-4a3b-8c4d-5e6f7a8b9c0d", request.DeliveryId);
        Assert.Equal("3c1f8e2a-7b4d-4e9f-a1c2-6d5e4f3a2b10", request.TenantId);
        Assert.Equal("8d2e4f6a-1b3c-4d5e-9f70-a1b2c3d4e5f6", request.UserId);
        Assert.Equal("19:7a6b5c4d3e2f41a0b9c8d7e6f5a4b3c2@thread.tacv2", request.ChannelId);
        Assert.Equal("1767225900123", request.ThreadId);
        Assert.Equal("", request.Command);
        Assert.True(request.IsAction);
        // The data's other fields are the card's inputs (Action.Execute merges them into data).
        Assert.Equal(new Dictionary<string, string> { ["incidentId"] = "INC-2041", ["note"] = "Looking at the checkout pods now" }, request.Inputs);
        var again = TeamsActivityMapper.FromCardAction(ActivityJson.Parse(TeamsFixtures.CardAction))!;
        Assert.Equal(request with { Inputs = null }, again with { Inputs = null });
        Assert.Equal(request.Inputs, again.Inputs);
    }

    [Fact]
    public void Card_action_value_comes_from_data_value_or_string_data()
    {
        var withValue = ActivityJson.Edited(TeamsFixtures.CardAction, root => Action(root)["data"] = new JsonObject { ["value"] = "INC-2041" });
        var withString = ActivityJson.Edited(TeamsFixtures.CardAction, root => Action(root)["data"] = "INC-7");
        var withNumber = ActivityJson.Edited(TeamsFixtures.CardAction, root => Action(root)["data"] = new JsonObject { ["value"] = 7 });

        Assert.Equal("INC-2041", TeamsActivityMapper.FromCardAction(withValue)!.ActionValue);
        Assert.Equal("INC-7", TeamsActivityMapper.FromCardAction(withString)!.ActionValue);
        Assert.Null(TeamsActivityMapper.FromCardAction(withNumber)!.ActionValue);
    }

    [Fact]
    public void Other_action_types_are_not_supported()
    {
        var submit = ActivityJson.Edited(TeamsFixtures.CardAction, root => Action(root)["type"] = "Action.Submit");

        var failed = Assert.IsType<TeamsInvokeMapping.Failed>(TeamsActivityMapper.MapCardAction(submit));

        Assert.Equal(new TeamsInvokeMapping.Failed(400, "NotSupported", "The action 'Action.Submit' is not supported."), failed);
        Assert.Null(TeamsActivityMapper.FromCardAction(submit));
    }

    [Theory]
    [InlineData("value")]
    [InlineData("action")]
    [InlineData("verb")]
    [InlineData("tenant")]
    [InlineData("name")]
    public void Missing_parts_are_bad_requests(string missing)
    {
        var a = ActivityJson.Edited(TeamsFixtures.CardAction, root =>
        {
            switch (missing)
            {
                case "value":
                    root.Remove("value");
                    break;
                case "action":
                    Value(root).Remove("action");
                    break;
                case "verb":
                    Action(root)["verb"] = "";
                    break;
                case "tenant":
                    root["conversation"]!.AsObject().Remove("tenantId");
                    root.Remove("channelData");
                    break;
                default:
                    root["name"] = "task/fetch";
                    break;
            }
        });

        var failed = Assert.IsType<TeamsInvokeMapping.Failed>(TeamsActivityMapper.MapCardAction(a));
        Assert.Equal((400, "BadRequest"), (failed.StatusCode, failed.Code));
    }

    [Fact]
    public void Message_activity_is_not_a_card_action()
    {
        Assert.Null(TeamsActivityMapper.FromCardAction(ActivityJson.Parse(TeamsFixtures.Message)));
        Assert.Null(TeamsActivityMapper.FromMessageAction(ActivityJson.Parse(TeamsFixtures.Message)));
    }

    [Fact]
    public void Submit_action_fixture_has_an_unknown_command_id_that_passes_through()
    {
        var request = TeamsActivityMapper.FromMessageAction(ActivityJson.Parse(TeamsFixtures.SubmitAction))!;

        // The fixture's commandId is createIncidentFromMessage; the manifest's are declareIncident and startTimer.
        Assert.Equal("createIncidentFromMessage", request.ActionId);
        Assert.Equal("ALERT: p99 checkout latency 2.4s (threshold 800ms) in eu-west-1", request.ActionValue);
        Assert.Equal("act:f:9c8b7a6d-5e4f-4321-8abc-def012345678", request.DeliveryId);
        Assert.Equal("1f2e3d4c-5b6a-4798-8a9b-0c1d2e3f4a5b", request.UserId);
        Assert.Equal("Li Sre", request.UserName);
        Assert.Equal("19:a1b2c3d4e5f647389a0b1c2d3e4f5a6b@thread.tacv2", request.ChannelId);
        Assert.Equal("1767225990000", request.ThreadId);
    }

    [Theory]
    [InlineData("declareIncident", "incident.from_message")]
    [InlineData("startTimer", "timer.from_message")]
    public void Known_message_actions_map_to_action_ids(string commandId, string actionId)
    {
        var a = ActivityJson.Edited(TeamsFixtures.SubmitAction, root => Value(root)["commandId"] = commandId);

        Assert.Equal(actionId, TeamsActivityMapper.FromMessageAction(a)!.ActionId);
        Assert.Equal(actionId, TeamsActivityMapper.MessageActions[commandId]);
    }

    [Fact]
    public void Message_body_html_becomes_plain_text()
    {
        var a = ActivityJson.Edited(TeamsFixtures.SubmitAction, root => Value(root)["messagePayload"]!["body"]!["content"] =
            "<div><p>Oven&nbsp;2 is <b>burning</b> &amp; smoking</p><p>ping <at id=\"0\">Jo Baker</at></p></div>");

        Assert.Equal("Oven 2 is burning & smoking\nping Jo Baker", TeamsActivityMapper.FromMessageAction(a)!.ActionValue);
    }

    [Fact]
    public void Text_bodies_are_taken_as_they_are_and_a_missing_body_is_empty()
    {
        var text = ActivityJson.Edited(TeamsFixtures.SubmitAction, root => root["value"]!["messagePayload"]!["body"] =
            new JsonObject { ["contentType"] = "text", ["content"] = " a <b> & c " });
        var none = ActivityJson.Edited(TeamsFixtures.SubmitAction, root => Value(root).Remove("messagePayload"));

        Assert.Equal("a <b> & c", TeamsActivityMapper.FromMessageAction(text)!.ActionValue);
        Assert.Equal("", TeamsActivityMapper.FromMessageAction(none)!.ActionValue);
    }

    [Theory]
    [InlineData("compose")]
    [InlineData("commandBox")]
    public void Other_command_contexts_are_not_supported(string context)
    {
        var a = ActivityJson.Edited(TeamsFixtures.SubmitAction, root => Value(root)["commandContext"] = context);

        var failed = Assert.IsType<TeamsInvokeMapping.Failed>(TeamsActivityMapper.MapMessageAction(a));
        Assert.Equal("NotSupported", failed.Code);
    }

    [Fact]
    public void Missing_command_id_or_value_are_bad_requests()
    {
        var noCommand = ActivityJson.Edited(TeamsFixtures.SubmitAction, root => Value(root).Remove("commandId"));
        var noValue = ActivityJson.Edited(TeamsFixtures.SubmitAction, root => root["value"] = "x");

        Assert.Equal("BadRequest", Assert.IsType<TeamsInvokeMapping.Failed>(TeamsActivityMapper.MapMessageAction(noCommand)).Code);
        Assert.Equal("BadRequest", Assert.IsType<TeamsInvokeMapping.Failed>(TeamsActivityMapper.MapMessageAction(noValue)).Code);
        Assert.IsType<TeamsInvokeMapping.Failed>(TeamsActivityMapper.MapMessageAction(ActivityJson.Parse(TeamsFixtures.CardAction)));
    }
}
