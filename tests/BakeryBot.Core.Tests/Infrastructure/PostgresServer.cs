using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Npgsql;

namespace BakeryBot.Core.Tests.Infrastructure;

/// <summary>
/// The PostgreSQL server the PostgreSQL half of the suite runs on: the one named by
/// <c>BAKERYBOT_TEST_POSTGRES</c> (what .ci/run starts), or a throwaway cluster this process starts
/// itself with the machine's initdb and pg_ctl. Where neither is possible the tests are skipped with
/// the reason, except under CI, where that is a failure.
/// </summary>
public static class PostgresServer
{
    public const string EnvironmentVariable = "BAKERYBOT_TEST_POSTGRES";
    private static readonly Lazy<Task<(string? ConnectionString, string? Problem)>> Server = new(StartAsync);

    /// <summary>Under CI (<c>CI</c> set to anything but empty, 0 or false) a missing service is a failure, not a skip.</summary>
    public static bool InCi => Environment.GetEnvironmentVariable("CI") is { Length: > 0 } ci && ci != "0" && !ci.Equals("false", StringComparison.OrdinalIgnoreCase);

    /// <summary>The admin connection string, or skips (fails under CI) saying why there is none.</summary>
    public static async Task<string> RequireAsync()
    {
        var (connectionString, problem) = await Server.Value;
        if (connectionString is not null)
        {
            return connectionString;
        }

        if (InCi)
        {
            throw new InvalidOperationException($"PostgreSQL tests must run in CI, but: {problem}");
        }

        throw new SkipException($"PostgreSQL tests skipped: {problem}");
    }

    private static async Task<(string?, string?)> StartAsync()
    {
        var given = Environment.GetEnvironmentVariable(EnvironmentVariable);
        if (!string.IsNullOrWhiteSpace(given))
        {
            return (given, null);
        }

        var bin = Directory.Exists("/usr/lib/postgresql")
            ? Directory.GetDirectories("/usr/lib/postgresql").Select(d => Path.Combine(d, "bin")).Where(d => File.Exists(Path.Combine(d, "initdb"))).OrderDescending().FirstOrDefault()
            : null;
        if (bin is null)
        {
            return (null, $"no PostgreSQL server is installed (no initdb under /usr/lib/postgresql) and {EnvironmentVariable} is not set. Install Debian's postgresql package or set {EnvironmentVariable}.");
        }

        var dir = Path.Combine(Path.GetTempPath(), $"bakerybot-pg-{Environment.ProcessId}-{Guid.NewGuid():N}"[..40]);
        Directory.CreateDirectory(dir);
        var asRoot = Environment.UserName == "root";
        if (asRoot)
        {
            // initdb refuses to run as root: the cluster belongs to the postgres user.
            await RunAsync("chown", $"postgres {dir}", asUser: null);
        }

        var port = FreePort();
        var user = asRoot ? "postgres" : null;
        await RunAsync(Path.Combine(bin, "initdb"), $"-D {dir}/data -U postgres --auth=trust -E UTF8 --no-sync", user);
        await RunAsync(Path.Combine(bin, "pg_ctl"), $"-D {dir}/data -l {dir}/log -w -t 60 -o \"-p {port} -k {dir} -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=200\" start", user);
        AppDomain.CurrentDomain.ProcessExit += (_, _) =>
        {
            try
            {
                RunAsync(Path.Combine(bin, "pg_ctl"), $"-D {dir}/data -m immediate stop", user).GetAwaiter().GetResult();
                Directory.Delete(dir, recursive: true);
            }
            catch (Exception)
            {
                // Best effort: the folder is in the temp directory.
            }
        };
        return ($"Host=127.0.0.1;Port={port};Username=postgres;Pooling=true;Maximum Pool Size=100", null);
    }

    /// <summary>Creates an empty database and returns its connection string.</summary>
    public static async Task<string> CreateDatabaseAsync(string admin, string name, string? template = null)
    {
        await using var connection = new NpgsqlConnection(admin);
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = template is null ? $"CREATE DATABASE \"{name}\"" : $"CREATE DATABASE \"{name}\" TEMPLATE \"{template}\"";
        await command.ExecuteNonQueryAsync();
        return new NpgsqlConnectionStringBuilder(admin) { Database = name }.ToString();
    }

    public static async Task DropDatabaseAsync(string admin, string name)
    {
        NpgsqlConnection.ClearAllPools();
        await using var connection = new NpgsqlConnection(admin);
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = $"DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)";
        await command.ExecuteNonQueryAsync();
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static async Task RunAsync(string file, string arguments, string? asUser)
    {
        var start = asUser is null
            ? new ProcessStartInfo(file, arguments)
            : new ProcessStartInfo("runuser", $"-u {asUser} -- {file} {arguments}");
        start.RedirectStandardOutput = true;
        start.RedirectStandardError = true;
        using var process = Process.Start(start) ?? throw new InvalidOperationException($"Could not start {file}.");
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{file} {arguments} exited with {process.ExitCode}: {await error} {await output}");
        }
    }
}
