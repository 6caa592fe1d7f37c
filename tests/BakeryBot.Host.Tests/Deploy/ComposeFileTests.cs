using System.Text.RegularExpressions;
using BakeryBot.Core.Data;
using YamlDotNet.RepresentationModel;

namespace BakeryBot.Host.Tests.Deploy;

/// <summary>deploy/compose.yaml (docker compose is not installed here: parsed with YamlDotNet and checked against the repository).</summary>
public sealed partial class ComposeFileTests
{
    private static readonly YamlMappingNode Compose = DeployFiles.Yaml("deploy", "compose.yaml");

    private static YamlMappingNode Service(string name) => Compose.Map("services").Map(name);

    [Fact]
    public void It_has_the_bot_and_PostgreSQL_15_on_a_named_volume()
    {
        var services = Compose.Map("services").Children.Keys.Select(k => k.ToString()).Order().ToList();

        Assert.Equal(["bot", "postgres"], services);
        Assert.Equal("postgres:15", Service("postgres").Scalar("image"));
        var mount = Assert.IsType<YamlScalarNode>(Assert.Single(Assert.IsType<YamlSequenceNode>(Service("postgres").Child("volumes")))).Value!;
        var volume = mount.Split(':')[0];
        Assert.Equal("/var/lib/postgresql/data", mount.Split(':')[1]);
        Assert.NotNull(Compose.Map("volumes").Child(volume));
    }

    [Fact]
    public void The_bot_is_built_from_the_repository_root_with_the_deploy_Dockerfile()
    {
        var build = Service("bot").Map("build");

        // A relative context is read from the compose file's folder.
        var context = Path.GetFullPath(Path.Combine(DeployFiles.PathOf("deploy"), build.Scalar("context")));
        Assert.Equal(Path.GetFullPath(DeployFiles.RepositoryRoot).TrimEnd('/'), context.TrimEnd('/'));
        Assert.True(File.Exists(Path.Combine(context, build.Scalar("dockerfile"))), $"{build.Scalar("dockerfile")} is not in the build context.");
        Assert.Equal("deploy/Dockerfile", build.Scalar("dockerfile"));
    }

    [Fact]
    public void The_bot_starts_once_PostgreSQL_is_healthy_and_both_have_health_checks()
    {
        Assert.Equal("service_healthy", Service("bot").Map("depends_on").Map("postgres").Scalar("condition"));
        var postgresTest = string.Join(' ', Assert.IsType<YamlSequenceNode>(Service("postgres").Map("healthcheck").Child("test")).Select(n => n.ToString()));
        Assert.Contains("pg_isready", postgresTest, StringComparison.Ordinal);
    }

    [SkippableFact]
    public async Task The_bot_s_health_check_asks_healthz_and_is_healthy_exactly_when_it_answers_200()
    {
        var test = Assert.IsType<YamlSequenceNode>(Service("bot").Map("healthcheck").Child("test")).Select(n => n.ToString()).ToList();
        Assert.Equal("CMD", test[0]);
        Assert.Contains("/healthz", string.Join(' ', test), StringComparison.Ordinal);
        Skip.IfNot(HealthCheckProbe.BashAvailable, "bash is not installed here.");

        var healthy = await HealthCheckProbe.RunAsync(test[1..], healthzStatus: 200);
        var failing = await HealthCheckProbe.RunAsync(test[1..], healthzStatus: 503);

        Assert.Equal(0, healthy.ExitCode);
        Assert.Equal(["/healthz"], healthy.Paths);
        Assert.NotEqual(0, failing.ExitCode);
    }

    [Fact]
    public void The_bot_s_environment_names_documented_configuration_keys_and_runs_on_PostgreSQL()
    {
        var known = DeployFiles.DocumentedConfigurationKeys();
        var environment = Service("bot").Map("environment").Children.ToDictionary(c => c.Key.ToString(), c => c.Value.ToString(), StringComparer.Ordinal);

        Assert.All(environment.Keys, name => Assert.True(known.Contains(DeployFiles.ConfigurationKey(name)), $"{name} is no configuration key the README documents."));
        Assert.Equal(DatabaseOptions.Postgres, environment["Database__Provider"]);
        Assert.StartsWith("Host=postgres;", environment["ConnectionStrings__BakeryBot"], StringComparison.Ordinal);
        Assert.Equal("http://0.0.0.0:8080", environment["Urls"]);
        foreach (var secret in new[] { "Slack__SigningSecret", "Slack__BotToken", "Teams__AppId", "Teams__AppPassword", "Admin__Token" })
        {
            Assert.Matches(@"^\$\{[A-Z_]+:-\}$", environment[secret]);
        }
    }

    [Fact]
    public void Every_variable_it_fills_in_is_in_the_committed_example_and_the_real_env_file_is_ignored()
    {
        var variables = Interpolated().Matches(DeployFiles.Read("deploy", "compose.yaml")).Select(m => m.Groups[1].Value).ToHashSet(StringComparer.Ordinal);
        var example = DeployFiles.EnvFile("deploy", ".env.example");

        Assert.NotEmpty(variables);
        Assert.All(variables, v => Assert.True(example.ContainsKey(v), $"{v} is not in deploy/.env.example."));
        Assert.All(example.Keys, v => Assert.True(variables.Contains(v), $"deploy/.env.example has {v}, which compose.yaml does not use."));
        Assert.Contains("deploy/.env", DeployFiles.Read(".gitignore").Split('\n').Select(l => l.Trim()));
        Assert.False(File.Exists(DeployFiles.PathOf("deploy", ".env")) && IsTracked("deploy/.env"), "deploy/.env must not be committed.");
    }

    private static bool IsTracked(string path)
    {
        using var git = System.Diagnostics.Process.Start(new System.Diagnostics.ProcessStartInfo("git", ["-C", DeployFiles.RepositoryRoot, "ls-files", "--error-unmatch", path]) { RedirectStandardError = true, RedirectStandardOutput = true })!;
        git.WaitForExit();
        return git.ExitCode == 0;
    }

    [GeneratedRegex(@"\$\{([A-Z_][A-Z0-9_]*)(?::?[-?][^}]*)?\}")]
    private static partial Regex Interpolated();
}
