using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using BakeryBot.Core.Tests.Infrastructure;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace BakeryBot.Host.Tests.Infrastructure;

/// <summary>How the fake fails a call when it is told to.</summary>
public enum SlackFault
{
    /// <summary>HTTP 500 before doing anything.</summary>
    ServerError,

    /// <summary>HTTP 429 with Retry-After: 1, before doing anything.</summary>
    RateLimited,

    /// <summary>Does the work, then answers too late for the client (the post went through).</summary>
    TimeoutAfterWork,

    /// <summary>Drops the connection before doing anything.</summary>
    DropConnection,
}

/// <summary>One message as the fake Slack holds it.</summary>
public sealed record FakeSlackMessage(string Channel, string Ts, string Text, JsonNode? Attachments, string? OutboxId, string? ThreadTs, int Edits);

/// <summary>
/// A local stand-in for Slack's Web API and response URLs on 127.0.0.1: records every call, keeps the
/// channel history (with message metadata, as conversations.history returns it: newest first, after
/// <c>oldest</c>, a page of <c>limit</c> at a time) and fails a chosen share of calls on demand. Message
/// timestamps follow the wall clock, as Slack's do.
/// </summary>
public sealed class FakeSlack : IAsyncDisposable
{
    private readonly Lock _gate = new();
    private WebApplication? _app;
    private readonly List<FakeSlackMessage> _messages = [];
    private readonly HashSet<string> _channelNames = [];
    private readonly HashSet<string> _triggersUsed = [];
    private long _ts;
    private readonly HashSet<string> _awaitingAnswer = [];

    public string BaseUrl { get; private set; } = "";

    /// <summary>Every call: method (or response URL path) and the JSON body.</summary>
    public ConcurrentQueue<(string Method, JsonObject Body)> Calls { get; } = new();

    /// <summary>Share of chat.* calls that fail (0..1), and how.</summary>
    public double FailureRate { get; set; }

    public SlackFault[] Faults { get; set; } = [SlackFault.ServerError, SlackFault.RateLimited, SlackFault.TimeoutAfterWork, SlackFault.DropConnection];

    public TimeSpan TimeoutDelay { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>How long users.info holds its answer (a slow profile lookup).</summary>
    public TimeSpan UsersInfoDelay { get; set; }

    /// <summary>When set, views.open fails with this error (e.g. <c>trigger_expired</c>).</summary>
    public string? ViewsOpenError { get; set; }

    /// <summary>The views opened with views.open, with the trigger id each was opened with.</summary>
    public IEnumerable<(string TriggerId, JsonObject View)> OpenedViews =>
        CallsTo("views.open").Select(b => (b["trigger_id"]!.GetValue<string>(), b["view"]!.AsObject()));

    /// <summary>When set, views.publish fails with this error (e.g. <c>not_enabled</c>, the Home tab being off).</summary>
    public string? ViewsPublishError { get; set; }

    /// <summary>The Home tabs published with views.publish, with the user each was published for, oldest first.</summary>
    public IEnumerable<(string UserId, JsonObject View)> PublishedViews =>
        CallsTo("views.publish").Select(b => (b["user_id"]!.GetValue<string>(), b["view"]!.AsObject()));

    /// <summary>How long chat.postMessage holds its answer after the message is in the channel (a slow Slack).</summary>
    public TimeSpan PostAnswerDelay { get; set; }

    /// <summary>
    /// The outbox ids of the posts that are in their channel while their answer has not been written yet: a bot that
    /// dies now has sent them without learning their ts.
    /// </summary>
    public IReadOnlyList<string> PostsAwaitingAnswer
    {
        get
        {
            lock (_gate)
            {
                return _awaitingAnswer.ToList();
            }
        }
    }

    private int _faultsInjected;

    public int FaultsInjected => Volatile.Read(ref _faultsInjected);

    public IReadOnlyList<FakeSlackMessage> Messages
    {
        get
        {
            lock (_gate)
            {
                return _messages.ToList();
            }
        }
    }

    public static async Task<FakeSlack> StartAsync()
    {
        var fake = new FakeSlack();
        (fake._app, fake.BaseUrl) = await LocalServer.StartAsync(app =>
        {
            app.UseWebSockets();
            app.MapPost("/api/apps.connections.open", fake.Socket.OpenAsync);
            app.Map("/link", fake.Socket.AcceptAsync);
            app.MapPost("/api/{method}", fake.HandleApiAsync);
            app.MapGet("/api/{method}", fake.HandleApiAsync);
            app.MapPost("/response/{id}", async (string id, HttpRequest request) =>
            {
                fake.Calls.Enqueue(($"response:{id}", await ReadJsonAsync(request)));
                return Results.Ok();
            });
        });
        return fake;
    }

    public string ApiBaseUrl => $"{BaseUrl}/api/";

    /// <summary>Slack's Socket Mode side: apps.connections.open and the WebSocket it hands out.</summary>
    public FakeSlackSocket Socket { get; } = new();

    /// <summary>The channel conversations.open gives for the bot's direct messages with <paramref name="user"/>.</summary>
    public static string DirectChannel(string user) => "D" + user;

    public string ResponseUrl(string id) => $"{BaseUrl}/response/{id}";

    public IEnumerable<JsonObject> CallsTo(string method) => Calls.Where(c => c.Method == method).Select(c => c.Body);

    private async Task HandleApiAsync(string method, HttpContext context)
    {
        var body = context.Request.Method == "GET" ? QueryAsJson(context.Request.Query) : await ReadJsonAsync(context.Request);
        Calls.Enqueue((method, body));
        if (context.Request.Headers.Authorization.ToString() != "Bearer xoxb-test-token")
        {
            await WriteAsync(context, new JsonObject { ["ok"] = false, ["error"] = "invalid_auth" });
            return;
        }

        var fault = method.StartsWith("chat.", StringComparison.Ordinal) && Random.Shared.NextDouble() < FailureRate
            ? Faults[Random.Shared.Next(Faults.Length)]
            : (SlackFault?)null;
        if (fault is not null)
        {
            Interlocked.Increment(ref _faultsInjected);
        }

        switch (fault)
        {
            case SlackFault.ServerError:
                context.Response.StatusCode = 500;
                return;
            case SlackFault.RateLimited:
                context.Response.StatusCode = 429;
                context.Response.Headers.RetryAfter = "1";
                return;
            case SlackFault.DropConnection:
                context.Abort();
                return;
        }

        var result = Apply(method, body);
        var held = method == "chat.postMessage" && result["ok"]?.GetValue<bool>() == true ? body["metadata"]?["event_payload"]?["outbox_id"]?.ToString() : null;
        if (held is not null)
        {
            lock (_gate)
            {
                _awaitingAnswer.Add(held);
            }
        }

        try
        {
            if (fault == SlackFault.TimeoutAfterWork)
            {
                await Task.Delay(TimeoutDelay);
            }
            else if (method == "users.info" && UsersInfoDelay > TimeSpan.Zero)
            {
                await Task.Delay(UsersInfoDelay);
            }
            else if (held is not null && PostAnswerDelay > TimeSpan.Zero)
            {
                await Task.Delay(PostAnswerDelay);
            }

            await WriteAsync(context, result);
        }
        finally
        {
            if (held is not null)
            {
                lock (_gate)
                {
                    _awaitingAnswer.Remove(held);
                }
            }
        }
    }

    private JsonObject Apply(string method, JsonObject body)
    {
        lock (_gate)
        {
            var channel = body["channel"]?.GetValue<string>() ?? "";
            switch (method)
            {
                case "chat.postMessage":
                    var ts = NextTs();
                    var outboxId = body["metadata"]?["event_payload"]?["outbox_id"]?.ToString();
                    _messages.Add(new FakeSlackMessage(channel, ts, body["text"]?.GetValue<string>() ?? "", body["attachments"]?.DeepClone(), outboxId, body["thread_ts"]?.GetValue<string>(), 0));
                    return new JsonObject { ["ok"] = true, ["channel"] = channel, ["ts"] = ts };
                case "chat.update":
                    var target = body["ts"]?.GetValue<string>();
                    var index = _messages.FindIndex(m => m.Channel == channel && m.Ts == target);
                    if (index < 0)
                    {
                        return new JsonObject { ["ok"] = false, ["error"] = "message_not_found" };
                    }

                    _messages[index] = _messages[index] with { Text = body["text"]?.GetValue<string>() ?? "", Attachments = body["attachments"]?.DeepClone(), Edits = _messages[index].Edits + 1 };
                    return new JsonObject { ["ok"] = true, ["channel"] = channel, ["ts"] = target };
                case "chat.postEphemeral":
                    return new JsonObject { ["ok"] = true, ["message_ts"] = NextTs() };
                case "views.open":
                    if (ViewsOpenError is { } error)
                    {
                        return new JsonObject { ["ok"] = false, ["error"] = error };
                    }

                    // Slack: a trigger id opens one view, once.
                    var trigger = body["trigger_id"]?.GetValue<string>() ?? "";
                    if (trigger.Length == 0 || !_triggersUsed.Add(trigger))
                    {
                        return new JsonObject { ["ok"] = false, ["error"] = trigger.Length == 0 ? "invalid_arguments" : "trigger_exchanged" };
                    }

                    var opened = body["view"]?.DeepClone() as JsonObject ?? [];
                    opened["id"] = $"V{_triggersUsed.Count:D4}";
                    return new JsonObject { ["ok"] = true, ["view"] = opened };
                case "views.publish":
                    if (ViewsPublishError is { } publishError)
                    {
                        return new JsonObject { ["ok"] = false, ["error"] = publishError };
                    }

                    var published = body["view"]?.DeepClone() as JsonObject ?? [];
                    published["id"] = "VHOME" + (body["user_id"]?.GetValue<string>() ?? "");
                    return new JsonObject { ["ok"] = true, ["view"] = published };
                case "conversations.create":
                    var name = body["name"]?.GetValue<string>() ?? "";
                    if (!_channelNames.Add(name))
                    {
                        return new JsonObject { ["ok"] = false, ["error"] = "name_taken" };
                    }

                    return new JsonObject { ["ok"] = true, ["channel"] = new JsonObject { ["id"] = $"C{_channelNames.Count:D3}NEW", ["name"] = name } };
                case "conversations.open":
                    // Slack: the bot's direct message channel with one person, the same D… id every time.
                    var users = body["users"]?.GetValue<string>() ?? "";
                    return users.Length == 0 || users.Contains(',', StringComparison.Ordinal)
                        ? new JsonObject { ["ok"] = false, ["error"] = users.Length == 0 ? "users_list_not_supplied" : "not_implemented" }
                        : new JsonObject { ["ok"] = true, ["channel"] = new JsonObject { ["id"] = DirectChannel(users) } };
                case "conversations.invite":
                    return new JsonObject { ["ok"] = true, ["channel"] = new JsonObject { ["id"] = channel } };
                case "users.info":
                    var user = body["user"]?.GetValue<string>() ?? "";
                    return new JsonObject { ["ok"] = true, ["user"] = new JsonObject { ["id"] = user, ["name"] = user.ToLowerInvariant(), ["real_name"] = $"Person {user}", ["tz"] = "Europe/Paris", ["profile"] = new JsonObject { ["display_name"] = $"Person {user}" } } };
                case "conversations.history":
                case "conversations.replies":
                    return History(method, channel, body);
                case "auth.test":
                    return new JsonObject { ["ok"] = true, ["team"] = "Bakery", ["team_id"] = "T0BAKERY", ["user"] = "bakerybot", ["user_id"] = "U0BAKERYBOT", ["bot_id"] = "B0BAKERYBOT" };
                default:
                    return new JsonObject { ["ok"] = false, ["error"] = "unknown_method" };
            }
        }
    }

    /// <summary>
    /// Slack: conversations.history gives a channel's top-level messages and conversations.replies a thread (its
    /// parent and replies), both newest first after <c>oldest</c> (exclusive), <c>limit</c> (100 unless said) at a
    /// time, with <c>has_more</c> and a cursor to the next page.
    /// </summary>
    private JsonObject History(string method, string channel, JsonObject body)
    {
        var thread = method == "conversations.replies" ? body["ts"]?.ToString() : null;
        var oldest = body["oldest"]?.ToString() is { Length: > 0 } o ? Micros(o) : long.MinValue;
        var limit = int.TryParse(body["limit"]?.ToString(), CultureInfo.InvariantCulture, out var l) ? Math.Clamp(l, 1, 1000) : 100;
        var skip = int.TryParse(body["cursor"]?.ToString(), CultureInfo.InvariantCulture, out var c) ? c : 0;
        var matching = _messages
            .Where(m => m.Channel == channel && (thread is null ? m.ThreadTs is null : m.Ts == thread || m.ThreadTs == thread) && Micros(m.Ts) > oldest)
            .OrderByDescending(m => Micros(m.Ts))
            .ToList();
        var history = new JsonArray();
        foreach (var m in matching.Skip(skip).Take(limit))
        {
            var item = new JsonObject { ["type"] = "message", ["ts"] = m.Ts, ["text"] = m.Text };
            if (m.OutboxId is not null)
            {
                item["metadata"] = new JsonObject { ["event_type"] = "bakerybot_outbox", ["event_payload"] = new JsonObject { ["outbox_id"] = m.OutboxId } };
            }

            history.Add(item);
        }

        var more = matching.Count > skip + limit;
        return new JsonObject
        {
            ["ok"] = true,
            ["messages"] = history,
            ["has_more"] = more,
            ["response_metadata"] = new JsonObject { ["next_cursor"] = more ? (skip + limit).ToString(CultureInfo.InvariantCulture) : "" },
        };
    }

    /// <summary>A ts as microseconds since the Unix epoch.</summary>
    private static long Micros(string ts)
    {
        var parts = ts.Split('.');
        return (long.Parse(parts[0], CultureInfo.InvariantCulture) * 1_000_000) + (parts.Length > 1 ? long.Parse(parts[1].PadRight(6, '0')[..6], CultureInfo.InvariantCulture) : 0);
    }

    /// <summary>A new message's ts: the wall clock in microseconds, each one later than the last.</summary>
    private string NextTs()
    {
        long value;
        long last;
        do
        {
            last = Interlocked.Read(ref _ts);
            value = Math.Max(last + 1, (DateTimeOffset.UtcNow - DateTimeOffset.UnixEpoch).Ticks / TimeSpan.TicksPerMicrosecond);
        }
        while (Interlocked.CompareExchange(ref _ts, value, last) != last);

        return (value / 1_000_000).ToString(CultureInfo.InvariantCulture) + "." + (value % 1_000_000).ToString("D6", CultureInfo.InvariantCulture);
    }

    private static async Task<JsonObject> ReadJsonAsync(HttpRequest request)
    {
        using var reader = new StreamReader(request.Body);
        var text = await reader.ReadToEndAsync();
        if (request.ContentType?.StartsWith("application/x-www-form-urlencoded", StringComparison.Ordinal) == true)
        {
            var form = Microsoft.AspNetCore.WebUtilities.QueryHelpers.ParseQuery(text);
            return new JsonObject(form.Select(kv => KeyValuePair.Create(kv.Key, (JsonNode?)JsonValue.Create(kv.Value.ToString()))));
        }

        return text.Length == 0 ? [] : JsonNode.Parse(text) as JsonObject ?? [];
    }

    private static JsonObject QueryAsJson(IQueryCollection query) =>
        new(query.Select(kv => KeyValuePair.Create(kv.Key, (JsonNode?)JsonValue.Create(kv.Value.ToString()))));

    private static Task WriteAsync(HttpContext context, JsonObject result)
    {
        context.Response.StatusCode = (int)HttpStatusCode.OK;
        context.Response.ContentType = "application/json";
        return context.Response.WriteAsync(result.ToJsonString(new JsonSerializerOptions()));
    }

    public async ValueTask DisposeAsync()
    {
        if (_app is not null)
        {
            await _app.DisposeAsync();
        }
    }
}
