using System.Globalization;

namespace BakeryBot.Load;

/// <summary>The driver's command line: <c>[scenario...] [--seconds N] [--rate R] [--connections C] [--warmup N] [--open-changes N] [--postgres "&lt;connection string&gt;"] [--bot-log &lt;file&gt;] [--bot &lt;bakerybot.dll&gt;] [--settle N]</c>.</summary>
public sealed record LoadOptions
{
    public static readonly string[] AllScenarios = ["slack-incident", "teams-message", "slack-cab-click", "teams-cab-click", "slack-help", "yardstick", "outbox", "cold-start"];

    /// <summary>The scenarios that send requests (the others measure the outbox and a restart).</summary>
    public IEnumerable<string> RequestScenarios => Scenarios.Where(s => s is not ("outbox" or "cold-start"));

    public IReadOnlyList<string> Scenarios { get; init; } = AllScenarios;

    /// <summary>Length of each measured phase (closed loop, open loop).</summary>
    public int Seconds { get; init; } = 10;

    /// <summary>The open loop's requests per second.</summary>
    public double Rate { get; init; } = 1000;

    /// <summary>The closed loop's concurrent connections (requests in flight).</summary>
    public int Connections { get; init; } = 32;

    /// <summary>Untimed closed loop before the measured phases, to let the JIT settle.</summary>
    public int WarmupSeconds { get; init; } = 15;

    /// <summary>Pending changes per workspace in the CAB click scenarios (each vote renders its change's conflicts against them).</summary>
    public int OpenChanges { get; init; } = 50;

    /// <summary>A PostgreSQL server's connection string: the bot runs on a throwaway database there instead of SQLite.</summary>
    public string? Postgres { get; init; }

    /// <summary>A file to write everything the bot logs to.</summary>
    public string? BotLog { get; init; }

    /// <summary>The bot to run instead of the repository's Release build (a published one, say).</summary>
    public string? Bot { get; init; }

    /// <summary>Seconds the bot is left idle (after start, after the run, after the restart) before its settled resident memory is read; 0 leaves that out.</summary>
    public int SettleSeconds { get; init; } = 30;

    public const string Usage = """
        dotnet run -c Release --project bench/BakeryBot.Load -- [scenario...] [--seconds N] [--rate R] [--connections C] [--warmup N] [--open-changes N] [--postgres "<connection string>"] [--bot-log <file>] [--bot <bakerybot.dll>] [--settle N]
          scenarios: slack-incident teams-message slack-cab-click teams-cab-click slack-help yardstick outbox cold-start (default: all)
          --seconds       length of each measured phase (default 10, at most 240: Slack signatures last 5 minutes)
          --rate          the open loop's requests per second (default 1000)
          --connections   the closed loop's concurrent connections (default 32)
          --warmup        untimed closed loop before each scenario's phases, in seconds (default 15: the bot JIT-compiles for its first half minute or so)
          --open-changes  pending changes per workspace in the CAB click scenarios (default 50)
          --postgres      run the bot on a throwaway database on this PostgreSQL server instead of a new SQLite file
          --bot-log       write everything the bot logs to this file
          --bot           run this build of the bot (e.g. one published with ReadyToRun) instead of the repository's Release build
          --settle        leave the bot idle this many seconds after start, after the run and after the restart, and report its resident memory over the last third of them (default 30; 0 leaves it out)
        """;

    /// <summary>Parses the command line; the problem instead when it is wrong.</summary>
    public static (LoadOptions? Options, string? Problem) Parse(IReadOnlyList<string> args)
    {
        var options = new LoadOptions();
        var scenarios = new List<string>();
        for (var i = 0; i < args.Count; i++)
        {
            var arg = args[i];
            if (!arg.StartsWith("--", StringComparison.Ordinal))
            {
                if (!AllScenarios.Contains(arg))
                {
                    return (null, $"Unknown scenario `{arg}`.");
                }

                scenarios.Add(arg);
                continue;
            }

            if (i + 1 >= args.Count)
            {
                return (null, $"{arg} needs a value.");
            }

            var value = args[++i];
            var number = double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var parsed) ? parsed : (double?)null;
            options = arg switch
            {
                "--seconds" when number is >= 1 and <= 240 => options with { Seconds = (int)number },
                "--rate" when number is > 0 => options with { Rate = number.Value },
                "--connections" when number is >= 1 and <= 1024 => options with { Connections = (int)number },
                "--warmup" when number is >= 0 and <= 60 => options with { WarmupSeconds = (int)number },
                "--open-changes" when number is >= 1 and <= 10_000 => options with { OpenChanges = (int)number },
                "--postgres" => options with { Postgres = value },
                "--bot-log" => options with { BotLog = Path.GetFullPath(value) },
                "--bot" when File.Exists(value) => options with { Bot = Path.GetFullPath(value) },
                "--settle" when number is >= 0 and <= 600 => options with { SettleSeconds = (int)number },
                _ => null!,
            };
            if (options is null)
            {
                return (null, $"`{arg} {value}` is not understood.");
            }
        }

        return (scenarios.Count == 0 ? options : options with { Scenarios = scenarios.Distinct().ToList() }, null);
    }
}
