using System.Net;
using System.Text.Json.Nodes;

namespace BakeryBot.Slack.Tests;

public sealed class SlackWebApiClientTests
{
    private const string Ok = """{"ok":true,"channel":"C0INC2041","ts":"1767225600.001200"}""";

    [Fact]
    public async Task Post_message_sends_json_with_the_bearer_token()
    {
        var handler = FakeSlackHandler.Json(Ok);
        var (_, client) = handler.Create();
        var metadata = new SlackMessageMetadata("bakerybot_outbox", new Dictionary<string, string> { ["outbox_id"] = "42" });

        var result = await client.PostMessageAsync("C0INC2041", "INC-42 declared", """[{"color":"#E53935","blocks":[]}]""", "1767225000.000100", metadata);

        Assert.Equal(new SlackPostResult("C0INC2041", "1767225600.001200"), result);
        var request = handler.Last;
        Assert.Equal(HttpMethod.Post, request.Method);
        Assert.Equal("https://slack.test/api/chat.postMessage", request.Uri.ToString());
        Assert.Equal("Bearer " + FakeSlackHandler.Token, request.Authorization);
        Assert.Equal("application/json; charset=utf-8", request.ContentType);
        var body = JsonNode.Parse(request.Body!)!;
        Assert.Equal("C0INC2041", body["channel"]!.GetValue<string>());
        Assert.Equal("INC-42 declared", body["text"]!.GetValue<string>());
        Assert.Equal("#E53935", body["attachments"]![0]!["color"]!.GetValue<string>());
        Assert.Equal("1767225000.000100", body["thread_ts"]!.GetValue<string>());
        Assert.Equal("bakerybot_outbox", body["metadata"]!["event_type"]!.GetValue<string>());
        Assert.Equal("42", body["metadata"]!["event_payload"]!["outbox_id"]!.GetValue<string>());
        Assert.DoesNotContain(FakeSlackHandler.Token, request.Body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Base_address_without_trailing_slash_keeps_its_path()
    {
        var handler = FakeSlackHandler.Json(Ok);
        var (_, client) = handler.Create("https://slack.test/api");

        await client.PostMessageAsync("C1", "x");

        Assert.Equal("https://slack.test/api/chat.postMessage", handler.Last.Uri.ToString());
        Assert.Null(JsonNode.Parse(handler.Last.Body!)!["thread_ts"]);
    }

    [Theory]
    [InlineData("7", 7)]
    [InlineData(null, 1)]
    public async Task Http_429_is_rate_limited_for_retry_after_seconds(string? retryAfter, int seconds)
    {
        var handler = new FakeSlackHandler((_, _) =>
        {
            var response = FakeSlackHandler.Response("""{"ok":false,"error":"ratelimited"}""", HttpStatusCode.TooManyRequests);
            if (retryAfter is not null)
            {
                response.Headers.Add("Retry-After", retryAfter);
            }

            return Task.FromResult(response);
        });
        var (_, client) = handler.Create();

        var e = await Assert.ThrowsAsync<SlackRateLimitedException>(() => client.PostMessageAsync("C1", "x"));

        Assert.Equal(TimeSpan.FromSeconds(seconds), e.RetryAfter);
        Assert.Equal("ratelimited", e.Error);
    }

    [Fact]
    public async Task Http_5xx_is_a_server_error()
    {
        var (_, client) = FakeSlackHandler.Json("oops", HttpStatusCode.BadGateway).Create();

        var e = await Assert.ThrowsAsync<SlackServerException>(() => client.UpdateAsync("C1", "1.2", "x", null));

        Assert.Equal(HttpStatusCode.BadGateway, e.StatusCode);
        Assert.Equal("http_502", e.Error);
    }

    [Fact]
    public async Task Not_ok_carries_slacks_error_without_the_token()
    {
        var (_, client) = FakeSlackHandler.Json("""{"ok":false,"error":"channel_not_found"}""").Create();

        var e = await Assert.ThrowsAsync<SlackApiException>(() => client.PostEphemeralAsync("C1", "U1", "x", null));

        Assert.Equal("channel_not_found", e.Error);
        Assert.Equal("chat.postEphemeral", e.Method);
        Assert.DoesNotContain(FakeSlackHandler.Token, e.ToString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("not json")]
    [InlineData("[]")]
    [InlineData("""{"ok":true}""")]
    public async Task Unreadable_answer_is_an_invalid_response(string body)
    {
        var (_, client) = FakeSlackHandler.Json(body).Create();

        var e = await Assert.ThrowsAsync<SlackApiException>(() => client.PostMessageAsync("C1", "x"));

        Assert.Equal(SlackApiException.InvalidResponse, e.Error);
    }

    [Fact]
    public async Task Update_and_ephemeral_send_their_fields()
    {
        var handler = FakeSlackHandler.Json("""{"ok":true,"channel":"C1","ts":"1.2","message_ts":"3.4"}""");
        var (_, client) = handler.Create();

        await client.UpdateAsync("C1", "1.2", "new", null);
        var update = JsonNode.Parse(handler.Last.Body!)!;
        var ts = await client.PostEphemeralAsync("C1", "U1", "psst", null);
        var ephemeral = JsonNode.Parse(handler.Last.Body!)!;

        Assert.Equal("https://slack.test/api/chat.update", handler.Requests[0].Uri.ToString());
        Assert.Equal("1.2", update["ts"]!.GetValue<string>());
        Assert.Empty(update["attachments"]!.AsArray());
        Assert.Equal("https://slack.test/api/chat.postEphemeral", handler.Last.Uri.ToString());
        Assert.Equal("U1", ephemeral["user"]!.GetValue<string>());
        Assert.Equal("3.4", ts);
    }

    [Fact]
    public async Task Users_info_reads_names_and_time_zone()
    {
        var handler = FakeSlackHandler.Json("""
            {"ok":true,"user":{"id":"U0ONCALL01","name":"dana.oncall","real_name":"Dana","tz":"Europe/Amsterdam","tz_offset":3600,
             "profile":{"real_name":"Dana Oncall","display_name":"dana"}}}
            """);
        var (_, client) = handler.Create();

        var user = await client.UsersInfoAsync("U0ONCALL01");

        Assert.Equal(new SlackUser("U0ONCALL01", "dana.oncall", "Dana Oncall", "dana", "Europe/Amsterdam", 3600), user);
        Assert.Equal(HttpMethod.Get, handler.Last.Method);
        Assert.Equal("https://slack.test/api/users.info?user=U0ONCALL01", handler.Last.Uri.ToString());
        Assert.Equal("Bearer " + FakeSlackHandler.Token, handler.Last.Authorization);
    }

    [Fact]
    public async Task History_reads_messages_with_metadata()
    {
        var handler = FakeSlackHandler.Json("""
            {"ok":true,"messages":[
              {"type":"message","ts":"1767225601.000100","text":"hi","user":"U1"},
              {"type":"message","ts":"1767225600.001200","text":"INC-42","bot_id":"B1",
               "metadata":{"event_type":"bakerybot_outbox","event_payload":{"outbox_id":"42","n":7}}},
              {"type":"message","text":"no ts"}
            ],"has_more":false}
            """);
        var (_, client) = handler.Create();

        var messages = await client.ConversationsHistoryAsync("C0INC2041", "1767225590.000000", includeAllMetadata: true);

        Assert.Equal(2, messages.Count);
        Assert.Null(messages[0].Metadata);
        Assert.Equal("bakerybot_outbox", messages[1].Metadata!.EventType);
        Assert.Equal("42", messages[1].Metadata!.EventPayload["outbox_id"]);
        Assert.Equal("7", messages[1].Metadata!.EventPayload["n"]);
        Assert.Equal(
            "https://slack.test/api/conversations.history?channel=C0INC2041&oldest=1767225590.000000&include_all_metadata=true&limit=100",
            handler.Last.Uri.ToString());
    }

    [Fact]
    public async Task Response_url_gets_the_body_and_no_token()
    {
        var handler = new FakeSlackHandler((_, _) => Task.FromResult(new HttpResponseMessage(HttpStatusCode.OK) { Content = new StringContent("ok") }));
        var (_, client) = handler.Create();

        await client.PostToResponseUrlAsync("https://hooks.slack.com/actions/T1/1/abc", """{"text":"done"}""");

        Assert.Equal("https://hooks.slack.com/actions/T1/1/abc", handler.Last.Uri.ToString());
        Assert.Null(handler.Last.Authorization);
        Assert.Equal("""{"text":"done"}""", handler.Last.Body);
        Assert.Equal("application/json; charset=utf-8", handler.Last.ContentType);
    }

    [Fact]
    public async Task Expired_response_url_is_an_api_error()
    {
        var handler = new FakeSlackHandler((_, _) => Task.FromResult(new HttpResponseMessage(HttpStatusCode.NotFound) { Content = new StringContent("expired_url") }));
        var (_, client) = handler.Create();

        var e = await Assert.ThrowsAsync<SlackApiException>(() => client.PostToResponseUrlAsync("https://hooks.slack.com/x", "{}"));

        Assert.Equal("expired_url", e.Error);
        Assert.DoesNotContain("hooks.slack.com", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Response_url_must_be_absolute_http()
    {
        var (_, client) = FakeSlackHandler.Json(Ok).Create();

        await Assert.ThrowsAsync<ArgumentException>(() => client.PostToResponseUrlAsync("file:///etc/passwd", "{}"));
        await Assert.ThrowsAsync<ArgumentException>(() => client.PostToResponseUrlAsync("/relative", "{}"));
    }
}
