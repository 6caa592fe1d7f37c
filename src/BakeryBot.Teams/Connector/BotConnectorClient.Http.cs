using System.Net;
using System.Net.Http.Headers;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace BakeryBot.Teams.Connector;

public sealed partial class BotConnectorClient
{
    // Teams rate-limit guidance: honour Retry-After when present; it is not promised, so this stands in.
    private static readonly TimeSpan DefaultRetryAfter = TimeSpan.FromSeconds(1);

    // Bot Framework: the message size limit counts the body, so non-ASCII text is not inflated to \uXXXX escapes.
    // The body is JSON for an API, never embedded in HTML, so the relaxed encoder is safe here.
    private static readonly JsonSerializerOptions WriteOptions = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>
    /// Sends <paramref name="body"/> with the bearer token. Bot Framework: a 401 means the token was refused (expired
    /// early, keys rolled): the cached one is dropped and the call made once more with a fresh token.
    /// </summary>
    private async Task<JsonObject?> SendAsync(HttpMethod method, Uri uri, JsonObject? body, CancellationToken ct)
    {
        var bytes = body is null ? null : JsonSerializer.SerializeToUtf8Bytes(body, WriteOptions);
        for (var attempt = 1; ; attempt++)
        {
            var token = await TokenAsync(ct);
            using var request = new HttpRequestMessage(method, uri);
            if (bytes is not null)
            {
                request.Content = new ByteArrayContent(bytes);
                request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json") { CharSet = "utf-8" };
            }

            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
            using var response = await _http.SendAsync(request, ct);
            if (response.StatusCode == HttpStatusCode.Unauthorized && attempt == 1)
            {
                _tokens.Invalidate();
                continue;
            }

            var answer = await response.Content.ReadAsByteArrayAsync(ct);
            if (response.IsSuccessStatusCode)
            {
                return Parse(answer);
            }

            throw Failure(response, Parse(answer));
        }
    }

    private async Task<string> TokenAsync(CancellationToken ct)
    {
        string token;
        try
        {
            token = await _tokens.GetTokenAsync(ct);
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            throw;
        }
        catch (Exception e)
        {
            throw new BotConnectorTokenException(e);
        }

        return string.IsNullOrEmpty(token)
            ? throw new BotConnectorTokenException(new InvalidOperationException("The token source returned an empty token."))
            : token;
    }

    private BotConnectorException Failure(HttpResponseMessage response, JsonObject? answer)
    {
        var status = response.StatusCode;
        if (status == HttpStatusCode.TooManyRequests)
        {
            return new BotConnectorRateLimitedException(RetryAfter(response));
        }

        // Teams rate-limit guidance: retry 412, 502 and 504; other 5xx are outages, and 408 a timeout, all passing.
        if (status is HttpStatusCode.PreconditionFailed or HttpStatusCode.RequestTimeout || (int)status >= 500)
        {
            return new BotConnectorTransientException(status);
        }

        // Bot Framework: errors come as {"error":{"code":"...","message":"..."}} (ErrorResponse).
        var error = answer?["error"] as JsonObject;
        return new BotConnectorException(status, ErrorCode(Text(error, "code")) ?? BotConnectorException.HttpCode(status), Shorten(Text(error, "message")));
    }

    /// <summary>RFC 9110: Retry-After is delta seconds or an HTTP date; a missing, unreadable or past one waits the default.</summary>
    private TimeSpan RetryAfter(HttpResponseMessage response)
    {
        var header = response.Headers.RetryAfter;
        var delay = header?.Delta ?? (header?.Date is { } date ? date - _time.GetUtcNow() : DefaultRetryAfter);
        return delay > TimeSpan.Zero ? delay : DefaultRetryAfter;
    }

    private static JsonObject? Parse(byte[] bytes)
    {
        if (bytes.Length == 0)
        {
            return null;
        }

        try
        {
            return JsonNode.Parse(bytes) as JsonObject;
        }
        catch (JsonException)
        {
            // Not JSON (a proxy's HTML page): the status alone decides.
            return null;
        }
    }

    private static string? Text(JsonObject? node, string name) =>
        node?[name] is JsonValue value && value.TryGetValue<string>(out var text) && !string.IsNullOrEmpty(text) ? text : null;

    /// <summary>An error code as the connector writes them (<c>MessageSizeTooBig</c>); anything else is dropped so a log line stays a line.</summary>
    private static string? ErrorCode(string? code)
    {
        if (code is null || code.Length > 80)
        {
            return null;
        }

        foreach (var c in code)
        {
            if (!char.IsAsciiLetterOrDigit(c) && c is not ('_' or '-' or '.'))
            {
                return null;
            }
        }

        return code;
    }

    private static string? Shorten(string? text) => text is { Length: > 200 } ? text[..200] : text;
}
