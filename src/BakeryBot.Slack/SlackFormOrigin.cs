using System.Buffers;
using System.Text;
using System.Text.Json;

namespace BakeryBot.Slack;

/// <summary>
/// The conversation a modal was opened from. Slack sends a <c>view_submission</c> without a channel, so the
/// modal carries it, with the form's state, in its <c>private_metadata</c> (which Slack sends back as given).
/// </summary>
public sealed record SlackFormOrigin(string ChannelId, string? ThreadTs)
{
    /// <summary>Slack: a view's <c>private_metadata</c> holds at most 3,000 characters.</summary>
    public const int MaxMetadata = 3000;

    /// <summary><c>{"channel": …, "thread": …, "state": …}</c>, within <see cref="MaxMetadata"/>.</summary>
    public string Metadata(string? state)
    {
        var buffer = new ArrayBufferWriter<byte>(256);
        using (var writer = new Utf8JsonWriter(buffer, SlackBlockKitRenderer.WriterOptions))
        {
            writer.WriteStartObject();
            writer.WriteString("channel", ChannelId);
            if (ThreadTs is not null)
            {
                writer.WriteString("thread", ThreadTs);
            }

            if (state is not null)
            {
                writer.WriteString("state", state);
            }

            writer.WriteEndObject();
        }

        var json = Encoding.UTF8.GetString(buffer.WrittenSpan);
        return json.Length <= MaxMetadata
            ? json
            : throw new ArgumentException($"A form's state must leave room for the channel in Slack's {MaxMetadata} characters of private_metadata.", nameof(state));
    }

    /// <summary>What <see cref="Metadata"/> wrote; null for anything else (another app's view, or no channel).</summary>
    public static (SlackFormOrigin Origin, string? State)? Parse(string? metadata)
    {
        if (string.IsNullOrEmpty(metadata) || metadata.Length > MaxMetadata)
        {
            return null;
        }

        try
        {
            using var document = JsonDocument.Parse(metadata, SlackJsonReader.DocumentOptions);
            var root = document.RootElement;
            return root.Required("channel") is { } channel
                ? (new SlackFormOrigin(channel, root.Required("thread")), root.String("state"))
                : null;
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException or ArgumentException)
        {
            return null;
        }
    }
}
