using System.Text.Json.Nodes;

namespace BakeryBot.Slack.Tests.Manifest;

/// <summary>manifests/slack/*.yml against Slack's manifest schema (vendored in manifests/slack/schema).</summary>
public sealed class SlackManifestSchemaTests
{
    [Theory]
    [InlineData(SlackManifestFiles.HttpManifest)]
    [InlineData(SlackManifestFiles.SocketManifest)]
    public async Task Manifest_validates_against_the_1_0_0_schema(string file)
    {
        var schema = await SlackManifestFiles.SchemaAsync();

        var errors = schema.Validate(SlackManifestFiles.Manifest(file).ToJsonString());

        Assert.True(errors.Count == 0, "Schema errors:\n" + string.Join("\n", errors.Select(e => $"{e.Path}: {e.Kind}")));
    }

    [Theory]
    [InlineData(SlackManifestFiles.HttpManifest)]
    [InlineData(SlackManifestFiles.SocketManifest)]
    public void Manifest_is_major_version_1_which_the_dispatching_schema_sends_to_the_1_0_0_one(string file)
    {
        var manifest = SlackManifestFiles.Manifest(file);
        Assert.Equal(1, (long?)manifest["_metadata"]?["major_version"]);

        // manifest.schema.json chooses by _metadata.major_version; its branch for 1 must be the file validated here.
        var dispatcher = SlackManifestFiles.ParseObject(File.ReadAllText(SlackManifestFiles.PathOf("schema", "manifest.schema.json")));
        var branch = dispatcher["oneOf"]!.AsArray()
            .Select(b => b!["allOf"]!.AsArray())
            .Single(allOf => (int?)allOf[0]?["properties"]?["_metadata"]?["properties"]?["major_version"]?["const"] == 1);
        var reference = (string?)branch[1]!["$ref"];
        Assert.EndsWith("/" + Path.GetFileName(SlackManifestFiles.SchemaPath), reference, StringComparison.Ordinal);
    }

    [SkippableFact]
    public void Vendored_schemas_are_the_shared_ones_when_they_are_beside_the_repository()
    {
        var shared = Path.GetFullPath(Path.Combine(SlackManifestFiles.RepositoryRoot, "..", "shared", "schemas", "slack"));
        Skip.IfNot(Directory.Exists(shared), "../shared/schemas/slack is not beside the repository.");
        foreach (var name in new[] { "manifest.schema.json", "manifest.schema.1.0.0.json", "LICENSE" })
        {
            Assert.Equal(File.ReadAllBytes(Path.Combine(shared, name)), File.ReadAllBytes(SlackManifestFiles.PathOf("schema", name)));
        }
    }

    /// <summary>The validator really checks: each of these breaks one rule of the schema.</summary>
    [Theory]
    [InlineData("command without a description")]
    [InlineData("command not starting with a slash")]
    [InlineData("command name over 32 characters")]
    [InlineData("shortcut name over 24 characters")]
    [InlineData("shortcut of an unknown type")]
    [InlineData("interactivity without is_enabled")]
    [InlineData("request URL that is not http(s)")]
    [InlineData("unknown top-level key")]
    [InlineData("unknown key in a command")]
    [InlineData("no display name")]
    [InlineData("socket mode as a string")]
    public async Task Schema_rejects_a_broken_manifest(string breakage)
    {
        var manifest = SlackManifestFiles.Manifest(SlackManifestFiles.HttpManifest);
        var command = manifest["features"]!["slash_commands"]![0]!.AsObject();
        var shortcut = manifest["features"]!["shortcuts"]![0]!.AsObject();
        var settings = manifest["settings"]!.AsObject();
        switch (breakage)
        {
            case "command without a description":
                command.Remove("description");
                break;
            case "command not starting with a slash":
                command["command"] = "incident";
                break;
            case "command name over 32 characters":
                command["command"] = "/" + new string('x', 32);
                break;
            case "shortcut name over 24 characters":
                shortcut["name"] = "Declare incident from this";
                break;
            case "shortcut of an unknown type":
                shortcut["type"] = "channel";
                break;
            case "interactivity without is_enabled":
                settings["interactivity"]!.AsObject().Remove("is_enabled");
                break;
            case "request URL that is not http(s)":
                settings["interactivity"]!["request_url"] = "bakerybot.example.com/slack/interactions";
                break;
            case "unknown top-level key":
                manifest["event_url"] = "https://bakerybot.example.com/slack/events";
                break;
            case "unknown key in a command":
                command["usage"] = "<title>";
                break;
            case "no display name":
                manifest["display_information"]!.AsObject().Remove("name");
                break;
            case "socket mode as a string":
                settings["socket_mode_enabled"] = "yes";
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(breakage), breakage, null);
        }

        var schema = await SlackManifestFiles.SchemaAsync();

        Assert.NotEmpty(schema.Validate(manifest.ToJsonString()));
    }

    [Fact]
    public void Yaml_conversion_types_plain_scalars_and_keeps_quoted_ones_as_text()
    {
        var json = SlackManifestFiles.YamlToJson("a: true\nb: \"true\"\nc: 12\nd: '12'\ne: [x, 'y']\nf: ~\n");

        Assert.Equal("""{"a":true,"b":"true","c":12,"d":"12","e":["x","y"],"f":null}""", json.ToJsonString());
        Assert.Throws<YamlDotNet.Core.YamlException>(() => SlackManifestFiles.YamlToJson("a: 1\na: 2\n"));
        Assert.Throws<InvalidDataException>(() => SlackManifestFiles.YamlToJson("a: &x 1\nb: *x\n"));
    }
}
