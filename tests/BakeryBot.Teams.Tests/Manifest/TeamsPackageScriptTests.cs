using System.Diagnostics;
using System.IO.Compression;

namespace BakeryBot.Teams.Tests.Manifest;

/// <summary>manifests/teams/build-package.sh, run into a temporary OUT_DIR so the repository is left alone.</summary>
public sealed class TeamsPackageScriptTests : IDisposable
{
    private const string AppId = "3f2504e0-4f89-11d3-9a0c-0305e82c3301";
    private const string PublicUrl = "https://bakerybot.contoso.test:8443/";

    private readonly string _outDir = Directory.CreateTempSubdirectory("bakerybot-teams-test-").FullName;

    public void Dispose() => Directory.Delete(_outDir, recursive: true);

    [SkippableTheory]
    [InlineData("zip")]
    [InlineData("python3")]
    public async Task Script_zips_the_filled_in_manifest_and_both_icons_at_the_root(string zipTool)
    {
        SkipUnlessInstalled("bash", zipTool);

        var run = Run([AppId, PublicUrl], new() { ["ZIP_TOOL"] = zipTool, ["APP_VERSION"] = "1.4.2" });

        Assert.True(run.ExitCode == 0, run.Output);
        var package = Path.Combine(_outDir, "bakerybot-teams.zip");
        using var zip = ZipFile.OpenRead(package);
        Assert.Equal(["color.png", "manifest.json", "outline.png"], zip.Entries.Select(e => e.FullName).Order(StringComparer.Ordinal));

        var text = ReadEntry(zip, "manifest.json");
        Assert.DoesNotContain("00000000-0000-0000-0000-000000000000", text, StringComparison.Ordinal);
        Assert.DoesNotContain("example.com", text, StringComparison.Ordinal);

        var manifest = ManifestFiles.ParseObject(text);
        Assert.Equal(AppId, (string?)manifest["id"]);
        Assert.Equal(AppId, (string?)manifest["bots"]![0]!["botId"]);
        Assert.Equal(AppId, (string?)manifest["composeExtensions"]![0]!["botId"]);
        Assert.Equal("1.4.2", (string?)manifest["version"]);
        Assert.Equal("https://bakerybot.contoso.test:8443/", (string?)manifest["developer"]!["websiteUrl"]);
        Assert.Equal("https://bakerybot.contoso.test:8443/privacy", (string?)manifest["developer"]!["privacyUrl"]);
        Assert.Equal("https://bakerybot.contoso.test:8443/terms", (string?)manifest["developer"]!["termsOfUseUrl"]);
        Assert.Equal(["bakerybot.contoso.test"], manifest["validDomains"]!.AsArray().Select(d => (string)d!));

        // Only the placeholders changed: everything else is the template, and the result is still a valid manifest.
        var template = ManifestFiles.Manifest();
        Assert.Equal(template["bots"]![0]!["commandLists"]!.ToJsonString(), manifest["bots"]![0]!["commandLists"]!.ToJsonString());
        var schema = await ManifestFiles.SchemaAsync();
        Assert.Empty(schema.Validate(text));

        Assert.Equal(File.ReadAllBytes(ManifestFiles.PathOf("color.png")), ReadEntryBytes(zip, "color.png"));
        Assert.Equal(File.ReadAllBytes(ManifestFiles.PathOf("outline.png")), ReadEntryBytes(zip, "outline.png"));
    }

    [SkippableFact]
    public void Script_reads_the_app_id_and_url_from_the_environment()
    {
        SkipUnlessInstalled("bash");
        SkipUnless(IsInstalled("zip") || IsInstalled("python3"), "neither zip nor python3 is installed");

        var run = Run([], new() { ["TEAMS_APP_ID"] = AppId, ["PUBLIC_URL"] = "https://bot.contoso.test/teams" });

        Assert.True(run.ExitCode == 0, run.Output);
        using var zip = ZipFile.OpenRead(Path.Combine(_outDir, "bakerybot-teams.zip"));
        var manifest = ManifestFiles.ParseObject(ReadEntry(zip, "manifest.json"));
        Assert.Equal(AppId, (string?)manifest["id"]);
        Assert.Equal("https://bot.contoso.test/teams/privacy", (string?)manifest["developer"]!["privacyUrl"]);
        Assert.Equal(["bot.contoso.test"], manifest["validDomains"]!.AsArray().Select(d => (string)d!));
    }

    [SkippableTheory]
    [InlineData("not-a-guid", PublicUrl, "not a GUID")]
    [InlineData("3f2504e0-4f89-11d3-9a0c-0305e82c330", PublicUrl, "not a GUID")]
    [InlineData("00000000-0000-0000-0000-000000000000", PublicUrl, "placeholder")]
    [InlineData(AppId, "http://bakerybot.contoso.test", "https")]
    [InlineData(AppId, "https://bakerybot.contoso.test/a\"b", "https")]
    [InlineData(AppId, "https://bakerybot.contoso.test/?q=1&x=|", "https")]
    [InlineData("", PublicUrl, "app id is missing")]
    [InlineData(AppId, "", "public URL is missing")]
    public void Script_refuses_a_bad_app_id_or_url_and_writes_nothing(string appId, string publicUrl, string message)
    {
        SkipUnlessInstalled("bash");

        var run = Run([appId, publicUrl], []);

        Assert.NotEqual(0, run.ExitCode);
        Assert.Contains(message, run.Output, StringComparison.Ordinal);
        Assert.Empty(Directory.EnumerateFileSystemEntries(_outDir));
    }

    private static string ReadEntry(ZipArchive zip, string name)
    {
        using var reader = new StreamReader(zip.GetEntry(name)!.Open());
        return reader.ReadToEnd();
    }

    private static byte[] ReadEntryBytes(ZipArchive zip, string name)
    {
        using var stream = zip.GetEntry(name)!.Open();
        using var copy = new MemoryStream();
        stream.CopyTo(copy);
        return copy.ToArray();
    }

    private (int ExitCode, string Output) Run(string[] arguments, Dictionary<string, string> environment)
    {
        var start = new ProcessStartInfo("bash")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = _outDir,
        };
        start.ArgumentList.Add(ManifestFiles.PathOf("build-package.sh"));
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        // Nothing from the machine's environment may steer the script; only what the test sets.
        foreach (var name in new[] { "TEAMS_APP_ID", "Teams__AppId", "PUBLIC_URL", "PublicUrl", "APP_VERSION", "PRIVACY_URL", "TERMS_URL", "ZIP_TOOL" })
        {
            start.Environment.Remove(name);
        }

        start.Environment["OUT_DIR"] = _outDir;
        foreach (var (name, value) in environment)
        {
            start.Environment[name] = value;
        }

        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(TimeSpan.FromSeconds(60)))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException("build-package.sh did not finish within 60 s.");
        }

        return (process.ExitCode, stdout.Result + stderr.Result);
    }

    private static void SkipUnlessInstalled(params string[] tools)
    {
        foreach (var tool in tools)
        {
            SkipUnless(IsInstalled(tool), $"{tool} is not installed");
        }
    }

    private static void SkipUnless(bool condition, string reason) => Skip.IfNot(condition, reason);

    private static bool IsInstalled(string tool) =>
        (Environment.GetEnvironmentVariable("PATH") ?? "")
            .Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Any(dir => File.Exists(Path.Combine(dir, tool)));
}
