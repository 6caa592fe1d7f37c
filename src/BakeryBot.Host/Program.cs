using BakeryBot.Host;

var builder = WebApplication.CreateBuilder(args);
builder.AddBakeryBot();
var app = builder.Build();
await app.MigrateDatabaseAsync();
app.MapBakeryBot();
await app.RunAsync();

/// <summary>The entry point (public for the integration tests' WebApplicationFactory).</summary>
public partial class Program;
