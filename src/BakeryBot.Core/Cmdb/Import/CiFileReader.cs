using System.Text;
using System.Text.Json;
using CsvHelper;

namespace BakeryBot.Core.Cmdb.Import;

/// <summary>
/// Reads CMDB import files: CSV with a header row, or JSON (an array of objects, or an object with an
/// <c>items</c> array). Both use the same column names: <c>type</c> and <c>name</c>, the key
/// attributes of <c>/cmdb add</c> (tier, health, owner, sme, uptime, third-party, vendor, serial,
/// uses, risks, credit, fee), one column per relation (depends-on, runs-on, part-of, located-in,
/// owned-by, supplied-by) holding target names separated by <c>;</c>, each optionally followed by
/// <c>redundant:&lt;group&gt;</c>, and any other column as a free attribute. Every problem is
/// reported with its line; nothing is read past what is understood.
/// </summary>
public static class CiFileReader
{
    /// <summary>More rows than this in one file is refused: split the file.</summary>
    public const int MaxRows = 100_000;

    public static readonly IReadOnlyList<string> RelationColumns = ["depends-on", "runs-on", "part-of", "located-in", "owned-by", "supplied-by"];

    /// <summary>Reads a file by its extension (<c>.csv</c> or <c>.json</c>).</summary>
    public static (List<CiRow> Rows, List<ImportError> Errors) Read(string fileName, string text) =>
        Path.GetExtension(fileName).ToLowerInvariant() switch
        {
            ".csv" => ReadCsv(text),
            ".json" => ReadJson(text),
            _ => ([], [new ImportError(0, $"`{Path.GetFileName(fileName)}` is neither .csv nor .json.")]),
        };

    public static (List<CiRow> Rows, List<ImportError> Errors) ReadCsv(string text)
    {
        var rows = new List<CiRow>();
        var errors = new List<ImportError>();
        var malformed = new List<ImportError>();
        var options = new CsvReaderOptions
        {
            Separator = ',',
            TrackLineNumbers = true,
            TrimWhitespace = true,
            MaxRecordSize = 1 << 20,
            OnMalformedRecord = m => malformed.Add(new ImportError((int)m.LineNumber, Malformed(m.Reason))),
        };
        try
        {
            using var csv = CsvReader.FromText(text, options);
            csv.ReadHeader();
            if (csv.Headers.Count == 0)
            {
                return ([], [new ImportError(1, "The file is empty; its first line names the columns, as in `type,name,tier,owner`.")]);
            }

            var headers = csv.Headers.Select(h => h.Trim().ToLowerInvariant()).ToList();
            var headerErrors = CheckHeaders(headers).Select(m => new ImportError(1, m)).ToList();
            if (headerErrors.Count > 0)
            {
                return ([], headerErrors);
            }

            while (csv.Read())
            {
                var line = (int)csv.LineNumber;
                if (rows.Count + errors.Count >= MaxRows)
                {
                    errors.Add(new ImportError(line, $"More than {MaxRows:N0} rows; split the file."));
                    break;
                }

                if (csv.FieldCount > headers.Count)
                {
                    errors.Add(new ImportError(line, $"{csv.FieldCount} values for {headers.Count} columns; quote values that contain commas."));
                    continue;
                }

                var cells = new List<KeyValuePair<string, string>>(headers.Count);
                for (var i = 0; i < csv.FieldCount; i++)
                {
                    cells.Add(new(headers[i], csv.GetString(i)));
                }

                Add(rows, errors, line, cells);
            }
        }
        catch (CsvFormatException ex)
        {
            errors.Add(new ImportError(0, $"Not readable as CSV: {ex.Message}"));
        }

        errors.AddRange(malformed);
        return (rows, errors.OrderBy(e => e.Line).ToList());
    }

    public static (List<CiRow> Rows, List<ImportError> Errors) ReadJson(string text)
    {
        var rows = new List<CiRow>();
        var errors = new List<ImportError>();
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(text, new JsonDocumentOptions { MaxDepth = 16, CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true });
        }
        catch (JsonException ex)
        {
            return ([], [new ImportError((int)(ex.LineNumber ?? 0) + 1, $"Not valid JSON: {FirstSentence(ex.Message)}")]);
        }

        using (document)
        {
            var root = document.RootElement;
            var items = root.ValueKind switch
            {
                JsonValueKind.Array => root,
                JsonValueKind.Object when root.TryGetProperty("items", out var list) && list.ValueKind == JsonValueKind.Array => list,
                _ => (JsonElement?)null,
            };
            if (items is not { } array)
            {
                return ([], [new ImportError(1, "Expected an array of CIs, or an object with an `items` array.")]);
            }

            var lines = ItemLines(text, root.ValueKind == JsonValueKind.Array ? 1 : 2);
            var index = 0;
            foreach (var item in array.EnumerateArray())
            {
                var line = index < lines.Count ? lines[index] : 0;
                index++;
                if (index > MaxRows)
                {
                    errors.Add(new ImportError(line, $"More than {MaxRows:N0} items; split the file."));
                    break;
                }

                if (item.ValueKind != JsonValueKind.Object)
                {
                    errors.Add(new ImportError(line, "Each item is an object, as in {\"type\": \"asset\", \"name\": \"oven-2\"}."));
                    continue;
                }

                var cells = new List<KeyValuePair<string, string>>();
                string? problem = null;
                foreach (var property in item.EnumerateObject())
                {
                    var key = property.Name.Trim().ToLowerInvariant();
                    if (key == "attributes" && property.Value.ValueKind == JsonValueKind.Object)
                    {
                        foreach (var attribute in property.Value.EnumerateObject())
                        {
                            problem ??= Cell(cells, attribute.Name.Trim().ToLowerInvariant(), attribute.Value);
                        }
                    }
                    else
                    {
                        problem ??= Cell(cells, key, property.Value);
                    }
                }

                if (problem is not null)
                {
                    errors.Add(new ImportError(line, problem));
                    continue;
                }

                var headerProblems = CheckHeaders(cells.Select(c => c.Key).ToList());
                if (headerProblems.Count > 0)
                {
                    errors.Add(new ImportError(line, headerProblems[0]));
                    continue;
                }

                Add(rows, errors, line, cells);
            }
        }

        return (rows, errors);
    }

    /// <summary>The JSON value as the text a CSV cell would hold: arrays become <c>;</c>-separated lists.</summary>
    private static string? Cell(List<KeyValuePair<string, string>> cells, string key, JsonElement value)
    {
        switch (value.ValueKind)
        {
            case JsonValueKind.String:
                cells.Add(new(key, value.GetString()!));
                return null;
            case JsonValueKind.Number:
            case JsonValueKind.True:
            case JsonValueKind.False:
                cells.Add(new(key, value.GetRawText()));
                return null;
            case JsonValueKind.Null:
                return null;
            case JsonValueKind.Array when value.EnumerateArray().All(v => v.ValueKind == JsonValueKind.String):
                cells.Add(new(key, string.Join(key == "sme" ? "," : ";", value.EnumerateArray().Select(v => v.GetString()))));
                return null;
            default:
                return $"`{key}` is a {value.ValueKind.ToString().ToLowerInvariant()}; give a string, a number, true/false or a list of strings.";
        }
    }

    private static List<string> CheckHeaders(IReadOnlyList<string> headers)
    {
        var problems = new List<string>();
        if (!headers.Contains("type") || !headers.Contains("name"))
        {
            problems.Add("The columns `type` and `name` are needed.");
        }

        foreach (var duplicate in headers.GroupBy(h => h, StringComparer.Ordinal).Where(g => g.Count() > 1))
        {
            problems.Add($"The column `{duplicate.Key}` is there twice.");
        }

        foreach (var header in headers.Where(h => !IsValidKey(h)))
        {
            problems.Add(header.Length == 0
                ? "A column has no name."
                : $"`{Truncate(header)}` can't be a column: use lower-case letters, digits and `-` (up to 40), like `purchase-date`.");
        }

        return problems;
    }

    private static void Add(List<CiRow> rows, List<ImportError> errors, int line, List<KeyValuePair<string, string>> cells)
    {
        string? type = null, name = null;
        var values = new List<KeyValuePair<string, string>>();
        var links = new List<CiRowLink>();
        foreach (var (key, raw) in cells)
        {
            var value = raw.Trim();
            if (value.Length == 0)
            {
                continue;
            }

            if (value.Length > 1000)
            {
                errors.Add(new ImportError(line, $"The value of `{key}` is longer than 1,000 characters."));
                return;
            }

            switch (key)
            {
                case "type":
                    type = value;
                    break;
                case "name":
                    name = value;
                    break;
                case var relation when RelationColumns.Contains(relation):
                    foreach (var target in value.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
                    {
                        var parts = target.Split(' ', StringSplitOptions.RemoveEmptyEntries);
                        if (parts.Length > 2 || (parts.Length == 2 && !parts[1].StartsWith("redundant:", StringComparison.OrdinalIgnoreCase)))
                        {
                            errors.Add(new ImportError(line, $"`{Truncate(target)}` in `{relation}` is not a CI name, optionally followed by `redundant:<group>`."));
                            return;
                        }

                        var group = parts.Length == 2 ? parts[1]["redundant:".Length..] : null;
                        if (group is { Length: 0 or > 64 })
                        {
                            errors.Add(new ImportError(line, $"The redundancy group of `{parts[0]}` in `{relation}` is empty or longer than 64 characters."));
                            return;
                        }

                        links.Add(new CiRowLink(CmdbService.ParseRelation(relation), parts[0], group));
                    }

                    break;
                default:
                    values.Add(new(key, value));
                    break;
            }
        }

        if (type is null || name is null)
        {
            errors.Add(new ImportError(line, type is null ? "No `type`: one of facility, service, asset, component, software, cloud, team, person." : "No `name`."));
            return;
        }

        rows.Add(new CiRow(line, type, name, values, links));
    }

    /// <summary>Free attribute and column names: the same rule as the key of a <c>key:value</c> option.</summary>
    public static bool IsValidKey(string key) =>
        key.Length is > 0 and <= 40 && char.IsAsciiLetterLower(key[0]) && key.All(c => char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c) || c is '-' or '_');

    /// <summary>The line on which each item of the CI array starts (items at <paramref name="depth"/>).</summary>
    private static List<int> ItemLines(string text, int depth)
    {
        var bytes = Encoding.UTF8.GetBytes(text);
        var reader = new Utf8JsonReader(bytes, new JsonReaderOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true, MaxDepth = 16 });
        var lines = new List<int>();
        var line = 1;
        long counted = 0;
        var arrayDepth = -1;
        while (reader.Read())
        {
            if (reader.TokenType == JsonTokenType.StartArray && arrayDepth < 0 && reader.CurrentDepth == depth - 1)
            {
                arrayDepth = reader.CurrentDepth;
                continue;
            }

            if (arrayDepth >= 0 && reader.CurrentDepth == depth && reader.TokenType is not (JsonTokenType.EndArray or JsonTokenType.EndObject or JsonTokenType.PropertyName))
            {
                for (; counted < reader.TokenStartIndex; counted++)
                {
                    if (bytes[counted] == (byte)'\n')
                    {
                        line++;
                    }
                }

                lines.Add(line);
                if (reader.TokenType is JsonTokenType.StartObject or JsonTokenType.StartArray)
                {
                    reader.Skip();
                }
            }
            else if (arrayDepth >= 0 && reader.TokenType == JsonTokenType.EndArray && reader.CurrentDepth == arrayDepth)
            {
                break;
            }
        }

        return lines;
    }

    private static string Malformed(CsvMalformedReason reason) => reason switch
    {
        CsvMalformedReason.StrayQuote => "A quote inside an unquoted value; quote the whole value and double the quotes inside it.",
        CsvMalformedReason.TextAfterClosingQuote => "Text after a closing quote; quote the whole value.",
        CsvMalformedReason.UnterminatedQuote => "A quoted value is never closed.",
        CsvMalformedReason.FieldCountMismatch => "The number of values differs from the number of columns.",
        _ => $"Malformed CSV ({reason}).",
    };

    private static string FirstSentence(string message)
    {
        var end = message.IndexOf(". ", StringComparison.Ordinal);
        return end < 0 ? message : message[..(end + 1)];
    }

    private static string Truncate(string text) => text.Length <= 40 ? text : text[..40] + "…";
}
