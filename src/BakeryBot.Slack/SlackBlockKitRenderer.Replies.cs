using System.Buffers;
using System.Text.Json;
using BakeryBot.Core.Chat;

namespace BakeryBot.Slack;

public static partial class SlackBlockKitRenderer
{
    /// <summary>A reply's text as mrkdwn: escaped, warnings marked <c>:warning:</c> and errors <c>:x:</c>.</summary>
    public static string ReplyText(ChatReply reply)
    {
        ArgumentNullException.ThrowIfNull(reply);
        var text = reply.Text ?? "";
        if (text.Length == 0 && reply.Cards is [var first, ..])
        {
            // Slack: the top-level text is what notifications show; a card's summary stands in for none.
            text = first.Fallback;
        }

        var escaped = SlackText.Escape(text);
        return reply.Kind switch
        {
            ReplyKind.Warning => ":warning: " + escaped,
            ReplyKind.Error => ":x: " + escaped,
            _ => escaped,
        };
    }

    /// <summary>
    /// The JSON body of the HTTP 200 that answers a slash command (Slack: within 3 s), seen only by its author.
    /// Empty for <see cref="ReplyKind.None"/>: Slack takes an empty 200 as the acknowledgement.
    /// </summary>
    public static string RenderCommandResponse(ChatReply reply)
    {
        ArgumentNullException.ThrowIfNull(reply);
        return reply.Kind == ReplyKind.None ? "" : Render(writer => WriteReplyObject(writer, reply, replaceOriginal: null));
    }

    /// <summary>Writes <see cref="RenderCommandResponse"/> straight into a response body (e.g. <c>HttpResponse.BodyWriter</c>).</summary>
    public static void WriteCommandResponse(IBufferWriter<byte> output, ChatReply reply)
    {
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(reply);
        if (reply.Kind != ReplyKind.None)
        {
            using var writer = new Utf8JsonWriter(output, WriterOptions);
            WriteReplyObject(writer, reply, replaceOriginal: null);
        }
    }

    /// <summary>
    /// The JSON body to POST to a <c>response_url</c> (Slack: up to 5 times within 30 minutes). With
    /// <paramref name="replaceOriginal"/> it replaces the message the button was on (the way to update an
    /// ephemeral card). Empty for <see cref="ReplyKind.None"/>: nothing to post.
    /// </summary>
    public static string RenderResponseUrlBody(ChatReply reply, bool replaceOriginal = false)
    {
        ArgumentNullException.ThrowIfNull(reply);
        return reply.Kind == ReplyKind.None ? "" : Render(writer => WriteReplyObject(writer, reply, replaceOriginal));
    }

    /// <inheritdoc cref="RenderResponseUrlBody"/>
    public static void WriteResponseUrlBody(IBufferWriter<byte> output, ChatReply reply, bool replaceOriginal = false)
    {
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(reply);
        if (reply.Kind != ReplyKind.None)
        {
            using var writer = new Utf8JsonWriter(output, WriterOptions);
            WriteReplyObject(writer, reply, replaceOriginal);
        }
    }

    private static void WriteReplyObject(Utf8JsonWriter writer, ChatReply reply, bool? replaceOriginal)
    {
        writer.WriteStartObject();
        // Slack: ephemeral is the default, but say it: the answer is for its author alone.
        writer.WriteString("response_type", "ephemeral");
        if (replaceOriginal is { } replace)
        {
            writer.WriteBoolean("replace_original", replace);
        }

        writer.WriteString("text", ReplyText(reply));
        if (reply.Cards is { Count: > 0 } cards)
        {
            writer.WritePropertyName("attachments");
            WriteAttachments(writer, cards);
        }

        writer.WriteEndObject();
    }
}
