using System.Net.Http.Json;
using System.Text.Json.Nodes;
using BakeryBot.Core.Chat;
using BakeryBot.Core.Tests.Infrastructure;
using BakeryBot.Host.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace BakeryBot.Host.Tests.Playground;

/// <summary><c>bakerybot seed-demo</c>: every demo command applies, and the playground then shows a working CMDB.</summary>
public sealed class DemoDataTests
{
    [Fact]
    public async Task The_demo_bakery_chain_applies_in_full_and_the_playground_sees_it()
    {
        await using var bot = await BotFactory.CreateAsync(DbProvider.Sqlite, slack: null);
        using var http = bot.CreateClient();
        var output = new StringWriter();

        var applied = await DemoData.SeedAsync(bot.Services.GetRequiredService<CommandRouter>(), output, CancellationToken.None);

        Assert.True(applied == DemoData.Commands.Count, output.ToString());
        var catalog = await ReplyAsync(http, "/catalog");
        Assert.Contains("online-ordering · tier 1 · owner Alice · SLA 99.9%", catalog, StringComparison.Ordinal);
        var chain = await ReplyAsync(http, "/sla chain online-ordering");
        Assert.Contains("Weakest link", chain, StringComparison.Ordinal);
        Assert.Contains("eu-west-1", chain, StringComparison.Ordinal);
        var report = await ReplyAsync(http, "/sla report");
        Assert.Contains("so far", report, StringComparison.Ordinal);
        Assert.Contains("online-ordering · service · tier 1", report, StringComparison.Ordinal);
        Assert.Contains("eu-west-1 · cloud · third party (Skyhost)", report, StringComparison.Ordinal);
        var risks = await ReplyAsync(http, "/cmdb risks");
        Assert.Contains("mixer-1 (since 2026-06-30)", risks, StringComparison.Ordinal);
    }

    private static async Task<string> ReplyAsync(HttpClient http, string text)
    {
        var response = await http.PostAsJsonAsync("/playground/api/command", new { user = "alice", channel = "incidents", text });
        // Unescaped, so that "·" and "→" read as typed.
        return JsonNode.Parse(await response.Content.ReadAsStringAsync())!["reply"]!
            .ToJsonString(new System.Text.Json.JsonSerializerOptions { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping });
    }
}
