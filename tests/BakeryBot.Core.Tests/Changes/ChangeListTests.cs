using BakeryBot.Core.Chat;
using BakeryBot.Core.Tests.Infrastructure;

namespace BakeryBot.Core.Tests.Changes;

/// <summary><c>/change list</c> and its filters, with released changes left out, on each database.</summary>
public abstract class ChangeListTests(DbProvider provider)
{
    /// <summary>
    /// CHG-1 (Alice) awaits the CAB, window today; CHG-2 (Bob) is approved, window tomorrow; CHG-3
    /// (Alice) is approved, window in 12 days; CHG-4 (Alice) was released this morning.
    /// </summary>
    [SkippableTheory]
    [InlineData("list", "CHG-1 CHG-2 CHG-3")]
    [InlineData("list pending", "CHG-1")]
    [InlineData("list scheduled", "CHG-2 CHG-3")]
    [InlineData("list mine", "CHG-1 CHG-3")]
    [InlineData("list week", "CHG-1 CHG-2")]
    public async Task The_filters_pick_open_changes(string text, string expected)
    {
        await using var app = await CoreTestApp.CreateAsync(provider);
        await app.SendAsync("cmdb", "add asset oven-2");
        await app.SendAsync("change", "request replace thermostat ci:oven-2 window:\"today 09:30+1h\" risk:low rollback:\"undo\"");
        await app.SendAsync("change", "request clean the flue ci:oven-2 window:\"tomorrow 22:00+1h\" risk:low rollback:\"undo\" type:standard", user: "bob");
        await app.SendAsync("change", "request paint the oven ci:oven-2 window:\"2026-12-08 22:00+1h\" risk:low rollback:\"undo\" type:standard");
        await app.SendAsync("change", "request swap door seal ci:oven-2 window:\"today 09:30+1h\" risk:low rollback:\"undo\" type:standard");
        await app.SendAsync("release", "start CHG-4");
        await app.SendAsync("release", "done CHG-4");

        var card = Assert.Single((await app.SendAsync("change", text)).Cards);

        var ids = Assert.IsType<TextSection>(Assert.Single(card.Sections)).Text.Split('\n').Select(line => line.Split(' ')[0]);
        Assert.Equal(expected, string.Join(' ', ids));
    }

    [SkippableFact]
    public async Task An_unknown_filter_is_refused()
    {
        await using var app = await CoreTestApp.CreateAsync(provider);
        await app.SendAsync("change", "list");

        await app.AssertRefusedAsync("change", "list soon", "`soon` is not a filter: `pending`, `scheduled`, `mine` or `week`.");
    }
}

public sealed class SqliteChangeListTests() : ChangeListTests(DbProvider.Sqlite);

public sealed class PostgresChangeListTests() : ChangeListTests(DbProvider.Postgres);
