namespace BakeryBot.Host.Tests.Deploy;

/// <summary>deploy/systemd: the unit for a plain VM and its sample environment file.</summary>
public sealed class SystemdUnitTests
{
    private static readonly Dictionary<string, Dictionary<string, List<string>>> Unit = DeployFiles.Ini("deploy", "systemd", "bakerybot.service");

    private static string Service(string key) => Assert.Single(Unit["Service"][key]);

    [Fact]
    public void It_runs_the_published_assembly_as_its_own_user_with_the_env_file()
    {
        Assert.Equal(["Install", "Service", "Unit"], Unit.Keys.Order(StringComparer.Ordinal));
        Assert.Equal($"/usr/bin/dotnet /opt/bakerybot/{DeployFiles.HostAssemblyName()}.dll", Service("ExecStart"));
        Assert.Equal("/opt/bakerybot", Service("WorkingDirectory"));
        Assert.Equal("bakerybot", Service("User"));
        Assert.Equal("/etc/bakerybot/bakerybot.env", Service("EnvironmentFile"));
        Assert.Equal("on-failure", Service("Restart"));
        Assert.Equal("multi-user.target", Assert.Single(Unit["Install"]["WantedBy"]));
    }

    [Fact]
    public void It_is_hardened_and_may_write_only_where_the_sample_puts_the_SQLite_file()
    {
        Assert.Equal("true", Service("NoNewPrivileges"));
        Assert.Equal("strict", Service("ProtectSystem"));
        var writable = Service("ReadWritePaths").Split(' ');
        var env = DeployFiles.EnvFile("deploy", "systemd", "bakerybot.env.example");

        Assert.Equal("Sqlite", env["Database__Provider"]);
        var file = env["ConnectionStrings__BakeryBot"].Replace("Data Source=", "", StringComparison.Ordinal);
        Assert.Contains(writable, dir => file.StartsWith(dir + "/", StringComparison.Ordinal));
        Assert.Equal("/var/lib/" + Service("StateDirectory"), Path.GetDirectoryName(file));
    }

    [Fact]
    public void The_sample_env_file_sets_only_documented_configuration_keys()
    {
        var known = DeployFiles.DocumentedConfigurationKeys();
        var env = DeployFiles.EnvFile("deploy", "systemd", "bakerybot.env.example");

        Assert.Contains("Urls", env.Keys);
        Assert.All(env.Keys.Where(k => !k.StartsWith("DOTNET_", StringComparison.Ordinal)), name => Assert.True(known.Contains(DeployFiles.ConfigurationKey(name)), $"{name} is no configuration key the README documents."));
    }
}
