using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text.RegularExpressions;

namespace BakeryBot.Load.Processes;

/// <summary>
/// A server the driver starts as a child process (<c>dotnet &lt;dll&gt;</c>, configured through environment
/// variables): waits until it answers, meters it, and keeps what it logs (the last lines, and its
/// warnings and errors grouped by message) to show when something went wrong.
/// </summary>
public sealed partial class ChildProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly ConcurrentQueue<string> _tail = new();
    private readonly ConcurrentDictionary<string, int> _problems = new();
    private string? _pendingLevel;
    private StreamWriter? _log;

    private ChildProcess(Process process, Uri baseUri)
    {
        _process = process;
        BaseUri = baseUri;
        Meter = new ProcessMeter(process.Id);
    }

    public Uri BaseUri { get; }

    public ProcessMeter Meter { get; }

    /// <summary>Warnings and errors the process logged, by message (numbers blanked out so alike ones group), with counts.</summary>
    public IReadOnlyDictionary<string, int> Problems => _problems;

    public string Tail => string.Join('\n', _tail);

    /// <summary>A free port on 127.0.0.1 (the OS picks it; it is released for the child to bind).</summary>
    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>Starts <c>dotnet <paramref name="dll"/> <paramref name="arguments"/></c> on <paramref name="port"/> and waits for <paramref name="readyPath"/> to answer 200.</summary>
    public static async Task<ChildProcess> StartAsync(string dll, IEnumerable<string> arguments, int port, IReadOnlyDictionary<string, string> environment, string readyPath, TimeSpan timeout, string? logFile = null)
    {
        var info = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = Path.GetDirectoryName(dll)!,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        info.ArgumentList.Add(dll);
        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        foreach (var (key, value) in environment)
        {
            info.Environment[key] = value;
        }

        var process = Process.Start(info) ?? throw new InvalidOperationException($"Could not start dotnet {dll}");
        var child = new ChildProcess(process, new Uri($"http://127.0.0.1:{port}/"));
        if (logFile is not null)
        {
            child._log = new StreamWriter(logFile) { AutoFlush = false };
        }

        process.OutputDataReceived += (_, e) => child.Keep(e.Data);
        process.ErrorDataReceived += (_, e) => child.Keep(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        await child.WaitReadyAsync(readyPath, timeout);
        return child;
    }

    private async Task WaitReadyAsync(string path, TimeSpan timeout)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
        var watch = Stopwatch.StartNew();
        while (watch.Elapsed < timeout)
        {
            if (_process.HasExited)
            {
                throw new InvalidOperationException($"The process stopped (exit code {_process.ExitCode}) before it was ready:\n{Tail}");
            }

            try
            {
                using var response = await http.GetAsync(new Uri(BaseUri, path));
                if (response.StatusCode == HttpStatusCode.OK)
                {
                    ReadyAfter = watch.Elapsed;
                    return;
                }
            }
            catch (HttpRequestException)
            {
                // Not listening yet.
            }
            catch (TaskCanceledException)
            {
                // Busy starting.
            }

            await Task.Delay(50);
        }

        throw new TimeoutException($"{BaseUri}{path} did not answer 200 within {timeout.TotalSeconds:0} s:\n{Tail}");
    }

    /// <summary>From the start until the ready path answered 200.</summary>
    public TimeSpan ReadyAfter { get; private set; }

    private void Keep(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_tail)
        {
            _log?.WriteLine(line);
        }

        _tail.Enqueue(line);
        while (_tail.Count > 40 && _tail.TryDequeue(out _))
        {
        }

        // The console logger writes "warn: Category[id]" and the message on the next line(s).
        if (line.StartsWith("warn: ", StringComparison.Ordinal) || line.StartsWith("fail: ", StringComparison.Ordinal) || line.StartsWith("crit: ", StringComparison.Ordinal))
        {
            _pendingLevel = line[..4];
        }
        else if (_pendingLevel is { } level)
        {
            _pendingLevel = null;
            var message = Numbers().Replace(line.Trim(), "#");
            _problems.AddOrUpdate($"{level}: {(message.Length > 160 ? message[..160] + "…" : message)}", 1, (_, n) => n + 1);
        }
    }

    // Numbers, and hex ids with a digit in them (request references), so that alike messages group.
    [GeneratedRegex("[0-9A-Fa-f]*[0-9][0-9A-Fa-f]*")]
    private static partial Regex Numbers();

    /// <summary>Asks the process to stop (SIGTERM, as a supervisor does) and waits for it; killed after <paramref name="grace"/>.</summary>
    public async Task StopAsync(TimeSpan grace)
    {
        if (!_process.HasExited)
        {
            using var term = Process.Start("kill", ["-TERM", _process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
            await term.WaitForExitAsync();
            using var timeout = new CancellationTokenSource(grace);
            try
            {
                await _process.WaitForExitAsync(timeout.Token);
            }
            catch (OperationCanceledException)
            {
                // Did not stop in time: killed below.
            }
        }

        await DisposeAsync();
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
        }

        await _process.WaitForExitAsync();
        _process.Dispose();
        lock (_tail)
        {
            _log?.Dispose();
        }
    }
}
