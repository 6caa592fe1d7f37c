using System.Net;
using System.Text.Json.Nodes;
using BakeryBot.Core;
using BakeryBot.Core.Chat;
using BakeryBot.Host.Tests.Infrastructure;
using BakeryBot.Teams.Tests.Auth;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace BakeryBot.Host.Tests.Teams;

/// <summary>What a valid token does not make trustworthy, and the identities and deliveries behind an activity.</summary>
public sealed class TeamsTrustTests
{
    [Fact]
    public async Task An_activity_from_another_bot_channel_is_refused_even_with_a_key_endorsed_for_it()
    {
        await using var bed = await TeamsTestBed.StartAsync();
        var kid = bed.Authority.AddKey(["msteams", "webchat"]);
        var activity = bed.Message("incident forged sev1");
        activity["channelId"] = "webchat";

        var response = await bed.SendAsync(activity, bed.Authority.AuthorizationHeader(FakeToken.Valid with { ServiceUrl = bed.Connector.ServiceUrl, KeyId = kid }));

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal(0, await bed.Bot.QueryAsync(db => db.Incidents.CountAsync()));
    }

    [Fact]
    public async Task An_activity_naming_two_tenants_or_a_tenant_other_than_the_bots_own_is_refused()
    {
        await using var bed = await TeamsTestBed.StartAsync(ownTenant: TeamsTestBed.Tenant);
        var twoTenants = bed.Message("incident forged sev1");
        twoTenants["channelData"]!["tenant"]!["id"] = Guid.NewGuid().ToString();
        var otherTenant = bed.Message("incident elsewhere sev1");
        otherTenant["conversation"]!["tenantId"] = "00000000-1111-2222-3333-444444444444";
        otherTenant["channelData"]!["tenant"]!["id"] = "00000000-1111-2222-3333-444444444444";

        Assert.Equal(HttpStatusCode.Unauthorized, (await bed.SendAsync(twoTenants)).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await bed.SendAsync(otherTenant)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await bed.SendAsync(bed.Message("incident ours sev3"))).StatusCode);
        Assert.Equal(["ours"], await bed.Bot.QueryAsync(db => db.Incidents.Select(i => i.Title).ToListAsync()));
    }

    [Fact]
    public async Task Messages_with_the_same_id_in_two_conversations_are_two_deliveries_and_a_retry_is_one()
    {
        await using var bed = await TeamsTestBed.StartAsync();
        var first = bed.Message("incident in channel one", channel: "19:one@thread.tacv2", id: "1767225999000");
        var second = bed.Message("incident in channel two", channel: "19:two@thread.tacv2", id: "1767225999000");

        await bed.SendAsync(first);
        await bed.SendAsync(second);
        await bed.SendAsync(first);

        Assert.Equal(["in channel one", "in channel two"], await bed.Bot.QueryAsync(db => db.Incidents.OrderBy(i => i.Number).Select(i => i.Title).ToListAsync()));
    }

    [Fact]
    public async Task A_mentioned_person_is_known_by_their_entra_id_so_a_role_granted_by_mention_is_theirs()
    {
        await using var bed = await TeamsTestBed.StartAsync();

        await bed.SendAsync(bed.Message("bakery role add <at>Bob Baker</at> cab", mentions: new Dictionary<string, string> { ["Bob Baker"] = "29:aad-bob" }));
        await bed.SendAsync(bed.Message("bakery whoami", user: "aad-bob", name: "Bob Baker"));

        await bed.Bot.DrainOutboxAsync();
        var replies = bed.Connector.Activities.Where(a => a.ReplyToId is not null).Select(a => a.Body.ToJsonString()).ToList();
        Assert.True(replies.Any(r => r.Contains("now has the", StringComparison.Ordinal)), string.Join("\n", replies));
        Assert.Contains(replies, r => r.Contains("\"Roles\"", StringComparison.Ordinal) && r.Contains("\"cab\"", StringComparison.Ordinal));
        var bob = await bed.Bot.QueryAsync(db => db.People.Include(p => p.Identities).Include(p => p.Roles).SingleAsync(p => p.Identities.Any(i => i.ExternalId == "aad-bob")));
        Assert.Equal(["cab"], bob.Roles.Select(r => r.Role));
        Assert.Contains("29:aad-bob", bob.Identities.Select(i => i.ExternalId));
        Assert.Equal(2, await bed.Bot.QueryAsync(db => db.People.CountAsync()));
    }

    [Fact]
    public async Task A_message_action_slower_than_teams_five_seconds_is_answered_in_time_and_its_answer_follows_in_the_conversation()
    {
        // A one-second budget leaves three seconds of slack under Teams' five on a busy machine.
        await using var bed = await TeamsTestBed.StartAsync(services: s => s.AddSingleton(new CommandMap([.. ServiceCollectionExtensions.Modules, new SlowAction()])), invokeBudget: "00:00:01");

        var started = DateTime.UtcNow;
        var response = await bed.SendAsync(bed.MessageAction("slowAction", "<p>take your time</p>"));
        var answeredAfter = DateTime.UtcNow - started;

        Assert.True(answeredAfter < TimeSpan.FromSeconds(5), $"answered after {answeredAfter}");
        Assert.Contains("Working on it", (await response.Content.ReadAsStringAsync()), StringComparison.Ordinal);
        var deadline = DateTime.UtcNow.AddSeconds(15);
        while (!bed.Connector.Activities.Any(a => a.Body.ToJsonString().Contains("Done, slowly", StringComparison.Ordinal)) && DateTime.UtcNow < deadline)
        {
            await Task.Delay(100);
        }

        Assert.Single(bed.Connector.Activities, a => a.Body.ToJsonString().Contains("Done, slowly", StringComparison.Ordinal));
    }

    [Fact]
    public async Task The_declare_incident_forms_title_severity_and_ci_are_used()
    {
        await using var bed = await TeamsTestBed.StartAsync();
        await bed.SendAsync(bed.Message("cmdb add asset oven-2"));

        var response = await bed.SendAsync(bed.MessageAction("declareIncident", "<p>ovens cold</p>", form: new JsonObject { ["title"] = "Bakery #2 ovens cold", ["severity"] = "sev2", ["ci"] = "oven-2" }));

        Assert.Contains("INC-1 declared from that message as SEV2", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        var incident = await bed.Bot.QueryAsync(db => db.Incidents.Include(i => i.Cis).ThenInclude(c => c.Ci).SingleAsync());
        Assert.Equal(("Bakery #2 ovens cold", 2, "oven-2"), (incident.Title, incident.Severity, incident.Cis.Single().Ci!.Name));
    }

    [Fact]
    public async Task A_webhooks_token_is_never_shown_where_the_whole_channel_would_see_it()
    {
        await using var bed = await TeamsTestBed.StartAsync();

        await bed.SendAsync(bed.Message("bakery webhook alertmanager"));

        await bed.Bot.DrainOutboxAsync();
        var reply = Assert.Single(bed.Connector.Activities, a => a.ReplyToId is not null);
        Assert.Contains("seen by everyone", reply.Body["text"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.DoesNotContain("Bearer", reply.Body.ToJsonString(), StringComparison.Ordinal);
        Assert.Equal(0, await bed.Bot.QueryAsync(db => db.Set<BakeryBot.Core.Integrations.Webhook>().CountAsync()));
    }

    /// <summary>A message action that takes longer than Teams waits.</summary>
    private sealed class SlowAction : IChatModule
    {
        public void Map(CommandMap map) => map.Action("slowAction", "takes its time", async _ =>
        {
            await Task.Delay(TimeSpan.FromSeconds(6));
            return ChatReply.Private("Done, slowly.");
        });
    }
}
