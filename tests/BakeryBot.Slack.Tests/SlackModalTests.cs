using System.Text.Json.Nodes;
using BakeryBot.Core.Chat;

namespace BakeryBot.Slack.Tests;

/// <summary>
/// A neutral form as a Slack modal (views.open), the answers to its view_submission, and the submission
/// read back into the neutral request, hostile shapes included.
/// </summary>
public sealed class SlackModalTests
{
    private static readonly SlackFormOrigin Origin = new("C0CHANGES", "1767225000.000100");

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
    public void A_form_renders_as_a_modal_with_one_input_block_per_field_keyed_by_its_id()
    {
        var view = JsonNode.Parse(SlackBlockKitRenderer.RenderModal(Sample(), Origin))!;

        Assert.Equal("modal", view["type"]!.GetValue<string>());
        Assert.Equal("change.request_form", view["callback_id"]!.GetValue<string>());
        Assert.Equal("Request a change", view["title"]!["text"]!.GetValue<string>());
        Assert.Equal("plain_text", view["title"]!["type"]!.GetValue<string>());
        Assert.Equal("Request", view["submit"]!["text"]!.GetValue<string>());
        Assert.Equal("Cancel", view["close"]!["text"]!.GetValue<string>());
        var metadata = JsonNode.Parse(view["private_metadata"]!.GetValue<string>())!;
        Assert.Equal(("C0CHANGES", "1767225000.000100", "CHG-7"), (metadata["channel"]!.GetValue<string>(), metadata["thread"]!.GetValue<string>(), metadata["state"]!.GetValue<string>()));
        var blocks = view["blocks"]!.AsArray();
        Assert.Equal("The CAB votes on it.", blocks[0]!["text"]!["text"]!.GetValue<string>());
        var inputs = blocks.Where(b => b!["type"]!.GetValue<string>() == "input").ToList();
        Assert.Equal(["title", "window", "rollback", "risk", "type"], inputs.Select(b => b!["block_id"]!.GetValue<string>()));
        Assert.All(inputs, b => Assert.Equal(b!["block_id"]!.GetValue<string>(), b["element"]!["action_id"]!.GetValue<string>()));
        Assert.Equal([false, false, true, false, true], inputs.Select(b => b!["optional"]!.GetValue<bool>()));
        Assert.True(JsonNode.DeepEquals(
            JsonNode.Parse("""
                {"type":"input","block_id":"window","optional":false,
                 "label":{"type":"plain_text","text":"Window start","emoji":true},
                 "hint":{"type":"plain_text","text":"In your time zone (UTC).","emoji":true},
                 "element":{"type":"plain_text_input","action_id":"window","multiline":false,"max_length":3000,
                            "placeholder":{"type":"plain_text","text":"tomorrow 22:00","emoji":true}}}
                """),
            inputs[1]));
        Assert.Equal(300, inputs[0]!["element"]!["max_length"]!.GetValue<int>());
        Assert.Equal("refit the old one", inputs[2]!["element"]!["initial_value"]!.GetValue<string>());
        Assert.True(inputs[2]!["element"]!["multiline"]!.GetValue<bool>());
        var risk = inputs[3]!["element"]!;
        Assert.Equal("static_select", risk["type"]!.GetValue<string>());
        Assert.Equal(["low", "medium", "high"], risk["options"]!.AsArray().Select(o => o!["value"]!.GetValue<string>()));
        Assert.Null(risk["initial_option"]);
        Assert.Equal("normal", inputs[4]!["element"]!["initial_option"]!["value"]!.GetValue<string>());
    }

    [Fact]
    public void The_modal_keeps_within_slacks_limits()
    {
        var form = Sample() with
        {
            Title = "Request a change to the ovens of every bakery",
            SubmitLabel = "Request it now, please, quickly",
            Fields =
            [
                new ChoiceField("pick", "Pick", [new("ok", new string('x', 100)), new(new string('v', 151), "too long a value")]) { Value = new string('v', 151) },
                new TextField("note", new string('l', 2500), new string('p', 200), MaxLength: 9000) { Value = new string('n', 4000), Hint = new string('h', 2500) },
            ],
        };

        var view = JsonNode.Parse(SlackBlockKitRenderer.RenderModal(form, Origin))!;

        Assert.InRange(view["title"]!["text"]!.GetValue<string>().Length, 1, 24);
        Assert.EndsWith("\u2026", view["title"]!["text"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.InRange(view["submit"]!["text"]!.GetValue<string>().Length, 1, 24);
        var blocks = view["blocks"]!.AsArray();
        var pick = blocks.Single(b => b!["block_id"]?.GetValue<string>() == "pick")!["element"]!;
        var option = Assert.Single(pick["options"]!.AsArray());
        Assert.Equal(75, option!["text"]!["text"]!.GetValue<string>().Length);
        Assert.Null(pick["initial_option"]);
        var note = blocks.Single(b => b!["block_id"]?.GetValue<string>() == "note")!;
        Assert.Equal(2000, note["label"]!["text"]!.GetValue<string>().Length);
        Assert.Equal(2000, note["hint"]!["text"]!.GetValue<string>().Length);
        Assert.Equal(150, note["element"]!["placeholder"]!["text"]!.GetValue<string>().Length);
        Assert.Equal(3000, note["element"]!["max_length"]!.GetValue<int>());
        Assert.Equal(3000, note["element"]!["initial_value"]!.GetValue<string>().Length);
        Assert.InRange(view["private_metadata"]!.GetValue<string>().Length, 1, 3000);
    }

    [Fact]
    public void What_can_not_round_trip_is_refused_rather_than_cut()
    {
        Assert.Throws<ArgumentException>(() => SlackBlockKitRenderer.RenderModal(Sample() with { State = new string('s', 3000) }, Origin));
        Assert.Throws<ArgumentException>(() => SlackBlockKitRenderer.RenderModal(Sample() with { Fields = [new TextField(new string('i', 256), "Too long an id")] }, Origin));
        Assert.Throws<ArgumentException>(() => SlackBlockKitRenderer.RenderModal(Sample() with { CallbackId = "" }, Origin));
    }

    [Fact]
    public void Field_errors_answer_with_response_action_errors_keyed_by_block_id_in_plain_text()
    {
        var form = Sample() with { Errors = new Dictionary<string, string> { ["window"] = "`soon` is not a window start; write it like `tomorrow 22:00`.", ["risk"] = "Pick one." } };

        var body = JsonNode.Parse(SlackBlockKitRenderer.RenderViewSubmissionResponse(ChatReply.Warning("x") with { Form = form }, Origin))!;

        Assert.True(JsonNode.DeepEquals(
            JsonNode.Parse("""{"response_action":"errors","errors":{"window":"soon is not a window start; write it like tomorrow 22:00.","risk":"Pick one."}}"""),
            body));
    }

    [Fact]
    public void A_notice_updates_the_modal_with_the_values_kept_and_the_field_errors_under_their_fields()
    {
        var form = Sample().WithValues(new Dictionary<string, string> { ["title"] = "swap <oven>", ["risk"] = "high" }) with
        {
            Notice = "There is no CHG-7.",
            Errors = new Dictionary<string, string> { ["title"] = "Too long." },
        };

        var body = JsonNode.Parse(SlackBlockKitRenderer.RenderViewSubmissionResponse(ChatReply.Warning("x") with { Form = form }, Origin))!;

        Assert.Equal("update", body["response_action"]!.GetValue<string>());
        var blocks = body["view"]!["blocks"]!.AsArray();
        Assert.Equal(":warning: There is no CHG-7.", blocks[1]!["text"]!["text"]!.GetValue<string>());
        var title = blocks.Single(b => b!["block_id"]?.GetValue<string>() == "title")!;
        Assert.Equal("swap <oven>", title["element"]!["initial_value"]!.GetValue<string>());
        var after = blocks[blocks.IndexOf(title) + 1]!;
        Assert.Equal("context", after["type"]!.GetValue<string>());
        Assert.Equal(":warning: Too long.", after["elements"]![0]!["text"]!.GetValue<string>());
        Assert.Equal("high", blocks.Single(b => b!["block_id"]?.GetValue<string>() == "risk")!["element"]!["initial_option"]!["value"]!.GetValue<string>());
        Assert.Equal("C0CHANGES", JsonNode.Parse(body["view"]!["private_metadata"]!.GetValue<string>())!["channel"]!.GetValue<string>());
    }

    [Fact]
    public void A_refusal_without_a_form_shows_in_a_modal_with_only_a_close_button_and_an_answer_closes_it()
    {
        var refused = JsonNode.Parse(SlackBlockKitRenderer.RenderViewSubmissionResponse(ChatReply.Warning("That form no longer does anything here."), Origin))!;

        Assert.Equal("update", refused["response_action"]!.GetValue<string>());
        Assert.Null(refused["view"]!["submit"]);
        Assert.Equal("Close", refused["view"]!["close"]!["text"]!.GetValue<string>());
        Assert.Equal(":warning: That form no longer does anything here.", refused["view"]!["blocks"]![0]!["text"]!["text"]!.GetValue<string>());
        Assert.Equal("", SlackBlockKitRenderer.RenderViewSubmissionResponse(ChatReply.Private("CHG-1 requested."), Origin));
        Assert.Equal("", SlackBlockKitRenderer.RenderViewSubmissionResponse(ChatReply.None, Origin));
    }

    [Fact]
    public void A_submission_of_our_modal_maps_to_the_form_request_with_its_values_by_field()
    {
        var payload = Submission(SlackBlockKitRenderer.RenderModal(Sample(), Origin), new JsonObject
        {
            ["title"] = new JsonObject { ["title"] = new JsonObject { ["type"] = "plain_text_input", ["value"] = "swap oven" } },
            ["window"] = new JsonObject { ["window"] = new JsonObject { ["type"] = "plain_text_input", ["value"] = null } },
            ["risk"] = new JsonObject { ["risk"] = new JsonObject { ["type"] = "static_select", ["selected_option"] = new JsonObject { ["value"] = "high" } } },
            ["type"] = new JsonObject { ["type"] = new JsonObject { ["type"] = "static_select", ["selected_option"] = null } },
        });

        var view = Assert.IsType<SlackInteraction.ViewSubmission>(SlackPayloadMapper.FromInteraction(payload));
        var (request, origin) = SlackPayloadMapper.FromViewSubmission(view)!.Value;

        Assert.Equal(Origin, origin);
        Assert.Equal(("slack", "T0CHOPS01", "C0CHANGES", "1767225000.000100", "U0ONCALL01"), (request.Platform, request.TenantId, request.ChannelId, request.ThreadId, request.UserId));
        Assert.Equal(("change.request_form", "CHG-7"), (request.FormId, request.FormState));
        Assert.True(request.IsFormSubmission);
        Assert.False(request.IsAction);
        Assert.Null(request.DeliveryId);
        Assert.Equal(new Dictionary<string, string> { ["title"] = "swap oven", ["risk"] = "high" }, request.Inputs);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("not json")]
    [InlineData("[\"C0CHANGES\"]")]
    [InlineData("{\"channel\":5}")]
    [InlineData("{\"channel\":\"\"}")]
    [InlineData("{\"source_channel\":\"C0ALERTS01\"}")]
    [InlineData("{\"channel\":\"\\ud800\"}")]
    public void A_view_whose_metadata_names_no_channel_is_not_routed(string? metadata)
    {
        var payload = JsonNode.Parse(TestFiles.Fixture("view_submission.json"))!;
        payload["view"]!["private_metadata"] = metadata;

        var view = Assert.IsType<SlackInteraction.ViewSubmission>(SlackPayloadMapper.FromInteraction(payload.ToJsonString()));

        Assert.Null(SlackPayloadMapper.FromViewSubmission(view));
    }

    [Fact]
    public void Odd_values_are_skipped_and_a_block_with_one_other_element_still_counts()
    {
        var payload = Submission(SlackBlockKitRenderer.RenderModal(Sample(), Origin), new JsonObject
        {
            ["title"] = "not an object",
            ["window"] = new JsonObject { ["typed_elsewhere"] = new JsonObject { ["value"] = "tonight" } },
            ["risk"] = new JsonObject { ["a"] = new JsonObject { ["value"] = "low" }, ["b"] = new JsonObject { ["value"] = "high" } },
            ["rollback"] = new JsonObject { ["rollback"] = new JsonArray(1, 2) },
            ["type"] = new JsonObject { ["type"] = new JsonObject { ["value"] = 42 } },
        });

        var view = Assert.IsType<SlackInteraction.ViewSubmission>(SlackPayloadMapper.FromInteraction(payload));

        Assert.Equal(new Dictionary<string, string> { ["window"] = "tonight" }, SlackPayloadMapper.FromViewSubmission(view)!.Value.Request.Inputs);
    }

    [Fact]
    public async Task Views_open_sends_the_trigger_id_and_the_view_and_returns_its_id()
    {
        var handler = FakeSlackHandler.Json("""{"ok":true,"view":{"id":"V0FORM0001"}}""");
        var (_, client) = handler.Create();
        var view = SlackBlockKitRenderer.RenderModal(Sample(), Origin);

        var id = await client.OpenViewAsync("7301122455667.1.abc", view);

        Assert.Equal("V0FORM0001", id);
        Assert.Equal("https://slack.test/api/views.open", handler.Last.Uri.ToString());
        Assert.Equal("Bearer " + FakeSlackHandler.Token, handler.Last.Authorization);
        var body = JsonNode.Parse(handler.Last.Body!)!;
        Assert.Equal("7301122455667.1.abc", body["trigger_id"]!.GetValue<string>());
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse(view), body["view"]));
    }

    [Fact]
    public async Task An_expired_trigger_is_slacks_error_code()
    {
        var (_, client) = FakeSlackHandler.Json("""{"ok":false,"error":"trigger_expired"}""").Create();

        var error = await Assert.ThrowsAsync<SlackApiException>(() => client.OpenViewAsync("1.1.abc", "{}"));

        Assert.Equal(("views.open", "trigger_expired"), (error.Method, error.Error));
    }

    /// <summary>A view_submission of <paramref name="viewJson"/> in the fixture's shape, with these state values.</summary>
    private static string Submission(string viewJson, JsonObject values)
    {
        var payload = JsonNode.Parse(TestFiles.Fixture("view_submission.json"))!;
        var view = JsonNode.Parse(viewJson)!.AsObject();
        view["id"] = "V0FORM0001";
        view["state"] = new JsonObject { ["values"] = values };
        view["hash"] = "1767226100.aB3dE5fG";
        payload["view"] = view;
        return payload.ToJsonString();
    }
}
