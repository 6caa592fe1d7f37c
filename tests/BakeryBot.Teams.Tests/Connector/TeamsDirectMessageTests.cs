using System.Net;
using System.Text.Json.Nodes;
using BakeryBot.Core.Chat;
using BakeryBot.Core.Data.Outbox;
using BakeryBot.Teams.Connector;

namespace BakeryBot.Teams.Tests.Connector;

/// <summary>Direct messages: a card to one person, in their personal (1:1) conversation with the bot.</summary>
public sealed class TeamsDirectMessageTests
{
    private const string Tenant = "6f1c2a3b-tenant";
    private const string Channel = "19:9a1e0c4b2f@thread.tacv2";
    private const string Bot = "28:6b0f3a52-3c1e-4f0e-9f57-2d8a4c1b7e90";
    private const string DanaAad = "8d2e4f6a-1b3c-4d5e-9f70-a1b2c3d4e5f6";
    private const string DanaTeams = "29:1Zq8Xk3vN7bLm2Pq9Rt4Ws6Yu8Ia0Sd2F";
    private const string DanaChat = "a:1xYz8Wv7Uu6Tt5Ss4Rr3Qq2Pp1Oo0Nn";

    private static readonly Card Card = new("Still on INC-42?", CardAccent.Warning, [new TextSection("Your timer has run 9 hours")], [new CardButton("Stop", "timer.stop", "7", ButtonStyle.Primary), new CardButton("Keep", "timer.keep", "7")]);

    private static OutboundMessage Direct(string users) =>
        new(42, Tenant, OutboxKind.Direct, users.Split(',')[0], null, users, null, "Your timer on INC-42 has run 9 hours", Card, DateTimeOffset.FromUnixTimeSeconds(1767225600));

    private static JsonObject Render(string text, Card? card) =>
        new() { ["type"] = "message", ["text"] = text, ["summary"] = card?.Title };

    private static TeamsChatPoster Poster(FakeConnectorHandler handler, FakeDirectory directory) =>
        new(new BotConnectorClient(new HttpClient(handler), new FakeTokenSource()), directory, Render, Bot);

    /// <summary>CreateConversation answers with the conversation; SendToConversation with the activity's id.</summary>
    private static FakeConnectorHandler Connector() => new((_, request) => request.RequestUri!.AbsolutePath.EndsWith("/v3/conversations", StringComparison.Ordinal)
        ? FakeConnectorHandler.Response(HttpStatusCode.Created, $$"""{"id":"{{DanaChat}}"}""")
        : FakeConnectorHandler.Response(HttpStatusCode.Created, """{"id":"1767225600999"}"""));

    [Fact]
    public async Task Goes_to_the_personal_chat_the_person_wrote_from()
    {
        var handler = Connector();
        var directory = new FakeDirectory((Tenant, Channel, FakeConnectorHandler.ServiceUrl));
        directory.Personal.Add((Tenant, DanaAad, DanaChat, "http://127.0.0.1:5005/amer/"));

        var outcome = await Poster(handler, directory).SendAsync(Direct($"{DanaAad},{DanaTeams}"), CancellationToken.None);

        Assert.Equal(new PostOutcome.Sent("1767225600999", DanaChat), outcome);
        var post = Assert.Single(handler.Requests);
        Assert.Equal("http://127.0.0.1:5005/amer/v3/conversations/a%3A1xYz8Wv7Uu6Tt5Ss4Rr3Qq2Pp1Oo0Nn/activities", post.Uri.AbsoluteUri);
        Assert.Equal("Still on INC-42?", JsonNode.Parse(post.Body!)!["summary"]!.GetValue<string>());
    }

    [Fact]
    public async Task Without_one_opens_the_personal_chat_at_a_service_url_the_tenant_used_and_remembers_it()
    {
        var handler = Connector();
        var directory = new FakeDirectory((Tenant, Channel, FakeConnectorHandler.ServiceUrl));
        var poster = Poster(handler, directory);

        var first = await poster.SendAsync(Direct($"{DanaAad},{DanaTeams}"), CancellationToken.None);
        var second = await poster.SendAsync(Direct($"{DanaAad},{DanaTeams}"), CancellationToken.None);

        Assert.Equal(new PostOutcome.Sent("1767225600999", DanaChat), first);
        Assert.Equal(first, second);
        Assert.Equal(
            [(HttpMethod.Post, "v3/conversations"), (HttpMethod.Post, "v3/conversations/a%3A1xYz8Wv7Uu6Tt5Ss4Rr3Qq2Pp1Oo0Nn/activities"), (HttpMethod.Post, "v3/conversations/a%3A1xYz8Wv7Uu6Tt5Ss4Rr3Qq2Pp1Oo0Nn/activities")],
            handler.Requests.Select(r => (r.Method, r.Uri.AbsoluteUri[FakeConnectorHandler.ServiceUrl.Length..])));
        // protocols.md §10: bot, members, tenantId and channelData.tenant.id for a 1:1 chat; the person by their 29: id.
        var create = JsonNode.Parse(handler.Requests[0].Body!)!;
        Assert.False(create["isGroup"]!.GetValue<bool>());
        Assert.Equal(Bot, create["bot"]!["id"]!.GetValue<string>());
        Assert.Equal(DanaTeams, Assert.Single(create["members"]!.AsArray())!["id"]!.GetValue<string>());
        Assert.Equal(Tenant, create["tenantId"]!.GetValue<string>());
        Assert.Equal(Tenant, create["channelData"]!["tenant"]!["id"]!.GetValue<string>());
        Assert.Equal((Tenant, DanaAad, DanaChat, FakeConnectorHandler.ServiceUrl), Assert.Single(directory.Personal));
    }

    [Fact]
    public async Task A_person_known_only_by_their_entra_id_is_named_by_it()
    {
        var handler = Connector();

        await Poster(handler, new FakeDirectory((Tenant, Channel, FakeConnectorHandler.ServiceUrl))).SendAsync(Direct(DanaAad), CancellationToken.None);

        Assert.Equal(DanaAad, JsonNode.Parse(handler.Requests[0].Body!)!["members"]![0]!["id"]!.GetValue<string>());
    }

    [Fact]
    public async Task A_person_teams_will_not_open_a_chat_with_is_refused_for_good_and_nothing_is_posted()
    {
        var handler = FakeConnectorHandler.Answer(HttpStatusCode.Forbidden, """{"error":{"code":"BotNotInConversationRoster","message":"The bot is not part of the conversation roster."}}""");
        var directory = new FakeDirectory((Tenant, Channel, FakeConnectorHandler.ServiceUrl));

        var outcome = await Poster(handler, directory).SendAsync(Direct(DanaAad), CancellationToken.None);

        Assert.Equal(new PostOutcome.Permanent("BotNotInConversationRoster"), outcome);
        Assert.Single(handler.Requests);
        Assert.Empty(directory.Personal);
    }

    [Fact]
    public async Task A_busy_connector_is_retried_later()
    {
        var handler = FakeConnectorHandler.Answer(HttpStatusCode.TooManyRequests, "", r => r.Headers.TryAddWithoutValidation("Retry-After", "3"));

        var outcome = await Poster(handler, new FakeDirectory((Tenant, Channel, FakeConnectorHandler.ServiceUrl))).SendAsync(Direct(DanaAad), CancellationToken.None);

        Assert.Equal(new PostOutcome.RetryAfter(TimeSpan.FromSeconds(3)), outcome);
    }

    [Fact]
    public async Task A_tenant_never_heard_from_or_a_row_without_a_person_is_refused_without_a_call()
    {
        var handler = Connector();
        var poster = Poster(handler, new FakeDirectory(("another-tenant", Channel, FakeConnectorHandler.ServiceUrl)));

        var unknownTenant = await poster.SendAsync(Direct(DanaAad), CancellationToken.None);
        var nobody = await poster.SendAsync(Direct("") with { ChannelId = "x" }, CancellationToken.None);

        Assert.Equal(new PostOutcome.Permanent("no service URL known for this tenant; the bot must have heard from it first"), unknownTenant);
        Assert.Equal(new PostOutcome.Permanent("direct message without a user"), nobody);
        Assert.Empty(handler.Requests);
    }
}
