using System.Text.Json.Nodes;
using BakeryBot.Teams.Activities;

namespace BakeryBot.Teams.Tests.Activities;

/// <summary>Parses test activities and edits fixtures without hand-copying them.</summary>
internal static class ActivityJson
{
    public static TeamsActivity Parse(string json) =>
        Assert.IsType<TeamsParseResult.Valid>(TeamsActivityParser.Parse(json)).Activity;

    /// <summary>The fixture with <paramref name="edit"/> applied to its root object.</summary>
    public static string With(string json, Action<JsonObject> edit)
    {
        var root = JsonNode.Parse(json)!.AsObject();
        edit(root);
        return root.ToJsonString();
    }

    public static TeamsActivity Edited(string json, Action<JsonObject> edit) => Parse(With(json, edit));

    /// <summary>A channel message to the bot with the given text and extra mention entities.</summary>
    public static TeamsActivity MessageWithText(string text, params JsonObject[] mentions) => Edited(TeamsFixtures.Message, root =>
    {
        root["text"] = text;
        var entities = root["entities"]!.AsArray();
        foreach (var mention in mentions)
        {
            entities.Add(mention);
        }
    });

    public static JsonObject Mention(string id, string name, string? aadObjectId = null)
    {
        var mentioned = new JsonObject { ["id"] = id, ["name"] = name };
        if (aadObjectId is not null)
        {
            mentioned["aadObjectId"] = aadObjectId;
        }

        return new JsonObject { ["type"] = "mention", ["text"] = $"<at>{name}</at>", ["mentioned"] = mentioned };
    }
}
