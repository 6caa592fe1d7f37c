using System.Net;
using System.Net.Http.Headers;
using System.Text.Json.Nodes;
using BakeryBot.Teams.Connector;
using Microsoft.Extensions.Time.Testing;

namespace BakeryBot.Teams.Tests.Connector;

public sealed class BotConnectorClientTests
{
    private const string Channel = "19:9a1e0c4b2f@thread.tacv2";
    private const string ThreadConversation = Channel + ";messageid=1767225600123";

    private static readonly DateTimeOffset Now = DateTimeOffset.FromUnixTimeSeconds(1767225600);

    private static JsonObject Activity() => new() { ["type"] = "message", ["text"] = "INC-42 declared ☕" };

    private static BotConnectorClient Client(FakeConnectorHandler handler, FakeTokenSource? tokens = null) =>
        new(new HttpClient(handler), tokens ?? new FakeTokenSource(), new FakeTimeProvider(Now));

    [Fact]
    public async Task Send_posts_to_the_escaped_conversation_with_the_bearer_token()
    {
        var handler = FakeConnectorHandler.Answer(HttpStatusCode.Created, """{"id":"1767225600456"}""");
        var activity = Activity();

        var id = await Client(handler).SendToConversationAsync("http://127.0.0.1:5005/emea", ThreadConversation, activity, CancellationToken.None);

        Assert.Equal("1767225600456", id);
        var request = Assert.Single(handler.Requests);
        Assert.Equal(HttpMethod.Post, request.Method);
        // The serviceUrl keeps its own path; ':', '@', ';' and '=' of the conversation id are escaped.
        Assert.Equal("http://127.0.0.1:5005/emea/v3/conversations/19%3A9a1e0c4b2f%40thread.tacv2%3Bmessageid%3D1767225600123/activities", request.Uri.AbsoluteUri);
        Assert.Equal("Bearer token-1", request.Authorization);
        Assert.Equal("application/json; charset=utf-8", request.ContentType);
        var body = JsonNode.Parse(request.Body!)!;
        Assert.Equal("message", body["type"]!.GetValue<string>());
        Assert.Equal("INC-42 declared ☕", body["text"]!.GetValue<string>());
        Assert.Contains("☕", request.Body, StringComparison.Ordinal);
        Assert.Null(activity["replyToId"]);
    }

    [Fact]
    public async Task Reply_posts_to_the_escaped_activity_and_sets_replyToId()
    {
        var handler = FakeConnectorHandler.Answer(HttpStatusCode.OK, """{"id":"1:reply"}""");
        var activity = Activity();

        var id = await Client(handler).ReplyToActivityAsync(FakeConnectorHandler.ServiceUrl, Channel, "1:root;x", activity, CancellationToken.None);

        Assert.Equal("1:reply", id);
        Assert.Equal(FakeConnectorHandler.ServiceUrl + "v3/conversations/19%3A9a1e0c4b2f%40thread.tacv2/activities/1%3Aroot%3Bx", handler.Last.Uri.AbsoluteUri);
        Assert.Equal("1:root;x", JsonNode.Parse(handler.Last.Body!)!["replyToId"]!.GetValue<string>());
        Assert.Null(activity["replyToId"]); // the caller's activity is left as it was
    }

    [Fact]
    public async Task Update_puts_the_whole_activity_with_its_id_and_a_type()
    {
        var handler = FakeConnectorHandler.Answer(HttpStatusCode.OK, """{"id":"1767225600456"}""");

        await Client(handler).UpdateActivityAsync(FakeConnectorHandler.ServiceUrl, Channel, "1767225600456", new JsonObject { ["text"] = "acknowledged" }, CancellationToken.None);

        Assert.Equal(HttpMethod.Put, handler.Last.Method);
        Assert.Equal(FakeConnectorHandler.ServiceUrl + "v3/conversations/19%3A9a1e0c4b2f%40thread.tacv2/activities/1767225600456", handler.Last.Uri.AbsoluteUri);
        var body = JsonNode.Parse(handler.Last.Body!)!;
        Assert.Equal("1767225600456", body["id"]!.GetValue<string>());
        Assert.Equal("message", body["type"]!.GetValue<string>());
        Assert.Equal("acknowledged", body["text"]!.GetValue<string>());
    }

    [Fact]
    public async Task Create_channel_conversation_builds_the_proactive_body()
    {
        var handler = FakeConnectorHandler.Answer(HttpStatusCode.Created, $$"""{"id":"{{ThreadConversation}}","activityId":"1767225600123"}""");

        var (conversation, activityId) = await Client(handler).CreateChannelConversationAsync(
            FakeConnectorHandler.ServiceUrl, "tenant-guid", Channel, Activity(), CancellationToken.None);

        Assert.Equal(ThreadConversation, conversation);
        Assert.Equal("1767225600123", activityId);
        Assert.Equal(FakeConnectorHandler.ServiceUrl + "v3/conversations", handler.Last.Uri.AbsoluteUri);
        var body = JsonNode.Parse(handler.Last.Body!)!;
        Assert.True(body["isGroup"]!.GetValue<bool>());
        Assert.Equal(Channel, body["channelData"]!["channel"]!["id"]!.GetValue<string>());
        Assert.Equal("tenant-guid", body["channelData"]!["tenant"]!["id"]!.GetValue<string>());
        Assert.Equal("tenant-guid", body["tenantId"]!.GetValue<string>());
        Assert.Equal("INC-42 declared ☕", body["activity"]!["text"]!.GetValue<string>());
    }

    [Fact]
    public async Task A_refused_token_is_invalidated_and_the_call_made_once_more()
    {
        var handler = new FakeConnectorHandler((n, _) => FakeConnectorHandler.Response(n == 1 ? HttpStatusCode.Unauthorized : HttpStatusCode.OK, """{"id":"a1"}"""));
        var tokens = new FakeTokenSource();

        var id = await Client(handler, tokens).SendToConversationAsync(FakeConnectorHandler.ServiceUrl, Channel, Activity(), CancellationToken.None);

        Assert.Equal("a1", id);
        Assert.Equal(1, tokens.Invalidated);
        Assert.Equal(["Bearer token-1", "Bearer token-2"], handler.Requests.Select(r => r.Authorization));
        Assert.Equal(handler.Requests[0].Body, handler.Requests[1].Body);
    }

    [Fact]
    public async Task A_second_401_is_not_retried_and_names_no_token()
    {
        var handler = FakeConnectorHandler.Answer(HttpStatusCode.Unauthorized, """{"error":{"code":"Unauthorized","message":"token-2 rejected"}}""");
        var tokens = new FakeTokenSource();

        var e = await Assert.ThrowsAsync<BotConnectorException>(() => Client(handler, tokens).SendToConversationAsync(FakeConnectorHandler.ServiceUrl, Channel, Activity(), CancellationToken.None));

        Assert.Equal(HttpStatusCode.Unauthorized, e.StatusCode);
        Assert.Equal(2, handler.Requests.Count);
        Assert.Equal(1, tokens.Invalidated);
        Assert.DoesNotContain("token", e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("7", 7)]
    [InlineData(null, 1)]
    [InlineData("0", 1)]
    public async Task Rate_limited_carries_retry_after_seconds(string? header, int seconds)
    {
        var handler = FakeConnectorHandler.Answer(HttpStatusCode.TooManyRequests, "", r =>
        {
            if (header is not null)
            {
                r.Headers.TryAddWithoutValidation("Retry-After", header);
            }
        });

        var e = await Assert.ThrowsAsync<BotConnectorRateLimitedException>(() => Client(handler).SendToConversationAsync(FakeConnectorHandler.ServiceUrl, Channel, Activity(), CancellationToken.None));

        Assert.Equal(TimeSpan.FromSeconds(seconds), e.RetryAfter);
        Assert.Single(handler.Requests);
    }

    [Fact]
    public async Task Rate_limited_reads_an_http_date()
    {
        var handler = FakeConnectorHandler.Answer(HttpStatusCode.TooManyRequests, "", r => r.Headers.RetryAfter = new RetryConditionHeaderValue(Now.AddSeconds(30)));

        var e = await Assert.ThrowsAsync<BotConnectorRateLimitedException>(() => Client(handler).SendToConversationAsync(FakeConnectorHandler.ServiceUrl, Channel, Activity(), CancellationToken.None));

        Assert.Equal(TimeSpan.FromSeconds(30), e.RetryAfter);
    }

    [Theory]
    [InlineData(HttpStatusCode.PreconditionFailed)]
    [InlineData(HttpStatusCode.InternalServerError)]
    [InlineData(HttpStatusCode.BadGateway)]
    [InlineData(HttpStatusCode.ServiceUnavailable)]
    [InlineData(HttpStatusCode.GatewayTimeout)]
    public async Task Retryable_statuses_are_transient(HttpStatusCode status)
    {
        var handler = FakeConnectorHandler.Answer(status, "<html>bad gateway</html>");

        var e = await Assert.ThrowsAsync<BotConnectorTransientException>(() => Client(handler).SendToConversationAsync(FakeConnectorHandler.ServiceUrl, Channel, Activity(), CancellationToken.None));

        Assert.Equal(status, e.StatusCode);
    }

    [Theory]
    [InlineData(HttpStatusCode.RequestEntityTooLarge, """{"error":{"code":"MessageSizeTooBig","message":"Message size too big"}}""", "MessageSizeTooBig")]
    [InlineData(HttpStatusCode.NotFound, """{"error":{"code":"ConversationNotFound","message":"Conversation not found."}}""", "ConversationNotFound")]
    [InlineData(HttpStatusCode.Forbidden, "", "http_403")]
    [InlineData(HttpStatusCode.BadRequest, """{"error":{"code":"bad code with spaces"}}""", "http_400")]
    public async Task Other_statuses_carry_the_connector_error_code(HttpStatusCode status, string body, string code)
    {
        var handler = FakeConnectorHandler.Answer(status, body);

        var e = await Assert.ThrowsAsync<BotConnectorException>(() => Client(handler).SendToConversationAsync(FakeConnectorHandler.ServiceUrl, Channel, Activity(), CancellationToken.None));

        Assert.Equal(typeof(BotConnectorException), e.GetType());
        Assert.Equal(status, e.StatusCode);
        Assert.Equal(code, e.ErrorCode);
    }

    [Theory]
    [InlineData("http://smba.trafficmanager.net/emea/")]
    [InlineData("ftp://127.0.0.1/")]
    [InlineData("https://user:secret@smba.trafficmanager.net/emea/")]
    [InlineData("smba.trafficmanager.net/emea/")]
    [InlineData("")]
    public async Task Refuses_service_urls_that_are_not_https(string serviceUrl)
    {
        var handler = FakeConnectorHandler.Answer(HttpStatusCode.OK, """{"id":"x"}""");

        await Assert.ThrowsAsync<ArgumentException>(() => Client(handler).SendToConversationAsync(serviceUrl, Channel, Activity(), CancellationToken.None));

        Assert.Empty(handler.Requests);
    }

    [Fact]
    public async Task Accepts_https_and_adds_the_trailing_slash()
    {
        var handler = FakeConnectorHandler.Answer(HttpStatusCode.OK, "");

        var id = await Client(handler).SendToConversationAsync("https://smba.trafficmanager.net/amer/tenant-guid", Channel, Activity(), CancellationToken.None);

        Assert.Equal("", id); // delivered, but the answer had no id
        Assert.Equal("https://smba.trafficmanager.net/amer/tenant-guid/v3/conversations/19%3A9a1e0c4b2f%40thread.tacv2/activities", handler.Last.Uri.AbsoluteUri);
    }

    [Fact]
    public async Task A_failing_token_source_sends_nothing()
    {
        var handler = FakeConnectorHandler.Answer(HttpStatusCode.OK, """{"id":"x"}""");
        var tokens = new FakeTokenSource(new HttpRequestException("AADSTS7000215: Invalid client secret"));

        var e = await Assert.ThrowsAsync<BotConnectorTokenException>(() => Client(handler, tokens).SendToConversationAsync(FakeConnectorHandler.ServiceUrl, Channel, Activity(), CancellationToken.None));

        Assert.IsType<HttpRequestException>(e.InnerException);
        Assert.DoesNotContain("AADSTS", e.Message, StringComparison.Ordinal);
        Assert.Empty(handler.Requests);
    }
}
