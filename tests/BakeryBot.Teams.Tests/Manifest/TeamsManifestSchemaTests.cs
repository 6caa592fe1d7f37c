using System.Text.Json.Nodes;

namespace BakeryBot.Teams.Tests.Manifest;

/// <summary>manifests/teams/manifest.json against Microsoft's official v1.25 schema (vendored in manifests/teams/schema).</summary>
public sealed class TeamsManifestSchemaTests
{
    [Fact]
    public async Task Manifest_validates_against_the_v1_25_schema()
    {
        var schema = await ManifestFiles.SchemaAsync();

        var errors = schema.Validate(ManifestFiles.ManifestText());

        Assert.True(errors.Count == 0, "Schema errors:\n" + string.Join("\n", errors.Select(e => $"{e.Path}: {e.Kind}")));
    }

    [Fact]
    public void Manifest_names_the_schema_it_is_validated_against()
    {
        var manifest = ManifestFiles.Manifest();
        var schema = ManifestFiles.SchemaDocument();

        // The schema pins the version with `const`, a keyword draft-04 validators do not enforce: check it here.
        var schemaVersion = (string?)schema["properties"]?["manifestVersion"]?["const"];
        Assert.Equal("1.25", schemaVersion);
        Assert.Equal(schemaVersion, (string?)manifest["manifestVersion"]);
        Assert.Equal(
            $"https://developer.microsoft.com/json-schemas/teams/v{schemaVersion}/MicrosoftTeams.schema.json",
            (string?)manifest["$schema"]);
    }

    [Fact]
    public void Vendored_schema_is_the_shared_one_when_it_is_beside_the_repository()
    {
        var shared = Path.GetFullPath(Path.Combine(
            ManifestFiles.RepositoryRoot, "..", "shared", "schemas", "teams", "MicrosoftTeams.v1.25.schema.json"));
        if (File.Exists(shared))
        {
            Assert.Equal(File.ReadAllBytes(shared), File.ReadAllBytes(ManifestFiles.SchemaPath));
        }
    }

    /// <summary>The validator really checks: each of these breaks one rule of the schema.</summary>
    [Theory]
    [InlineData("missing accentColor")]
    [InlineData("bot id not a GUID")]
    [InlineData("13 commands in one list")]
    [InlineData("message action title over 32 characters")]
    [InlineData("message action without parameters")]
    [InlineData("unknown bot scope")]
    [InlineData("http-less developer URL")]
    [InlineData("unknown top-level property")]
    public async Task Schema_rejects_a_broken_manifest(string breakage)
    {
        var manifest = ManifestFiles.Manifest();
        var bot = manifest["bots"]![0]!.AsObject();
        var action = manifest["composeExtensions"]![0]!["commands"]![0]!.AsObject();
        switch (breakage)
        {
            case "missing accentColor":
                manifest.Remove("accentColor");
                break;
            case "bot id not a GUID":
                bot["botId"] = "{{TEAMS_APP_ID}}";
                break;
            case "13 commands in one list":
                var commands = bot["commandLists"]![0]!["commands"]!.AsArray();
                commands.Add(new JsonObject { ["title"] = "time", ["description"] = "time log <dur>" });
                break;
            case "message action title over 32 characters":
                action["title"] = new string('x', 33);
                break;
            case "message action without parameters":
                action["parameters"] = new JsonArray();
                break;
            case "unknown bot scope":
                bot["scopes"]!.AsArray().Add("meetings");
                break;
            case "http-less developer URL":
                manifest["developer"]!["websiteUrl"] = "{{PUBLIC_URL}}/";
                break;
            case "unknown top-level property":
                manifest["botEndpoint"] = "https://bakerybot.example.com/api/messages";
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(breakage), breakage, null);
        }

        var schema = await ManifestFiles.SchemaAsync();

        Assert.NotEmpty(schema.Validate(manifest.ToJsonString()));
    }
}
