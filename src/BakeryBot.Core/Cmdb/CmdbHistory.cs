using System.Text.Json;

namespace BakeryBot.Core.Cmdb;

/// <summary>An audit row's changes of a CI as people read them: <c>: Tier 2 → 1, Vendor none → acme</c>.</summary>
public static class CmdbHistory
{
    /// <summary>Bookkeeping columns no one sets by hand.</summary>
    private static readonly HashSet<string> Hidden = ["Id", "TenantId", "Key", "CreatedAt", "UpdatedAt", "Version", "LastSeenAt", "DiscoveredBy", "DiscoveredByHookId", "StaleFlaggedFor"];

    /// <summary>The person an audit row of an added expert names; null for other rows.</summary>
    public static int? ExpertAdded(Data.AuditEntry entry)
    {
        if (entry.Action != "created" || !entry.Changes.Contains("\"PersonId\"", StringComparison.Ordinal))
        {
            return null;
        }

        try
        {
            using var document = JsonDocument.Parse(entry.Changes);
            var root = document.RootElement;
            return root.TryGetProperty("PersonId", out var person) && root.TryGetProperty("CiId", out _) && !root.TryGetProperty("Name", out _)
                   && person.ValueKind == JsonValueKind.Array && person.GetArrayLength() == 2 && person[1].ValueKind == JsonValueKind.Number && person[1].TryGetInt32(out var id)
                ? id
                : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    public static string Describe(string changesJson)
    {
        try
        {
            using var document = JsonDocument.Parse(changesJson);
            var parts = new List<string>();
            foreach (var property in document.RootElement.EnumerateObject())
            {
                if (Hidden.Contains(property.Name) || property.Value.ValueKind != JsonValueKind.Array || property.Value.GetArrayLength() != 2)
                {
                    continue;
                }

                var (before, after) = (Text(property.Value[0]), Text(property.Value[1]));
                parts.Add(before is null ? $"{property.Name} {after}" : $"{property.Name} {before} → {after ?? "none"}");
            }

            return parts.Count == 0 ? "" : ": " + string.Join(", ", parts.Take(8)) + (parts.Count > 8 ? ", …" : "");
        }
        catch (JsonException)
        {
            return "";
        }
    }

    private static string? Text(JsonElement value)
    {
        var text = value.ValueKind switch
        {
            JsonValueKind.Null => null,
            JsonValueKind.String => value.GetString(),
            _ => value.GetRawText(),
        };
        return text is { Length: > 80 } ? text[..80] + "…" : text;
    }
}
