using System.Text.Json.Nodes;
using NJsonSchema;

namespace BakeryBot.Teams.Tests.Manifest;

/// <summary>
/// The files under <c>manifests/teams/</c>, read in place from the repository (found by walking up from the
/// test assembly to the folder that holds <c>BakeryBot.sln</c>), so nothing needs copying to the output.
/// </summary>
internal static class ManifestFiles
{
    private static readonly Lazy<string> Root = new(FindRepositoryRoot);
    private static readonly Lazy<Task<JsonSchema>> Schema = new(LoadSchemaAsync);

    public static string RepositoryRoot => Root.Value;

    public static string TeamsFolder => Path.Combine(RepositoryRoot, "manifests", "teams");

    public static string PathOf(params string[] parts) => Path.Combine([TeamsFolder, .. parts]);

    public static string SchemaPath => PathOf("schema", "MicrosoftTeams.v1.25.schema.json");

    /// <summary>product.md sits in the shared docs beside the repository (as in CI); null when it is not there.</summary>
    public static string? ProductDocPath
    {
        get
        {
            var path = Path.GetFullPath(Path.Combine(RepositoryRoot, "..", "shared", "docs", "product.md"));
            return File.Exists(path) ? path : null;
        }
    }

    public static string ManifestText() => File.ReadAllText(PathOf("manifest.json"));

    public static JsonObject Manifest() => ParseObject(ManifestText());

    public static JsonObject ParseObject(string json) =>
        JsonNode.Parse(json)?.AsObject() ?? throw new InvalidOperationException("The JSON is null.");

    /// <summary>
    /// The vendored v1.25 schema. It declares draft-04 in <c>$schema</c>; that is dropped before loading so that
    /// nothing could ever reach for the remote meta-schema (its <c>$ref</c>s are all local).
    /// </summary>
    public static Task<JsonSchema> SchemaAsync() => Schema.Value;

    public static JsonObject SchemaDocument() => ParseObject(File.ReadAllText(SchemaPath));

    private static async Task<JsonSchema> LoadSchemaAsync()
    {
        var document = SchemaDocument();
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
}
