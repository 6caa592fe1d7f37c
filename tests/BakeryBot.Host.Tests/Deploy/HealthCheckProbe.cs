using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace BakeryBot.Host.Tests.Deploy;

/// <summary>
/// Runs a container health check command (exec form, as the Dockerfile and compose file write it) on this
/// machine against a local HTTP listener standing in for the bot, with the container's port 8080 swapped
/// for the listener's: so the command's own mechanics (bash's /dev/tcp, the status line test) are checked.
/// </summary>
internal static class HealthCheckProbe
{
    public static bool BashAvailable => File.Exists("/bin/bash") || File.Exists("/usr/bin/bash");

    /// <summary>The command's exit code when the "bot" answers <paramref name="healthzStatus"/> on /healthz (404 elsewhere), and the paths it asked for.</summary>
    public static async Task<(int ExitCode, IReadOnlyList<string> Paths)> RunAsync(IReadOnlyList<string> command, int healthzStatus)
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        var paths = new List<string>();
        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        var serving = ServeAsync(listener, healthzStatus, paths, stop.Token);

        var start = new ProcessStartInfo(command[0]) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in command.Skip(1))
        {
            start.ArgumentList.Add(argument.Replace("8080", port.ToString(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal));
        }

        using var process = Process.Start(start)!;
        await process.WaitForExitAsync(stop.Token);
        await stop.CancelAsync();
        await serving;
        lock (paths)
        {
            return (process.ExitCode, paths.ToList());
        }
    }

    private static async Task ServeAsync(TcpListener listener, int healthzStatus, List<string> paths, CancellationToken ct)
    {
        try
        {
            while (true)
            {
                using var client = await listener.AcceptTcpClientAsync(ct);
                await using var stream = client.GetStream();
                using var reader = new StreamReader(stream, Encoding.ASCII, leaveOpen: true);
                var requestLine = await reader.ReadLineAsync(ct) ?? "";
                while (!string.IsNullOrEmpty(await reader.ReadLineAsync(ct)))
                {
                }

                var path = requestLine.Split(' ') is [_, var p, ..] ? p : "";
                lock (paths)
                {
                    paths.Add(path);
                }

                var status = path == "/healthz" ? healthzStatus : 404;
                var body = status == 200 ? "ok" : "no";
                var response = $"HTTP/1.1 {status} {(status == 200 ? "OK" : "Not OK")}\r\nContent-Type: text/plain\r\nContent-Length: {body.Length}\r\nConnection: close\r\n\r\n{body}";
                await stream.WriteAsync(Encoding.ASCII.GetBytes(response), ct);
            }
        }
        catch (OperationCanceledException)
        {
        }
    }
}
