using System.Text.Json;
using System.Text.Json.Nodes;

namespace BakeryBot.Teams.Tests.Cards;

/// <summary>
/// Structural checks every rendered card must pass: the parts of the Adaptive Card 1.5 schema
/// (microsoft/AdaptiveCards schemas/1.5.0/adaptive-card.json) the renderer uses, with its required members.
/// </summary>
internal static class AdaptiveCardShape
{
    private static readonly HashSet<string> ContainerStyles = ["default", "emphasis", "good", "attention", "warning", "accent"];
    private static readonly HashSet<string> Colors = ["default", "dark", "light", "accent", "good", "warning", "attention"];

    /// <summary>Checks the card and returns every Action.Execute in it, in order.</summary>
    public static List<JsonObject> AssertValid(JsonNode? node)
    {
        var card = Assert.IsType<JsonObject>(node);
        Assert.Equal("AdaptiveCard", Str(card, "type"));
        Assert.Equal("1.5", Str(card, "version"));
        Assert.Equal("http://adaptivecards.io/schemas/adaptive-card.json", Str(card, "$schema"));
        Assert.Equal("Full", Str(card["msteams"]!.AsObject(), "width"));
        var actions = new List<JsonObject>();
        foreach (var element in Assert.IsType<JsonArray>(card["body"]))
        {
            Element(element, actions);
        }

        foreach (var action in Assert.IsType<JsonArray>(card["actions"]))
        {
            actions.Add(Action(action));
        }

        return actions;
    }

    private static void Element(JsonNode? node, List<JsonObject> actions)
    {
        var element = Assert.IsType<JsonObject>(node);
        if (element["separator"] is { } separator)
        {
            Assert.Equal(JsonValueKind.True, separator.GetValueKind());
        }

        switch (Str(element, "type"))
        {
            case "Container":
                Assert.Contains(Str(element, "style"), ContainerStyles);
                foreach (var item in Assert.IsType<JsonArray>(element["items"]))
                {
                    Element(item, actions);
                }

                break;
            case "TextBlock":
                Assert.Equal(JsonValueKind.String, element["text"]!.GetValueKind());
                Assert.True(element["wrap"]!.GetValue<bool>());
                if (element["color"] is { } color)
                {
                    Assert.Contains(color.GetValue<string>(), Colors);
                }

                break;
            case "FactSet":
                var facts = Assert.IsType<JsonArray>(element["facts"]);
                Assert.InRange(facts.Count, 1, 20);
                foreach (var fact in facts)
                {
                    Assert.Equal(2, fact!.AsObject().Count);
                    Assert.Equal(JsonValueKind.String, fact["title"]!.GetValueKind());
                    Assert.Equal(JsonValueKind.String, fact["value"]!.GetValueKind());
                }

                break;
            case "Input.Text":
                Input(element);
                Assert.Equal(JsonValueKind.String, (element["value"] ?? "").GetValueKind());
                if (element["maxLength"] is { } max)
                {
                    Assert.InRange(max.GetValue<int>(), 1, 3000);
                    Assert.InRange(element["value"]?.GetValue<string>().Length ?? 0, 0, max.GetValue<int>());
                }

                break;
            case "Input.ChoiceSet":
                Input(element);
                Assert.Equal("compact", Str(element, "style"));
                var choices = Assert.IsType<JsonArray>(element["choices"]).Select(c => (Str(c!.AsObject(), "title"), Str(c!.AsObject(), "value"))).ToList();
                Assert.NotEmpty(choices);
                if (element["value"] is { } chosen)
                {
                    Assert.Contains(chosen.GetValue<string>(), choices.Select(c => c.Item2));
                }

                break;
            case "ActionSet":
                var set = Assert.IsType<JsonArray>(element["actions"]);
                Assert.InRange(set.Count, 1, 6);
                actions.AddRange(set.Select(Action));
                break;
            case var other:
                Assert.Fail($"Unexpected element type {other}.");
                break;
        }
    }

    /// <summary>Inputs have an id; a required one has a label and says what is missing (Adaptive Cards 1.3+).</summary>
    private static void Input(JsonObject input)
    {
        Assert.False(string.IsNullOrEmpty(Str(input, "id")));
        Assert.False(string.IsNullOrEmpty(Str(input, "label")));
        if (input["isRequired"] is { } required && required.GetValue<bool>())
        {
            Assert.False(string.IsNullOrEmpty(Str(input, "errorMessage")));
        }
    }

    private static JsonObject Action(JsonNode? node)
    {
        var action = Assert.IsType<JsonObject>(node);
        Assert.Equal("Action.Execute", Str(action, "type"));
        Assert.False(string.IsNullOrEmpty(Str(action, "verb")));
        Assert.False(string.IsNullOrEmpty(Str(action, "title")));
        Assert.Equal(JsonValueKind.String, action["data"]!["value"]!.GetValueKind());
        if (action["style"] is { } style)
        {
            Assert.Contains(style.GetValue<string>(), new[] { "positive", "destructive" });
        }

        return action;
    }

    private static string Str(JsonObject obj, string name) =>
        obj[name] is JsonValue value && value.TryGetValue<string>(out var s) ? s : throw new Xunit.Sdk.XunitException($"{name} is missing: {obj.ToJsonString()}");
}
