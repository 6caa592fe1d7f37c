using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using BakeryBot.Core.Tests.Infrastructure;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace BakeryBot.Host.Tests.Infrastructure;

/// <summary>One activity as the fake connector holds it.</summary>
public sealed record FakeActivity(string ConversationId, string Id, JsonObject Body, string? ReplyToId, int Edits);

/// <summary>
/// A local stand-in for the Bot Connector service on 127.0.0.1 (the activity's serviceUrl points at it):
/// records every call, keeps the activities posted per conversation, and fails a chosen share of calls
/// with 500, 429 (Retry-After), 412, 502, 504, a dropped connection or a stall, before doing any work; and,
/// with <see cref="LoseAnswersAfterWork"/>, half of those failures after doing it (a 504 or a dropped
/// connection once the activity is in the conversation, as when the connector's own call to Teams outlives it).
/// </summary>
public sealed class FakeBotConnector : IAsyncDisposable
{
    private readonly Lock _gate = new();
    private WebApplication? _app;
    private readonly List<FakeActivity> _activities = [];
    private int _next;
    private int _faults;

    /// <summary>The serviceUrl to put in activities and tokens (ends with a slash, as Teams sends it).</summary>
    public string ServiceUrl { get; private set; } = "";

    public string? ExpectedToken { get; set; }

    public double FailureRate { get; set; }

    public int FaultsInjected => Volatile.Read(ref _faults);

    /// <summary>Half of the failures come after the work is done: the call did what it was asked, its answer is lost.</summary>
    public bool LoseAnswersAfterWork { get; set; }

    private int _postAnswersLost;

    /// <summary>Posts (new activities) that are in their conversation but whose answer the bot never got.</summary>
    public int PostAnswersLost => Volatile.Read(ref _postAnswersLost);

    public ConcurrentQueue<(string Method, string Path, JsonObject Body)> Calls { get; } = new();

    /// <summary>The Authorization header of every call.</summary>
    public ConcurrentQueue<string> Authorizations { get; } = new();

    public IReadOnlyList<FakeActivity> Activities
    {
        get
        {
            lock (_gate)
            {
                return _activities.ToList();
            }
        }
    }

    public static async Task<FakeBotConnector> StartAsync()
    {
        var fake = new FakeBotConnector();
        (fake._app, var baseUrl) = await LocalServer.StartAsync(app =>
        {
            app.MapPost("/v3/conversations/{conversationId}/activities", (string conversationId, HttpContext c) => fake.HandleAsync(c, conversationId, null, update: false));
            app.MapPost("/v3/conversations/{conversationId}/activities/{activityId}", (string conversationId, string activityId, HttpContext c) => fake.HandleAsync(c, conversationId, activityId, update: false));
            app.MapPut("/v3/conversations/{conversationId}/activities/{activityId}", (string conversationId, string activityId, HttpContext c) => fake.HandleAsync(c, conversationId, activityId, update: true));
            app.MapPost("/v3/conversations", (HttpContext c) => fake.HandleAsync(c, null, null, update: false));
            // GetConversationMember: the test bed's people have 29: ids made of their Entra object ids.
            app.MapGet("/v3/conversations/{conversationId}/members/{memberId}", (string conversationId, string memberId) =>
            {
                fake.Calls.Enqueue(("GET", $"members/{memberId}", []));
                return Results.Json(new { id = memberId, name = "Member", aadObjectId = memberId.StartsWith("29:", StringComparison.Ordinal) ? memberId[3..] : memberId });
            });
        });
        fake.ServiceUrl = baseUrl + "/";
        return fake;
    }

    public IEnumerable<FakeActivity> In(string conversationId) => Activities.Where(a => a.ConversationId == conversationId);

    /// <summary>The personal conversation the fake opens with a member (their 29: id or Entra object id).</summary>
    public static string PersonalConversation(string memberId) => $"a:personal-{memberId}";

    private async Task HandleAsync(HttpContext context, string? conversationId, string? activityId, bool update)
    {
        var body = await JsonNode.ParseAsync(context.Request.Body) as JsonObject ?? [];
        Calls.Enqueue((context.Request.Method, context.Request.Path.Value ?? "", body));
        Authorizations.Enqueue(context.Request.Headers.Authorization.ToString());
        if (ExpectedToken is not null && context.Request.Headers.Authorization.ToString() != $"Bearer {ExpectedToken}")
        {
            context.Response.StatusCode = 401;
            return;
        }

        var fault = Random.Shared.NextDouble() < FailureRate ? Random.Shared.Next(LoseAnswersAfterWork ? 14 : 7) : -1;
        if (fault >= 0)
        {
            Interlocked.Increment(ref _faults);
            switch (fault)
            {
                case 0: context.Response.StatusCode = 500; return;
                case 1: context.Response.StatusCode = 429; context.Response.Headers.RetryAfter = "1"; return;
                case 2: context.Response.StatusCode = 412; return;
                case 3: context.Response.StatusCode = 502; return;
                case 4: context.Response.StatusCode = 504; return;
                case 5: context.Abort(); return;
                case 6: await Task.Delay(TimeSpan.FromSeconds(3)); context.Response.StatusCode = 504; return;
            }
        }

        JsonObject result;
        lock (_gate)
        {
            if (conversationId is null && body["isGroup"]?.GetValue<bool>() == false)
            {
                // Create a personal (1:1) conversation: Teams answers with the same one for the same person.
                var member = body["members"]?[0]?["id"]?.GetValue<string>() ?? "unknown";
                result = new JsonObject { ["id"] = PersonalConversation(member) };
            }
            else if (conversationId is null)
            {
                // Create a conversation in a channel: a new thread whose first activity is the one given.
                var channel = body["channelData"]?["channel"]?["id"]?.GetValue<string>() ?? "unknown";
                var id = $"{++_next}";
                var thread = $"{channel};messageid={id}";
                _activities.Add(new FakeActivity(channel, id, body["activity"]?.AsObject().DeepClone().AsObject() ?? [], null, 0));
                result = new JsonObject { ["id"] = thread, ["activityId"] = id };
            }
            else if (update)
            {
                var index = _activities.FindIndex(a => a.Id == activityId && Root(a.ConversationId) == Root(conversationId));
                if (index < 0)
                {
                    context.Response.StatusCode = 404;
                    return;
                }

                _activities[index] = _activities[index] with { Body = body, Edits = _activities[index].Edits + 1 };
                result = new JsonObject { ["id"] = activityId };
            }
            else
            {
                var id = $"{++_next}";
                _activities.Add(new FakeActivity(conversationId, id, body, activityId, 0));
                result = new JsonObject { ["id"] = id };
            }
        }

        if (fault >= 7)
        {
            // The work is done; the answer is not: a 504 from the gateway, or the connection dropped.
            if (!update && !(conversationId is null && body["isGroup"]?.GetValue<bool>() == false))
            {
                Interlocked.Increment(ref _postAnswersLost);
            }

            if (fault % 2 == 0)
            {
                context.Response.StatusCode = 504;
            }
            else
            {
                context.Abort();
            }

            return;
        }

        context.Response.StatusCode = 200;
        await context.Response.WriteAsJsonAsync(result);
    }

    private static string Root(string conversationId) => conversationId.Split(';')[0];

    public async ValueTask DisposeAsync()
    {
        if (_app is not null)
        {
            await _app.DisposeAsync();
        }
    }
}
