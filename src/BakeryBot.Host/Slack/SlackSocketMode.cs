using System.Buffers;
using System.Globalization;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using BakeryBot.Slack;
using Microsoft.Extensions.Options;

namespace BakeryBot.Host.Slack;

/// <summary>
/// Slack's Socket Mode (when <c>Slack:AppToken</c> is set): instead of Slack calling the bot's public URLs, the
/// bot opens a WebSocket to Slack (<c>apps.connections.open</c> with the app-level token) and Slack sends the same
/// slash commands, interactions and events over it, each in an envelope that is acknowledged by its
/// <c>envelope_id</c> (with the answer an HTTP response would carry). The envelopes go through
/// <see cref="SlackInbound"/>, the handlers the HTTP endpoints use. A <c>disconnect</c> from Slack (it refreshes
/// connections every few hours, and warns about 10 s before) opens a new connection once the envelopes under way
/// are acknowledged; a lost network does too, after a back-off that grows to <see cref="MaxBackoff"/>.
/// </summary>
public sealed class SlackSocketMode(
    SlackWebApiClient slackApi,
    SlackInbound inbound,
    IOptions<SlackOptions> options,
    ILogger<SlackSocketMode> logger) : BackgroundService
{
    /// <summary>The longest wait between attempts to connect again.</summary>
    public static readonly TimeSpan MaxBackoff = TimeSpan.FromSeconds(30);

    /// <summary>Slack payloads are a few kilobytes; a message larger than this is not one of them.</summary>
    private const int MaxMessageBytes = 4 * 1024 * 1024;

    private static readonly TimeSpan ConnectTimeout = TimeSpan.FromSeconds(15);

    /// <summary>How long a closing connection waits for the envelopes under way to be acknowledged.</summary>
    private static readonly TimeSpan DrainTimeout = TimeSpan.FromSeconds(10);

    private int _connections;

    /// <summary>Connections that Slack greeted with <c>hello</c> since start.</summary>
    public int Connections => Volatile.Read(ref _connections);

    /// <summary>Whether a connection is open and greeted now.</summary>
    public bool IsConnected { get; private set; }

    /// <summary>The first wait is short (a refresh); later ones double up to <see cref="MaxBackoff"/>, with jitter.</summary>
    public static TimeSpan Backoff(int failures)
    {
        if (failures <= 0)
        {
            return TimeSpan.Zero;
        }

        var seconds = Math.Min(MaxBackoff.TotalSeconds, Math.Pow(2, Math.Min(failures - 1, 10)));
        return TimeSpan.FromSeconds(seconds * (0.8 + (Random.Shared.NextDouble() * 0.4)));
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var failures = 0;
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await Task.Delay(Backoff(failures), stoppingToken);
                var url = await slackApi.OpenSocketConnectionAsync(options.Value.AppToken, stoppingToken);
                var greeted = await RunConnectionAsync(url, stoppingToken);
                // A connection Slack greeted has worked: the next one is opened at once.
                failures = greeted ? 0 : failures + 1;
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (SlackApiException ex) when (SlackWebApiClient.UnrecoverableConnectionErrors.Contains(ex.Error))
            {
                logger.LogCritical(
                    "Socket Mode stopped: Slack answered {Error} to apps.connections.open. Check Slack:AppToken (an app-level token, xapp-..., with connections:write) and restart",
                    ex.Error);
                return;
            }
            catch (SlackRateLimitedException ex)
            {
                failures++;
                logger.LogWarning("apps.connections.open was rate limited; trying again after {RetryAfter}", ex.RetryAfter);
                if (!await WaitAsync(ex.RetryAfter, stoppingToken))
                {
                    return;
                }
            }
            catch (Exception ex) when (ex is SlackApiException or HttpRequestException or WebSocketException or TimeoutException or OperationCanceledException or JsonException)
            {
                failures++;
                logger.LogWarning("The Socket Mode connection failed ({Error}); connecting again in about {Wait}", Describe(ex), Backoff(failures));
            }
            finally
            {
                IsConnected = false;
            }
        }
    }

    /// <summary>False when the bot is stopping.</summary>
    private static async Task<bool> WaitAsync(TimeSpan delay, CancellationToken stoppingToken)
    {
        try
        {
            await Task.Delay(delay, stoppingToken);
            return true;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    /// <summary>One connection, until Slack asks to reconnect, closes it, or the network drops. True when Slack greeted it.</summary>
    private async Task<bool> RunConnectionAsync(Uri url, CancellationToken stoppingToken)
    {
        using var socket = new ClientWebSocket();
        // Pings both ways: a peer that stops answering (a dead network) ends the connection within a minute.
        socket.Options.KeepAliveInterval = TimeSpan.FromSeconds(15);
        socket.Options.KeepAliveTimeout = TimeSpan.FromSeconds(30);
        using (var connecting = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken))
        {
            connecting.CancelAfter(ConnectTimeout);
            await socket.ConnectAsync(url, connecting.Token);
        }

        using var connection = new Connection(socket);
        var greeted = false;
        try
        {
            while (await ReceiveAsync(socket, stoppingToken) is { } message)
            {
                using var document = JsonDocument.Parse(message);
                var root = document.RootElement;
                var type = root.ValueKind == JsonValueKind.Object && root.TryGetProperty("type", out var t) && t.ValueKind == JsonValueKind.String ? t.GetString() : null;
                if (type == "hello")
                {
                    greeted = true;
                    IsConnected = true;
                    Interlocked.Increment(ref _connections);
                    logger.LogInformation("Socket Mode connected to Slack");
                    continue;
                }

                if (type == "disconnect")
                {
                    var reason = root.TryGetProperty("reason", out var r) && r.ValueKind == JsonValueKind.String ? r.GetString() : null;
                    if (reason == "link_disabled")
                    {
                        logger.LogError("Slack closed the Socket Mode connection: Socket Mode is turned off for the app (link_disabled). Turn it on under Socket Mode in the app's settings");
                        // Not a refresh: the next attempt waits, growing, rather than loop on a link that is off.
                        greeted = false;
                    }
                    else
                    {
                        logger.LogInformation("Slack asked for a new Socket Mode connection ({Reason})", reason ?? "no reason given");
                    }

                    break;
                }

                if (root.ValueKind == JsonValueKind.Object && root.TryGetProperty("envelope_id", out var id) && id.ValueKind == JsonValueKind.String)
                {
                    // Each envelope runs on its own, so a slow command never holds up the next one's acknowledgement.
                    var envelope = Envelope.Read(id.GetString()!, type, root);
                    connection.Track(Task.Run(() => HandleEnvelopeAsync(connection, envelope), CancellationToken.None));
                }
            }
        }
        finally
        {
            IsConnected = false;
            // Envelopes under way are answered before the connection goes; Slack delivers what is not acknowledged again.
            await connection.DrainAsync(DrainTimeout);
            await CloseAsync(socket);
        }

        return greeted;
    }

    private async Task HandleEnvelopeAsync(Connection connection, Envelope envelope)
    {
        SlackAck ack;
        try
        {
            ack = envelope.Type switch
            {
                "slash_commands" => await inbound.CommandAsync(envelope.Fields()),
                "interactive" => await inbound.InteractionAsync(envelope.Payload),
                "events_api" => await inbound.EventAsync(envelope.Payload ?? "", envelope.Retry),
                // Slack: every envelope is acknowledged, even of a kind the bot does not use.
                _ => SlackAck.Empty,
            };
        }
        catch (Exception ex)
        {
            // Not acknowledged, like an HTTP 500: Slack delivers it again.
            logger.LogError(ex, "Handling a Socket Mode {Type} envelope failed", envelope.Type);
            return;
        }

        if (ack.StatusCode != StatusCodes.Status200OK)
        {
            // A payload the bot cannot use is acknowledged all the same, so Slack does not send it again.
            logger.LogWarning("Refused a Socket Mode {Type} envelope: {Reason}", envelope.Type, ack.Message);
        }

        var answer = ack is { StatusCode: StatusCodes.Status200OK, Json: { } json } && envelope.AcceptsResponse ? json : null;
        try
        {
            await connection.SendAsync(Acknowledgement(envelope.Id, answer));
        }
        catch (Exception ex) when (ex is WebSocketException or ObjectDisposedException or OperationCanceledException or InvalidOperationException or TimeoutException)
        {
            logger.LogWarning("The acknowledgement of a {Type} envelope was not sent ({Error}); Slack will deliver it again", envelope.Type, Describe(ex));
        }
    }

    private static byte[] Acknowledgement(string envelopeId, string? payloadJson)
    {
        var buffer = new ArrayBufferWriter<byte>(256);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteString("envelope_id", envelopeId);
            if (payloadJson is not null)
            {
                writer.WritePropertyName("payload");
                writer.WriteRawValue(payloadJson);
            }

            writer.WriteEndObject();
        }

        return buffer.WrittenSpan.ToArray();
    }

    /// <summary>
    /// The next text message; null when the connection closed. Stopping ends the wait without touching the socket:
    /// a cancelled receive aborts a ClientWebSocket, and the envelopes under way still need it for their acknowledgements.
    /// </summary>
    private async Task<string?> ReceiveAsync(ClientWebSocket socket, CancellationToken ct)
    {
        var buffer = new ArrayBufferWriter<byte>(4096);
        while (true)
        {
            var result = await socket.ReceiveAsync(buffer.GetMemory(4096), CancellationToken.None).AsTask().WaitAsync(ct);
            if (result.MessageType == WebSocketMessageType.Close)
            {
                logger.LogInformation("Slack closed the Socket Mode connection ({Status})", socket.CloseStatus?.ToString() ?? "no status");
                return null;
            }

            buffer.Advance(result.Count);
            if (buffer.WrittenCount > MaxMessageBytes)
            {
                throw new WebSocketException(WebSocketError.InvalidMessageType, "A Socket Mode message was larger than any Slack sends.");
            }

            if (result.EndOfMessage)
            {
                if (result.MessageType == WebSocketMessageType.Text)
                {
                    return Encoding.UTF8.GetString(buffer.WrittenSpan);
                }

                buffer.Clear();
            }
        }
    }

    private static async Task CloseAsync(ClientWebSocket socket)
    {
        if (socket.State is not (WebSocketState.Open or WebSocketState.CloseReceived))
        {
            return;
        }

        try
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(2));
            await socket.CloseAsync(WebSocketCloseStatus.NormalClosure, "reconnecting", timeout.Token);
        }
        catch (Exception ex) when (ex is WebSocketException or OperationCanceledException)
        {
            // Gone already: nothing to close.
        }
    }

    private static string Describe(Exception ex) => ex switch
    {
        SlackApiException api => api.Error,
        WebSocketException ws => $"{nameof(WebSocketException)}: {ws.WebSocketErrorCode}",
        _ => ex.GetType().Name,
    };

    /// <summary>One envelope: its id, type, payload JSON, and what Slack said about answering and retrying.</summary>
    private sealed record Envelope(string Id, string? Type, string? Payload, bool AcceptsResponse, string? Retry)
    {
        public static Envelope Read(string id, string? type, JsonElement root)
        {
            var payload = root.TryGetProperty("payload", out var p) && p.ValueKind == JsonValueKind.Object ? p.GetRawText() : null;
            var accepts = root.TryGetProperty("accepts_response_payload", out var a) && a.ValueKind == JsonValueKind.True;
            var retry = root.TryGetProperty("retry_attempt", out var n) && n.ValueKind == JsonValueKind.Number && n.TryGetInt32(out var attempt) && attempt > 0
                ? $"{attempt.ToString(CultureInfo.InvariantCulture)} ({(root.TryGetProperty("retry_reason", out var why) && why.ValueKind == JsonValueKind.String ? why.GetString() : "")})"
                : null;
            return new Envelope(id, type, payload, accepts, retry);
        }

        /// <summary>A slash command's payload: the form fields of its HTTP delivery, as a JSON object.</summary>
        public Dictionary<string, string> Fields()
        {
            var fields = new Dictionary<string, string>(StringComparer.Ordinal);
            if (Payload is null)
            {
                return fields;
            }

            using var document = JsonDocument.Parse(Payload);
            foreach (var property in document.RootElement.EnumerateObject())
            {
                var value = property.Value.ValueKind switch
                {
                    JsonValueKind.String => property.Value.GetString(),
                    JsonValueKind.Number or JsonValueKind.True or JsonValueKind.False => property.Value.GetRawText(),
                    _ => null,
                };
                if (value is not null)
                {
                    fields.TryAdd(property.Name, value);
                }
            }

            return fields;
        }
    }

    /// <summary>A socket with its envelopes under way; sends go one at a time, as a WebSocket requires.</summary>
    private sealed class Connection(ClientWebSocket socket) : IDisposable
    {
        private static readonly TimeSpan SendTimeout = TimeSpan.FromSeconds(5);

        private readonly SemaphoreSlim _send = new(1, 1);
        private readonly List<Task> _underWay = [];
        private readonly Lock _gate = new();

        public void Track(Task task)
        {
            lock (_gate)
            {
                _underWay.RemoveAll(t => t.IsCompleted);
                _underWay.Add(task);
            }
        }

        public async Task SendAsync(byte[] message)
        {
            // Never waits for ever: after a drain timed out the socket may be gone and the lock with it.
            if (!await _send.WaitAsync(SendTimeout))
            {
                throw new TimeoutException("The Socket Mode connection was busy sending for too long.");
            }

            try
            {
                using var timeout = new CancellationTokenSource(SendTimeout);
                await socket.SendAsync(message, WebSocketMessageType.Text, endOfMessage: true, timeout.Token);
            }
            finally
            {
                _send.Release();
            }
        }

        public void Dispose() => _send.Dispose();

        public async Task DrainAsync(TimeSpan timeout)
        {
            Task[] pending;
            lock (_gate)
            {
                pending = [.. _underWay];
            }

            try
            {
                await Task.WhenAll(pending).WaitAsync(timeout);
            }
            catch (TimeoutException)
            {
                // What is still running completes on its own; its acknowledgement finds the socket closed.
            }
        }
    }
}
