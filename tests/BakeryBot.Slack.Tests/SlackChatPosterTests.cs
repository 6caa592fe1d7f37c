using System.Net;
using System.Text.Json.Nodes;
using BakeryBot.Core.Chat;
using BakeryBot.Core.Data.Outbox;

namespace BakeryBot.Slack.Tests;

public sealed class SlackChatPosterTests
{
    private static readonly DateTimeOffset FirstAttempt = DateTimeOffset.FromUnixTimeSeconds(1767225600);

    private static readonly Card Card = new("INC-42 Oven 2 burns cookies", CardAccent.Critical, [new TextSection("Burnt & smoking")], [new CardButton("Acknowledge", "incident.ack", "INC-42", ButtonStyle.Primary)]);

    private static OutboundMessage Message(OutboxKind kind = OutboxKind.Post, string? threadId = null, string? userId = null, string? messageId = null) =>
        new(42, "T0CHOPS01", kind, "C0INC2041", threadId, userId, messageId, "INC-42 declared <@U1> & co", Card, FirstAttempt);

    private static SlackChatPoster Poster(FakeSlackHandler handler) => new(handler.Create().Client);

    [Fact]
    public void Describes_slack()
    {
        var poster = Poster(FakeSlackHandler.Json("{}"));

        Assert.Equal("slack", poster.Platform);
        Assert.Equal(TimeSpan.FromSeconds(1), poster.ChannelInterval);
    }

    [Fact]
    public async Task Post_sends_the_card_with_the_outbox_marker()
    {
        var handler = FakeSlackHandler.Json("""{"ok":true,"channel":"C0INC2041","ts":"1767225600.001200"}""");

        var outcome = await Poster(handler).SendAsync(Message(threadId: "1767225000.000100"), CancellationToken.None);

        Assert.Equal(new PostOutcome.Sent("1767225600.001200"), outcome);
        var request = handler.Last;
        Assert.EndsWith("/chat.postMessage", request.Uri.AbsolutePath, StringComparison.Ordinal);
        Assert.Equal("Bearer " + FakeSlackHandler.Token, request.Authorization);
        var body = JsonNode.Parse(request.Body!)!;
        Assert.Equal("C0INC2041", body["channel"]!.GetValue<string>());
        Assert.Equal("INC-42 declared <@U1> &amp; co", body["text"]!.GetValue<string>());
        Assert.Equal("1767225000.000100", body["thread_ts"]!.GetValue<string>());
        Assert.Equal("#B71C1C", body["attachments"]![0]!["color"]!.GetValue<string>());
        Assert.Equal("header", body["attachments"]![0]!["blocks"]![0]!["type"]!.GetValue<string>());
        Assert.Equal("bakerybot_outbox", body["metadata"]!["event_type"]!.GetValue<string>());
        Assert.Equal("42", body["metadata"]!["event_payload"]!["outbox_id"]!.GetValue<string>());
    }

    [Fact]
    public async Task Update_uses_the_message_id()
    {
        var handler = FakeSlackHandler.Json("""{"ok":true,"channel":"C0INC2041","ts":"1767225600.001200"}""");

        var outcome = await Poster(handler).SendAsync(Message(OutboxKind.Update, messageId: "1767225600.001200"), CancellationToken.None);

        Assert.Equal(new PostOutcome.Sent("1767225600.001200"), outcome);
        Assert.EndsWith("/chat.update", handler.Last.Uri.AbsolutePath, StringComparison.Ordinal);
        Assert.Equal("1767225600.001200", JsonNode.Parse(handler.Last.Body!)!["ts"]!.GetValue<string>());
    }

    [Fact]
    public async Task Private_is_ephemeral_to_the_user()
    {
        var handler = FakeSlackHandler.Json("""{"ok":true,"message_ts":"1767225601.000200"}""");

        var outcome = await Poster(handler).SendAsync(Message(OutboxKind.Private, userId: "U0ONCALL01"), CancellationToken.None);

        Assert.Equal(new PostOutcome.Sent("1767225601.000200"), outcome);
        Assert.EndsWith("/chat.postEphemeral", handler.Last.Uri.AbsolutePath, StringComparison.Ordinal);
        Assert.Equal("U0ONCALL01", JsonNode.Parse(handler.Last.Body!)!["user"]!.GetValue<string>());
    }

    [Fact]
    public async Task Update_without_message_id_and_private_without_user_are_permanent()
    {
        var handler = FakeSlackHandler.Json("""{"ok":true}""");
        var poster = Poster(handler);

        Assert.IsType<PostOutcome.Permanent>(await poster.SendAsync(Message(OutboxKind.Update), CancellationToken.None));
        Assert.IsType<PostOutcome.Permanent>(await poster.SendAsync(Message(OutboxKind.Private), CancellationToken.None));
        Assert.Empty(handler.Requests);
    }

    [Fact]
    public async Task Rate_limit_is_retry_after()
    {
        var handler = new FakeSlackHandler((_, _) =>
        {
            var response = FakeSlackHandler.Response("""{"ok":false,"error":"ratelimited"}""", HttpStatusCode.TooManyRequests);
            response.Headers.Add("Retry-After", "7");
            return Task.FromResult(response);
        });

        var outcome = await Poster(handler).SendAsync(Message(), CancellationToken.None);

        Assert.Equal(new PostOutcome.RetryAfter(TimeSpan.FromSeconds(7)), outcome);
    }

    [Theory]
    [InlineData(HttpStatusCode.InternalServerError)]
    [InlineData(HttpStatusCode.ServiceUnavailable)]
    public async Task Server_error_is_transient_and_maybe_delivered(HttpStatusCode status)
    {
        var outcome = await Poster(FakeSlackHandler.Json("", status)).SendAsync(Message(), CancellationToken.None);

        var transient = Assert.IsType<PostOutcome.Transient>(outcome);
        Assert.True(transient.MaybeDelivered);
    }

    [Theory]
    [InlineData("channel_not_found")]
    [InlineData("not_in_channel")]
    [InlineData("is_archived")]
    [InlineData("invalid_auth")]
    [InlineData("token_revoked")]
    [InlineData("msg_too_long")]
    [InlineData("invalid_blocks")]
    [InlineData("no_text")]
    public async Task Refusals_are_permanent(string error)
    {
        var outcome = await Poster(FakeSlackHandler.Json($$"""{"ok":false,"error":"{{error}}"}""")).SendAsync(Message(), CancellationToken.None);

        Assert.Equal(new PostOutcome.Permanent(error), outcome);
    }

    [Fact]
    public async Task Other_refusals_are_transient_and_not_delivered()
    {
        var outcome = await Poster(FakeSlackHandler.Json("""{"ok":false,"error":"internal_error"}""")).SendAsync(Message(), CancellationToken.None);

        Assert.Equal(new PostOutcome.Transient("internal_error", MaybeDelivered: false), outcome);
    }

    [Fact]
    public async Task Timeout_is_transient_and_maybe_delivered()
    {
        var handler = new FakeSlackHandler(async (_, ct) =>
        {
            await Task.Delay(TimeSpan.FromSeconds(30), ct);
            return FakeSlackHandler.Response("{}");
        });
        var (http, client) = handler.Create();
        http.Timeout = TimeSpan.FromMilliseconds(100);

        var outcome = await new SlackChatPoster(client).SendAsync(Message(), CancellationToken.None);

        Assert.Equal(new PostOutcome.Transient("timeout", MaybeDelivered: true), outcome);
    }

    [Fact]
    public async Task Callers_cancellation_is_not_an_outcome()
    {
        using var cts = new CancellationTokenSource();
        var handler = new FakeSlackHandler(async (_, ct) =>
        {
            await cts.CancelAsync();
            ct.ThrowIfCancellationRequested();
            return FakeSlackHandler.Response("{}");
        });

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => Poster(handler).SendAsync(Message(), cts.Token));
    }

    [Theory]
    [InlineData(HttpRequestError.ConnectionError, false)]
    [InlineData(HttpRequestError.NameResolutionError, false)]
    [InlineData(HttpRequestError.ResponseEnded, true)]
    [InlineData(HttpRequestError.Unknown, true)]
    public async Task Transport_failure_is_transient(HttpRequestError error, bool maybeDelivered)
    {
        var handler = new FakeSlackHandler((_, _) => throw new HttpRequestException(error, "boom"));

        var outcome = await Poster(handler).SendAsync(Message(), CancellationToken.None);

        var transient = Assert.IsType<PostOutcome.Transient>(outcome);
        Assert.Equal(maybeDelivered, transient.MaybeDelivered);
    }

    [Fact]
    public async Task Dropped_connection_is_transient_and_maybe_delivered()
    {
        var handler = new FakeSlackHandler((_, _) => throw new IOException("reset"));

        var outcome = await Poster(handler).SendAsync(Message(), CancellationToken.None);

        Assert.Equal(new PostOutcome.Transient("connection dropped", MaybeDelivered: true), outcome);
    }

    [Fact]
    public async Task Find_delivered_finds_the_marker_in_history()
    {
        var handler = FakeSlackHandler.Json("""
            {"ok":true,"messages":[
              {"type":"message","ts":"1767225603.000300","text":"other","metadata":{"event_type":"bakerybot_outbox","event_payload":{"outbox_id":"41"}}},
              {"type":"message","ts":"1767225602.000200","text":"someone else","metadata":{"event_type":"other_app","event_payload":{"outbox_id":"42"}}},
              {"type":"message","ts":"1767225601.000100","text":"INC-42","metadata":{"event_type":"bakerybot_outbox","event_payload":{"outbox_id":"42"}}}
            ]}
            """);

        var ts = await Poster(handler).FindDeliveredAsync(Message(), CancellationToken.None);

        Assert.Equal("1767225601.000100", ts);
        Assert.EndsWith("/conversations.history", handler.Last.Uri.AbsolutePath, StringComparison.Ordinal);
        Assert.Contains("oldest=1767225590.000000", handler.Last.Uri.Query, StringComparison.Ordinal);
        Assert.Contains("include_all_metadata=true", handler.Last.Uri.Query, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Find_delivered_in_a_thread_reads_the_replies()
    {
        var handler = FakeSlackHandler.Json("""{"ok":true,"messages":[{"ts":"1767225000.000100","text":"parent"}]}""");

        var ts = await Poster(handler).FindDeliveredAsync(Message(threadId: "1767225000.000100"), CancellationToken.None);

        Assert.Null(ts);
        Assert.EndsWith("/conversations.replies", handler.Last.Uri.AbsolutePath, StringComparison.Ordinal);
        Assert.Contains("ts=1767225000.000100", handler.Last.Uri.Query, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Find_delivered_is_only_for_posts()
    {
        var handler = FakeSlackHandler.Json("""{"ok":true,"messages":[]}""");
        var poster = Poster(handler);

        Assert.Null(await poster.FindDeliveredAsync(Message(OutboxKind.Update, messageId: "1.2"), CancellationToken.None));
        Assert.Null(await poster.FindDeliveredAsync(Message(OutboxKind.Private, userId: "U1"), CancellationToken.None));
        Assert.Empty(handler.Requests);
    }

    [Fact]
    public async Task Find_delivered_does_not_answer_not_there_when_it_could_not_look()
    {
        var handler = FakeSlackHandler.Json("""{"ok":false,"error":"ratelimited"}""", HttpStatusCode.TooManyRequests);

        await Assert.ThrowsAsync<SlackRateLimitedException>(() => Poster(handler).FindDeliveredAsync(Message(), CancellationToken.None));
    }

    [Theory]
    [InlineData(0, "0.000000")]
    [InlineData(1767225600_123456, "1767225600.123456")]
    [InlineData(1_000_001, "1.000001")]
    public void Slack_ts_has_six_digits_of_microseconds(long micros, string expected)
    {
        var time = DateTimeOffset.UnixEpoch.AddTicks(micros * TimeSpan.TicksPerMicrosecond);

        Assert.Equal(expected, SlackChatPoster.ToSlackTs(time));
    }
}
