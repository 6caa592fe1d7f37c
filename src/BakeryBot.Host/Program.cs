using BakeryBot.Host;

var seedDemo = args.Length > 0 && args[0] == "seed-demo";
var builder = WebApplication.CreateBuilder(seedDemo ? args[1..] : args);
builder.AddBakeryBot();
var app = builder.Build();
await app.MigrateDatabaseAsync();
if (seedDemo)
{
    // bakerybot seed-demo: the demo bakery chain in the playground's workspace, then exit.
    var seeded = await DemoData.SeedAsync(app.Services.GetRequiredService<BakeryBot.Core.Chat.CommandRouter>(), Console.Out, CancellationToken.None);
    await Console.Out.WriteLineAsync($"{seeded} of {DemoData.Commands.Count} demo commands applied.");
    return;
}

app.MapBakeryBot();
await app.RunAsync();

/// <summary>The entry point (public for the integration tests' WebApplicationFactory).</summary>
public partial class Program;
