using System.Text.Json;

namespace BakeryBot.Slack;

/// <summary>
/// Lenient reads from Slack payloads: a property of the wrong type reads as absent, so a hostile payload
/// can only make a mapping fail with a message, never throw.
/// </summary>
internal static class SlackJsonReader
{
    /// <summary>Slack payloads are a few levels deep; anything deeper than this is refused before it is walked.</summary>
    public const int MaxDepth = 64;

    public static readonly JsonDocumentOptions DocumentOptions = new() { MaxDepth = MaxDepth };

    public static JsonElement? Object(this JsonElement element, string name) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.Object
            ? value
            : null;

    public static JsonElement? Object(this JsonElement? element, string name) => element?.Object(name);

    public static JsonElement? Array(this JsonElement element, string name) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.Array
            ? value
            : null;

    public static string? String(this JsonElement element, string name) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String
            ? value.GetString()
            : null;

    public static string? String(this JsonElement? element, string name) => element?.String(name);

    /// <summary>A string property that must be there and not be empty; null otherwise.</summary>
    public static string? Required(this JsonElement? element, string name) =>
        element?.String(name) is { Length: > 0 } value ? value : null;

    public static string? Required(this JsonElement element, string name) =>
        element.String(name) is { Length: > 0 } value ? value : null;

    public static bool Bool(this JsonElement element, string name) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.True;
}
