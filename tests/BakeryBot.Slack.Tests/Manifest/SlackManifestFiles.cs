using System.Globalization;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using NJsonSchema;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace BakeryBot.Slack.Tests.Manifest;

/// <summary>
/// The files under <c>manifests/slack/</c>, read in place from the repository (found by walking up from the
/// test assembly to the folder that holds <c>BakeryBot.sln</c>), and the YAML → JSON conversion Slack itself does
/// before checking a manifest against its schema.
/// </summary>
internal static partial class SlackManifestFiles
{
    public const string HttpManifest = "manifest.yml";
    public const string SocketManifest = "manifest.socket.yml";

    /// <summary>The placeholder host the README says to replace with <c>PublicUrl</c>.</summary>
    public const string PlaceholderUrl = "https://bakerybot.example.com";

    private static readonly Lazy<string> Root = new(FindRepositoryRoot);
    private static readonly Lazy<Task<JsonSchema>> Schema = new(LoadSchemaAsync);

    public static string RepositoryRoot => Root.Value;

    public static string PathOf(params string[] parts) => Path.Combine([RepositoryRoot, "manifests", "slack", .. parts]);

    public static string SchemaPath => PathOf("schema", "manifest.schema.1.0.0.json");

    public static string SourcePath(params string[] parts) => Path.Combine([RepositoryRoot, "src", .. parts]);

    /// <summary>product.md sits in the shared docs beside the repository (as in CI); null when it is not there.</summary>
    public static string? ProductDocPath
    {
        get
        {
            var path = Path.GetFullPath(Path.Combine(RepositoryRoot, "..", "shared", "docs", "product.md"));
            return File.Exists(path) ? path : null;
        }
    }

    public static JsonObject Manifest(string file) => YamlToJson(File.ReadAllText(PathOf(file)));

    /// <summary>
    /// The vendored 1.0.0 schema (the one <c>manifest.schema.json</c> picks for major version 1 or none). It declares
    /// draft-07 in <c>$schema</c> but uses only keywords draft-04 validators know; <c>$schema</c> is dropped so
    /// nothing could reach for the remote meta-schema (its <c>$ref</c>s are all local).
    /// </summary>
    public static Task<JsonSchema> SchemaAsync() => Schema.Value;

    public static JsonObject ParseObject(string json) =>
        JsonNode.Parse(json)?.AsObject() ?? throw new InvalidOperationException("The JSON is null.");

    /// <summary>
    /// One YAML document to JSON: mappings to objects, sequences to arrays; plain scalars <c>true</c>/<c>false</c>
    /// to booleans, integers to numbers, <c>null</c>/<c>~</c> to null; quoted scalars and everything else to strings.
    /// Duplicate keys are refused (YamlDotNet throws), and so are anchors, which manifests have no use for.
    /// </summary>
    public static JsonObject YamlToJson(string yaml)
    {
        var stream = new YamlStream();
        stream.Load(new StringReader(yaml));
        var document = Assert.Single(stream.Documents);
        return Convert(document.RootNode) as JsonObject ?? throw new InvalidDataException("The manifest is not a YAML mapping.");
    }

    private static JsonNode? Convert(YamlNode node)
    {
        if (!node.Anchor.IsEmpty)
        {
            throw new InvalidDataException($"Anchors are not used in manifests ({node.Start}).");
        }

        switch (node)
        {
            case YamlMappingNode mapping:
                var obj = new JsonObject();
                foreach (var (key, value) in mapping.Children)
                {
                    obj[((YamlScalarNode)key).Value ?? ""] = Convert(value);
                }

                return obj;
            case YamlSequenceNode sequence:
                return new JsonArray([.. sequence.Children.Select(Convert)]);
            case YamlScalarNode { Style: ScalarStyle.Plain } plain:
                return plain.Value switch
                {
                    "true" => JsonValue.Create(true),
                    "false" => JsonValue.Create(false),
                    "null" or "~" or "" or null => null,
                    var text when Integer().IsMatch(text) => JsonValue.Create(long.Parse(text, CultureInfo.InvariantCulture)),
                    var text => JsonValue.Create(text),
                };
            case YamlScalarNode scalar:
                return JsonValue.Create(scalar.Value ?? "");
            default:
                throw new InvalidDataException($"Unexpected YAML node {node.NodeType} ({node.Start}).");
        }
    }

    private static async Task<JsonSchema> LoadSchemaAsync()
    {
        var document = ParseObject(File.ReadAllText(SchemaPath));
        document.Remove("$schema");
        return await JsonSchema.FromJsonAsync(document.ToJsonString());
    }

    private static string FindRepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "BakeryBot.sln")))
            {
                return dir.FullName;
            }
        }

        throw new DirectoryNotFoundException($"No folder above {AppContext.BaseDirectory} holds BakeryBot.sln.");
    }

    [GeneratedRegex("^-?[0-9]+$")]
    private static partial Regex Integer();
}
