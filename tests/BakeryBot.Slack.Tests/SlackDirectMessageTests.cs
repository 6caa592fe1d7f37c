using System.Net;
using System.Text.Json.Nodes;
using BakeryBot.Core.Chat;
using BakeryBot.Core.Data.Outbox;

namespace BakeryBot.Slack.Tests;

/// <summary>Direct messages: conversations.open with the person, then chat.postMessage to the D… channel it gives.</summary>
public sealed class SlackDirectMessageTests
{
    private static readonly Card Card = new("Still on INC-42?", CardAccent.Warning, [new TextSection("Your timer has run 9 hours")], [new CardButton("Stop", "timer.stop", "7", ButtonStyle.Primary), new CardButton("Keep", "timer.keep", "7")]);

    private static OutboundMessage Direct(string? users = "U0ONCALL01") =>
        new(77, "T0CHOPS01", OutboxKind.Direct, users ?? "x", null, users, null, "Your timer on INC-42 has run 9 hours", Card, DateTimeOffset.FromUnixTimeSeconds(1767225600));

    /// <summary>conversations.open gives D0DANA001; a post gets a ts; the history holds what <paramref name="history"/> says.</summary>
    private static FakeSlackHandler Slack(string? openError = null, string history = "[]") => new((request, _) => Task.FromResult(request.RequestUri!.AbsolutePath switch
    {
        var p when p.EndsWith("/conversations.open", StringComparison.Ordinal) => FakeSlackHandler.Response(openError is null
            ? """{"ok":true,"channel":{"id":"D0DANA001"}}"""
            : $$"""{"ok":false,"error":"{{openError}}"}"""),
        var p when p.EndsWith("/conversations.history", StringComparison.Ordinal) => FakeSlackHandler.Response($$"""{"ok":true,"messages":{{history}}}"""),
        _ => FakeSlackHandler.Response("""{"ok":true,"channel":"D0DANA001","ts":"1767225600.000500"}"""),
    }));

    [Fact]
    public async Task Opens_the_direct_conversation_and_posts_the_card_there()
    {
        var handler = Slack();

        var outcome = await new SlackChatPoster(handler.Create().Client).SendAsync(Direct(), CancellationToken.None);

        Assert.Equal(new PostOutcome.Sent("1767225600.000500", "D0DANA001"), outcome);
        Assert.Equal(["/api/conversations.open", "/api/chat.postMessage"], handler.Requests.Select(r => r.Uri.AbsolutePath));
        Assert.Equal("U0ONCALL01", JsonNode.Parse(handler.Requests[0].Body!)!["users"]!.GetValue<string>());
        var post = JsonNode.Parse(handler.Requests[1].Body!)!;
        Assert.Equal("D0DANA001", post["channel"]!.GetValue<string>());
        Assert.Equal("Your timer on INC-42 has run 9 hours", post["text"]!.GetValue<string>());
        Assert.Contains("timer.stop", post["attachments"]!.ToJsonString(), StringComparison.Ordinal);
        Assert.Equal("77", post["metadata"]!["event_payload"]!["outbox_id"]!.GetValue<string>());
    }

    [Theory]
    [InlineData("user_not_found")]
    [InlineData("user_disabled")]
    [InlineData("cannot_dm_bot")]
    [InlineData("missing_scope")]
    public async Task A_person_slack_will_not_let_us_write_to_is_refused_for_good_without_a_post(string error)
    {
        var handler = Slack(openError: error);

        var outcome = await new SlackChatPoster(handler.Create().Client).SendAsync(Direct(), CancellationToken.None);

        Assert.Equal(new PostOutcome.Permanent(error), outcome);
        Assert.Single(handler.Requests);
    }

    [Fact]
    public async Task A_row_without_a_person_is_refused_without_a_call()
    {
        var handler = Slack();

        Assert.Equal(new PostOutcome.Permanent("direct message without a user"), await new SlackChatPoster(handler.Create().Client).SendAsync(Direct(users: null), CancellationToken.None));
        Assert.Empty(handler.Requests);
    }

    [Fact]
    public async Task A_direct_message_that_may_have_gone_through_is_found_in_the_direct_conversation()
    {
        var marked = """[{"ts":"1767225601.000100","text":"x","metadata":{"event_type":"bakerybot_outbox","event_payload":{"outbox_id":"77"}}}]""";
        var there = Slack(history: marked);
        var notThere = Slack();

        var found = await new SlackChatPoster(there.Create().Client).FindSentAsync(Direct(), CancellationToken.None);
        var missing = await new SlackChatPoster(notThere.Create().Client).FindDeliveredAsync(Direct(), CancellationToken.None);

        Assert.Equal(new PostOutcome.Sent("1767225601.000100", "D0DANA001"), found);
        Assert.Equal(["/api/conversations.open", "/api/conversations.history"], there.Requests.Select(r => r.Uri.AbsolutePath));
        Assert.Contains("channel=D0DANA001", there.Last.Uri.Query, StringComparison.Ordinal);
        Assert.Null(missing);
    }

    [Fact]
    public async Task Without_the_history_scope_a_direct_message_is_sent_again_rather_than_lost()
    {
        var handler = new FakeSlackHandler((request, _) => Task.FromResult(request.RequestUri!.AbsolutePath.EndsWith("/conversations.open", StringComparison.Ordinal)
            ? FakeSlackHandler.Response("""{"ok":true,"channel":{"id":"D0DANA001"}}""")
            : FakeSlackHandler.Response("""{"ok":false,"error":"missing_scope"}""")));

        Assert.Null(await new SlackChatPoster(handler.Create().Client).FindSentAsync(Direct(), CancellationToken.None));
    }

    [Fact]
    public async Task An_update_of_a_direct_card_goes_to_the_direct_conversation_it_was_posted_in()
    {
        var handler = Slack();
        var update = Direct() with { Kind = OutboxKind.Update, ChannelId = "D0DANA001", MessageId = "1767225600.000500" };

        var outcome = await new SlackChatPoster(handler.Create().Client).SendAsync(update, CancellationToken.None);

        Assert.IsType<PostOutcome.Sent>(outcome);
        var call = Assert.Single(handler.Requests);
        Assert.EndsWith("/chat.update", call.Uri.AbsolutePath, StringComparison.Ordinal);
        Assert.Equal("D0DANA001", JsonNode.Parse(call.Body!)!["channel"]!.GetValue<string>());
    }
}
