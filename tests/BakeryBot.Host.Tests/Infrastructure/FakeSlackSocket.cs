using System.Collections.Concurrent;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json.Nodes;
using System.Threading.Channels;
using Microsoft.AspNetCore.Http;

namespace BakeryBot.Host.Tests.Infrastructure;

/// <summary>
/// Slack's Socket Mode on 127.0.0.1: <c>apps.connections.open</c> (app-level token in the Authorization header)
/// answers a <c>ws://</c> URL; a connection to it is greeted with <c>hello</c>; the test sends envelopes and
/// reads their acknowledgements, asks for a reconnect with <c>disconnect</c>, or drops the connection.
/// </summary>
public sealed class FakeSlackSocket
{
    public const string AppToken = "xapp-1-test-token";

    private readonly Channel<FakeSocketConnection> _connections = Channel.CreateUnbounded<FakeSocketConnection>();
    private int _opened;
    private int _ticket;

    /// <summary>When set, apps.connections.open answers <c>ok:false</c> with this error.</summary>
    public string? OpenError { get; set; }

    /// <summary>How many times apps.connections.open was called.</summary>
    public int Opened => Volatile.Read(ref _opened);

    /// <summary>Every acknowledgement received, on any connection.</summary>
    public ConcurrentQueue<JsonObject> Acknowledgements { get; } = new();

    internal async Task OpenAsync(HttpContext context)
    {
        Interlocked.Increment(ref _opened);
        JsonObject answer;
        if (context.Request.Headers.Authorization.ToString() != "Bearer " + AppToken)
        {
            answer = new JsonObject { ["ok"] = false, ["error"] = "invalid_auth" };
        }
        else if (OpenError is { } error)
        {
            answer = new JsonObject { ["ok"] = false, ["error"] = error };
        }
        else
        {
            var host = context.Request.Host;
            answer = new JsonObject { ["ok"] = true, ["url"] = $"ws://{host}/link/?ticket={Interlocked.Increment(ref _ticket)}" };
        }

        context.Response.ContentType = "application/json";
        await context.Response.WriteAsync(answer.ToJsonString());
    }

    internal async Task AcceptAsync(HttpContext context)
    {
        if (!context.WebSockets.IsWebSocketRequest)
        {
            context.Response.StatusCode = 400;
            return;
        }

        using var socket = await context.WebSockets.AcceptWebSocketAsync();
        var connection = new FakeSocketConnection(socket, context, this);
        await connection.SendAsync(new JsonObject { ["type"] = "hello", ["num_connections"] = 1, ["debug_info"] = new JsonObject { ["host"] = "fake" } });
        await _connections.Writer.WriteAsync(connection);
        await connection.ReceiveUntilClosedAsync();
    }

    /// <summary>The next connection the bot opens (in order).</summary>
    public async Task<FakeSocketConnection> NextConnectionAsync(TimeSpan? timeout = null)
    {
        using var cts = new CancellationTokenSource(timeout ?? TimeSpan.FromSeconds(15));
        return await _connections.Reader.ReadAsync(cts.Token);
    }
}

/// <summary>One WebSocket the bot opened.</summary>
public sealed class FakeSocketConnection(WebSocket socket, HttpContext context, FakeSlackSocket owner)
{
    private readonly ConcurrentDictionary<string, TaskCompletionSource<JsonObject>> _waiting = new(StringComparer.Ordinal);
    private readonly SemaphoreSlim _send = new(1, 1);
    private readonly TaskCompletionSource _closed = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Completes when the bot closed the connection (or it dropped).</summary>
    public Task Closed => _closed.Task;

    public WebSocketCloseStatus? CloseStatus => socket.CloseStatus;

    public async Task SendAsync(JsonObject message)
    {
        await _send.WaitAsync();
        try
        {
            await socket.SendAsync(Encoding.UTF8.GetBytes(message.ToJsonString()), WebSocketMessageType.Text, true, CancellationToken.None);
        }
        finally
        {
            _send.Release();
        }
    }

    /// <summary>Sends an envelope and waits for the bot's acknowledgement of it.</summary>
    public async Task<JsonObject> EnvelopeAsync(string type, JsonObject payload, bool acceptsResponse = true, int retryAttempt = 0, string? envelopeId = null, TimeSpan? timeout = null)
    {
        var id = envelopeId ?? Guid.NewGuid().ToString();
        var ack = new TaskCompletionSource<JsonObject>(TaskCreationOptions.RunContinuationsAsynchronously);
        _waiting[id] = ack;
        var envelope = new JsonObject
        {
            ["envelope_id"] = id,
            ["type"] = type,
            ["payload"] = payload,
            ["accepts_response_payload"] = acceptsResponse,
        };
        if (retryAttempt > 0)
        {
            envelope["retry_attempt"] = retryAttempt;
            envelope["retry_reason"] = "timeout";
        }

        await SendAsync(envelope);
        return await ack.Task.WaitAsync(timeout ?? TimeSpan.FromSeconds(10));
    }

    /// <summary>Slack's request to reconnect (<c>warning</c>, <c>refresh_requested</c> or <c>link_disabled</c>).</summary>
    public Task DisconnectAsync(string reason) => SendAsync(new JsonObject { ["type"] = "disconnect", ["reason"] = reason });

    /// <summary>The network drops: the TCP connection goes without a close handshake.</summary>
    public void Drop() => context.Abort();

    internal async Task ReceiveUntilClosedAsync()
    {
        var buffer = new byte[64 * 1024];
        try
        {
            while (socket.State == WebSocketState.Open)
            {
                using var message = new MemoryStream();
                WebSocketReceiveResult result;
                do
                {
                    result = await socket.ReceiveAsync(buffer, context.RequestAborted);
                    message.Write(buffer, 0, result.Count);
                }
                while (!result.EndOfMessage);

                if (result.MessageType == WebSocketMessageType.Close)
                {
                    await socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, "bye", CancellationToken.None);
                    break;
                }

                var ack = JsonNode.Parse(message.ToArray())!.AsObject();
                owner.Acknowledgements.Enqueue(ack);
                if (_waiting.TryRemove(ack["envelope_id"]!.GetValue<string>(), out var waiter))
                {
                    waiter.TrySetResult(ack);
                }
            }
        }
        catch (Exception ex) when (ex is WebSocketException or OperationCanceledException)
        {
            // Dropped.
        }
        finally
        {
            _closed.TrySetResult();
        }
    }
}
