using BakeryBot.Host;
using BakeryBot.Host.Cli;

// Admin verbs come before the host's own arguments: `bakerybot seed-demo`, `bakerybot import <file>`,
// `bakerybot export time|audit --from <date> --to <date>`, `bakerybot run-job <name>`,
// `bakerybot migrate [--to <name>]`, `bakerybot check-config`.
var verb = args.Length > 0 && args[0] is "seed-demo" or "import" or "export" or "run-job" or "migrate" or "check-config" ? args[0] : null;
var import = verb == "import" ? ImportVerb.Parse(args[1..]) : null;
var export = verb == "export" ? ExportVerb.Parse(args[1..]) : null;
var migrate = verb == "migrate" ? MigrateVerb.Parse(args[1..]) : null;
var runJob = verb == "run-job" ? RunJobVerb.Parse(args[1..]) : null;
if (runJob?.Error is not null)
{
    // A wrong name is answered before anything starts, with the names there are.
    return await RunJobVerb.UsageAsync(runJob, Console.Out);
}

if (migrate?.Error is not null)
{
    return await MigrateVerb.UsageAsync(migrate, Console.Error);
}

if (verb == "check-config")
{
    // Reads and tries the configuration without starting anything (nor migrating the database).
    var check = CheckConfigVerb.Parse(args[1..]);
    return check.Error is not null
        ? await CheckConfigVerb.UsageAsync(check, Console.Error)
        : await CheckConfigVerb.RunAsync(WebApplication.CreateBuilder(check.HostArgs), Console.Out, CancellationToken.None);
}

var builder = WebApplication.CreateBuilder(import?.HostArgs ?? export?.HostArgs ?? runJob?.HostArgs ?? migrate?.HostArgs ?? (verb is null ? args : args[1..]));
builder.AddBakeryBot();
if (export is not null || migrate is not null)
{
    // The data (CSV, what was migrated) goes to standard output: every log line goes to standard error instead.
    builder.Logging.AddConsole(o => o.LogToStandardErrorThreshold = LogLevel.Trace);
}

var app = builder.Build();
if (migrate is not null)
{
    // Up or down to where it is told, nothing more: the host is not started.
    return await MigrateVerb.RunAsync(app.Services, migrate, Console.Out, Console.Error, CancellationToken.None);
}

await app.MigrateDatabaseAsync();
switch (verb)
{
    case "seed-demo":
        // The demo bakery chain in the playground's workspace, then exit.
        var seeded = await DemoData.SeedAsync(app.Services.GetRequiredService<BakeryBot.Core.Chat.CommandRouter>(), Console.Out, CancellationToken.None);
        await Console.Out.WriteLineAsync($"{seeded} of {DemoData.Commands.Count} demo commands applied.");
        return 0;
    case "import":
        return await ImportVerb.RunAsync(app.Services, import!, Console.Out, CancellationToken.None);
    case "export":
        await using (var stdout = Console.OpenStandardOutput())
        {
            return await ExportVerb.RunAsync(app.Services, export!, stdout, Console.Error, CancellationToken.None);
        }

    case "run-job":
        return await RunJobVerb.RunAsync(app.Services, runJob!, Console.Out, CancellationToken.None);
}

app.MapBakeryBot();
await app.RunAsync();
return 0;

/// <summary>The entry point (public for the integration tests' WebApplicationFactory).</summary>
public partial class Program;

