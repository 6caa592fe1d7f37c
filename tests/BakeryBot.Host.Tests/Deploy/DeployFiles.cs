using System.Text.RegularExpressions;
using System.Xml.Linq;
using YamlDotNet.RepresentationModel;

namespace BakeryBot.Host.Tests.Deploy;

/// <summary>
/// The files under <c>deploy/</c> and the repository facts they must agree with, read in place from the
/// repository (found by walking up from the test assembly to the folder that holds <c>BakeryBot.sln</c>).
/// </summary>
internal static partial class DeployFiles
{
    private static readonly Lazy<string> Root = new(FindRepositoryRoot);

    public static string RepositoryRoot => Root.Value;

    public static string PathOf(params string[] parts) => Path.Combine([RepositoryRoot, .. parts]);

    public static string Read(params string[] parts) => File.ReadAllText(PathOf(parts));

    public static YamlMappingNode Yaml(params string[] parts)
    {
        var stream = new YamlStream();
        using var reader = new StringReader(Read(parts));
        stream.Load(reader);
        return Assert.IsType<YamlMappingNode>(Assert.Single(stream.Documents).RootNode);
    }

    public static YamlNode? Child(this YamlNode node, string key) =>
        node is YamlMappingNode map && map.Children.TryGetValue(new YamlScalarNode(key), out var child) ? child : null;

    public static YamlMappingNode Map(this YamlNode node, string key) =>
        Assert.IsType<YamlMappingNode>(node.Child(key) ?? throw new KeyNotFoundException(key));

    public static string Scalar(this YamlNode node, string key) =>
        Assert.IsType<YamlScalarNode>(node.Child(key) ?? throw new KeyNotFoundException(key)).Value ?? "";

    /// <summary>The Host project's assembly name: what <c>dotnet publish</c> names <c>&lt;name&gt;.dll</c>.</summary>
    public static string HostAssemblyName() =>
        XDocument.Load(PathOf("src", "BakeryBot.Host", "BakeryBot.Host.csproj")).Descendants("AssemblyName").Single().Value;

    /// <summary>
    /// The configuration keys the README documents: the first cell of each row of its "Configuration" table
    /// (`Teams:AppId` / `Teams:AppPassword` are two), and `Urls`, documented below the table.
    /// </summary>
    public static IReadOnlySet<string> DocumentedConfigurationKeys()
    {
        var readme = Read("README.md");
        var start = readme.IndexOf("\n## Configuration\n", StringComparison.Ordinal);
        Assert.True(start >= 0, "The README has no Configuration section.");
        var end = readme.IndexOf("\n## ", start + 1, StringComparison.Ordinal);
        var section = readme[start..(end < 0 ? readme.Length : end)];
        var keys = new HashSet<string>(StringComparer.Ordinal);
        foreach (var line in section.Split('\n').Where(l => l.StartsWith("| `", StringComparison.Ordinal)))
        {
            var firstCell = line.Split('|')[1];
            foreach (Match m in Backticked().Matches(firstCell))
            {
                keys.Add(m.Groups[1].Value);
            }
        }

        if (section.Contains("`Urls`", StringComparison.Ordinal))
        {
            keys.Add("Urls");
        }

        return keys;
    }

    /// <summary>An environment variable's configuration key (`__` for `:`), as .NET's configuration reads it.</summary>
    public static string ConfigurationKey(string environmentVariable) => environmentVariable.Replace("__", ":", StringComparison.Ordinal);

    /// <summary>Dockerfile instructions with their continuation lines joined and comments left out.</summary>
    public static IReadOnlyList<(string Instruction, string Arguments)> DockerfileInstructions()
    {
        var result = new List<(string, string)>();
        var pending = "";
        foreach (var raw in Read("deploy", "Dockerfile").Split('\n'))
        {
            var line = raw.TrimEnd();
            if (line.TrimStart().StartsWith('#') || (line.Length == 0 && pending.Length == 0))
            {
                continue;
            }

            if (line.EndsWith('\\'))
            {
                pending += line[..^1].Trim() + " ";
                continue;
            }

            var whole = (pending + line.Trim()).Trim();
            pending = "";
            if (whole.Length == 0)
            {
                continue;
            }

            var space = whole.IndexOf(' ', StringComparison.Ordinal);
            result.Add((whole[..space].ToUpperInvariant(), whole[(space + 1)..].Trim()));
        }

        return result;
    }

    /// <summary>A systemd unit (or any INI-like file): section → key → values (a key may repeat).</summary>
    public static Dictionary<string, Dictionary<string, List<string>>> Ini(params string[] parts)
    {
        var sections = new Dictionary<string, Dictionary<string, List<string>>>(StringComparer.Ordinal);
        Dictionary<string, List<string>>? current = null;
        var number = 0;
        foreach (var raw in Read(parts).Split('\n'))
        {
            number++;
            var line = raw.Trim();
            if (line.Length == 0 || line.StartsWith('#') || line.StartsWith(';'))
            {
                continue;
            }

            if (line.StartsWith('[') && line.EndsWith(']'))
            {
                current = [];
                Assert.True(sections.TryAdd(line[1..^1], current), $"Section {line} appears twice.");
                continue;
            }

            var equals = line.IndexOf('=', StringComparison.Ordinal);
            Assert.True(current is not null && equals > 0, $"Line {number} is not `Key=value` inside a section: {line}");
            var key = line[..equals].Trim();
            if (!current.TryGetValue(key, out var values))
            {
                current[key] = values = [];
            }

            values.Add(line[(equals + 1)..].Trim());
        }

        return sections;
    }

    /// <summary>An env file's `NAME=value` lines (comments and blank lines left out).</summary>
    public static Dictionary<string, string> EnvFile(params string[] parts) =>
        Read(parts).Split('\n')
            .Select(l => l.Trim())
            .Where(l => l.Length > 0 && !l.StartsWith('#'))
            .Select(l => (Line: l, At: l.IndexOf('=', StringComparison.Ordinal)))
            .ToDictionary(x => x.At > 0 ? x.Line[..x.At] : throw new FormatException($"Not NAME=value: {x.Line}"), x => x.Line[(x.At + 1)..], StringComparer.Ordinal);

    [GeneratedRegex("`([A-Za-z][A-Za-z0-9]*(?::[A-Za-z][A-Za-z0-9]*)*)`")]
    private static partial Regex Backticked();

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
