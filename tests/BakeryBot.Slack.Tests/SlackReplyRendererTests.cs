using System.Buffers;
using System.Text;
using System.Text.Json.Nodes;
using BakeryBot.Core.Chat;

namespace BakeryBot.Slack.Tests;

public sealed class SlackReplyRendererTests
{
    private static readonly Card Card = new("INC-7", CardAccent.Warning, [new TextSection("x")], []);

    private static JsonNode Parse(string json) => JsonNode.Parse(json)!;

    [Fact]
    public void Private_reply_is_ephemeral_escaped_text()
    {
        var body = Parse(SlackBlockKitRenderer.RenderCommandResponse(ChatReply.Private("Declared INC-7 for <@U1> & co")));

        Assert.Equal("ephemeral", body["response_type"]!.GetValue<string>());
        Assert.Equal("Declared INC-7 for <@U1> &amp; co", body["text"]!.GetValue<string>());
        Assert.Null(body["attachments"]);
        Assert.Null(body["replace_original"]);
    }

    [Fact]
    public void Warning_and_error_are_marked()
    {
        Assert.Equal(":warning: `x` is not a CHG id.", Parse(SlackBlockKitRenderer.RenderCommandResponse(ChatReply.Warning("`x` is not a CHG id.")))["text"]!.GetValue<string>());
        Assert.Equal(":x: Something failed (ref 4F2A).", Parse(SlackBlockKitRenderer.RenderCommandResponse(ChatReply.Error("Something failed (ref 4F2A).")))["text"]!.GetValue<string>());
    }

    [Fact]
    public void Cards_become_attachments_and_stand_in_for_missing_text()
    {
        var body = Parse(SlackBlockKitRenderer.RenderCommandResponse(ChatReply.Private("", Card, Card)));

        Assert.Equal("INC-7", body["text"]!.GetValue<string>());
        Assert.Equal(2, body["attachments"]!.AsArray().Count);
        Assert.Equal("#FB8C00", body["attachments"]![0]!["color"]!.GetValue<string>());
    }

    [Fact]
    public void No_reply_is_an_empty_body()
    {
        Assert.Equal("", SlackBlockKitRenderer.RenderCommandResponse(ChatReply.None));
        Assert.Equal("", SlackBlockKitRenderer.RenderResponseUrlBody(ChatReply.None));
        var buffer = new ArrayBufferWriter<byte>();
        SlackBlockKitRenderer.WriteCommandResponse(buffer, ChatReply.None);
        Assert.Equal(0, buffer.WrittenCount);
    }

    [Fact]
    public void Response_url_body_can_replace_the_original()
    {
        var body = Parse(SlackBlockKitRenderer.RenderResponseUrlBody(ChatReply.Private("Updated", Card), replaceOriginal: true));

        Assert.True(body["replace_original"]!.GetValue<bool>());
        Assert.Equal("ephemeral", body["response_type"]!.GetValue<string>());
        Assert.Single(body["attachments"]!.AsArray());
        Assert.False(Parse(SlackBlockKitRenderer.RenderResponseUrlBody(ChatReply.Private("x")))["replace_original"]!.GetValue<bool>());
    }

    [Fact]
    public void Writing_to_a_buffer_gives_the_same_bytes()
    {
        var reply = ChatReply.Private("Hello <@U1>", Card);
        var buffer = new ArrayBufferWriter<byte>();
        SlackBlockKitRenderer.WriteCommandResponse(buffer, reply);
        var urlBuffer = new ArrayBufferWriter<byte>();
        SlackBlockKitRenderer.WriteResponseUrlBody(urlBuffer, reply, replaceOriginal: true);

        Assert.Equal(SlackBlockKitRenderer.RenderCommandResponse(reply), Encoding.UTF8.GetString(buffer.WrittenSpan));
        Assert.Equal(SlackBlockKitRenderer.RenderResponseUrlBody(reply, true), Encoding.UTF8.GetString(urlBuffer.WrittenSpan));
    }
}
