using System.Globalization;
using System.Text;
using BakeryBot.Load.Running;
using BakeryBot.Load.Workload;

namespace BakeryBot.Load.Scenarios;

/// <summary>
/// <c>slack-incident</c>: signed <c>POST /slack/commands</c> <c>/incident &lt;unique title&gt; sev2</c>, from 20
/// people over 1,000 channels (Slack posts at most one message a second per channel, and every incident's
/// card is posted). Each body is unique, as Slack signs each delivery anew, with a unique trigger_id.
/// </summary>
public class SlackIncidentScenario : Scenario
{
    public const int Channels = 1000;
    public const int People = 20;

    public override string Name => "slack-incident";

    public override string Description => "signed /slack/commands `/incident <unique title> sev2`: verify, parse, incident + audit + outbox row, answer";

    public override string WorkName => "incidents";

    public override Task<IReadOnlyList<LoadRequest>> RequestsAsync(LoadContext ctx, string phase, int count)
    {
        // Slack: a signature is good for 5 minutes, so phases are signed just before they start.
        var now = SlackPayloadsNow();
        var requests = new LoadRequest[count];
        for (var i = 0; i < count; i++)
        {
            var n = ctx.Unique();
            var body = ctx.Slack.Command(
                LoadContext.SlackTeam,
                $"C0LOAD{i % Channels:D4}",
                $"U0LOAD{i % People:D2}",
                "/incident",
                CommandText(phase, n),
                $"{n}.{i}.load");
            requests[i] = ctx.Slack.Signed("slack/commands", body, now);
        }

        return Task.FromResult<IReadOnlyList<LoadRequest>>(requests);
    }

    /// <summary>What follows <c>/incident</c>: a new incident's unique title.</summary>
    protected virtual string CommandText(string phase, long n) => $"oven {phase}-{n.ToString(CultureInfo.InvariantCulture)} runs cold sev2";

    protected static long SlackPayloadsNow() => SlackPayloads.Now();

    public override string? Check(int status, byte[] body) => SlackAnswer(body);

    /// <summary>Slack's answer to a command: the reply, unless the work outran the answer budget or the bot warned.</summary>
    public static string? SlackAnswer(byte[] body)
    {
        var text = Encoding.UTF8.GetString(body);
        if (text.Contains("Working on it", StringComparison.Ordinal))
        {
            return "200 late: answer budget passed";
        }

        if (text.Contains("BakeryBot is very busy", StringComparison.Ordinal))
        {
            return "200 turned away: the bot was at its limit of requests handled and waiting";
        }

        return text.Contains(":warning:", StringComparison.Ordinal) ? "200 with a warning" : null;
    }

    public override Task<long> LandedAsync(LoadContext ctx) => ctx.Database.CountAsync("Incidents");
}

/// <summary>
/// <c>yardstick</c>: the same signed bodies to quality.md's bare endpoint (HMAC over the raw body, one raw
/// SQLite transaction), in a process of its own, so BakeryBot's figures can be read as a share of it.
/// </summary>
public sealed class YardstickScenario : SlackIncidentScenario
{
    private Processes.ChildProcess? _server;
    private string? _folder;

    public override string Name => "yardstick";

    public override string Description => "the same signed bodies to a bare endpoint: HMAC check + one raw ADO.NET SQLite transaction (WAL, synchronous=NORMAL)";

    public override string WorkName => "rows";

    public override int ClosedLoopPerSecond => 25_000;

    public override bool IsBot => false;

    public override Processes.ChildProcess Server(LoadContext ctx) => _server ?? throw new InvalidOperationException("The yardstick is not started.");

    public override async Task PrepareAsync(LoadContext ctx)
    {
        _folder = Directory.CreateTempSubdirectory("bakerybot-yardstick-").FullName;
        var port = Processes.ChildProcess.FreePort();
        _server = await Processes.ChildProcess.StartAsync(
            ctx.DriverDll,
            ["yardstick-server", "--port", port.ToString(CultureInfo.InvariantCulture), "--db", Database, "--secret", LoadContext.SigningSecret],
            port,
            // Server GC, as an ASP.NET Core app (the bot among them) has by default.
            new Dictionary<string, string> { ["DOTNET_gcServer"] = "1" },
            "readyz",
            TimeSpan.FromSeconds(30));
    }

    private string Database => Path.Combine(_folder!, "yardstick.db");

    public override string? Check(int status, byte[] body) => null;

    public override async Task<long> LandedAsync(LoadContext ctx)
    {
        await using var connection = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={Database}");
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT COUNT(*) FROM requests";
        return (long)(await command.ExecuteScalarAsync())!;
    }

    public override async ValueTask CleanUpAsync()
    {
        if (_server is not null)
        {
            await _server.DisposeAsync();
        }

        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        if (_folder is not null)
        {
            Directory.Delete(_folder, recursive: true);
        }
    }
}
