using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using BakeryBot.Core.Chat;
using BakeryBot.Core.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace BakeryBot.Slack.Tests.Manifest;

/// <summary>
/// What the manifests must say beyond the schema: the commands the router knows, the shortcuts the Slack adapter
/// handles, the endpoints the host maps, and exactly the bot scopes the Web API methods the code calls need.
/// </summary>
public sealed partial class SlackManifestContentTests
{
    /// <summary>
    /// The scopes each Slack Web API method the code calls needs (api.slack.com/methods/&lt;method&gt;, and
    /// protocols.md §5 and §7). A method the code starts calling must be added here, and its scopes to the manifests.
    /// </summary>
    private static readonly Dictionary<string, string[]> ScopesByMethod = new(StringComparer.Ordinal)
    {
        // chat:write.public: cards are posted where a command was typed, a public channel the bot may not be in.
        ["chat.postMessage"] = ["chat:write", "chat:write.public"],
        ["chat.update"] = ["chat:write"],
        ["chat.postEphemeral"] = ["chat:write"],
        // Only ever with one user: the bot's direct message with them.
        ["conversations.open"] = ["im:write"],
        // The delivery check reads public and private channels and the direct message.
        ["conversations.history"] = ["channels:history", "groups:history", "im:history"],
        ["conversations.replies"] = ["channels:history", "groups:history"],
        // Incident channels are public channels.
        ["conversations.create"] = ["channels:manage"],
        ["conversations.invite"] = ["channels:manage"],
        ["users.info"] = ["users:read"],
        // A trigger_id is the permission: no scope.
        ["views.open"] = [],
        // Called with the app-level token (xapp-...), whose own scope is connections:write: no bot scope.
        ["apps.connections.open"] = [],
        // The Home tab: Slack asks no scope of views.publish.
        ["views.publish"] = [],
    };

    /// <summary>The scopes each event the bot subscribes to needs (api.slack.com/events/&lt;event&gt;).</summary>
    private static readonly Dictionary<string, string[]> ScopesByEvent = new(StringComparer.Ordinal)
    {
        ["app_mention"] = ["app_mentions:read"],
        ["app_home_opened"] = [],
    };

    /// <summary>Slash commands and shortcuts need <c>commands</c>; no Web API method does.</summary>
    private const string CommandsScope = "commands";

    private static readonly string[] FileNames = [SlackManifestFiles.HttpManifest, SlackManifestFiles.SocketManifest];

    public static TheoryData<string> Files => new(FileNames);

    [Fact]
    public async Task Every_slash_command_is_a_command_the_router_knows_and_every_router_command_is_a_slash_command()
    {
        await using var app = await CoreTestApp.CreateAsync(DbProvider.Sqlite);
        // Slack shows /home's answer in the app's Home tab (app_home_opened, views.publish), not as a slash command.
        var known = app.Services.GetRequiredService<CommandMap>().Commands.Select(c => c.Name).Where(c => c != Core.Home.HomeCommands.Command).ToList();
        Assert.NotEmpty(known);

        foreach (var file in FileNames)
        {
            var commands = SlashCommands(SlackManifestFiles.Manifest(file));
            Assert.Equal(commands.Count, commands.Distinct(StringComparer.Ordinal).Count());
            Assert.Equal(known.Order(StringComparer.Ordinal), commands.Order(StringComparer.Ordinal));
        }
    }

    [Theory]
    [MemberData(nameof(Files))]
    public async Task Each_command_names_every_verb_the_router_has_for_it(string file)
    {
        await using var app = await CoreTestApp.CreateAsync(DbProvider.Sqlite);
        var map = app.Services.GetRequiredService<CommandMap>();
        var missing = new List<string>();
        foreach (var command in SlackManifestFiles.Manifest(file)["features"]!["slash_commands"]!.AsArray())
        {
            var name = ((string)command!["command"]!).TrimStart('/');
            var text = $"{command["description"]} {command["usage_hint"]}";
            var words = Word().Matches(text).Select(m => m.Value).ToHashSet(StringComparer.OrdinalIgnoreCase);
            var definition = map.FindCommand(name);
            Assert.NotNull(definition);
            missing.AddRange(definition.Verbs.Where(v => !words.Contains(v.Name)).Select(v => $"/{name} {v.Name}"));
        }

        Assert.Empty(missing);
    }

    [SkippableFact]
    public void Every_top_level_command_of_product_md_is_in_both_manifests()
    {
        var path = SlackManifestFiles.ProductDocPath;
        Skip.If(path is null, "../shared/docs/product.md is not beside the repository.");

        var documented = ProductCommands(File.ReadAllText(path));
        Assert.Contains("incident", documented);
        Assert.Contains("bakery", documented);

        foreach (var file in FileNames)
        {
            Assert.Empty(documented.Except(SlashCommands(SlackManifestFiles.Manifest(file))));
        }
    }

    [Theory]
    [MemberData(nameof(Files))]
    public async Task Shortcuts_are_the_message_shortcuts_the_adapter_handles_and_their_actions_exist(string file)
    {
        var shortcuts = SlackManifestFiles.Manifest(file)["features"]!["shortcuts"]!.AsArray().Select(s => s!.AsObject()).ToList();

        Assert.All(shortcuts, s => Assert.Equal("message", (string?)s["type"]));
        Assert.Equal(
            SlackPayloadMapper.MessageShortcuts.Keys.Order(StringComparer.Ordinal),
            shortcuts.Select(s => (string)s["callback_id"]!).Order(StringComparer.Ordinal));
        Assert.Equal(["Start timer on this", "Declare incident"], shortcuts.Select(s => (string)s["name"]!));

        await using var app = await CoreTestApp.CreateAsync(DbProvider.Sqlite);
        var map = app.Services.GetRequiredService<CommandMap>();
        Assert.All(SlackPayloadMapper.MessageShortcuts.Values, action => Assert.NotNull(map.FindAction(action)));
    }

    [Fact]
    public void Scope_table_covers_exactly_the_web_api_methods_the_code_calls()
    {
        var called = CalledWebApiMethods();

        // The scan finds the calls (a changed call style would otherwise make this pass on nothing).
        Assert.Contains("chat.postMessage", called);
        Assert.Contains("users.info", called);
        Assert.Empty(called.Except(ScopesByMethod.Keys));
        Assert.Empty(ScopesByMethod.Keys.Except(called));
    }

    [Theory]
    [MemberData(nameof(Files))]
    public void Bot_scopes_are_exactly_what_the_called_methods_and_the_commands_need(string file)
    {
        var manifest = SlackManifestFiles.Manifest(file);
        var scopes = manifest["oauth_config"]!["scopes"]!["bot"]!.AsArray().Select(s => (string)s!).ToList();

        var needed = CalledWebApiMethods().SelectMany(m => ScopesByMethod[m]).ToHashSet(StringComparer.Ordinal);
        Assert.NotEmpty(manifest["features"]!["slash_commands"]!.AsArray());
        needed.Add(CommandsScope);
        var events = manifest["settings"]!["event_subscriptions"]?["bot_events"]?.AsArray().Select(e => (string)e!).ToList() ?? [];
        // The events the bot handles (SlackPayloadMapper.FromEvent), no more and no fewer.
        Assert.Equal(ScopesByEvent.Keys.Order(), events.Order());
        needed.UnionWith(events.SelectMany(e => ScopesByEvent[e]));

        Assert.Equal(scopes.Count, scopes.Distinct(StringComparer.Ordinal).Count());
        Assert.Empty(needed.Except(scopes));
        Assert.Empty(scopes.Except(needed));
        Assert.Null(manifest["oauth_config"]!["scopes"]!["user"]);
    }

    [Fact]
    public void Each_scope_line_says_in_a_comment_what_needs_it()
    {
        var lines = File.ReadAllLines(SlackManifestFiles.PathOf(SlackManifestFiles.HttpManifest));
        var bot = Array.FindIndex(lines, l => l.Trim() == "bot:");
        Assert.True(bot > 0, "No bot: scopes in manifest.yml.");
        var checkedScopes = 0;
        for (var i = bot + 1; i < lines.Length && lines[i].StartsWith("      ", StringComparison.Ordinal); i++)
        {
            if (lines[i].TrimStart().StartsWith("- ", StringComparison.Ordinal))
            {
                Assert.StartsWith("#", lines[i - 1].TrimStart(), StringComparison.Ordinal);
                checkedScopes++;
            }
        }

        Assert.Equal(SlackManifestFiles.Manifest(SlackManifestFiles.HttpManifest)["oauth_config"]!["scopes"]!["bot"]!.AsArray().Count, checkedScopes);
    }

    [Fact]
    public void Http_manifest_points_every_url_at_the_routes_the_host_maps_on_the_placeholder_host()
    {
        var manifest = SlackManifestFiles.Manifest(SlackManifestFiles.HttpManifest);
        var routes = MappedSlackRoutes();

        Assert.All(manifest["features"]!["slash_commands"]!.AsArray(), command =>
            Assert.Equal(SlackManifestFiles.PlaceholderUrl + "/slack/commands", (string?)command!["url"]));
        Assert.Contains("/slack/commands", routes);

        var interactivity = manifest["settings"]!["interactivity"]!;
        Assert.True((bool)interactivity["is_enabled"]!);
        Assert.Equal(SlackManifestFiles.PlaceholderUrl + "/slack/interactions", (string?)interactivity["request_url"]);
        Assert.Contains("/slack/interactions", routes);

        Assert.Equal(SlackManifestFiles.PlaceholderUrl + "/slack/events", (string?)manifest["settings"]!["event_subscriptions"]!["request_url"]);
        Assert.Contains("/slack/events", routes);

        Assert.False((bool)manifest["settings"]!["socket_mode_enabled"]!);
        Assert.DoesNotContain(Urls(manifest), url => !url.StartsWith(SlackManifestFiles.PlaceholderUrl + "/slack/", StringComparison.Ordinal));
    }

    [Fact]
    public void Event_subscriptions_are_declared_only_when_the_host_receives_events()
    {
        // Slack checks an events request_url with a url_verification challenge when the app is created: declaring one
        // the host does not answer would make "Create app from manifest" fail.
        var receivesEvents = MappedSlackRoutes().Contains("/slack/events");

        foreach (var file in FileNames)
        {
            var events = SlackManifestFiles.Manifest(file)["settings"]!["event_subscriptions"];
            Assert.Equal(receivesEvents, events is not null);
        }
    }

    [Fact]
    public void Socket_manifest_is_the_http_one_with_socket_mode_on_and_no_request_urls()
    {
        var http = SlackManifestFiles.Manifest(SlackManifestFiles.HttpManifest);
        var socket = SlackManifestFiles.Manifest(SlackManifestFiles.SocketManifest);

        Assert.True((bool)socket["settings"]!["socket_mode_enabled"]!);
        Assert.True((bool)socket["settings"]!["interactivity"]!["is_enabled"]!);
        Assert.Empty(Urls(socket));

        // Remove what differs from the HTTP variant: the rest must be the same app.
        foreach (var command in http["features"]!["slash_commands"]!.AsArray())
        {
            command!.AsObject().Remove("url");
        }

        http["settings"]!["interactivity"]!.AsObject().Remove("request_url");
        http["settings"]!["event_subscriptions"]?.AsObject().Remove("request_url");
        http["settings"]!["socket_mode_enabled"] = true;
        Assert.Equal(http.ToJsonString(), socket.ToJsonString());
    }

    private static List<string> SlashCommands(JsonObject manifest) =>
        manifest["features"]!["slash_commands"]!.AsArray().Select(c => ((string)c!["command"]!).TrimStart('/')).ToList();

    /// <summary>Every string under a key ending in <c>url</c>, anywhere in the manifest.</summary>
    private static List<string> Urls(JsonNode? node)
    {
        var found = new List<string>();
        switch (node)
        {
            case JsonObject obj:
                foreach (var (key, value) in obj)
                {
                    if (key.EndsWith("url", StringComparison.Ordinal) && value is JsonValue)
                    {
                        found.Add((string)value!);
                    }
                    else
                    {
                        found.AddRange(Urls(value));
                    }
                }

                break;
            case JsonArray array:
                found.AddRange(array.SelectMany(Urls));
                break;
        }

        return found;
    }

    /// <summary>The Web API methods named in calls in src/BakeryBot.Slack and the host's Slack code.</summary>
    private static HashSet<string> CalledWebApiMethods()
    {
        var files = Directory.EnumerateFiles(SlackManifestFiles.SourcePath("BakeryBot.Slack"), "*.cs", SearchOption.AllDirectories)
            .Concat(Directory.EnumerateFiles(SlackManifestFiles.SourcePath("BakeryBot.Host"), "*.cs", SearchOption.AllDirectories));
        return files
            .SelectMany(f => WebApiCall().Matches(File.ReadAllText(f)))
            .Select(m => m.Groups[1].Value)
            .ToHashSet(StringComparer.Ordinal);
    }

    private static HashSet<string> MappedSlackRoutes() =>
        Directory.EnumerateFiles(SlackManifestFiles.SourcePath("BakeryBot.Host"), "*.cs", SearchOption.AllDirectories)
            .SelectMany(f => SlackRoute().Matches(File.ReadAllText(f)))
            .Select(m => m.Groups[1].Value)
            .ToHashSet(StringComparer.Ordinal);

    private static List<string> ProductCommands(string productMd)
    {
        var start = productMd.IndexOf("\n## 3. Commands", StringComparison.Ordinal);
        Assert.True(start >= 0, "product.md has no '## 3. Commands' section.");
        var end = productMd.IndexOf("\n## ", start + 1, StringComparison.Ordinal);
        var section = end < 0 ? productMd[start..] : productMd[start..end];
        return section.Split('\n')
            .Where(line => line.StartsWith("| `/", StringComparison.Ordinal))
            .SelectMany(line => CommandWord().Matches(line.Split('|')[1]).Select(m => m.Groups[1].Value))
            .Distinct(StringComparer.Ordinal)
            .ToList();
    }

    [GeneratedRegex(@"(?:PostJsonAsync|PostFormAsync|GetAsync|SendViewAsync)\(\s*""([a-z]+\.[a-zA-Z.]+)""")]
    private static partial Regex WebApiCall();

    [GeneratedRegex(@"Map(?:Post|Get)\(\s*""(/slack/[a-z/]+)""")]
    private static partial Regex SlackRoute();

    [GeneratedRegex("[a-z][a-z-]*", RegexOptions.IgnoreCase)]
    private static partial Regex Word();

    [GeneratedRegex("`/([a-z]+)")]
    private static partial Regex CommandWord();
}
