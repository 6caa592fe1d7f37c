using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using BakeryBot.Core.Tests.Infrastructure;
using BakeryBot.Teams.Tests.Auth;

namespace BakeryBot.Host.Tests.Infrastructure;

/// <summary>
/// The bot with Teams configured against a local Bot Framework authority (OpenID metadata, JWKS, token
/// endpoint) and a local Bot Connector, both on 127.0.0.1, plus activity builders in Teams' shapes
/// (../shared/fixtures/teams).
/// </summary>
public sealed class TeamsTestBed : IAsyncDisposable
{
    public const string Tenant = "3c1f8e2a-7b4d-4e9f-a1c2-6d5e4f3a2b10";
    public const string Channel = "19:7a6b5c4d3e2f41a0b9c8d7e6f5a4b3c2@thread.tacv2";
    public const string Team = "19:0f1e2d3c4b5a49687766554433221100@thread.tacv2";
    public const string DanaAad = "8d2e4f6a-1b3c-4d5e-9f70-a1b2c3d4e5f6";
    private int _ids = 1_767_225_900;

    private TeamsTestBed(FakeBotFrameworkAuthority authority, FakeBotConnector connector, BotFactory bot, FakeSlack? slack)
    {
        Authority = authority;
        Connector = connector;
        Bot = bot;
        Slack = slack;
        Http = bot.CreateClient();
    }

    public FakeBotFrameworkAuthority Authority { get; }

    public FakeBotConnector Connector { get; }

    public BotFactory Bot { get; }

    public FakeSlack? Slack { get; }

    public HttpClient Http { get; }

    public string BotId => $"28:{Authority.AppId}";

    public static async Task<TeamsTestBed> StartAsync(DbProvider provider = DbProvider.Sqlite, bool withSlack = false, string? ownTenant = null, Action<Microsoft.Extensions.DependencyInjection.IServiceCollection>? services = null, string? invokeBudget = null)
    {
        var authority = await FakeBotFrameworkAuthority.StartAsync();
        var connector = await FakeBotConnector.StartAsync();
        var slack = withSlack ? await FakeSlack.StartAsync() : null;
        var bot = await BotFactory.CreateAsync(provider, slack, new()
        {
            ["Teams:AppId"] = authority.AppId,
            ["Teams:AppPassword"] = authority.AppPassword,
            ["Teams:OpenIdMetadataUrl"] = authority.MetadataUrl,
            ["Teams:TokenEndpoint"] = authority.TokenEndpoint,
            ["Security:Admins:1"] = $"teams:{Tenant}/{DanaAad}",
            ["Teams:TenantId"] = ownTenant,
            ["Teams:InvokeBudget"] = invokeBudget ?? "",
        }, services);
        return new TeamsTestBed(authority, connector, bot, slack);
    }

    /// <summary>Posts an activity with a token the authority signs (or the one given).</summary>
    public Task<HttpResponseMessage> SendAsync(JsonObject activity, string? authorization = null)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "/api/messages")
        {
            Content = new StringContent(activity.ToJsonString(), Encoding.UTF8, "application/json"),
        };
        request.Headers.Authorization = AuthenticationHeaderValue.Parse(authorization ?? Authority.AuthorizationHeader(FakeToken.Valid with { ServiceUrl = Connector.ServiceUrl }));
        return Http.SendAsync(request);
    }

    /// <summary>A channel message that @mentions the bot (and anyone in <paramref name="mentions"/>: name → 29: id), as a new thread.</summary>
    public JsonObject Message(string text, string user = DanaAad, string name = "Dana Oncall", string channel = Channel, string? id = null, IReadOnlyDictionary<string, string>? mentions = null, string? threadRoot = null)
    {
        id ??= NextId();
        return Activity("message", id, $"{channel};messageid={threadRoot ?? id}", user, name, activity =>
        {
            activity["text"] = $"<at>BakeryBot</at> {text}";
            var entities = new JsonArray(new JsonObject
            {
                ["type"] = "mention",
                ["text"] = "<at>BakeryBot</at>",
                ["mentioned"] = new JsonObject { ["id"] = BotId, ["name"] = "BakeryBot" },
            });
            foreach (var (mentioned, memberId) in mentions ?? new Dictionary<string, string>())
            {
                entities.Add(new JsonObject { ["type"] = "mention", ["text"] = $"<at>{mentioned}</at>", ["mentioned"] = new JsonObject { ["id"] = memberId, ["name"] = mentioned } });
            }

            activity["entities"] = entities;
        });
    }

    /// <summary>An Action.Execute click on a card the bot posted (in <paramref name="user"/>'s personal chat with <paramref name="personal"/>).</summary>
    public JsonObject CardAction(string verb, string value, string user = DanaAad, string name = "Dana Oncall", bool personal = false)
    {
        var activity = Activity("invoke", NextId(), Channel, user, name, activity =>
        {
            activity["name"] = "adaptiveCard/action";
            activity["value"] = new JsonObject
            {
                ["action"] = new JsonObject { ["type"] = "Action.Execute", ["id"] = "a1", ["verb"] = verb, ["data"] = new JsonObject { ["value"] = value } },
                ["trigger"] = "manual",
            };
        });
        return personal ? InPersonalChat(activity, user) : activity;
    }

    /// <summary>A message to the bot in <paramref name="user"/>'s personal (1:1) chat with it: no mention needed.</summary>
    public JsonObject PersonalMessage(string text, string user = DanaAad, string name = "Dana Oncall")
    {
        var activity = Activity("message", NextId(), Channel, user, name, activity => activity["text"] = text);
        return InPersonalChat(activity, user);
    }

    /// <summary>
    /// The personal chat the fake connector opens for <paramref name="user"/> (by their 29: id), which is also the one
    /// their personal messages come from.
    /// </summary>
    public static string PersonalChat(string user = DanaAad) => FakeBotConnector.PersonalConversation($"29:{user}");

    /// <summary>Teams: a personal chat's activities name no team or channel, and its conversation type is "personal".</summary>
    private static JsonObject InPersonalChat(JsonObject activity, string user)
    {
        activity["conversation"] = new JsonObject { ["conversationType"] = "personal", ["tenantId"] = Tenant, ["id"] = PersonalChat(user) };
        activity["channelData"] = new JsonObject { ["tenant"] = new JsonObject { ["id"] = Tenant } };
        return activity;
    }

    /// <summary>A message action ("Declare incident from this", "Start timer on this") run on a message.</summary>
    public JsonObject MessageAction(string commandId, string messageHtml, string user = DanaAad, JsonObject? form = null) =>
        Activity("invoke", NextId(), Channel, user, "Dana Oncall", activity =>
        {
            activity["name"] = "composeExtension/submitAction";
            activity["value"] = new JsonObject
            {
                ["commandId"] = commandId,
                ["commandContext"] = "message",
                ["data"] = form ?? new JsonObject(),
                ["messagePayload"] = new JsonObject
                {
                    ["id"] = "1767225000000",
                    ["body"] = new JsonObject { ["contentType"] = "html", ["content"] = messageHtml },
                    ["linkToMessage"] = "https://teams.microsoft.com/l/message/19:x@thread.tacv2/1767225000000",
                    ["from"] = new JsonObject { ["user"] = new JsonObject { ["id"] = "29:someone", ["displayName"] = "Someone" } },
                },
            };
        });

    /// <summary>The bot added to the team (Teams sends a conversationUpdate in the General channel).</summary>
    public JsonObject BotAdded(string channel = Channel) =>
        Activity("conversationUpdate", NextId(), channel, DanaAad, "Dana Oncall", activity =>
        {
            activity["membersAdded"] = new JsonArray(new JsonObject { ["id"] = BotId });
            activity["channelData"]!["eventType"] = "teamMemberAdded";
        });

    public JsonObject Invoke(string name) => Activity("invoke", NextId(), Channel, DanaAad, "Dana Oncall", activity => activity["name"] = name);

    private JsonObject Activity(string type, string id, string conversationId, string user, string name, Action<JsonObject> fill)
    {
        var activity = new JsonObject
        {
            ["type"] = type,
            ["id"] = id,
            ["timestamp"] = DateTimeOffset.UtcNow.ToString("O"),
            ["serviceUrl"] = Connector.ServiceUrl,
            ["channelId"] = "msteams",
            ["from"] = new JsonObject { ["id"] = $"29:{user}", ["name"] = name, ["aadObjectId"] = user },
            ["conversation"] = new JsonObject { ["isGroup"] = true, ["conversationType"] = "channel", ["tenantId"] = Tenant, ["id"] = conversationId },
            ["recipient"] = new JsonObject { ["id"] = BotId, ["name"] = "BakeryBot" },
            ["channelData"] = new JsonObject
            {
                ["channel"] = new JsonObject { ["id"] = Channel },
                ["team"] = new JsonObject { ["id"] = Team },
                ["tenant"] = new JsonObject { ["id"] = Tenant },
            },
        };
        fill(activity);
        return activity;
    }

    private string NextId() => Interlocked.Increment(ref _ids).ToString(System.Globalization.CultureInfo.InvariantCulture) + "123";

    public async ValueTask DisposeAsync()
    {
        Http.Dispose();
        await Bot.DisposeAsync();
        await Connector.DisposeAsync();
        await Authority.DisposeAsync();
        if (Slack is not null)
        {
            await Slack.DisposeAsync();
        }
    }
}
