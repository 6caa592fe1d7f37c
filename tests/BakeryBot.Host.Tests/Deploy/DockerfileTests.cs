using System.Text.Json;
using System.Xml.Linq;

namespace BakeryBot.Host.Tests.Deploy;

/// <summary>deploy/Dockerfile, read as a list of instructions (hadolint and a Docker engine are not available here).</summary>
public sealed class DockerfileTests
{
    private static readonly IReadOnlyList<(string Instruction, string Arguments)> Instructions = DeployFiles.DockerfileInstructions();

    [Fact]
    public void It_builds_on_the_SDK_and_runs_on_the_ASP_NET_runtime_of_the_repository_s_target_framework()
    {
        var framework = XDocument.Load(DeployFiles.PathOf("Directory.Build.props")).Descendants("TargetFramework").Single().Value;
        var version = framework.Replace("net", "", StringComparison.Ordinal);

        var froms = Instructions.Where(i => i.Instruction == "FROM").Select(i => i.Arguments).ToList();

        Assert.Equal([$"mcr.microsoft.com/dotnet/sdk:{version} AS build", $"mcr.microsoft.com/dotnet/aspnet:{version} AS runtime"], froms);
    }

    [Fact]
    public void Every_path_it_copies_from_the_build_context_exists_in_the_repository()
    {
        var copies = Instructions.Where(i => i.Instruction == "COPY" && !i.Arguments.StartsWith("--from", StringComparison.Ordinal)).ToList();

        Assert.NotEmpty(copies);
        foreach (var (_, arguments) in copies)
        {
            var parts = arguments.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            foreach (var source in parts[..^1])
            {
                Assert.True(File.Exists(DeployFiles.PathOf(source)) || Directory.Exists(DeployFiles.PathOf(source)), $"COPY {arguments}: {source} is not in the repository.");
            }
        }

        // The restore layer copies every project the Host references, so restore sees the whole graph.
        var host = XDocument.Load(DeployFiles.PathOf("src", "BakeryBot.Host", "BakeryBot.Host.csproj"));
        var referenced = host.Descendants("ProjectReference").Select(r => "src/" + r.Attribute("Include")!.Value.Replace("../", "", StringComparison.Ordinal)).Append("src/BakeryBot.Host/BakeryBot.Host.csproj");
        var copied = copies.SelectMany(c => c.Arguments.Split(' ')).ToHashSet(StringComparer.Ordinal);
        Assert.All(referenced, project => Assert.Contains(project, copied));
    }

    [Fact]
    public void The_build_context_leaves_out_build_outputs_databases_and_git_but_not_what_is_copied()
    {
        var ignored = DeployFiles.Read(".dockerignore").Split('\n').Select(l => l.Trim()).Where(l => l.Length > 0 && !l.StartsWith('#')).ToList();

        Assert.Superset(new HashSet<string>(["**/bin/", "**/obj/", "*.db", ".git", "**/BenchmarkDotNet.Artifacts/"]), ignored.ToHashSet());
        var copied = Instructions.Where(i => i.Instruction == "COPY" && !i.Arguments.StartsWith("--from", StringComparison.Ordinal))
            .SelectMany(i => i.Arguments.Split(' ')[..^1]);
        Assert.All(copied, source => Assert.DoesNotContain(source.TrimEnd('/'), ignored.Select(p => p.TrimEnd('/'))));
    }

    [Fact]
    public void It_restores_and_publishes_the_Host_project_in_Release()
    {
        var runs = Instructions.Where(i => i.Instruction == "RUN").Select(i => i.Arguments).ToList();

        var publish = Assert.Single(runs, r => r.StartsWith("dotnet publish ", StringComparison.Ordinal));
        var project = publish.Split(' ')[2];
        Assert.True(File.Exists(DeployFiles.PathOf(project)), $"{project} is not in the repository.");
        Assert.Contains("-c Release", publish, StringComparison.Ordinal);
        Assert.Contains(runs, r => r == $"dotnet restore {project} -a $TARGETARCH");
    }

    [Fact]
    public void It_publishes_for_the_image_s_architecture_so_that_the_Host_compiles_ReadyToRun_code()
    {
        var build = Instructions.SkipWhile(i => i.Instruction != "FROM").Skip(1).TakeWhile(i => i.Instruction != "FROM").ToList();
        var publish = Assert.Single(build, i => i.Instruction == "RUN" && i.Arguments.StartsWith("dotnet publish ", StringComparison.Ordinal)).Arguments;

        // BuildKit sets TARGETARCH (amd64, arm64) for the platform being built; a stage sees it once it declares it.
        Assert.Contains(build.TakeWhile(i => i.Instruction != "RUN"), i => i.Instruction == "ARG" && i.Arguments == "TARGETARCH");
        Assert.Contains(" -a $TARGETARCH ", publish, StringComparison.Ordinal);
        Assert.Contains(" --no-restore", publish, StringComparison.Ordinal);

        // The Host compiles ahead of time exactly when published for a runtime, as -a makes it.
        var readyToRun = XDocument.Load(DeployFiles.PathOf("src", "BakeryBot.Host", "BakeryBot.Host.csproj")).Descendants("PublishReadyToRun").Single();
        Assert.Equal("true", readyToRun.Value);
        Assert.Equal("'$(RuntimeIdentifier)' != ''", readyToRun.Attribute("Condition")?.Value);
    }

    [Fact]
    public void Its_entrypoint_runs_the_assembly_that_publishing_the_Host_project_produces()
    {
        var assembly = DeployFiles.HostAssemblyName() + ".dll";

        var entrypoint = JsonSerializer.Deserialize<string[]>(Assert.Single(Instructions, i => i.Instruction == "ENTRYPOINT").Arguments)!;

        Assert.Equal(["dotnet", assembly], entrypoint);
        // The Host's build output (copied beside these tests) carries that very name.
        Assert.True(File.Exists(Path.Combine(AppContext.BaseDirectory, assembly)), $"{assembly} is not the Host's output.");
    }

    [Fact]
    public void It_runs_as_a_non_root_user_listening_on_8080()
    {
        var users = Instructions.Where(i => i.Instruction == "USER").Select(i => i.Arguments).ToList();
        var lastFrom = Instructions.Select((i, n) => (i, n)).Last(x => x.i.Instruction == "FROM").n;
        var lastUser = Instructions.Select((i, n) => (i, n)).Last(x => x.i.Instruction == "USER");

        Assert.True(lastUser.n > lastFrom, "The runtime stage sets no USER.");
        Assert.DoesNotContain(lastUser.i.Arguments, new[] { "root", "0", "0:0", "root:root" });
        Assert.All(users, u => Assert.NotEqual("root", u));
        var env = string.Join(' ', Instructions.Where(i => i.Instruction == "ENV").Select(i => i.Arguments));
        Assert.Contains("Urls=http://0.0.0.0:8080", env, StringComparison.Ordinal);
        Assert.Contains(Instructions, i => i.Instruction == "EXPOSE" && i.Arguments == "8080");
    }

    [SkippableFact]
    public async Task Its_health_check_is_healthy_exactly_when_healthz_answers_200()
    {
        Skip.IfNot(HealthCheckProbe.BashAvailable, "bash is not installed here.");
        var command = HealthCheckCommand();

        var healthy = await HealthCheckProbe.RunAsync(command, healthzStatus: 200);
        var failing = await HealthCheckProbe.RunAsync(command, healthzStatus: 503);

        Assert.Equal(0, healthy.ExitCode);
        Assert.Equal(["/healthz"], healthy.Paths);
        Assert.NotEqual(0, failing.ExitCode);
        Assert.Equal(["/healthz"], failing.Paths);
    }

    [SkippableFact]
    public async Task Its_health_check_fails_when_nothing_listens()
    {
        Skip.IfNot(HealthCheckProbe.BashAvailable, "bash is not installed here.");
        // A port that was free a moment ago: nothing answers there.
        var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        var port = ((System.Net.IPEndPoint)listener.LocalEndpoint).Port.ToString(System.Globalization.CultureInfo.InvariantCulture);
        listener.Stop();
        var command = HealthCheckCommand().Select(a => a.Replace("8080", port, StringComparison.Ordinal)).ToList();

        using var process = System.Diagnostics.Process.Start(new System.Diagnostics.ProcessStartInfo(command[0], command.Skip(1)) { RedirectStandardError = true })!;
        await process.WaitForExitAsync();

        Assert.NotEqual(0, process.ExitCode);
    }

    /// <summary>The HEALTHCHECK's exec-form command (after its options and CMD).</summary>
    internal static IReadOnlyList<string> HealthCheckCommand()
    {
        var healthcheck = Assert.Single(Instructions, i => i.Instruction == "HEALTHCHECK").Arguments;
        var cmd = healthcheck.IndexOf("CMD [", StringComparison.Ordinal);
        Assert.True(cmd >= 0, "HEALTHCHECK has no exec-form CMD.");
        var command = JsonSerializer.Deserialize<string[]>(healthcheck[(cmd + 4)..])!;
        Assert.Contains("/healthz", string.Join(' ', command), StringComparison.Ordinal);
        return command;
    }
}
