using BakeryBot.Core.Chat;
using BakeryBot.Core.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace BakeryBot.Core.Tests.Knowledge;

/// <summary>The knowledge base: ranked full-text search on each database, and runbooks on incident cards.</summary>
public abstract class KnowledgeTests(DbProvider provider)
{
    [SkippableFact]
    public async Task Search_ranks_matches_finds_word_forms_and_prefixes_and_keeps_to_the_tenant()
    {
        await using var app = await CoreTestApp.CreateAsync(provider);
        await app.SendAsync("cmdb", "add asset oven-2");
        Assert.StartsWith("Saved \"Oven won't heat\"", (await app.SendAsync("kb", "add \"Oven won't heat\" ci:oven-2 Check the thermostat fuse, then the heating element.")).Text, StringComparison.Ordinal);
        await app.SendAsync("kb", "add \"Thermostat calibration\" Thermostats drift; calibrate every thermostat monthly against a probe thermometer.");
        await app.SendAsync("kb", "add Flour-delivery Call the mill before 10:00.");
        await app.SendAsync("kb", "add \"Other tenant's thermostat\" not yours", tenant: "T2");

        var found = Assert.Single((await app.SendAsync("kb", "search thermostat")).Cards);
        var titles = found.Sections.OfType<TextSection>().Select(s => s.Text.Split('\n')[0]).ToList();

        // Both mention the thermostat; the article about it (title and several mentions) ranks first.
        Assert.Equal(["Thermostat calibration", "Oven won't heat"], titles);
        Assert.Equal(["Oven won't heat"], TitlesOf(await app.SendAsync("kb", "search heat element")));
        Assert.Equal(["Thermostat calibration"], TitlesOf(await app.SendAsync("kb", "search calib")));
        Assert.Equal(["Flour-delivery"], TitlesOf(await app.SendAsync("kb", "search mill")));
        Assert.Contains("Nothing in the knowledge base", (await app.SendAsync("kb", "search croissant")).Text, StringComparison.Ordinal);
        // Search syntax typed by someone is words, not operators: no error, just no match.
        var hostile = await app.SendAsync("kb", "search \"* OR NEAR(\" -calib:* AND");
        Assert.Equal(ReplyKind.Private, hostile.Kind);
    }

    [SkippableFact]
    public async Task Runbooks_of_a_ci_show_on_the_cards_of_its_incidents()
    {
        await using var app = await CoreTestApp.CreateAsync(provider);
        await app.SendAsync("cmdb", "add asset oven-2");
        await app.SendAsync("kb", "add \"Oven won't heat\" ci:oven-2 Check the thermostat fuse.");

        await app.SendAsync("incident", "cold oven ci:oven-2");

        var card = ChatJson.Deserialize((await app.QueryAsync(db => db.Outbox.Where(o => o.CardJson != null).SingleAsync())).CardJson!);
        Assert.Contains(new CardField("Runbooks", "Oven won't heat (`/kb search` for the text)"), Assert.IsType<FieldsSection>(card.Sections[0]).Fields);
    }

    [SkippableTheory]
    [InlineData("add", "Give a title")]
    [InlineData("add Title-only", "Say what to do")]
    [InlineData("add \"x\" ci:oven-9 text", "`oven-9` is not in the CMDB")]
    [InlineData("search", "What to look for?")]
    [InlineData("search !!! ???", "What to look for?")]
    public async Task Wrong_kb_commands_change_nothing(string text, string expected)
    {
        await using var app = await CoreTestApp.CreateAsync(provider);
        await app.SendAsync("bakery", "whoami");
        var before = await app.SnapshotAsync();

        var reply = await app.SendAsync("kb", text);

        Assert.Equal(ReplyKind.Warning, reply.Kind);
        Assert.Contains(expected, reply.Text, StringComparison.Ordinal);
        Assert.Equal(before, await app.SnapshotAsync());
    }

    private static List<string> TitlesOf(ChatReply reply) =>
        Assert.Single(reply.Cards).Sections.OfType<TextSection>().Select(s => s.Text.Split('\n')[0]).ToList();
}

public sealed class SqliteKnowledgeTests() : KnowledgeTests(DbProvider.Sqlite);

public sealed class PostgresKnowledgeTests() : KnowledgeTests(DbProvider.Postgres);
