using System.Text.RegularExpressions;
using YamlDotNet.RepresentationModel;

namespace BakeryBot.Host.Tests.Deploy;

/// <summary>deploy/helm/bakerybot (helm is not installed here: the chart's YAML is parsed and its templates read as text).</summary>
public sealed partial class HelmChartTests
{
    private static readonly string[] Chart = ["deploy", "helm", "bakerybot"];
    private static readonly YamlMappingNode Values = DeployFiles.Yaml([.. Chart, "values.yaml"]);

    private static string Template(string name) => DeployFiles.Read([.. Chart, "templates", name]);

    private static IEnumerable<string> TemplateNames() =>
        Directory.EnumerateFiles(DeployFiles.PathOf([.. Chart, "templates"])).Select(Path.GetFileName).OfType<string>();

    [Fact]
    public void Chart_yaml_names_a_v2_application_chart()
    {
        var chart = DeployFiles.Yaml([.. Chart, "Chart.yaml"]);

        Assert.Equal("v2", chart.Scalar("apiVersion"));
        Assert.Equal("bakerybot", chart.Scalar("name"));
        Assert.Equal("application", chart.Scalar("type"));
        Assert.Matches(@"^\d+\.\d+\.\d+$", chart.Scalar("version"));
    }

    [Fact]
    public void It_has_the_templates_a_release_needs()
    {
        Assert.Equal(["NOTES.txt", "_helpers.tpl", "deployment.yaml", "ingress.yaml", "secret.yaml", "service.yaml"], TemplateNames().Order(StringComparer.Ordinal));
    }

    [Fact]
    public void Two_replicas_by_default()
    {
        Assert.Equal("2", Values.Scalar("replicaCount"));
        Assert.Contains("replicas: {{ .Values.replicaCount }}", Template("deployment.yaml"), StringComparison.Ordinal);
    }

    [Fact]
    public void Every_value_the_templates_read_is_in_values_yaml()
    {
        var read = TemplateNames()
            .SelectMany(name => ValuesReference().Matches(Template(name)).Select(m => (name, path: m.Groups[1].Value)))
            .ToList();

        Assert.True(read.Count > 20, $"Only {read.Count} value references found.");
        foreach (var (name, path) in read)
        {
            YamlNode? node = Values;
            foreach (var key in path.Split('.', StringSplitOptions.RemoveEmptyEntries))
            {
                node = node?.Child(key);
            }

            Assert.True(node is not null, $"{name} reads .Values{path}, which values.yaml does not have.");
        }
    }

    [Fact]
    public void The_pods_are_live_on_healthz_and_ready_on_readyz()
    {
        var deployment = Template("deployment.yaml");

        Assert.Equal("/healthz", ProbePath(deployment, "livenessProbe"));
        Assert.Equal("/readyz", ProbePath(deployment, "readinessProbe"));
        Assert.Contains("containerPort: 8080", deployment, StringComparison.Ordinal);
    }

    [Fact]
    public void The_pods_run_as_a_non_root_user_without_privilege_escalation()
    {
        var pod = Values.Map("podSecurityContext");
        var container = Values.Map("securityContext");

        Assert.Equal("true", pod.Scalar("runAsNonRoot"));
        Assert.NotEqual("0", pod.Scalar("runAsUser"));
        Assert.Equal("false", container.Scalar("allowPrivilegeEscalation"));
        var deployment = Template("deployment.yaml");
        Assert.Contains("toYaml .Values.podSecurityContext", deployment, StringComparison.Ordinal);
        Assert.Contains("toYaml .Values.securityContext", deployment, StringComparison.Ordinal);
    }

    [Fact]
    public void The_environment_and_the_secret_s_keys_are_documented_configuration_keys_on_PostgreSQL()
    {
        var known = DeployFiles.DocumentedConfigurationKeys();
        var deployment = Template("deployment.yaml");
        var envNames = EnvName().Matches(deployment).Select(m => m.Groups[1].Value).ToList();
        var secretKeys = SecretKey().Matches(Template("secret.yaml")).Select(m => m.Groups[1].Value).ToList();

        Assert.Contains("ConnectionStrings__BakeryBot", envNames);
        Assert.Equal(8, secretKeys.Count);
        Assert.All(envNames.Concat(secretKeys), name => Assert.True(known.Contains(DeployFiles.ConfigurationKey(name)), $"{name} is no configuration key the README documents."));
        Assert.Matches(@"- name: Database__Provider\s+value: Postgres\s", deployment);
    }

    /// <summary>The path of a probe in the deployment template, resolving a `.Values` reference through values.yaml.</summary>
    private static string ProbePath(string deployment, string probe)
    {
        var block = deployment[deployment.IndexOf(probe + ":", StringComparison.Ordinal)..];
        var path = ProbePathLine().Match(block).Groups[1].Value.Trim();
        var reference = ValuesReference().Match(path);
        if (!reference.Success)
        {
            return path;
        }

        YamlNode node = Values;
        foreach (var key in reference.Groups[1].Value.Split('.', StringSplitOptions.RemoveEmptyEntries))
        {
            node = node.Child(key) ?? throw new KeyNotFoundException(key);
        }

        return node.ToString();
    }

    [GeneratedRegex(@"\.Values((?:\.[A-Za-z_][A-Za-z0-9_]*)+)")]
    private static partial Regex ValuesReference();

    [GeneratedRegex(@"path: (.+)")]
    private static partial Regex ProbePathLine();

    [GeneratedRegex(@"- name: ([A-Za-z_][A-Za-z0-9_]*)\s+value")]
    private static partial Regex EnvName();

    [GeneratedRegex(@"^\s+([A-Za-z]+__[A-Za-z]+): \{\{", RegexOptions.Multiline)]
    private static partial Regex SecretKey();
}
