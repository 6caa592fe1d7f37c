using System.Text.Json.Nodes;
using BakeryBot.Core.Chat;
using BakeryBot.Teams.Cards;

namespace BakeryBot.Teams.Tests.Cards;

public sealed class TeamsReplyRendererTests
{
    private static readonly Card Card = TeamsAdaptiveCardRendererTests.IncidentCard();

    private static void AssertJson(string expected, JsonNode? actual) =>
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse(expected), actual), actual?.ToJsonString() ?? "null");

    [Fact]
    public void Message_activity_has_markdown_text_and_the_card_attachment()
    {
        var message = TeamsAdaptiveCardRenderer.RenderMessageActivity("Dana declared *INC-42*.", Card);

        Assert.Equal("message", message["type"]!.GetValue<string>());
        Assert.Equal("markdown", message["textFormat"]!.GetValue<string>());
        Assert.Equal("Dana declared \\*INC-42\\*.", message["text"]!.GetValue<string>());
        Assert.Null(message["summary"]);
        var attachment = Assert.Single(message["attachments"]!.AsArray())!;
        Assert.Equal("application/vnd.microsoft.card.adaptive", attachment["contentType"]!.GetValue<string>());
        Assert.True(JsonNode.DeepEquals(TeamsAdaptiveCardRenderer.RenderCard(Card), attachment["content"]));
    }

    [Fact]
    public void Message_without_a_card_has_no_attachments_and_without_text_a_summary()
    {
        AssertJson("""{"type":"message","textFormat":"markdown","text":"hi","attachments":[]}""", TeamsAdaptiveCardRenderer.RenderMessageActivity("hi", null));

        var cardOnly = TeamsAdaptiveCardRenderer.RenderMessageActivity("", Card);
        Assert.Equal("INC-42 Oven 2 burns cookies (SLA: acknowledge within 15 minutes)", cardOnly["summary"]!.GetValue<string>());
    }

    [Theory]
    [InlineData(ReplyKind.Private, "Done *now*", "Done \\*now\\*")]
    [InlineData(ReplyKind.Warning, "No such incident", "\u26A0\uFE0F No such incident")]
    [InlineData(ReplyKind.Error, "Failed (ref 1a2b)", "\u274C Failed (ref 1a2b)")]
    public void Replies_are_marked_by_kind(ReplyKind kind, string text, string expected)
    {
        var message = TeamsAdaptiveCardRenderer.RenderReply(new ChatReply(text, [], kind))!;

        Assert.Equal(expected, message["text"]!.GetValue<string>());
        Assert.Empty(message["attachments"]!.AsArray());
    }

    [Fact]
    public void Reply_with_cards_attaches_each_and_none_is_nothing_to_post()
    {
        var message = TeamsAdaptiveCardRenderer.RenderReply(ChatReply.Private("Two:", Card, Card), TeamsAdaptiveCardRendererTests.Names)!;

        Assert.Equal(2, message["attachments"]!.AsArray().Count);
        Assert.Contains("@Dana Oncall", message.ToJsonString(), StringComparison.Ordinal);
        Assert.Null(TeamsAdaptiveCardRenderer.RenderReply(ChatReply.None));
    }

    [Fact]
    public void Invoke_card_response_replaces_the_card()
    {
        var response = TeamsAdaptiveCardRenderer.RenderInvokeCardResponse(Card);

        Assert.Equal(200, response["statusCode"]!.GetValue<int>());
        Assert.Equal("application/vnd.microsoft.card.adaptive", response["type"]!.GetValue<string>());
        AdaptiveCardShape.AssertValid(response["value"]);
    }

    [Fact]
    public void Invoke_message_and_error_responses()
    {
        AssertJson(
            """{"statusCode":200,"type":"application/vnd.microsoft.activity.message","value":"Acknowledged *INC-42*"}""",
            TeamsAdaptiveCardRenderer.RenderInvokeMessageResponse("Acknowledged *INC-42*"));
        AssertJson(
            """{"statusCode":400,"type":"application/vnd.microsoft.error","value":{"code":"NotSupported","message":"The action 'Action.Submit' is not supported."}}""",
            TeamsAdaptiveCardRenderer.RenderInvokeError(400, "NotSupported", "The action 'Action.Submit' is not supported."));
        Assert.Throws<ArgumentOutOfRangeException>(() => TeamsAdaptiveCardRenderer.RenderInvokeError(200, "x", "y"));
    }

    [Theory]
    [InlineData(ReplyKind.Private, "Incident INC-2041 declared", "Incident INC-2041 declared")]
    [InlineData(ReplyKind.Warning, "Unknown message action", "\u26A0\uFE0F Unknown message action")]
    public void Message_extension_response_is_a_task_message(ReplyKind kind, string text, string expected)
    {
        var response = TeamsAdaptiveCardRenderer.RenderMessageExtensionResponse(new ChatReply(text, [], kind));

        var expectedJson = new JsonObject { ["task"] = new JsonObject { ["type"] = "message", ["value"] = expected } };
        Assert.True(JsonNode.DeepEquals(expectedJson, response), response.ToJsonString());
    }

    [Fact]
    public void Message_extension_response_uses_the_card_summary_without_text_and_closes_for_none()
    {
        var response = TeamsAdaptiveCardRenderer.RenderMessageExtensionResponse(ChatReply.Private("", Card));

        Assert.Equal(Card.Fallback, response["task"]!["value"]!.GetValue<string>());
        AssertJson("{}", TeamsAdaptiveCardRenderer.RenderMessageExtensionResponse(ChatReply.None));
    }
}
