using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Reflection;
using System.Runtime.InteropServices;
using BakeryBot.Core.Tests.Infrastructure;
using BakeryBot.Host.Tests.Infrastructure;

namespace BakeryBot.Host.Tests.Reliability;

/// <summary>
/// The built bot (<c>dotnet bakerybot.dll</c>) as a process of its own on a test database, configured by
/// environment variables as a deployment would be, with Slack pointed at a <see cref="FakeSlack"/>: what a
/// SIGKILL can really kill.
/// </summary>
public sealed class BotProcess : IAsyncDisposable
{
    private const int SigKill = 9;
    private readonly Process _process;
    private readonly ConcurrentQueue<string> _output = new();

    private BotProcess(Process process, string baseUrl)
    {
        _process = process;
        BaseUrl = baseUrl;
    }

    public string BaseUrl { get; }

    public bool HasExited => _process.HasExited;

    public int ExitCode => _process.ExitCode;

    /// <summary>The last lines the bot wrote (standard output and error), for a failure's message.</summary>
    public string Output => string.Join('\n', _output);

    /// <summary>The bot's entry assembly: next to this test assembly (a project reference copies it), else where the host project builds it.</summary>
    public static string HostAssembly()
    {
        var beside = Path.Combine(AppContext.BaseDirectory, "bakerybot.dll");
        if (File.Exists(beside))
        {
            return beside;
        }

        var configuration = typeof(BotProcess).Assembly.GetCustomAttribute<AssemblyConfigurationAttribute>()?.Configuration ?? "Debug";
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var built = Path.Combine(dir.FullName, "src", "BakeryBot.Host", "bin", configuration, "net10.0", "bakerybot.dll");
            if (File.Exists(built))
            {
                return built;
            }
        }

        throw new FileNotFoundException($"bakerybot.dll is neither next to the tests ({AppContext.BaseDirectory}) nor under src/BakeryBot.Host/bin/{configuration}/net10.0: build the solution first.");
    }

    /// <summary>Starts the bot and waits until <c>/readyz</c> answers 200.</summary>
    public static async Task<BotProcess> StartAsync(TestDatabase database, FakeSlack slack, IReadOnlyDictionary<string, string>? settings = null)
    {
        var dll = HostAssembly();
        var port = FreePort();
        var baseUrl = $"http://127.0.0.1:{port}";
        var start = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = Path.GetDirectoryName(dll)!,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(dll);
        var environment = new Dictionary<string, string>
        {
            ["ASPNETCORE_ENVIRONMENT"] = "Production",
            ["DOTNET_ENVIRONMENT"] = "Production",
            ["Urls"] = baseUrl,
            ["PublicUrl"] = baseUrl,
            ["Database__Provider"] = database.ProviderName,
            ["ConnectionStrings__BakeryBot"] = database.ConnectionString,
            ["Slack__SigningSecret"] = BotFactory.SigningSecret,
            ["Slack__BotToken"] = "xoxb-test-token",
            ["Slack__ApiBaseUrl"] = slack.ApiBaseUrl,
            ["Logging__LogLevel__Default"] = "Warning",
            ["Logging__Console__FormatterName"] = "simple",
        };
        foreach (var (key, value) in settings ?? new Dictionary<string, string>())
        {
            environment[key] = value;
        }

        foreach (var (key, value) in environment)
        {
            start.Environment[key] = value;
        }

        var process = Process.Start(start) ?? throw new InvalidOperationException("dotnet did not start.");
        var bot = new BotProcess(process, baseUrl);
        process.OutputDataReceived += (_, e) => bot.Keep(e.Data);
        process.ErrorDataReceived += (_, e) => bot.Keep(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();

        using var probe = new HttpClient { BaseAddress = new Uri(baseUrl), Timeout = TimeSpan.FromSeconds(5) };
        // Generous: a cold start JIT-compiles the whole host, and CI machines are shared.
        var deadline = DateTime.UtcNow.AddSeconds(90);
        while (true)
        {
            if (process.HasExited)
            {
                throw new InvalidOperationException($"The bot exited with {process.ExitCode} before it was ready:\n{bot.Output}");
            }

            try
            {
                if ((await probe.GetAsync("/readyz")).StatusCode == HttpStatusCode.OK)
                {
                    return bot;
                }
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
            {
                // Not listening yet.
            }

            if (DateTime.UtcNow > deadline)
            {
                await bot.DisposeAsync();
                throw new TimeoutException($"The bot was not ready within 90 seconds:\n{bot.Output}");
            }

            await Task.Delay(100);
        }
    }

    /// <summary>
    /// Kills the process with SIGKILL (kill(2) with signal 9: no handler, no shutdown, no finally) and waits for it to be gone.
    /// Returns its exit status: 137 (128 + 9) for a process the signal ended.
    /// </summary>
    public async Task<int> KillWithSigkillAsync()
    {
        if (Kill(_process.Id, SigKill) != 0)
        {
            throw new InvalidOperationException($"kill({_process.Id}, SIGKILL) failed: errno {Marshal.GetLastPInvokeError()}");
        }

        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await _process.WaitForExitAsync(timeout.Token);
        return _process.ExitCode;
    }

    private void Keep(string? line)
    {
        if (line is null)
        {
            return;
        }

        _output.Enqueue(line);
        while (_output.Count > 200 && _output.TryDequeue(out _))
        {
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    // kill(2) from the C library, as `kill -9` calls it.
    [DllImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static extern int Kill(int pid, int signal);

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }

        _process.Dispose();
    }

    /// <summary>The body of a slash command as Slack sends it.</summary>
    public static string CommandBody(FakeSlack slack, string command, string text, string channel, string user = "U0ALICE") =>
        BotFactory.Form(new()
        {
            ["token"] = "deprecated",
            ["team_id"] = BotFactory.Team,
            ["team_domain"] = "bakery",
            ["channel_id"] = channel,
            ["channel_name"] = channel.ToLowerInvariant(),
            ["user_id"] = user,
            ["user_name"] = user.ToLowerInvariant(),
            ["command"] = "/" + command,
            ["text"] = text,
            ["response_url"] = slack.ResponseUrl("cmd"),
            ["trigger_id"] = $"{Random.Shared.NextInt64()}.1.abc",
            ["api_app_id"] = "A0BAKERY",
        });

    /// <summary>A signed request to the bot's absolute URL.</summary>
    public HttpRequestMessage Signed(string path, string body)
    {
        var request = BotFactory.Signed(path, body);
        request.RequestUri = new Uri(new Uri(BaseUrl), path);
        return request;
    }

    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"bot process {_process.Id} at {BaseUrl}");
}
