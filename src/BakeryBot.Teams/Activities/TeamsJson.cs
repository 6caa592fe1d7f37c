using System.Text.Json;

namespace BakeryBot.Teams.Activities;

/// <summary>
/// Lenient reads from activity JSON: a member of the wrong type reads as absent, so hostile input can only
/// make parsing or mapping fail with a message, never throw.
/// </summary>
internal static class TeamsJson
{
    public static JsonElement? Object(this JsonElement element, string name) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.Object
            ? value
            : null;

    public static JsonElement? Object(this JsonElement? element, string name) => element?.Object(name);

    public static JsonElement? Array(this JsonElement element, string name) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.Array
            ? value
            : null;

    public static JsonElement? Array(this JsonElement? element, string name) => element?.Array(name);

    public static string? String(this JsonElement element, string name) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out var value) ? value.Text() : null;

    /// <summary>
    /// The value of a string element; null for other kinds and for strings that cannot be read (invalid UTF-8 or an
    /// escaped lone surrogate: the reader checks those only when the string is read, which for a cloned
    /// <c>value</c> is long after parsing).
    /// </summary>
    public static string? Text(this JsonElement value)
    {
        if (value.ValueKind != JsonValueKind.String)
        {
            return null;
        }

        try
        {
            return value.GetString();
        }
        catch (InvalidOperationException)
        {
            return null;
        }
    }

    public static string? String(this JsonElement? element, string name) => element?.String(name);

    /// <summary>A string member that is there and not empty; null otherwise.</summary>
    public static string? NonEmpty(this JsonElement element, string name) =>
        element.String(name) is { Length: > 0 } value ? value : null;

    public static string? NonEmpty(this JsonElement? element, string name) => element?.NonEmpty(name);

    public static bool IsTrue(this JsonElement? element, string name) =>
        element is { ValueKind: JsonValueKind.Object } e && e.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.True;
}
