using System.Text.Json;
using System.Text.Json.Serialization;

namespace BakeryBot.Core.Chat;

/// <summary>How cards and replies are written as JSON (outbox rows, the playground).</summary>
public static class ChatJson
{
    public static JsonSerializerOptions Options { get; } = new(JsonSerializerDefaults.Web)
    {
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.CamelCase) },
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    public static string Serialize(Card card) => JsonSerializer.Serialize(card, Options);

    public static Card Deserialize(string json) =>
        JsonSerializer.Deserialize<Card>(json, Options) ?? throw new JsonException("Empty card.");
}
