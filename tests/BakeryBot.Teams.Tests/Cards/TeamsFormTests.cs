using System.Text.Json.Nodes;
using BakeryBot.Core.Chat;
using BakeryBot.Teams.Activities;
using BakeryBot.Teams.Cards;
using BakeryBot.Teams.Tests.Activities;

namespace BakeryBot.Teams.Tests.Cards;

/// <summary>A neutral form as an Adaptive Card form, and its Action.Execute read back as the form's submission.</summary>
public sealed class TeamsFormTests
{
    private static Form Sample() => new(
        "change.request_form",
        "Request a change",
        "Request",
        [
            new TextField("title", "Title", "replace the thermostat", MaxLength: 300) { Required = true },
            new TextField("window", "Window start", "tomorrow 22:00") { Required = true, Hint = "In your time zone (UTC)." },
            new TextField("rollback", "Rollback steps", Multiline: true) { Value = "refit the old one" },
            new ChoiceField("risk", "Risk", [new("low", "Low"), new("medium", "Medium"), new("high", "High")]) { Required = true },
            new ChoiceField("type", "Type", [new("normal", "Normal"), new("emergency", "Emergency")]) { Value = "normal" },
        ])
    {
        State = "CHG-7",
        Intro = "The CAB votes on it.",
    };

    [Fact]
    public void A_form_renders_as_inputs_and_one_action_execute_named_by_the_forms_callback_id()
    {
        var card = TeamsAdaptiveCardRenderer.RenderForm(Sample());

        var submit = Assert.Single(AdaptiveCardShape.AssertValid(card));
        Assert.Equal(("Request", "change.request_form", "positive"), (submit["title"]!.GetValue<string>(), submit["verb"]!.GetValue<string>(), submit["style"]!.GetValue<string>()));
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse("""{"value":"CHG-7","_form":"change.request_form"}"""), submit["data"]));
        var items = card["body"]![0]!["items"]!.AsArray();
        Assert.Equal("Request a change", items[0]!["text"]!.GetValue<string>());
        Assert.Equal("The CAB votes on it.", items[1]!["text"]!.GetValue<string>());
        var inputs = items.Where(i => i!["type"]!.GetValue<string>().StartsWith("Input.", StringComparison.Ordinal)).Select(i => i!.AsObject()).ToList();
        Assert.Equal(["title", "window", "rollback", "risk", "type"], inputs.Select(i => i["id"]!.GetValue<string>()));
        Assert.True(JsonNode.DeepEquals(
            JsonNode.Parse("""
                {"type":"Input.Text","id":"title","label":"Title","isMultiline":false,"maxLength":300,"placeholder":"replace the thermostat",
                 "isRequired":true,"errorMessage":"Title: this is needed."}
                """),
            inputs[0]));
        Assert.Equal("In your time zone (UTC).", items[items.IndexOf(inputs[1]) + 1]!["text"]!.GetValue<string>());
        Assert.Equal("refit the old one", inputs[2]["value"]!.GetValue<string>());
        Assert.True(inputs[2]["isMultiline"]!.GetValue<bool>());
        Assert.Equal(["low", "medium", "high"], inputs[3]["choices"]!.AsArray().Select(c => c!["value"]!.GetValue<string>()));
        Assert.Null(inputs[3]["value"]);
        Assert.Equal("normal", inputs[4]["value"]!.GetValue<string>());
        Assert.Null(inputs[4]["isRequired"]);
    }

    [Fact]
    public void A_refused_submission_shows_the_values_kept_the_notice_above_and_each_error_under_its_field()
    {
        var form = Sample().WithValues(new Dictionary<string, string> { ["title"] = "swap **oven**", ["window"] = "soon", ["risk"] = "sneaky" }) with
        {
            Notice = "There is no CHG-7.",
            Errors = new Dictionary<string, string> { ["window"] = "`soon` is not a window start." },
        };

        var card = TeamsAdaptiveCardRenderer.RenderForm(form);

        AdaptiveCardShape.AssertValid(card);
        var items = card["body"]![0]!["items"]!.AsArray();
        Assert.Equal(("There is no CHG-7.", "attention"), (items[2]!["text"]!.GetValue<string>(), items[2]!["color"]!.GetValue<string>()));
        var window = items.Single(i => i!["id"]?.GetValue<string>() == "window")!;
        Assert.Equal("soon", window["value"]!.GetValue<string>());
        var error = items[items.IndexOf(window) + 2]!;
        Assert.Equal(("soon is not a window start.", "attention", "none"), (error["text"]!.GetValue<string>(), error["color"]!.GetValue<string>(), error["spacing"]!.GetValue<string>()));
        Assert.Equal("swap **oven**", items.Single(i => i!["id"]?.GetValue<string>() == "title")!["value"]!.GetValue<string>());
        Assert.Null(items.Single(i => i!["id"]?.GetValue<string>() == "risk")!["value"]);
    }

    [Fact]
    public void The_form_travels_as_a_message_and_as_the_answer_to_an_invoke()
    {
        var message = TeamsAdaptiveCardRenderer.RenderFormMessage(Sample());
        var invoke = TeamsAdaptiveCardRenderer.RenderInvokeFormResponse(Sample());

        Assert.Equal(("message", "Request a change"), (message["type"]!.GetValue<string>(), message["summary"]!.GetValue<string>()));
        Assert.Equal(TeamsAdaptiveCardRenderer.ContentType, message["attachments"]![0]!["contentType"]!.GetValue<string>());
        AdaptiveCardShape.AssertValid(message["attachments"]![0]!["content"]);
        Assert.Equal((200, TeamsAdaptiveCardRenderer.ContentType), (invoke["statusCode"]!.GetValue<int>(), invoke["type"]!.GetValue<string>()));
        AdaptiveCardShape.AssertValid(invoke["value"]);
    }

    [Fact]
    public void The_submit_button_comes_back_as_the_forms_request_with_its_inputs()
    {
        var activity = ActivityJson.Edited(TeamsFixtures.CardAction, root =>
        {
            root["value"]!["action"]!["verb"] = "change.request_form";
            root["value"]!["action"]!["data"] = new JsonObject { ["value"] = "", ["_form"] = "change.request_form", ["title"] = "swap oven", ["risk"] = "high", ["count"] = 3 };
        });

        var mapped = Assert.IsType<TeamsInvokeMapping.Mapped>(TeamsActivityMapper.MapCardAction(activity));

        Assert.Equal(("change.request_form", (string?)null, (string?)null), (mapped.Request.FormId, mapped.Request.FormState, mapped.Request.ActionId));
        Assert.True(mapped.Request.IsFormSubmission);
        Assert.False(mapped.Request.CanOpenDialog);
        Assert.Equal(new Dictionary<string, string> { ["title"] = "swap oven", ["risk"] = "high" }, mapped.Request.Inputs);
    }

    [Fact]
    public void A_form_marker_naming_another_form_than_the_verb_is_a_bad_request()
    {
        var activity = ActivityJson.Edited(TeamsFixtures.CardAction, root =>
        {
            root["value"]!["action"]!["verb"] = "change.approve";
            root["value"]!["action"]!["data"] = new JsonObject { ["value"] = "CHG-7", ["_form"] = "change.request_form" };
        });

        var failed = Assert.IsType<TeamsInvokeMapping.Failed>(TeamsActivityMapper.MapCardAction(activity));

        Assert.Equal((400, "BadRequest"), (failed.StatusCode, failed.Code));
    }
}
