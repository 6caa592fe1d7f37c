using System.Buffers;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;

namespace BakeryBot.Slack;

public sealed partial class SlackWebApiClient
{
    private static Uri? ApiBase(SlackOptions? options) =>
        options is not null && Uri.TryCreate(options.ApiBaseUrl, UriKind.Absolute, out var uri) ? uri : null;

    /// <param name="token">Another token than the bot's (the app-level token of Socket Mode).</param>
    private async Task<JsonDocument> PostJsonAsync(string method, Action<Utf8JsonWriter> writeFields, CancellationToken ct, string? token = null)
    {
        var buffer = new ArrayBufferWriter<byte>(1024);
        using (var writer = new Utf8JsonWriter(buffer, SlackBlockKitRenderer.WriterOptions))
        {
            writer.WriteStartObject();
            writeFields(writer);
            writer.WriteEndObject();
        }

        // Slack: JSON bodies need the token in the Authorization header, never in the body.
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(_apiBase, method)) { Content = JsonContent(buffer.WrittenMemory) };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token ?? _token);
        return await SendAsync(method, request, ct);
    }

    private async Task<JsonDocument> GetAsync(string method, string query, CancellationToken ct)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(_apiBase, method + "?" + query));
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", _token);
        return await SendAsync(method, request, ct);
    }

    private async Task<JsonDocument> SendAsync(string method, HttpRequestMessage request, CancellationToken ct)
    {
        using var response = await _http.SendAsync(request, ct);
        ThrowOnStatus(method, response);
        if (!response.IsSuccessStatusCode)
        {
            throw new SlackApiException(method, "http_" + ((int)response.StatusCode).ToString(CultureInfo.InvariantCulture));
        }

        var bytes = await response.Content.ReadAsByteArrayAsync(ct);
        var document = Parse(method, bytes);
        try
        {
            ThrowIfNotOk(method, document.RootElement, response);
            return document;
        }
        catch
        {
            document.Dispose();
            throw;
        }
    }

    /// <summary>Slack: the Web API uses no meaningful status codes besides 429 and 200; 5xx is an outage.</summary>
    private static void ThrowOnStatus(string method, HttpResponseMessage response)
    {
        if (response.StatusCode == HttpStatusCode.TooManyRequests)
        {
            throw new SlackRateLimitedException(method, RetryAfter(response));
        }

        if ((int)response.StatusCode >= 500)
        {
            throw new SlackServerException(method, response.StatusCode);
        }
    }

    private static void ThrowIfNotOk(string method, JsonElement root, HttpResponseMessage response)
    {
        if (root.Bool("ok"))
        {
            return;
        }

        var error = ErrorCode(root.String("error"), "unknown_error");
        throw error == "ratelimited"
            ? new SlackRateLimitedException(method, RetryAfter(response))
            : new SlackApiException(method, error);
    }

    private static JsonDocument Parse(string method, byte[] bytes)
    {
        try
        {
            var document = JsonDocument.Parse(bytes, SlackJsonReader.DocumentOptions);
            if (document.RootElement.ValueKind == JsonValueKind.Object)
            {
                return document;
            }

            document.Dispose();
        }
        catch (JsonException)
        {
        }

        throw new SlackApiException(method, SlackApiException.InvalidResponse);
    }

    private static TimeSpan RetryAfter(HttpResponseMessage response)
    {
        var header = response.Headers.RetryAfter;
        var delay = header?.Delta ?? (header?.Date is { } date ? date - DateTimeOffset.UtcNow : DefaultRetryAfter);
        return delay > TimeSpan.Zero ? delay : DefaultRetryAfter;
    }

    /// <summary>An error code as Slack writes them (<c>channel_not_found</c>); anything else is cut down so a log line stays a line.</summary>
    private static string ErrorCode(string? text, string fallback)
    {
        var code = text?.Trim();
        if (string.IsNullOrEmpty(code))
        {
            return fallback;
        }

        if (code.Length > 80)
        {
            code = code[..80];
        }

        foreach (var c in code)
        {
            if (!char.IsAsciiLetterOrDigit(c) && c is not ('_' or '-' or '.'))
            {
                return fallback;
            }
        }

        return code;
    }

    private static ReadOnlyMemoryContent JsonContent(ReadOnlyMemory<byte> body)
    {
        var content = new ReadOnlyMemoryContent(body);
        // Slack: JSON bodies need Content-Type application/json; charset utf-8 is recommended.
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json") { CharSet = "utf-8" };
        return content;
    }

    private static void WriteAttachments(Utf8JsonWriter writer, string? attachmentsJson)
    {
        if (!string.IsNullOrEmpty(attachmentsJson))
        {
            writer.WritePropertyName("attachments");
            writer.WriteRawValue(attachmentsJson);
        }
    }

    private static void WriteMetadata(Utf8JsonWriter writer, SlackMessageMetadata metadata)
    {
        writer.WritePropertyName("metadata");
        writer.WriteStartObject();
        writer.WriteString("event_type", metadata.EventType);
        writer.WritePropertyName("event_payload");
        writer.WriteStartObject();
        foreach (var (key, value) in metadata.EventPayload)
        {
            writer.WriteString(key, value);
        }

        writer.WriteEndObject();
        writer.WriteEndObject();
    }

    private static void AppendCommon(StringBuilder query, string? oldest, bool includeAllMetadata, int limit)
    {
        if (!string.IsNullOrEmpty(oldest))
        {
            query.Append("&oldest=").Append(Uri.EscapeDataString(oldest));
        }

        if (includeAllMetadata)
        {
            query.Append("&include_all_metadata=true");
        }

        query.Append("&limit=").Append(Math.Clamp(limit, 1, 1000).ToString(CultureInfo.InvariantCulture));
    }

    private static SlackPostResult PostResult(string method, JsonElement root, string channel, string? ts = null) =>
        new(root.Required("channel") ?? channel, root.Required("ts") ?? ts ?? throw new SlackApiException(method, SlackApiException.InvalidResponse));

    private static List<SlackMessage> Messages(JsonElement root)
    {
        var messages = new List<SlackMessage>();
        if (root.Array("messages") is not { } array)
        {
            return messages;
        }

        foreach (var item in array.EnumerateArray())
        {
            if (item.Required("ts") is { } ts)
            {
                messages.Add(new SlackMessage(ts, item.String("text"), item.String("user"), item.String("bot_id"), item.String("thread_ts"), Metadata(item)));
            }
        }

        return messages;
    }

    private static SlackMessageMetadata? Metadata(JsonElement message)
    {
        var metadata = message.Object("metadata");
        if (metadata.Required("event_type") is not { } eventType)
        {
            return null;
        }

        var payload = new Dictionary<string, string>(StringComparer.Ordinal);
        if (metadata.Object("event_payload") is { } values)
        {
            foreach (var property in values.EnumerateObject())
            {
                payload[property.Name] = property.Value.ValueKind == JsonValueKind.String ? property.Value.GetString()! : property.Value.GetRawText();
            }
        }

        return new SlackMessageMetadata(eventType, payload);
    }
}
