using System.Diagnostics;
using System.Globalization;
using BakeryBot.Load.Data;
using BakeryBot.Load.Fakes;
using BakeryBot.Load.Processes;
using BakeryBot.Load.Running;
using BakeryBot.Load.Scenarios;
using BakeryBot.Load.Workload;

namespace BakeryBot.Load;

/// <summary>
/// Starts the fakes and the bot (a child process on a fresh database), runs each scenario's phases (warm-up,
/// closed loop, open loop), checks the work landed, and prints the figures. Exit code 1 when anything failed.
/// </summary>
public static class LoadDriver
{
    private const string AppId = "6b0f3a52-3c1e-4f0e-9f57-2d8a4c1b7e90";

    public static async Task<int> RunAsync(LoadOptions options, TextWriter output)
    {
        output.WriteLine($"# BakeryBot load run, {DateTimeOffset.UtcNow:yyyy-MM-dd HH:mm} UTC");
        output.WriteLine($"Machine: {Report.Machine()}");
        var root = HostBuild.RepositoryRoot();
        var hostDll = options.Bot ?? await HostBuild.ReleaseHostAsync(root, output);

        var scenarios = options.RequestScenarios.Select(Create).ToList();
        await using var fakes = await FakePlatforms.StartAsync(AppId);
        await using var database = options.Postgres is { } server
            ? await BotDatabase.PostgresAsync(server)
            : BotDatabase.Sqlite(Directory.CreateTempSubdirectory("bakerybot-load-").FullName);

        var port = ChildProcess.FreePort();
        var environment = new Dictionary<string, string>
        {
            ["DOTNET_ENVIRONMENT"] = "Production",
            ["ASPNETCORE_ENVIRONMENT"] = "Production",
            ["Urls"] = $"http://127.0.0.1:{port}",
            ["PublicUrl"] = $"http://127.0.0.1:{port}",
            ["Database__Provider"] = database.Provider,
            ["ConnectionStrings__BakeryBot"] = database.ConnectionString,
            ["Slack__SigningSecret"] = LoadContext.SigningSecret,
            // Made up for this run (the fake Slack takes any token); the bot only checks its xoxb- form.
            ["Slack__BotToken"] = "xoxb-" + Convert.ToHexStringLower(System.Security.Cryptography.RandomNumberGenerator.GetBytes(12)),
            ["Slack__ApiBaseUrl"] = fakes.SlackApiBaseUrl,
            ["Teams__AppId"] = AppId,
            ["Teams__AppPassword"] = BotFrameworkKeys.AppPassword,
            ["Teams__OpenIdMetadataUrl"] = fakes.OpenIdMetadataUrl,
            ["Teams__TokenEndpoint"] = fakes.TokenEndpoint,
            ["Playground__Enabled"] = "false",
        };
        var admins = scenarios.OfType<CabClickScenario>().SelectMany(s => s.Admins(CabClickScenario.TenantsNeeded(options, s.ClosedLoopPerSecond))).ToList();
        for (var i = 0; i < admins.Count; i++)
        {
            environment[$"Security__Admins__{i}"] = admins[i];
        }

        output.WriteLine($"Bot: {Path.GetRelativePath(root, hostDll)} on {database.Describe()}; phases of {options.Seconds} s after a {options.WarmupSeconds} s warm-up; closed loop with {options.Connections} connections; open loop at {options.Rate:N0}/s");
        var bot = await ChildProcess.StartAsync(hostDll, [], port, environment, "readyz", TimeSpan.FromSeconds(120), options.BotLog);
        await using var stopBot = new Disposer(() => bot.DisposeAsync());
        await Task.Delay(TimeSpan.FromSeconds(2));
        var idle = await IdleCoresAsync(bot);
        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"Bot ready (/readyz 200) {bot.ReadyAfter.TotalSeconds:0.0} s after start, migrating a new database; idle: resident memory {bot.Meter.ResidentBytes() / 1048576.0:0} MB, CPU {idle:0.00} cores"));
        await SettledAsync(bot, options, "  after start", output);

        var slack = new SlackPayloads(LoadContext.SigningSecret, fakes.ResponseUrl);
        var teams = new TeamsPayloads(AppId, fakes.ServiceUrl, fakes.Keys.MintToken(fakes.ServiceUrl, TimeSpan.FromHours(2)));
        var driverDll = typeof(LoadDriver).Assembly.Location;
        var ctx = new LoadContext(options, bot, database, fakes, slack, teams, driverDll, output);
        var driver = new ProcessMeter(Environment.ProcessId);

        var closedThroughput = new Dictionary<string, double>();
        var failed = false;
        foreach (var scenario in scenarios)
        {
            try
            {
                var (throughput, ok) = await RunScenarioAsync(ctx, scenario, driver);
                closedThroughput[scenario.Name] = throughput;
                failed |= !ok;
            }
            finally
            {
                await scenario.CleanUpAsync();
            }
        }

        if (options.Scenarios.Contains(OutboxRun.Name))
        {
            failed |= !await OutboxRun.RunAsync(ctx);
        }

        if (closedThroughput.TryGetValue("yardstick", out var yardstick) && yardstick > 0)
        {
            output.WriteLine();
            output.WriteLine($"BakeryBot's closed-loop throughput as a share of the yardstick's ({yardstick:N0}/s; quality.md asks for at least a third):");
            foreach (var (name, throughput) in closedThroughput.Where(t => t.Key != "yardstick"))
            {
                var note = scenarios.Single(s => s.Name == name).Writes ? "" : " (nothing written: the request path before its work)";
                output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  {name}: {throughput:N0}/s = {throughput / yardstick:0.00} of the yardstick{note}"));
            }
        }

        output.WriteLine();
        var idleAfter = await IdleCoresAsync(bot);
        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"Bot idle after the run: resident memory {bot.Meter.ResidentBytes() / 1048576.0:0} MB, CPU {idleAfter:0.00} cores"));
        await SettledAsync(bot, options, "  after the run", output);
        output.WriteLine($"Calls to the fakes: {string.Join(", ", fakes.Calls.OrderByDescending(c => c.Value).Select(c => $"{c.Key} {c.Value:N0}"))}");
        if (!bot.Problems.IsEmpty())
        {
            output.WriteLine("The bot logged these warnings and errors (numbers blanked out):");
            foreach (var (message, count) in bot.Problems.OrderByDescending(p => p.Value).Take(20))
            {
                output.WriteLine($"  {count:N0} × {message}");
            }
        }

        if (options.Scenarios.Contains("cold-start"))
        {
            // Stopped as a supervisor stops it, then started again on the database the run filled.
            await bot.StopAsync(TimeSpan.FromSeconds(30));
            var incidents = await database.CountAsync("Incidents");
            var outboxRows = await database.CountAsync("Outbox");
            bot = await ChildProcess.StartAsync(hostDll, [], port, environment, "readyz", TimeSpan.FromSeconds(120), options.BotLog is { } log ? log + ".restart" : null);
            await Task.Delay(TimeSpan.FromSeconds(2));
            output.WriteLine();
            output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"## cold-start: the bot stopped (SIGTERM) and started again on this run's database ({incidents:N0} incidents, {outboxRows:N0} outbox rows): ready (/readyz 200) {bot.ReadyAfter.TotalSeconds:0.00} s after start; idle 2 s later: resident memory {bot.Meter.ResidentBytes() / 1048576.0:0} MB"));
            await SettledAsync(bot, options, "  after the restart", output);
        }

        output.WriteLine();
        output.WriteLine(failed ? "!! THE RUN HAD ERRORS: see the lines marked !! above." : "No errors: every request was answered 200 as asked, and the work landed.");
        return failed ? 1 : 0;
    }

    /// <summary>
    /// Resident memory once the bot has been left idle for <see cref="LoadOptions.SettleSeconds"/>: read
    /// each second over the last third of them (the bot gives memory back when it goes quiet, and its
    /// JIT keeps compiling for a while), lowest and highest.
    /// </summary>
    private static async Task SettledAsync(ChildProcess bot, LoadOptions options, string when, TextWriter output)
    {
        if (options.SettleSeconds == 0)
        {
            return;
        }

        var readings = new List<double>();
        for (var second = 1; second <= options.SettleSeconds; second++)
        {
            await Task.Delay(TimeSpan.FromSeconds(1));
            if (second > options.SettleSeconds * 2 / 3)
            {
                readings.Add(bot.Meter.ResidentBytes() / 1048576.0);
            }
        }

        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{when}, settled (idle {options.SettleSeconds} s, read each second over the last {readings.Count}): resident memory {readings.Min():0}–{readings.Max():0} MB"));
    }

    /// <summary>CPU the bot uses over a few seconds with no requests (its background work: the outbox, scheduled jobs, the JIT).</summary>
    private static async Task<double> IdleCoresAsync(ChildProcess bot)
    {
        var window = bot.Meter.Start();
        await Task.Delay(TimeSpan.FromSeconds(3));
        return window.Cores();
    }

    private static Scenario Create(string name) => name switch
    {
        "slack-incident" => new SlackIncidentScenario(),
        "slack-help" => new SlackHelpScenario(),
        "teams-message" => new TeamsMessageScenario(),
        "slack-cab-click" => new SlackCabClickScenario(),
        "teams-cab-click" => new TeamsCabClickScenario(),
        "yardstick" => new YardstickScenario(),
        _ => throw new ArgumentException($"Unknown scenario {name}", nameof(name)),
    };

    /// <summary>Warm-up, closed loop, open loop; then the check that the work landed. Returns the closed loop's throughput and whether all went well.</summary>
    private static async Task<(double ClosedThroughput, bool Ok)> RunScenarioAsync(LoadContext ctx, Scenario scenario, ProcessMeter driver)
    {
        var options = ctx.Options;
        var output = ctx.Out;
        output.WriteLine();
        output.WriteLine($"## {scenario.Name}: {scenario.Description}");
        var setUp = Stopwatch.StartNew();
        await scenario.PrepareAsync(ctx);
        var server = scenario.Server(ctx);
        using var runner = new PhaseRunner(server.BaseUri, scenario.Check);
        ctx.Fakes.ClearPrivateAnswers();
        var landedBefore = await scenario.LandedAsync(ctx);
        var answered200 = 0L;
        var rows = new List<PhaseRow>();

        if (options.WarmupSeconds > 0)
        {
            var warm = await scenario.RequestsAsync(ctx, "warm", options.WarmupSeconds * scenario.ClosedLoopBudget(ctx));
            var outcome = await runner.ClosedLoopAsync(warm, options.Connections, TimeSpan.FromSeconds(options.WarmupSeconds));
            answered200 += outcome.Succeeded + Count200(outcome);
            await SettleAsync(ctx, scenario);
        }

        var closedRequests = await scenario.RequestsAsync(ctx, "closed", options.Seconds * scenario.ClosedLoopBudget(ctx));
        var closed = await MeasureAsync(server, driver, () => runner.ClosedLoopAsync(closedRequests, options.Connections, TimeSpan.FromSeconds(options.Seconds)));
        rows.Add(closed with { Phase = $"closed loop, {options.Connections} connections" });
        answered200 += closed.Outcome.Succeeded + Count200(closed.Outcome);
        var logAfterClosed = scenario.IsBot ? ctx.Database.LogFileBytes() : null;
        closedRequests = [];
        if (scenario.IsBot && scenario.Writes)
        {
            ctx.BotClosedLoopThroughput = Math.Max(ctx.BotClosedLoopThroughput ?? 0, closed.Outcome.Throughput);
        }

        var drained = await SettleAsync(ctx, scenario);

        var openRequests = await scenario.RequestsAsync(ctx, "open", (int)Math.Ceiling(options.Rate * options.Seconds));
        var open = await MeasureAsync(server, driver, () => runner.OpenLoopAsync(openRequests, options.Rate));
        rows.Add(open with { Phase = string.Create(CultureInfo.InvariantCulture, $"open loop, {options.Rate:N0}/s") });
        answered200 += open.Outcome.Succeeded + Count200(open.Outcome);
        var logAfterOpen = scenario.IsBot ? ctx.Database.LogFileBytes() : null;
        openRequests = [];
        var drainedAfterOpen = await SettleAsync(ctx, scenario);

        Report.Table(output, scenario.Name, rows);
        var landed = await scenario.LandedAsync(ctx) - landedBefore;
        var expected = scenario.Writes ? answered200 : 0;
        var ok = rows.All(r => r.Outcome.ErrorCount == 0) && landed == expected;
        var gaveUp = rows.Sum(r => r.Outcome.Errors.Where(e => e.Key.StartsWith("no answer", StringComparison.Ordinal)).Sum(e => (long)e.Value));
        var why = landed > answered200 && landed - answered200 <= gaveUp
            ? $": {landed - answered200:N0} of the {gaveUp:N0} requests the driver gave up on were carried out after all, unanswered"
            : "";
        output.WriteLine(scenario.Writes
            ? $"  Work landed: {landed:N0} {scenario.WorkName} in the database for {answered200:N0} requests answered 200 (warm-up included){(landed == answered200 ? "." : $" !! THEY DIFFER{why}.")}"
            : $"  Nothing written, as asked: {answered200:N0} requests answered 200 (warm-up included), {landed:N0} new {scenario.WorkName}{(landed == 0 ? "." : " !! A READ-ONLY COMMAND WROTE.")}");
        if (scenario.IsBot)
        {
            output.WriteLine($"  Outbox: {Drained(drained)} after the closed loop, {Drained(drainedAfterOpen)} after the open loop.");
            if (logAfterClosed is { } closedLog && logAfterOpen is { } openLog)
            {
                output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  SQLite log file: {closedLog / 1048576.0:N1} MB at the end of the closed loop, {openLog / 1048576.0:N1} MB at the end of the open loop."));
            }
        }

        if (!ctx.Fakes.PrivateAnswers.IsEmpty())
        {
            output.WriteLine($"  What the bot told people privately (response URLs, personal chats): {string.Join("; ", ctx.Fakes.PrivateAnswers.OrderByDescending(a => a.Value).Take(6).Select(a => $"{a.Value:N0} × \"{a.Key}\""))}");
        }

        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  ({setUp.Elapsed.TotalSeconds:0} s in all, setting up included.)"));
        return (closed.Outcome.Throughput, ok);
    }

    /// <summary>Requests answered 200 but judged wrong by the scenario (late, a warning): the work may still have been done (not when turned away at the bot's limit).</summary>
    private static long Count200(PhaseOutcome outcome) =>
        outcome.Errors.Where(e => e.Key.StartsWith("200", StringComparison.Ordinal) && !e.Key.StartsWith("200 turned away", StringComparison.Ordinal)).Sum(e => (long)e.Value);

    private static string Drained((TimeSpan Took, long Pending)? drained) => drained switch
    {
        null => "not checked",
        ({ } took, 0) => string.Create(CultureInfo.InvariantCulture, $"drained {took.TotalSeconds:0.0} s later"),
        (_, var pending) => $"!! {pending:N0} messages still pending after 2 minutes",
    };

    /// <summary>Lets the bot finish what it queued (the outbox) before the next phase, so one phase's backlog is not measured in the next.</summary>
    private static async Task<(TimeSpan, long)?> SettleAsync(LoadContext ctx, Scenario scenario)
    {
        if (!scenario.IsBot)
        {
            return null;
        }

        // Work that outran the answer budget finishes within a few seconds more.
        await Task.Delay(TimeSpan.FromSeconds(1));
        return await ctx.DrainOutboxAsync(TimeSpan.FromMinutes(2));
    }

    private static async Task<PhaseRow> MeasureAsync(ChildProcess server, ProcessMeter driver, Func<Task<PhaseOutcome>> phase)
    {
        GC.Collect();
        var serverWindow = server.Meter.Start();
        var driverWindow = driver.Start();
        var outcome = await phase();
        var row = new PhaseRow("", outcome, LatencySummary.FromTicks(outcome.LatencyTicks), serverWindow.Cores(), serverWindow.PeakMegabytes(), serverWindow.PeakIsForTheWindow, driverWindow.Cores());
        return row;
    }
}

/// <summary>Runs an action when disposed (the bot, whichever process it is by then).</summary>
internal sealed class Disposer(Func<ValueTask> dispose) : IAsyncDisposable
{
    public ValueTask DisposeAsync() => dispose();
}

internal static class DictionaryExtensions
{
    public static bool IsEmpty<TKey, TValue>(this IReadOnlyDictionary<TKey, TValue> dictionary) => dictionary.Count == 0;
}
