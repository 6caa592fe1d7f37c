using System.Text;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace BakeryBot.Slack;

/// <summary>
/// The few Slack Web API methods the bot calls, over an injected <see cref="HttpClient"/> whose base address is
/// <c>Slack:ApiBaseUrl</c>. One HTTP call per method and no retries: callers (the outbox) own retrying.
/// Failures surface as <see cref="SlackRateLimitedException"/> (429), <see cref="SlackServerException"/> (5xx) and
/// <see cref="SlackApiException"/> (<c>ok:false</c>); timeouts and transport errors propagate as they are.
/// </summary>
public sealed partial class SlackWebApiClient
{
    // Slack: on 429 wait Retry-After seconds; this stands in when the header is missing.
    private static readonly TimeSpan DefaultRetryAfter = TimeSpan.FromSeconds(1);

    private readonly HttpClient _http;
    private readonly string _token;
    private readonly Uri _apiBase;

    public SlackWebApiClient(HttpClient http, string botToken, Uri? apiBase = null)
    {
        ArgumentNullException.ThrowIfNull(http);
        ArgumentException.ThrowIfNullOrEmpty(botToken);
        _http = http;
        _token = botToken;
        var baseUri = http.BaseAddress ?? apiBase ?? new Uri(SlackOptions.DefaultApiBaseUrl);
        // Without the trailing slash, relative method names would replace the last path segment (…/api → /chat.postMessage).
        _apiBase = baseUri.AbsoluteUri.EndsWith('/') ? baseUri : new Uri(baseUri.AbsoluteUri + "/");
    }

    [ActivatorUtilitiesConstructor]
    public SlackWebApiClient(HttpClient http, IOptions<SlackOptions> options)
        : this(http, options?.Value.BotToken!, ApiBase(options?.Value))
    {
    }

    /// <summary><c>chat.postMessage</c>; <paramref name="attachmentsJson"/> is a rendered <c>attachments</c> array.</summary>
    public async Task<SlackPostResult> PostMessageAsync(
        string channel,
        string text,
        string? attachmentsJson = null,
        string? threadTs = null,
        SlackMessageMetadata? metadata = null,
        CancellationToken ct = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(channel);
        using var document = await PostJsonAsync("chat.postMessage", writer =>
        {
            writer.WriteString("channel", channel);
            // Slack: always send the top-level text; notifications and screen readers use it.
            writer.WriteString("text", text ?? "");
            WriteAttachments(writer, attachmentsJson);
            if (!string.IsNullOrEmpty(threadTs))
            {
                writer.WriteString("thread_ts", threadTs);
            }

            if (metadata is not null)
            {
                WriteMetadata(writer, metadata);
            }
        }, ct);
        return PostResult("chat.postMessage", document.RootElement, channel);
    }

    /// <summary><c>chat.update</c>: replaces the text and attachments of a message the bot posted.</summary>
    public async Task<SlackPostResult> UpdateAsync(string channel, string ts, string text, string? attachmentsJson, CancellationToken ct = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(channel);
        ArgumentException.ThrowIfNullOrEmpty(ts);
        using var document = await PostJsonAsync("chat.update", writer =>
        {
            writer.WriteString("channel", channel);
            writer.WriteString("ts", ts);
            writer.WriteString("text", text ?? "");
            // An empty array clears attachments a card no longer has.
            WriteAttachments(writer, attachmentsJson ?? "[]");
        }, ct);
        return PostResult("chat.update", document.RootElement, channel, ts);
    }

    /// <summary><c>chat.postEphemeral</c>: a message only <paramref name="user"/> sees; returns its <c>message_ts</c>.</summary>
    public async Task<string?> PostEphemeralAsync(string channel, string user, string text, string? attachmentsJson, CancellationToken ct = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(channel);
        ArgumentException.ThrowIfNullOrEmpty(user);
        using var document = await PostJsonAsync("chat.postEphemeral", writer =>
        {
            writer.WriteString("channel", channel);
            writer.WriteString("user", user);
            writer.WriteString("text", text ?? "");
            WriteAttachments(writer, attachmentsJson);
        }, ct);
        return document.RootElement.String("message_ts");
    }

    /// <summary><c>users.info</c>: names and time zone of one user (scope <c>users:read</c>).</summary>
    public async Task<SlackUser> UsersInfoAsync(string user, CancellationToken ct = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(user);
        using var document = await GetAsync("users.info", "user=" + Uri.EscapeDataString(user), ct);
        var found = document.RootElement.Object("user") ?? throw new SlackApiException("users.info", SlackApiException.InvalidResponse);
        var profile = found.Object("profile");
        int? offset = found.TryGetProperty("tz_offset", out var tz) && tz.ValueKind == JsonValueKind.Number && tz.TryGetInt32(out var seconds)
            ? seconds
            : null;
        return new SlackUser(
            found.String("id") ?? user,
            found.String("name"),
            profile.Required("real_name") ?? found.Required("real_name"),
            profile.Required("display_name"),
            found.Required("tz"),
            offset);
    }

    /// <summary>
    /// <c>conversations.history</c>: the newest messages (one page of up to <paramref name="limit"/>) after
    /// <paramref name="oldestTs"/>, with their metadata when <paramref name="includeAllMetadata"/>.
    /// </summary>
    public async Task<IReadOnlyList<SlackMessage>> ConversationsHistoryAsync(
        string channel,
        string? oldestTs,
        bool includeAllMetadata,
        int limit = 100,
        CancellationToken ct = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(channel);
        var query = new StringBuilder("channel=").Append(Uri.EscapeDataString(channel));
        AppendCommon(query, oldestTs, includeAllMetadata, limit);
        using var document = await GetAsync("conversations.history", query.ToString(), ct);
        return Messages(document.RootElement);
    }

    /// <summary><c>conversations.replies</c>: the thread under <paramref name="ts"/> (the parent first), after <paramref name="oldest"/>.</summary>
    public async Task<IReadOnlyList<SlackMessage>> ConversationsRepliesAsync(
        string channel,
        string ts,
        string? oldest,
        bool includeAllMetadata = true,
        int limit = 100,
        CancellationToken ct = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(channel);
        ArgumentException.ThrowIfNullOrEmpty(ts);
        var query = new StringBuilder("channel=").Append(Uri.EscapeDataString(channel)).Append("&ts=").Append(Uri.EscapeDataString(ts));
        AppendCommon(query, oldest, includeAllMetadata, limit);
        using var document = await GetAsync("conversations.replies", query.ToString(), ct);
        return Messages(document.RootElement);
    }

    /// <summary>
    /// POSTs a rendered body (see <see cref="SlackBlockKitRenderer.RenderResponseUrlBody"/>) to a <c>response_url</c>.
    /// No token goes with it: the URL itself is the credential.
    /// </summary>
    public async Task PostToResponseUrlAsync(string url, string body, CancellationToken ct = default)
    {
        const string method = "response_url";
        if (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttps && uri.Scheme != Uri.UriSchemeHttp))
        {
            throw new ArgumentException("The response URL is not an absolute http(s) URL.", nameof(url));
        }

        using var request = new HttpRequestMessage(HttpMethod.Post, uri) { Content = JsonContent(Encoding.UTF8.GetBytes(body ?? "")) };
        using var response = await _http.SendAsync(request, ct);
        ThrowOnStatus(method, response);
        var text = await response.Content.ReadAsStringAsync(ct);
        if (!response.IsSuccessStatusCode)
        {
            // Slack answers e.g. 404 "expired_url" or "used_url" as plain text.
            throw new SlackApiException(method, ErrorCode(text, "http_" + ((int)response.StatusCode).ToString(System.Globalization.CultureInfo.InvariantCulture)));
        }

        if (text.TrimStart().StartsWith('{'))
        {
            using var document = Parse(method, Encoding.UTF8.GetBytes(text));
            ThrowIfNotOk(method, document.RootElement, response);
        }
    }
}
