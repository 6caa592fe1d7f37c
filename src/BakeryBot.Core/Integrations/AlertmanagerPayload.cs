using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace BakeryBot.Core.Integrations;

/// <summary>
/// The body Alertmanager's <c>webhook_config</c> posts (product.md §7): a group of alerts that share
/// routing labels, each firing or resolved, with its labels, annotations, times and fingerprint.
/// </summary>
public sealed record AlertmanagerPayload(
    string Version,
    string Status,
    string Receiver,
    string GroupKey,
    int TruncatedAlerts,
    IReadOnlyDictionary<string, string> GroupLabels,
    IReadOnlyDictionary<string, string> CommonLabels,
    IReadOnlyDictionary<string, string> CommonAnnotations,
    string? ExternalUrl,
    IReadOnlyList<AlertmanagerAlert> Alerts)
{
    /// <summary>The only payload version Alertmanager has sent since 0.7, and the one this reads.</summary>
    public const string SupportedVersion = "4";

    /// <summary>Deeper than any real payload (four levels) but far from the parser's stack.</summary>
    public const int MaxDepth = 64;

    /// <summary>Reads a payload; never throws: what is wrong with the input comes back as a short message.</summary>
    public static AlertmanagerParse Parse(ReadOnlyMemory<byte> json)
    {
        // The JSON reader checks a string's UTF-8 only when the string is read, and then throws.
        if (!System.Text.Unicode.Utf8.IsValid(json.Span))
        {
            return AlertmanagerParse.Invalid(Chat.StorableText.NotUtf8);
        }

        try
        {
            using var document = JsonDocument.Parse(json, new JsonDocumentOptions { MaxDepth = MaxDepth });
            return Read(document.RootElement);
        }
        catch (JsonException ex)
        {
            // The reader's message names the line and byte of the fault, never the content.
            return AlertmanagerParse.Invalid($"The body is not valid JSON: {ex.Message}");
        }
        catch (PayloadException ex)
        {
            return AlertmanagerParse.Invalid(ex.Message);
        }
        catch (InvalidOperationException)
        {
            // What reading a string throws for an escaped half of a surrogate pair (\ud800): not text.
            return AlertmanagerParse.Invalid(Chat.StorableText.HalfSurrogateInJson);
        }
    }

    private static AlertmanagerParse Read(JsonElement root)
    {
        if (root.ValueKind != JsonValueKind.Object)
        {
            return AlertmanagerParse.Invalid("The body must be a JSON object: an Alertmanager webhook payload.");
        }

        var version = ReadText(root, "version", "version");
        if (version != SupportedVersion)
        {
            return AlertmanagerParse.Invalid(version is null
                ? $"`version` is missing; Alertmanager webhook payloads say \"{SupportedVersion}\"."
                : $"Version \"{Clip(version)}\" is not supported; only Alertmanager's version \"{SupportedVersion}\" is.");
        }

        if (!root.TryGetProperty("alerts", out var alerts) || alerts.ValueKind != JsonValueKind.Array)
        {
            return AlertmanagerParse.Invalid("`alerts` must be an array.");
        }

        var list = new List<AlertmanagerAlert>(alerts.GetArrayLength());
        var index = 0;
        foreach (var alert in alerts.EnumerateArray())
        {
            list.Add(ReadAlert(alert, $"alerts[{index++}]"));
        }

        var truncated = root.TryGetProperty("truncatedAlerts", out var t) && t.ValueKind == JsonValueKind.Number && t.TryGetInt32(out var n) ? n : 0;
        return AlertmanagerParse.Valid(new AlertmanagerPayload(
            version,
            ReadStatus(root, "status") ?? "firing",
            ReadText(root, "receiver", "receiver") ?? "",
            ReadText(root, "groupKey", "groupKey") ?? "",
            truncated,
            ReadMap(root, "groupLabels"),
            ReadMap(root, "commonLabels"),
            ReadMap(root, "commonAnnotations"),
            ReadText(root, "externalURL", "externalURL"),
            list));
    }

    private static AlertmanagerAlert ReadAlert(JsonElement alert, string path)
    {
        if (alert.ValueKind != JsonValueKind.Object)
        {
            throw new PayloadException($"`{path}` must be an object.");
        }

        var status = ReadStatus(alert, path + ".status") ?? throw new PayloadException($"`{path}.status` is missing; it is `firing` or `resolved`.");
        var startsAt = ReadTime(alert, "startsAt", path) ?? throw new PayloadException($"`{path}.startsAt` is missing.");
        var labels = ReadMap(alert, "labels", path);
        var fingerprint = ReadText(alert, "fingerprint", path + ".fingerprint");
        return new AlertmanagerAlert(
            status,
            labels,
            ReadMap(alert, "annotations", path),
            startsAt,
            ReadTime(alert, "endsAt", path),
            ReadText(alert, "generatorURL", path + ".generatorURL"),
            string.IsNullOrWhiteSpace(fingerprint) ? FingerprintOf(labels) : Fit(fingerprint.Trim()));
    }

    /// <summary>Fingerprints are short hex in practice; a longer one is hashed to fit where it is stored.</summary>
    private static string Fit(string fingerprint) =>
        fingerprint.Length <= 64 ? fingerprint : "long-" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(fingerprint)))[..32];

    /// <summary>
    /// For senders older than Alertmanager 0.19, which had no fingerprint: one from the label set, as
    /// Alertmanager's own identifies an alert by its labels.
    /// </summary>
    private static string FingerprintOf(IReadOnlyDictionary<string, string> labels)
    {
        var canonical = string.Join('\n', labels.OrderBy(l => l.Key, StringComparer.Ordinal).Select(l => $"{l.Key}={l.Value}"));
        return "labels-" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(canonical)))[..16];
    }

    private static string? ReadStatus(JsonElement element, string path)
    {
        var status = ReadText(element, "status", path)?.Trim().ToLowerInvariant();
        return status switch
        {
            null => null,
            "firing" or "resolved" => status,
            _ => throw new PayloadException($"`{path}` is \"{Clip(status)}\"; it is `firing` or `resolved`."),
        };
    }

    private static string? ReadText(JsonElement element, string name, string path)
    {
        if (!element.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        return value.ValueKind == JsonValueKind.String ? Storable(value.GetString()!, path) : throw new PayloadException($"`{path}` must be a string.");
    }

    /// <summary>The text, unless it holds what no database column keeps (a NUL, half a surrogate pair: JSON can escape both).</summary>
    private static string Storable(string text, string path) =>
        Chat.StorableText.FindUnstorable(text) is var at and >= 0
            ? throw new PayloadException($"`{Clip(path)}` has a character that can't be kept (U+{(int)text[at]:X4}).")
            : text;

    /// <summary>An RFC 3339 time; Alertmanager's zero time (<c>0001-01-01T00:00:00Z</c>) means "not yet".</summary>
    private static DateTimeOffset? ReadTime(JsonElement element, string name, string path)
    {
        var text = ReadText(element, name, $"{path}.{name}");
        if (string.IsNullOrWhiteSpace(text))
        {
            return null;
        }

        if (!DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var time))
        {
            throw new PayloadException($"`{path}.{name}` is not a time (RFC 3339, as in 2026-11-26T09:00:00Z).");
        }

        return time.Year <= 1 ? null : time.ToUniversalTime();
    }

    private static Dictionary<string, string> ReadMap(JsonElement element, string name, string? parent = null)
    {
        var path = parent is null ? name : $"{parent}.{name}";
        var map = new Dictionary<string, string>(StringComparer.Ordinal);
        if (!element.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return map;
        }

        if (value.ValueKind != JsonValueKind.Object)
        {
            throw new PayloadException($"`{path}` must be an object of names and values.");
        }

        foreach (var property in value.EnumerateObject())
        {
            // Alertmanager sends strings; numbers and booleans from hand-made senders are read as written.
            map[Storable(property.Name, path)] = property.Value.ValueKind switch
            {
                JsonValueKind.String => Storable(property.Value.GetString()!, $"{path}.{property.Name}"),
                JsonValueKind.Number or JsonValueKind.True or JsonValueKind.False => property.Value.GetRawText(),
                JsonValueKind.Null => "",
                _ => throw new PayloadException($"`{path}.{Clip(property.Name)}` must be a string."),
            };
        }

        return map;
    }

    private static string Clip(string text) => text.Length <= 40 ? text : text[..40] + "…";

    /// <summary>A fault in the payload's shape, caught in <see cref="Parse"/>.</summary>
    private sealed class PayloadException(string message) : Exception(message);
}

/// <summary>One alert of the group.</summary>
public sealed record AlertmanagerAlert(
    string Status,
    IReadOnlyDictionary<string, string> Labels,
    IReadOnlyDictionary<string, string> Annotations,
    DateTimeOffset StartsAt,
    DateTimeOffset? EndsAt,
    string? GeneratorUrl,
    string Fingerprint)
{
    public bool IsFiring => Status == "firing";

    /// <summary>A label's value; null when missing or empty.</summary>
    public string? Label(string name) => Labels.TryGetValue(name, out var value) && !string.IsNullOrWhiteSpace(value) ? value.Trim() : null;

    /// <summary>An annotation's value; null when missing or empty.</summary>
    public string? Annotation(string name) => Annotations.TryGetValue(name, out var value) && !string.IsNullOrWhiteSpace(value) ? value.Trim() : null;
}

/// <summary>What <see cref="AlertmanagerPayload.Parse"/> read: the payload, or why there is none.</summary>
public sealed record AlertmanagerParse(AlertmanagerPayload? Payload, string? Error)
{
    public static AlertmanagerParse Valid(AlertmanagerPayload payload) => new(payload, null);

    public static AlertmanagerParse Invalid(string error) => new(null, error);
}
