using System.Net;
using System.Net.Sockets;
using System.Text.Json.Nodes;
using BakeryBot.Core.Chat;
using BakeryBot.Core.Data.Outbox;
using BakeryBot.Teams.Connector;

namespace BakeryBot.Teams.Tests.Connector;

public sealed class TeamsChatPosterTests
{
    private const string Tenant = "6f1c2a3b-tenant";
    private const string Channel = "19:9a1e0c4b2f@thread.tacv2";

    private static readonly DateTimeOffset FirstAttempt = DateTimeOffset.FromUnixTimeSeconds(1767225600);

    private static readonly Card Card = new("INC-42 Oven 2 burns cookies", CardAccent.Critical, [new TextSection("Burnt & smoking")], [new CardButton("Acknowledge", "incident.ack", "INC-42", ButtonStyle.Primary)]);

    private static OutboundMessage Message(OutboxKind kind = OutboxKind.Post, string channel = Channel, string? threadId = null, string? messageId = null) =>
        new(42, Tenant, kind, channel, threadId, null, messageId, "INC-42 declared", Card, FirstAttempt);

    /// <summary>Stands in for the Adaptive Card renderer: the text, and the card's title to show the card arrived.</summary>
    private static JsonObject Render(string text, Card? card) =>
        new() { ["type"] = "message", ["text"] = text, ["summary"] = card?.Title };

    private static TeamsChatPoster Poster(FakeConnectorHandler handler, FakeTokenSource? tokens = null, string serviceUrl = FakeConnectorHandler.ServiceUrl) =>
        new(new BotConnectorClient(new HttpClient(handler), tokens ?? new FakeTokenSource()), new FakeDirectory((Tenant, Channel, serviceUrl)), Render);

    private static FakeConnectorHandler Throws(Exception e) => new((_, _) => throw e);

    [Fact]
    public void Describes_teams()
    {
        var poster = Poster(FakeConnectorHandler.Answer(HttpStatusCode.OK));

        Assert.Equal("teams", poster.Platform);
        // Bot Framework: 7 sends per second per thread; the eighth must fall after the first second.
        Assert.Equal(TimeSpan.FromMilliseconds(143), poster.ChannelInterval);
        Assert.True(poster.ChannelInterval * 7 > TimeSpan.FromSeconds(1));
    }

    [Fact]
    public async Task Post_without_thread_sends_to_the_conversation()
    {
        var handler = FakeConnectorHandler.Answer(HttpStatusCode.Created, """{"id":"1767225600456"}""");

        var outcome = await Poster(handler).SendAsync(Message(), CancellationToken.None);

        Assert.Equal(new PostOutcome.Sent("1767225600456"), outcome);
        Assert.Equal(HttpMethod.Post, handler.Last.Method);
        Assert.Equal(FakeConnectorHandler.ServiceUrl + "v3/conversations/19%3A9a1e0c4b2f%40thread.tacv2/activities", handler.Last.Uri.AbsoluteUri);
        Assert.Equal("Bearer token-1", handler.Last.Authorization);
        var body = JsonNode.Parse(handler.Last.Body!)!;
        Assert.Equal("INC-42 declared", body["text"]!.GetValue<string>());
        Assert.Equal(Card.Title, body["summary"]!.GetValue<string>());
    }

    [Fact]
    public async Task Post_in_a_thread_replies_to_the_root()
    {
        var handler = FakeConnectorHandler.Answer(HttpStatusCode.Created, """{"id":"1767225600789"}""");

        var outcome = await Poster(handler).SendAsync(Message(threadId: "1767225600456"), CancellationToken.None);

        Assert.Equal(new PostOutcome.Sent("1767225600789"), outcome);
        Assert.Equal(FakeConnectorHandler.ServiceUrl + "v3/conversations/19%3A9a1e0c4b2f%40thread.tacv2/activities/1767225600456", handler.Last.Uri.AbsoluteUri);
        Assert.Equal("1767225600456", JsonNode.Parse(handler.Last.Body!)!["replyToId"]!.GetValue<string>());
    }

    [Fact]
    public async Task Update_puts_the_new_rendering_in_place()
    {
        var handler = FakeConnectorHandler.Answer(HttpStatusCode.OK, """{"id":"1767225600456"}""");

        var outcome = await Poster(handler).SendAsync(Message(OutboxKind.Update, messageId: "1767225600456"), CancellationToken.None);

        Assert.Equal(new PostOutcome.Sent("1767225600456"), outcome);
        Assert.Equal(HttpMethod.Put, handler.Last.Method);
        Assert.EndsWith("/activities/1767225600456", handler.Last.Uri.AbsoluteUri, StringComparison.Ordinal);
        Assert.Equal("1767225600456", JsonNode.Parse(handler.Last.Body!)!["id"]!.GetValue<string>());
    }

    [Fact]
    public async Task Rows_teams_cannot_take_are_refused_without_a_call()
    {
        var handler = FakeConnectorHandler.Answer(HttpStatusCode.OK);
        var poster = Poster(handler);

        Assert.IsType<PostOutcome.Permanent>(await poster.SendAsync(Message(OutboxKind.Private), CancellationToken.None));
        Assert.IsType<PostOutcome.Permanent>(await poster.SendAsync(Message(OutboxKind.Update), CancellationToken.None));
        var unknown = await poster.SendAsync(Message(channel: "19:unknown@thread.tacv2"), CancellationToken.None);
        Assert.Equal(new PostOutcome.Permanent("no service URL known for this conversation; the bot must be added to it first"), unknown);
        Assert.Empty(handler.Requests);
    }

    [Fact]
    public async Task A_plain_http_service_url_is_refused()
    {
        var handler = FakeConnectorHandler.Answer(HttpStatusCode.OK);

        var outcome = await Poster(handler, serviceUrl: "http://smba.trafficmanager.net/emea/").SendAsync(Message(), CancellationToken.None);

        Assert.IsType<PostOutcome.Permanent>(outcome);
        Assert.Empty(handler.Requests);
    }

    [Fact]
    public async Task Rate_limited_waits_retry_after()
    {
        var handler = FakeConnectorHandler.Answer(HttpStatusCode.TooManyRequests, "", r => r.Headers.TryAddWithoutValidation("Retry-After", "7"));

        var outcome = await Poster(handler).SendAsync(Message(), CancellationToken.None);

        Assert.Equal(new PostOutcome.RetryAfter(TimeSpan.FromSeconds(7)), outcome);
    }

    [Theory]
    [InlineData(HttpStatusCode.PreconditionFailed)]
    [InlineData(HttpStatusCode.InternalServerError)]
    [InlineData(HttpStatusCode.BadGateway)]
    [InlineData(HttpStatusCode.GatewayTimeout)]
    public async Task Retryable_statuses_are_transient_and_maybe_delivered_for_a_post(HttpStatusCode status)
    {
        var handler = FakeConnectorHandler.Answer(status);
        var poster = Poster(handler);

        var post = await poster.SendAsync(Message(), CancellationToken.None);
        var update = await poster.SendAsync(Message(OutboxKind.Update, messageId: "1767225600456"), CancellationToken.None);

        var code = "http_" + (int)status;
        Assert.Equal(new PostOutcome.Transient(code, MaybeDelivered: true), post);
        // An update is idempotent: sending it again is harmless, so there is nothing to look for.
        Assert.Equal(new PostOutcome.Transient(code, MaybeDelivered: false), update);
    }

    [Theory]
    [InlineData(HttpStatusCode.NotFound, """{"error":{"code":"ConversationNotFound","message":"Conversation not found."}}""", "ConversationNotFound")]
    [InlineData(HttpStatusCode.NotFound, "", "http_404")]
    [InlineData(HttpStatusCode.RequestEntityTooLarge, """{"error":{"code":"MessageSizeTooBig","message":"Message size too big"}}""", "MessageSizeTooBig")]
    [InlineData(HttpStatusCode.Forbidden, """{"error":{"code":"BotNotInConversationRoster"}}""", "BotNotInConversationRoster")]
    public async Task Refusals_are_permanent(HttpStatusCode status, string body, string code)
    {
        var outcome = await Poster(FakeConnectorHandler.Answer(status, body)).SendAsync(Message(), CancellationToken.None);

        Assert.Equal(new PostOutcome.Permanent(code), outcome);
    }

    [Fact]
    public async Task A_timeout_is_transient_and_maybe_delivered()
    {
        var handler = Throws(new TaskCanceledException("The request was canceled due to the configured HttpClient.Timeout", new TimeoutException()));

        var outcome = await Poster(handler).SendAsync(Message(), CancellationToken.None);

        Assert.Equal(new PostOutcome.Transient("timeout", MaybeDelivered: true), outcome);
    }

    [Fact]
    public async Task The_callers_cancellation_propagates()
    {
        using var cts = new CancellationTokenSource();
        var handler = new FakeConnectorHandler((_, _) =>
        {
            cts.Cancel();
            throw new TaskCanceledException();
        });

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => Poster(handler).SendAsync(Message(), cts.Token));
    }

    [Theory]
    [InlineData(HttpRequestError.ConnectionError, false)]
    [InlineData(HttpRequestError.NameResolutionError, false)]
    [InlineData(HttpRequestError.ResponseEnded, true)]
    public async Task Connection_failures_are_transient(HttpRequestError error, bool maybeDelivered)
    {
        var handler = Throws(new HttpRequestException(error, "connection failed", new SocketException()));

        var outcome = await Poster(handler).SendAsync(Message(), CancellationToken.None);

        Assert.Equal(new PostOutcome.Transient($"connection failed ({error})", maybeDelivered), outcome);
    }

    [Fact]
    public async Task A_dropped_connection_is_maybe_delivered()
    {
        var outcome = await Poster(Throws(new IOException("reset"))).SendAsync(Message(), CancellationToken.None);

        Assert.Equal(new PostOutcome.Transient("connection dropped", MaybeDelivered: true), outcome);
    }

    [Fact]
    public async Task No_token_is_transient_and_not_delivered()
    {
        var handler = FakeConnectorHandler.Answer(HttpStatusCode.OK);

        var outcome = await Poster(handler, new FakeTokenSource(new InvalidOperationException("secret expired"))).SendAsync(Message(), CancellationToken.None);

        Assert.Equal(new PostOutcome.Transient("no Bot Connector token (InvalidOperationException)", MaybeDelivered: false), outcome);
        Assert.Empty(handler.Requests);
    }

    [Fact]
    public async Task A_refused_token_is_renewed_once()
    {
        var handler = new FakeConnectorHandler((n, _) => FakeConnectorHandler.Response(n == 1 ? HttpStatusCode.Unauthorized : HttpStatusCode.Created, """{"id":"a1"}"""));
        var tokens = new FakeTokenSource();

        var outcome = await Poster(handler, tokens).SendAsync(Message(), CancellationToken.None);

        Assert.Equal(new PostOutcome.Sent("a1"), outcome);
        Assert.Equal(1, tokens.Invalidated);
        Assert.Equal("Bearer token-2", handler.Last.Authorization);
    }

    [Fact]
    public async Task Cannot_look_for_a_delivered_post()
    {
        var handler = FakeConnectorHandler.Answer(HttpStatusCode.OK);

        Assert.Null(await Poster(handler).FindDeliveredAsync(Message(), CancellationToken.None));
        Assert.Empty(handler.Requests);
    }
}
