using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using BakeryBot.Core.Chat;
using BakeryBot.Core.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace BakeryBot.Teams.Tests.Manifest;

/// <summary>What the manifest must declare beyond the schema: product.md §3's commands and §4's message actions.</summary>
public sealed partial class TeamsManifestContentTests
{
    /// <summary>The command words of product.md §3's table, in its order.</summary>
    private static readonly string[] ProductCommands =
        ["incident", "problem", "change", "release", "drill", "timer", "time", "cmdb", "catalog", "sla", "kb", "digest", "bakery"];

    /// <summary>
    /// Commands beyond product.md's table that the bot offers in its command lists: <c>home</c>, what needs the
    /// person, in the personal chat.
    /// </summary>
    private static readonly string[] BeyondProduct = [Core.Home.HomeCommands.Command];

    private static readonly string[] BotScopes = ["team", "personal", "groupChat"];

    private const string PlaceholderId = "00000000-0000-0000-0000-000000000000";

    private readonly JsonObject _manifest = ManifestFiles.Manifest();

    private JsonObject Bot => Assert.Single(_manifest["bots"]!.AsArray())!.AsObject();

    private JsonArray CommandLists => Bot["commandLists"]!.AsArray();

    [SkippableFact]
    public void Command_constant_matches_product_md_when_the_shared_docs_are_beside_the_repository()
    {
        var path = ManifestFiles.ProductDocPath;
        Skip.If(path is null, "../shared/docs/product.md is not beside the repository.");

        var text = File.ReadAllText(path);
        var start = text.IndexOf("\n## 3. Commands", StringComparison.Ordinal);
        Assert.True(start >= 0, "product.md has no '## 3. Commands' section.");
        var end = text.IndexOf("\n## ", start + 1, StringComparison.Ordinal);
        var section = end < 0 ? text[start..] : text[start..end];

        var documented = new List<string>();
        foreach (var line in section.Split('\n'))
        {
            if (!line.StartsWith("| `/", StringComparison.Ordinal))
            {
                continue;
            }

            var firstCell = line.Split('|')[1];
            foreach (Match match in CommandWord().Matches(firstCell))
            {
                if (!documented.Contains(match.Groups[1].Value))
                {
                    documented.Add(match.Groups[1].Value);
                }
            }
        }

        Assert.Equal(ProductCommands, documented);
    }

    [Fact]
    public void Every_product_command_is_in_a_command_list()
    {
        var listed = CommandLists
            .SelectMany(list => list!["commands"]!.AsArray())
            .Select(command => (string)command!["title"]!)
            .ToHashSet(StringComparer.Ordinal);

        Assert.Empty(ProductCommands.Except(listed));
        Assert.Empty(listed.Except(ProductCommands).Except(BeyondProduct));
    }

    [Fact]
    public async Task Command_lists_hold_only_commands_the_router_knows_and_together_all_of_them()
    {
        await using var app = await CoreTestApp.CreateAsync(DbProvider.Sqlite);
        var known = app.Services.GetRequiredService<CommandMap>().Commands.Select(c => c.Name).ToHashSet(StringComparer.Ordinal);
        Assert.NotEmpty(known);

        var listed = CommandLists
            .SelectMany(list => list!["commands"]!.AsArray())
            .Select(command => (string)command!["title"]!)
            .ToHashSet(StringComparer.Ordinal);

        Assert.Empty(listed.Except(known));
        Assert.Empty(known.Except(listed));
    }

    [Fact]
    public async Task Each_command_names_every_verb_the_router_has_for_it_in_some_list()
    {
        await using var app = await CoreTestApp.CreateAsync(DbProvider.Sqlite);
        var map = app.Services.GetRequiredService<CommandMap>();
        var described = CommandLists
            .SelectMany(list => list!["commands"]!.AsArray())
            .GroupBy(command => (string)command!["title"]!, command => (string)command!["description"]!, StringComparer.Ordinal);

        var missing = new List<string>();
        foreach (var descriptions in described)
        {
            var words = descriptions.SelectMany(d => Word().Matches(d).Select(m => m.Value)).ToHashSet(StringComparer.OrdinalIgnoreCase);
            var definition = map.FindCommand(descriptions.Key);
            Assert.NotNull(definition);
            missing.AddRange(definition.Verbs.Where(v => !words.Contains(v.Name)).Select(v => $"{descriptions.Key} {v.Name}"));
        }

        Assert.Empty(missing);
    }

    [Fact]
    public void Command_titles_are_unique_within_each_list_and_described()
    {
        foreach (var list in CommandLists)
        {
            var commands = list!["commands"]!.AsArray();
            var titles = commands.Select(command => (string)command!["title"]!).ToList();
            Assert.Equal(titles.Count, titles.Distinct(StringComparer.OrdinalIgnoreCase).Count());
            Assert.InRange(titles.Count, 1, 12);
            Assert.All(commands, command =>
            {
                var title = (string)command!["title"]!;
                var description = (string)command["description"]!;
                Assert.Matches($"^{title}\\b", description);
            });
        }
    }

    [Fact]
    public void Each_bot_scope_has_exactly_one_command_list()
    {
        Assert.Equal(BotScopes.Order(), Bot["scopes"]!.AsArray().Select(s => (string)s!).Order());

        var listScopes = CommandLists.SelectMany(list => list!["scopes"]!.AsArray().Select(s => (string)s!)).ToList();

        Assert.Equal(BotScopes.Order(), listScopes.Order());
    }

    [Fact]
    public void Bot_is_conversational_without_files()
    {
        Assert.False((bool)Bot["supportsFiles"]!);
        Assert.False((bool)Bot["isNotificationOnly"]!);
    }

    [Fact]
    public void Message_extension_has_exactly_the_two_message_actions()
    {
        var extension = Assert.Single(_manifest["composeExtensions"]!.AsArray())!.AsObject();
        Assert.Equal(PlaceholderId, (string?)extension["botId"]);

        var commands = extension["commands"]!.AsArray().Select(c => c!.AsObject()).ToList();
        Assert.Equal(["startTimer", "declareIncident"], commands.Select(c => (string)c["id"]!));
        Assert.Equal(["Start timer on this", "Declare incident from this"], commands.Select(c => (string)c["title"]!));
        Assert.All(commands, command =>
        {
            Assert.Equal("action", (string?)command["type"]);
            Assert.Equal(["message"], command["context"]!.AsArray().Select(c => (string)c!));
            Assert.False((bool)command["fetchTask"]!);
            Assert.InRange(command["parameters"]!.AsArray().Count, 1, 5);
        });

        var declare = commands[1];
        var severity = declare["parameters"]!.AsArray().Single(p => (string)p!["name"]! == "severity")!;
        Assert.Equal(["sev1", "sev2", "sev3", "sev4"], severity["choices"]!.AsArray().Select(c => (string)c!["value"]!));
    }

    [Fact]
    public void Template_uses_the_placeholders_the_package_script_replaces()
    {
        Assert.Equal(PlaceholderId, (string?)_manifest["id"]);
        Assert.Equal(PlaceholderId, (string?)Bot["botId"]);
        Assert.Equal("BakeryBot", (string?)_manifest["name"]!["short"]);
        Assert.Equal("BakeryBot", (string?)_manifest["developer"]!["name"]);
        foreach (var url in new[] { "websiteUrl", "privacyUrl", "termsOfUseUrl" })
        {
            Assert.StartsWith("https://bakerybot.example.com/", (string?)_manifest["developer"]![url], StringComparison.Ordinal);
        }

        Assert.Equal(["bakerybot.example.com"], _manifest["validDomains"]!.AsArray().Select(d => (string)d!));
        Assert.Equal("color.png", (string?)_manifest["icons"]!["color"]);
        Assert.Equal("outline.png", (string?)_manifest["icons"]!["outline"]);
        Assert.Null(_manifest["webApplicationInfo"]);
    }

    [GeneratedRegex("[a-z][a-z-]*", RegexOptions.IgnoreCase)]
    private static partial Regex Word();

    [GeneratedRegex("`/([a-z]+)")]
    private static partial Regex CommandWord();
}
