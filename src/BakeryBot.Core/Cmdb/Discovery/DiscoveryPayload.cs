using System.Text;
using System.Text.Json;

namespace BakeryBot.Core.Cmdb.Discovery;

/// <summary>What a scanner found: an asset, a piece of software, a cloud resource or provider, a SaaS tool.</summary>
public sealed record DiscoveredThing(string Kind, string Name, IReadOnlyDictionary<string, string> Attributes)
{
    public string? Serial => Attributes.GetValueOrDefault("serial");

    public string? Vendor => Attributes.GetValueOrDefault("vendor");
}

/// <summary>
/// The body of <c>POST /hooks/discovery/{hookId}</c> (product.md §7):
/// <c>{"source": "&lt;scanner&gt;", "items": [{"type": "asset|software|cloud|saas", "name": "...", "attributes": {...}}]}</c>.
/// </summary>
public sealed record DiscoveryPayload(string Source, IReadOnlyList<DiscoveredThing> Items)
{
    public const int MaxItems = 10_000;

    public static readonly IReadOnlyList<string> Kinds = ["asset", "software", "cloud", "saas"];

    /// <summary>Reads a payload; never throws: what is wrong comes back as a message naming the item.</summary>
    public static (DiscoveryPayload? Payload, string? Error) Parse(ReadOnlyMemory<byte> json)
    {
        // The JSON reader checks a string's UTF-8 only when the string is read, and then throws.
        if (!System.Text.Unicode.Utf8.IsValid(json.Span))
        {
            return (null, Chat.StorableText.NotUtf8);
        }

        try
        {
            using var document = JsonDocument.Parse(json, new JsonDocumentOptions { MaxDepth = 16 });
            return Read(document.RootElement);
        }
        catch (JsonException ex)
        {
            return (null, $"The body is not valid JSON: {ex.Message}");
        }
        catch (InvalidOperationException)
        {
            // What reading a string throws for an escaped half of a surrogate pair (\ud800): not text.
            return (null, Chat.StorableText.HalfSurrogateInJson);
        }
    }

    private static (DiscoveryPayload?, string?) Read(JsonElement root)
    {
        if (root.ValueKind != JsonValueKind.Object)
        {
            return (null, "The body must be a JSON object: {\"source\": \"<scanner>\", \"items\": [...]}.");
        }

        if (!root.TryGetProperty("source", out var sourceElement) || sourceElement.ValueKind != JsonValueKind.String || Clean(sourceElement.GetString()) is not { Length: > 0 and <= 100 } source)
        {
            return (null, "`source` names the scanner: a string of 1 to 100 characters.");
        }

        if (!root.TryGetProperty("items", out var items) || items.ValueKind != JsonValueKind.Array)
        {
            return (null, "`items` is the list of what was found.");
        }

        if (items.GetArrayLength() > MaxItems)
        {
            return (null, $"At most {MaxItems:N0} items per request; send them in batches.");
        }

        var things = new List<DiscoveredThing>(items.GetArrayLength());
        var index = 0;
        foreach (var item in items.EnumerateArray())
        {
            var where = $"items[{index++}]";
            if (item.ValueKind != JsonValueKind.Object)
            {
                return (null, $"{where} is not an object.");
            }

            var kind = item.TryGetProperty("type", out var t) && t.ValueKind == JsonValueKind.String ? t.GetString()!.Trim().ToLowerInvariant() : null;
            if (kind is null || !Kinds.Contains(kind))
            {
                return (null, $"{where}.type is one of {string.Join(", ", Kinds)}.");
            }

            var name = item.TryGetProperty("name", out var n) && n.ValueKind == JsonValueKind.String ? Clean(n.GetString()) : null;
            if (name is not { Length: > 0 and <= 200 })
            {
                return (null, $"{where}.name is a string of 1 to 200 characters.");
            }

            var attributes = new Dictionary<string, string>(StringComparer.Ordinal);
            if (item.TryGetProperty("attributes", out var a))
            {
                if (a.ValueKind != JsonValueKind.Object)
                {
                    return (null, $"{where}.attributes is an object of names and values.");
                }

                foreach (var attribute in a.EnumerateObject())
                {
                    var key = attribute.Name.Trim().ToLowerInvariant();
                    var value = attribute.Value.ValueKind switch
                    {
                        JsonValueKind.String => Clean(attribute.Value.GetString()),
                        JsonValueKind.Number or JsonValueKind.True or JsonValueKind.False => attribute.Value.GetRawText(),
                        JsonValueKind.Null => null,
                        _ => "\0",
                    };
                    if (value == "\0" || !Import.CiFileReader.IsValidKey(key) || value is { Length: > 500 })
                    {
                        return (null, $"{where}.attributes.{Truncate(attribute.Name)}: names are lower-case letters, digits and `-` (up to 40); values are strings, numbers or true/false (up to 500 characters).");
                    }

                    if (value is { Length: > 0 })
                    {
                        attributes[key] = value;
                    }
                }
            }

            things.Add(new DiscoveredThing(kind, name, attributes));
        }

        return (new DiscoveryPayload(source, things), null);
    }

    /// <summary>Trimmed, with control characters dropped (they have no place in a name).</summary>
    private static string? Clean(string? text)
    {
        if (text is null)
        {
            return null;
        }

        var builder = new StringBuilder(text.Length);
        foreach (var c in text.Trim())
        {
            if (!char.IsControl(c))
            {
                builder.Append(c);
            }
        }

        return builder.ToString();
    }

    private static string Truncate(string text) => text.Length <= 40 ? text : text[..40] + "…";

    /// <summary>
    /// A CI name for what a scanner calls it: <c>Microsoft Office 365</c> becomes
    /// <c>microsoft-office-365</c> (a valid name stays as it is); null when nothing usable is left.
    /// </summary>
    public static string? CiName(string name)
    {
        if (CmdbService.IsValidName(name.Trim()))
        {
            return name.Trim();
        }

        var builder = new StringBuilder(name.Length);
        foreach (var c in name.Trim())
        {
            if (char.IsLetterOrDigit(c) || c is '.' or '_' or '-')
            {
                builder.Append(char.ToLowerInvariant(c));
            }
            else if (builder.Length > 0 && builder[^1] != '-')
            {
                builder.Append('-');
            }
        }

        var slug = builder.ToString().Trim('-', '.', '_');
        if (slug.Length > 100)
        {
            slug = slug[..100].TrimEnd('-', '.', '_');
        }

        return slug.Length > 0 && CmdbService.IsValidName(slug) ? slug : null;
    }
}
