using System.Diagnostics;

namespace BakeryBot.Load.Processes;

/// <summary>Finds the repository, and the Release build of the bot's host in it (building it when missing or older than its sources).</summary>
public static class HostBuild
{
    private static readonly string[] SourceExtensions = [".cs", ".csproj", ".json", ".props", ".html", ".css", ".js"];

    /// <summary>The folder holding BakeryBot.sln, above where the driver runs from.</summary>
    public static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "BakeryBot.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException($"BakeryBot.sln was not found above {AppContext.BaseDirectory}.");
    }

    /// <summary>The host's Release dll, fresh: built with <c>dotnet build -c Release</c> when it is missing or older than any source.</summary>
    public static async Task<string> ReleaseHostAsync(string root, TextWriter log)
    {
        var dll = Path.Combine(root, "src", "BakeryBot.Host", "bin", "Release", "net10.0", "bakerybot.dll");
        var newest = NewestSource(root);
        if (File.Exists(dll) && File.GetLastWriteTimeUtc(dll) >= newest)
        {
            return dll;
        }

        await log.WriteLineAsync($"Building the bot in Release ({(File.Exists(dll) ? "its sources changed" : "no build yet")})...");
        var info = new ProcessStartInfo("dotnet") { WorkingDirectory = root, UseShellExecute = false };
        foreach (var argument in new[] { "build", "src/BakeryBot.Host", "-c", "Release", "-v", "q", "-nologo" })
        {
            info.ArgumentList.Add(argument);
        }

        using var build = Process.Start(info)!;
        await build.WaitForExitAsync();
        if (build.ExitCode != 0 || !File.Exists(dll))
        {
            throw new InvalidOperationException($"dotnet build src/BakeryBot.Host -c Release failed (exit code {build.ExitCode}).");
        }

        return dll;
    }

    private static DateTime NewestSource(string root)
    {
        var newest = new[] { "Directory.Build.props", "Directory.Packages.props" }.Select(f => File.GetLastWriteTimeUtc(Path.Combine(root, f))).Max();
        foreach (var project in new[] { "BakeryBot.Core", "BakeryBot.Slack", "BakeryBot.Teams", "BakeryBot.Host" })
        {
            var dir = Path.Combine(root, "src", project);
            foreach (var file in Directory.EnumerateFiles(dir, "*", SearchOption.AllDirectories))
            {
                var relative = Path.GetRelativePath(dir, file);
                if (relative.StartsWith("bin", StringComparison.Ordinal) || relative.StartsWith("obj", StringComparison.Ordinal) || !SourceExtensions.Contains(Path.GetExtension(file)))
                {
                    continue;
                }

                var at = File.GetLastWriteTimeUtc(file);
                newest = at > newest ? at : newest;
            }
        }

        return newest;
    }
}
