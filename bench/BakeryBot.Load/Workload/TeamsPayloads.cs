using System.Text;
using System.Text.Json.Nodes;
using BakeryBot.Load.Running;

namespace BakeryBot.Load.Workload;

/// <summary>Bot Framework activities in Teams' shapes (../shared/fixtures/teams), each with the Bot Connector's bearer token.</summary>
public sealed class TeamsPayloads(string appId, string serviceUrl, string token)
{
    public string BotId => $"28:{appId}";

    /// <summary>A channel message that @mentions the bot, as a new thread (its conversation id ends with its own id).</summary>
    public LoadRequest Message(string tenant, string team, string channel, string user, string name, string id, string text, IReadOnlyDictionary<string, string>? mentions = null)
    {
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

        var activity = Activity("message", tenant, team, channel, $"{channel};messageid={id}", user, name, id);
        activity["text"] = $"<at>BakeryBot</at> {text}";
        activity["entities"] = entities;
        return Request(activity);
    }

    /// <summary>An Action.Execute click (invoke <c>adaptiveCard/action</c>) on a card in <paramref name="channel"/>.</summary>
    public LoadRequest CardAction(string tenant, string team, string channel, string user, string name, string id, string verb, string value)
    {
        var activity = Activity("invoke", tenant, team, channel, channel, user, name, id);
        activity["name"] = "adaptiveCard/action";
        activity["value"] = new JsonObject
        {
            ["action"] = new JsonObject { ["type"] = "Action.Execute", ["id"] = "approve", ["verb"] = verb, ["data"] = new JsonObject { ["value"] = value } },
            ["trigger"] = "manual",
        };
        return Request(activity);
    }

    private JsonObject Activity(string type, string tenant, string team, string channel, string conversation, string user, string name, string id) => new()
    {
        ["type"] = type,
        ["id"] = id,
        ["timestamp"] = DateTimeOffset.UtcNow.ToString("O"),
        ["serviceUrl"] = serviceUrl,
        ["channelId"] = "msteams",
        ["from"] = new JsonObject { ["id"] = $"29:{user}", ["name"] = name, ["aadObjectId"] = user },
        ["conversation"] = new JsonObject { ["isGroup"] = true, ["conversationType"] = "channel", ["tenantId"] = tenant, ["id"] = conversation },
        ["recipient"] = new JsonObject { ["id"] = BotId, ["name"] = "BakeryBot" },
        ["locale"] = "en-US",
        ["channelData"] = new JsonObject
        {
            ["channel"] = new JsonObject { ["id"] = channel },
            ["team"] = new JsonObject { ["id"] = team },
            ["tenant"] = new JsonObject { ["id"] = tenant },
        },
    };

    private LoadRequest Request(JsonObject activity) =>
        new("api/messages", Encoding.UTF8.GetBytes(activity.ToJsonString()), "application/json", [new("Authorization", $"Bearer {token}")]);
}
