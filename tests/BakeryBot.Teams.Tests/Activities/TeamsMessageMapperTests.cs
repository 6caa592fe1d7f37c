using System.Text.Json.Nodes;
using BakeryBot.Teams.Activities;

namespace BakeryBot.Teams.Tests.Activities;

public sealed class TeamsMessageMapperTests
{
    private const string Tenant = "3c1f8e2a-7b4d-4e9f-a1c2-6d5e4f3a2b10";
    private const string DanaAad = "8d2e4f6a-1b3c-4d5e-9f70-a1b2c3d4e5f6";
    private const string Channel = "19:7a6b5c4d3e2f41a0b9c8d7e6f5a4b3c2@thread.tacv2";
    private const string Bot = "28:b6a1d9f2-4c3e-4f7a-9d21-5e8c0a7b3f10";

    [Fact]
    public void Fixture_message_loses_the_bot_mention_and_becomes_a_command()
    {
        var request = TeamsActivityMapper.FromMessage(ActivityJson.Parse(TeamsFixtures.Message))!;

        Assert.Equal("teams", request.Platform);
        Assert.Equal(TeamsPlatform.Platform, TeamsActivityMapper.Platform);
        Assert.Equal(Tenant, request.TenantId);
        Assert.Equal(Channel, request.ChannelId);
        Assert.Equal("1767225900123", request.ThreadId);
        Assert.Equal(DanaAad, request.UserId);
        Assert.Equal("Dana Oncall", request.UserName);
        Assert.Equal("incident", request.Command);
        Assert.Equal("declare sev2 Checkout latency above SLO", request.Text);
        Assert.Equal("msg:1767225900123", request.DeliveryId);
        Assert.Null(request.MentionIds);
        Assert.False(request.IsAction);
    }

    [Theory]
    [InlineData("<at>ChatOps Bot</at> incident burnt-cookie sev2")]
    [InlineData("<at>ChatOps Bot</at> /incident burnt-cookie sev2")]
    [InlineData("<at>ChatOps Bot</at>   Incident   burnt-cookie sev2  ")]
    [InlineData("<p><at>ChatOps Bot</at>&nbsp;incident burnt-cookie&nbsp;sev2</p>")]
    [InlineData("<div><div><at>ChatOps&nbsp;Bot</at> incident burnt-cookie sev2</div></div>")]
    [InlineData("incident burnt-cookie sev2 <at>ChatOps Bot</at>")]
    public void Mention_html_and_slash_variants_give_the_same_command(string text)
    {
        var request = TeamsActivityMapper.FromMessage(ActivityJson.MessageWithText(text))!;

        Assert.Equal("incident", request.Command);
        Assert.Equal("burnt-cookie sev2", request.Text);
    }

    [Fact]
    public void Entities_are_decoded_and_tags_dropped()
    {
        var request = TeamsActivityMapper.FromMessage(ActivityJson.MessageWithText(
            "<at>ChatOps Bot</at> note INC-1 <b>oven</b> &lt;3 &amp; more&nbsp;&#x2014; done"))!;

        Assert.Equal("note", request.Command);
        Assert.Equal("INC-1 oven <3 & more \u2014 done", request.Text);
    }

    [Fact]
    public void Other_mentions_stay_with_their_ids()
    {
        var request = TeamsActivityMapper.FromMessage(ActivityJson.MessageWithText(
            "<at>ChatOps Bot</at> incident assign INC-1 <at>Jo Baker</at> <at>Sam</at>",
            ActivityJson.Mention("29:jo", "Jo Baker"),
            ActivityJson.Mention("29:sam", "Sam", "5a5a5a5a-0000-4000-8000-000000000001")))!;

        Assert.Equal("assign INC-1 <at>Jo Baker</at> <at>Sam</at>", request.Text);
        // Teams mention entities usually carry only the 29: id; an object id is preferred when present.
        Assert.Equal(new Dictionary<string, string> { ["Jo Baker"] = "29:jo", ["Sam"] = "5a5a5a5a-0000-4000-8000-000000000001" }, request.MentionIds);
    }

    [Fact]
    public void A_mention_without_an_entity_stays_as_a_name()
    {
        var request = TeamsActivityMapper.FromMessage(ActivityJson.MessageWithText("<at>ChatOps Bot</at> incident assign INC-1 <at>Nobody</at>"))!;

        Assert.Equal("assign INC-1 <at>Nobody</at>", request.Text);
        Assert.Null(request.MentionIds);
    }

    [Fact]
    public void The_bot_is_recognised_by_its_entity_even_under_another_name()
    {
        var request = TeamsActivityMapper.FromMessage(ActivityJson.MessageWithText(
            "<at>Ops</at> incident x", ActivityJson.Mention(Bot, "Ops")))!;

        Assert.Equal(("incident", "x"), (request.Command, request.Text));
    }

    [Fact]
    public void Tenant_falls_back_to_channel_data()
    {
        var a = ActivityJson.Edited(TeamsFixtures.Message, root => root["conversation"]!.AsObject().Remove("tenantId"));

        Assert.Equal(Tenant, TeamsActivityMapper.FromMessage(a)!.TenantId);
    }

    [Fact]
    public void No_tenant_at_all_is_not_a_usable_message()
    {
        var a = ActivityJson.Edited(TeamsFixtures.Message, root =>
        {
            root["conversation"]!.AsObject().Remove("tenantId");
            root.Remove("channelData");
        });

        Assert.Null(TeamsActivityMapper.FromMessage(a));
    }

    [Fact]
    public void Personal_chat_with_a_slash_command()
    {
        var a = ActivityJson.Edited(TeamsFixtures.Message, root =>
        {
            root["conversation"] = new JsonObject { ["id"] = "a:1xYzPersonalChat", ["conversationType"] = "personal", ["tenantId"] = Tenant };
            root["text"] = "/incident x";
            root["entities"] = new JsonArray();
            root["replyToId"] = "1767225800000";
            root.Remove("channelData");
        });

        var request = TeamsActivityMapper.FromMessage(a)!;

        Assert.Equal(("incident", "x"), (request.Command, request.Text));
        Assert.Equal("a:1xYzPersonalChat", request.ChannelId);
        // No threads in chats: replyToId there is a quoted message.
        Assert.Null(request.ThreadId);
    }

    [Fact]
    public void A_channel_reply_without_messageid_takes_reply_to_as_the_thread()
    {
        var a = ActivityJson.Edited(TeamsFixtures.Message, root =>
        {
            root["conversation"]!["id"] = Channel;
            root["replyToId"] = "1767225000000";
        });

        var request = TeamsActivityMapper.FromMessage(a)!;

        Assert.Equal(Channel, request.ChannelId);
        Assert.Equal("1767225000000", request.ThreadId);
    }

    [Fact]
    public void Without_an_object_id_the_user_is_the_teams_id_and_without_an_id_there_is_no_delivery_id()
    {
        var a = ActivityJson.Edited(TeamsFixtures.Message, root =>
        {
            root["from"]!.AsObject().Remove("aadObjectId");
            root.Remove("id");
        });

        var request = TeamsActivityMapper.FromMessage(a)!;

        Assert.Equal("29:1Zq8Xk3vN7bLm2Pq9Rt4Ws6Yu8Ia0Sd2Fg4Hj6Kl8Zx0Cv2Bn4Mq6We8Rt0Yu2Io4Pa6Sd8Fg0Hj2Kl4", request.UserId);
        Assert.Null(request.DeliveryId);
    }

    [Theory]
    [InlineData("<at>ChatOps Bot</at>")]
    [InlineData("<p><at>ChatOps Bot</at>&nbsp;</p>")]
    [InlineData("<at>ChatOps Bot</at> /")]
    [InlineData("   ")]
    public void Nothing_left_after_the_mention_is_no_request(string text)
    {
        Assert.Null(TeamsActivityMapper.FromMessage(ActivityJson.MessageWithText(text)));
    }

    [Fact]
    public void Only_message_activities_with_text_map()
    {
        Assert.Null(TeamsActivityMapper.FromMessage(ActivityJson.Parse(TeamsFixtures.ConversationUpdate)));
        Assert.Null(TeamsActivityMapper.FromMessage(ActivityJson.Parse(TeamsFixtures.CardAction)));
        Assert.Null(TeamsActivityMapper.FromMessage(ActivityJson.Edited(TeamsFixtures.Message, root => root.Remove("text"))));
    }

    [Fact]
    public void Conversation_of_a_bot_added_to_a_team_is_its_general_channel()
    {
        var a = ActivityJson.Parse(TeamsFixtures.ConversationUpdate);

        Assert.True(TeamsActivityMapper.IsBotAdded(a));
        Assert.Equal(
            new TeamsConversationReference(
                Tenant,
                "19:0f1e2d3c4b5a49687766554433221100@thread.tacv2",
                "https://smba.trafficmanager.net/emea/3c1f8e2a-7b4d-4e9f-a1c2-6d5e4f3a2b10/",
                "channel",
                "19:0f1e2d3c4b5a49687766554433221100@thread.tacv2",
                null,
                "Platform Operations",
                Bot),
            TeamsActivityMapper.ConversationOf(a));
    }

    [Fact]
    public void Conversation_of_a_thread_message_is_the_channel()
    {
        var reference = TeamsActivityMapper.ConversationOf(ActivityJson.Parse(TeamsFixtures.Message))!;

        Assert.Equal(Channel, reference.ConversationId);
        Assert.Equal(Channel, reference.ChannelId);
        Assert.Null(reference.Name);
    }

    [Fact]
    public void Bot_added_only_when_the_bot_is_among_the_added_members()
    {
        var someoneElse = ActivityJson.Edited(TeamsFixtures.ConversationUpdate, root => root["membersAdded"] = new JsonArray(new JsonObject { ["id"] = "29:someone" }));

        Assert.False(TeamsActivityMapper.IsBotAdded(someoneElse));
        Assert.False(TeamsActivityMapper.IsBotAdded(ActivityJson.Parse(TeamsFixtures.Message)));
    }

    [Theory]
    [InlineData("19:a@thread.tacv2;messageid=123", "19:a@thread.tacv2", "123")]
    [InlineData("19:a@thread.tacv2;MessageId=123;x=y", "19:a@thread.tacv2", "123")]
    [InlineData("19:a@thread.tacv2", "19:a@thread.tacv2", null)]
    [InlineData("19:a@thread.tacv2;messageid=", "19:a@thread.tacv2", null)]
    [InlineData(";messageid=1", null, "1")]
    public void Conversation_ids_split_at_messageid(string id, string? conversation, string? message)
    {
        Assert.Equal((conversation, message), TeamsActivityMapper.SplitConversationId(id));
    }
}
