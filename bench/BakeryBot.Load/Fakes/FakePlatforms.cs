using System.Collections.Concurrent;
using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace BakeryBot.Load.Fakes;

/// <summary>
/// Everything outside the bot that it talks to, on 127.0.0.1 in the driver's process: Slack's Web API and
/// response URLs (<c>/slack</c>), the Bot Framework's OpenID metadata, keys and token endpoint (<c>/bf</c>), and
/// a Bot Connector (<c>/connector/</c>, the serviceUrl of the Teams activities). Each answers at once, as the
/// real service does when it is healthy, and counts what it was sent.
/// </summary>
public sealed partial class FakePlatforms : IAsyncDisposable
{
    private const string OutboxIdField = "metadata.event_payload.outbox_id";

    private readonly WebApplication _app;
    private readonly ConcurrentDictionary<string, int> _calls = new();
    private readonly ConcurrentDictionary<string, int> _answers = new();
    private long _ts = 1_767_225_600_000_000;
    private long _activity = 1_767_225_600_000;

    private FakePlatforms(WebApplication app, BotFrameworkKeys keys)
    {
        _app = app;
        Keys = keys;
    }

    public string BaseUrl { get; private set; } = "";

    public string SlackApiBaseUrl => $"{BaseUrl}/slack/api/";

    public string ResponseUrl => $"{BaseUrl}/slack/response/answer";

    public string OpenIdMetadataUrl => $"{BaseUrl}/bf/.well-known/openidconfiguration";

    public string TokenEndpoint => $"{BaseUrl}/bf/token";

    /// <summary>The serviceUrl of Teams activities (ends with a slash, as Teams sends it).</summary>
    public string ServiceUrl => $"{BaseUrl}/connector/";

    public BotFrameworkKeys Keys { get; }

    /// <summary>Slack's limit of about one message a second in a channel, held for the channels the outbox run posts to.</summary>
    public PacedChannels Paced { get; } = new();

    /// <summary>Calls by Slack method or Bot Connector operation.</summary>
    public IReadOnlyDictionary<string, int> Calls => _calls;

    public int CallsTo(string method) => _calls.GetValueOrDefault(method);

    /// <summary>
    /// What the bot told people privately (Slack response URLs, Teams replies in a personal chat), by text
    /// with numbers blanked out so alike answers group.
    /// </summary>
    public IReadOnlyDictionary<string, int> PrivateAnswers => _answers;

    public void ClearPrivateAnswers() => _answers.Clear();

    public static async Task<FakePlatforms> StartAsync(string appId)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var fake = new FakePlatforms(app, new BotFrameworkKeys(appId));
        app.MapPost("/slack/api/{method}", fake.SlackAsync);
        app.MapGet("/slack/api/{method}", fake.SlackAsync);
        app.MapPost("/slack/response/{id}", fake.ResponseUrlAsync);
        app.MapGet("/bf/.well-known/openidconfiguration", () => Json(fake.Keys.Metadata($"{fake.BaseUrl}/bf/keys")));
        app.MapGet("/bf/keys", () => Json(fake.Keys.Jwks()));
        app.MapPost("/bf/token", fake.TokenAsync);
        app.Map("/connector/{**path}", fake.ConnectorAsync);
        await app.StartAsync();
        fake.BaseUrl = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return fake;
    }

    private async Task SlackAsync(string method, HttpContext context)
    {
        _calls.AddOrUpdate(method, 1, (_, n) => n + 1);
        var fields = await FieldsAsync(context.Request);
        var channel = fields.GetValueOrDefault("channel") ?? "";
        if (method == "chat.postMessage" && !Paced.Accept(channel, fields.GetValueOrDefault(OutboxIdField)))
        {
            _calls.AddOrUpdate("chat.postMessage refused (429)", 1, (_, n) => n + 1);
            context.Response.StatusCode = 429;
            context.Response.Headers.RetryAfter = "1";
            await context.Response.WriteAsync("""{"ok":false,"error":"ratelimited"}""");
            return;
        }

        var answer = method switch
        {
            "chat.postMessage" => $$"""{"ok":true,"channel":"{{channel}}","ts":"{{NextTs()}}"}""",
            "chat.update" => $$"""{"ok":true,"channel":"{{channel}}","ts":"{{fields.GetValueOrDefault("ts")}}"}""",
            "chat.postEphemeral" => $$"""{"ok":true,"message_ts":"{{NextTs()}}"}""",
            "conversations.open" => $$$"""{"ok":true,"channel":{"id":"D{{{fields.GetValueOrDefault("users")}}}"}}""",
            "conversations.create" => $$$"""{"ok":true,"channel":{"id":"C{{{NextTs().Replace(".", "", StringComparison.Ordinal)}}}","name":"{{{fields.GetValueOrDefault("name")}}}"}}""",
            "conversations.history" or "conversations.replies" => """{"ok":true,"messages":[],"has_more":false}""",
            "users.info" => UserInfo(fields.GetValueOrDefault("user") ?? ""),
            "auth.test" => """{"ok":true,"team":"Bakery","team_id":"TLOAD","user":"bakerybot","user_id":"U0BAKERYBOT","bot_id":"B0BAKERYBOT"}""",
            "views.open" or "views.publish" or "views.update" => """{"ok":true,"view":{"id":"VLOAD"}}""",
            _ => """{"ok":true}""",
        };
        context.Response.ContentType = "application/json";
        await context.Response.WriteAsync(answer);
    }

    private static string UserInfo(string user) => JsonSerializer.Serialize(new
    {
        ok = true,
        user = new { id = user, name = user.ToLowerInvariant(), real_name = $"Person {user}", tz = "Europe/Paris", tz_offset = 3600, profile = new { display_name = $"Person {user}" } },
    });

    private async Task ResponseUrlAsync(HttpContext context)
    {
        _calls.AddOrUpdate("response_url", 1, (_, n) => n + 1);
        using var document = await JsonDocument.ParseAsync(context.Request.Body);
        var text = document.RootElement.TryGetProperty("text", out var t) && t.ValueKind == JsonValueKind.String ? t.GetString() ?? "" : "(no text)";
        Count(text);
        await context.Response.WriteAsync("ok");
    }

    private async Task TokenAsync(HttpContext context)
    {
        _calls.AddOrUpdate("token", 1, (_, n) => n + 1);
        var form = await context.Request.ReadFormAsync();
        if (form["client_id"] != Keys.AppId || form["client_secret"] != BotFrameworkKeys.AppPassword)
        {
            context.Response.StatusCode = 401;
            await context.Response.WriteAsync("""{"error":"invalid_client"}""");
            return;
        }

        context.Response.ContentType = "application/json";
        await context.Response.WriteAsync($$"""{"token_type":"Bearer","expires_in":3600,"ext_expires_in":3600,"access_token":"load-access-token-{{Guid.NewGuid():N}}"}""");
    }

    /// <summary>Bot Connector REST (protocols.md §10): create a conversation, send, reply, update, look a member up.</summary>
    private async Task ConnectorAsync(string path, HttpContext context)
    {
        var method = context.Request.Method;
        var segments = path.Split('/');
        string operation;
        string answer;
        if (method == "GET" && segments is ["v3", "conversations", _, "members", var member])
        {
            operation = "get member";
            var id = Uri.UnescapeDataString(member);
            answer = JsonSerializer.Serialize(new { id, name = "Member", aadObjectId = id.StartsWith("29:", StringComparison.Ordinal) ? id[3..] : id });
        }
        else if (method == "POST" && segments is ["v3", "conversations"])
        {
            operation = "create conversation";
            var next = Interlocked.Increment(ref _activity).ToString(CultureInfo.InvariantCulture);
            using var document = await JsonDocument.ParseAsync(context.Request.Body);
            var body = document.RootElement;
            var channel = body.TryGetProperty("channelData", out var data) && data.TryGetProperty("channel", out var c) ? c.GetProperty("id").GetString() : null;
            answer = channel is null
                ? JsonSerializer.Serialize(new { id = $"a:personal-{next}" })
                : JsonSerializer.Serialize(new { id = $"{channel};messageid={next}", activityId = next });
        }
        else if (method == "PUT" && segments is ["v3", "conversations", _, "activities", var updated])
        {
            operation = "update activity";
            answer = JsonSerializer.Serialize(new { id = Uri.UnescapeDataString(updated) });
            await context.Request.Body.CopyToAsync(Stream.Null);
        }
        else if (method == "POST" && segments is ["v3", "conversations", var conversation, "activities", ..])
        {
            operation = segments.Length > 4 ? "reply to activity" : "send to conversation";
            if (Uri.UnescapeDataString(conversation).StartsWith("a:", StringComparison.Ordinal))
            {
                // A personal chat: what the bot tells one person.
                using var document = await JsonDocument.ParseAsync(context.Request.Body);
                Count(document.RootElement.TryGetProperty("text", out var t) && t.ValueKind == JsonValueKind.String ? t.GetString() ?? "" : "(a card)");
            }
            else
            {
                await context.Request.Body.CopyToAsync(Stream.Null);
            }

            answer = JsonSerializer.Serialize(new { id = Interlocked.Increment(ref _activity).ToString(CultureInfo.InvariantCulture) });
        }
        else
        {
            operation = $"{method} {path}";
            context.Response.StatusCode = 404;
            _calls.AddOrUpdate(operation, 1, (_, n) => n + 1);
            return;
        }

        _calls.AddOrUpdate(operation, 1, (_, n) => n + 1);
        context.Response.ContentType = "application/json";
        await context.Response.WriteAsync(answer);
    }

    private void Count(string text)
    {
        var shape = Numbers().Replace(text, "#");
        _answers.AddOrUpdate(shape.Length > 120 ? shape[..120] + "…" : shape, 1, (_, n) => n + 1);
    }

    [GeneratedRegex("[0-9]+")]
    private static partial Regex Numbers();

    /// <summary>The fields of a Web API call: a JSON body, a form body, or the query string of a GET.</summary>
    private static async Task<Dictionary<string, string>> FieldsAsync(HttpRequest request)
    {
        var fields = new Dictionary<string, string>(StringComparer.Ordinal);
        if (request.Method == "GET" || request.HasFormContentType)
        {
            var source = request.Method == "GET" ? request.Query.Select(q => (q.Key, q.Value.ToString())) : (await request.ReadFormAsync()).Select(f => (f.Key, f.Value.ToString()));
            foreach (var (key, value) in source)
            {
                fields[key] = value;
            }

            return fields;
        }

        using var document = await JsonDocument.ParseAsync(request.Body);
        if (document.RootElement.ValueKind == JsonValueKind.Object
            && document.RootElement.TryGetProperty("metadata", out var metadata) && metadata.ValueKind == JsonValueKind.Object
            && metadata.TryGetProperty("event_payload", out var payload) && payload.ValueKind == JsonValueKind.Object
            && payload.TryGetProperty("outbox_id", out var outboxId))
        {
            // The outbox row a post carries (its message metadata), to tell a repeat from a new message.
            fields[OutboxIdField] = outboxId.ToString();
        }

        if (document.RootElement.ValueKind == JsonValueKind.Object)
        {
            foreach (var property in document.RootElement.EnumerateObject())
            {
                if (property.Value.ValueKind == JsonValueKind.String)
                {
                    fields[property.Name] = property.Value.GetString()!;
                }
            }
        }

        return fields;
    }

    private string NextTs()
    {
        var value = Interlocked.Increment(ref _ts);
        return (value / 1_000_000).ToString(CultureInfo.InvariantCulture) + "." + (value % 1_000_000).ToString("D6", CultureInfo.InvariantCulture);
    }

    private static IResult Json(string body) => Results.Text(body, "application/json", Encoding.UTF8);

    public async ValueTask DisposeAsync()
    {
        await _app.DisposeAsync();
        Keys.Dispose();
    }
}
