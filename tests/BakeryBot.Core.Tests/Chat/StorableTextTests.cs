using BakeryBot.Core.Changes;
using BakeryBot.Core.Chat;
using BakeryBot.Core.Tests.Infrastructure;

namespace BakeryBot.Core.Tests.Chat;

/// <summary>
/// Counterexamples <see cref="RouterPropertyTests"/> found: PostgreSQL cannot store a NUL or half a
/// surrogate pair (neither is valid UTF-8), so such text failed deep in the save as an unexpected error.
/// </summary>
public abstract class StorableTextTests(DbProvider provider)
{
    [Fact]
    public void Nul_and_half_surrogate_pairs_are_found_and_whole_pairs_are_not()
    {
        (string Text, int At)[] cases =
        [
            ("", -1), ("plain text \u00e9\u20ac", -1), ("emoji \ud83d\ude00 ok", -1), ("x\0y", 1), ("\ud800", 0), ("ab\udc00", 2),
            ("x\ud83d", 1), ("\ud83d\ud83d\ude00", 0), ("\ude00\ud83d", 0), ("tab\tand\nnew line", -1),
        ];
        Assert.All(cases, c => Assert.Equal(c.At, StorableText.FindUnstorable(c.Text)));
        Assert.Equal(-1, StorableText.FindUnstorable(null));
    }

    [SkippableFact]
    public async Task A_nul_in_typed_text_is_refused_and_changes_nothing()
    {
        await using var app = await CoreTestApp.CreateAsync(provider);
        await app.AssertRefusedAsync("incident", "oven x\0y down", "has a character that can't be kept (U+0000, character 7)");
        await app.AssertRefusedAsync("kb", "add title \0 text", "U+0000");
    }

    [SkippableFact]
    public async Task Half_a_surrogate_pair_in_a_button_value_or_a_form_field_is_refused_and_changes_nothing()
    {
        await using var app = await CoreTestApp.CreateAsync(provider);
        await app.SendAsync("cmdb", "add asset oven-1");
        var before = await app.SnapshotAsync();

        var click = await app.ClickAsync("timer.from_message", "x\ud83d");
        var fields = new Dictionary<string, string>
        {
            [ChangeForms.Title] = "new \udc00 oven",
            [ChangeForms.Cis] = "oven-1",
            [ChangeForms.Window] = "tomorrow 22:00",
            [ChangeForms.Risk] = "low",
            [ChangeForms.Type] = "normal",
        };
        var form = await app.Router.HandleAsync(CoreTestApp.Request("alice") with { FormId = ChangeForms.RequestForm, Inputs = fields }, CancellationToken.None);

        Assert.Equal((ReplyKind.Warning, ReplyKind.Warning), (click.Kind, form.Kind));
        Assert.Contains("U+D83D", click.Text, StringComparison.Ordinal);
        Assert.Contains("U+DC00", form.Text, StringComparison.Ordinal);
        Assert.Equal(before, await app.SnapshotAsync());
        Assert.Equal(0, await app.QueryAsync(db => Microsoft.EntityFrameworkCore.EntityFrameworkQueryableExtensions.CountAsync(db.Set<BakeryBot.Core.TimeTracking.Timer>())));
    }
}

public sealed class SqliteStorableTextTests() : StorableTextTests(DbProvider.Sqlite);

public sealed class PostgresStorableTextTests() : StorableTextTests(DbProvider.Postgres);
