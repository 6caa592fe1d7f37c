using BakeryBot.Core.Chat;
using BakeryBot.Core.Data.Outbox;
using BakeryBot.Core.Incidents;
using BakeryBot.Core.Problems;
using BakeryBot.Core.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace BakeryBot.Core.Tests.Problems;

/// <summary>Problems: the cause behind incidents, the known errors, and the detector that suggests them.</summary>
public abstract class ProblemTests(DbProvider provider)
{
    [SkippableFact]
    public async Task A_problem_links_incidents_shows_their_cis_and_downtime_and_the_incident_cards_show_it()
    {
        await using var app = await CoreTestApp.CreateAsync(provider);
        await app.SendAsync("cmdb", "add asset oven-2");
        await app.SendAsync("incident", "burnt-cookie ci:oven-2");
        app.Clock.Advance(TimeSpan.FromMinutes(30));
        await app.SendAsync("incident", "mitigate INC-1");
        await app.SendAsync("incident", "burnt again ci:oven-2");
        app.Clock.Advance(TimeSpan.FromMinutes(15));
        await app.SendAsync("incident", "resolve INC-2");

        Assert.StartsWith("PRB-1 opened", (await app.SendAsync("problem", "new cookies keep burning")).Text, StringComparison.Ordinal);
        Assert.Equal("Linked INC-1, INC-2 to PRB-1.", (await app.SendAsync("problem", "link PRB-1 INC-1 INC-2")).Text);
        Assert.Equal("Those incidents were linked to PRB-1 already.", (await app.SendAsync("problem", "link PRB-1 INC-1")).Text);
        Assert.Equal("Root cause recorded for PRB-1.", (await app.SendAsync("problem", "rca PRB-1 faulty thermostat")).Text);
        Assert.StartsWith("PRB-1 is a known error now", (await app.SendAsync("problem", "workaround PRB-1 bake at 160°C")).Text, StringComparison.Ordinal);

        var shown = Assert.Single((await app.SendAsync("problem", "show PRB-1")).Cards);
        Assert.Equal("PRB-1: cookies keep burning", shown.Title);
        var fields = Assert.IsType<FieldsSection>(shown.Sections[0]).Fields;
        Assert.Contains(new CardField("Incidents", "INC-1, INC-2"), fields);
        Assert.Contains(new CardField("CIs", "oven-2"), fields);
        Assert.Contains(new CardField("Total downtime", "45 minutes"), fields);
        Assert.Contains(new CardField("Status", "Known error (workaround known)"), fields);
        Assert.Contains(shown.Sections, s => s is TextSection { Text: "Root cause: faulty thermostat" });

        var incidentCard = ChatJson.Deserialize((await app.QueryAsync(db => db.Outbox.Where(o => o.PostedCard!.RecordKey == "INC-1" && o.Kind == OutboxKind.Update).OrderBy(o => o.Id).LastAsync())).CardJson!);
        Assert.Contains(new CardField("Problem", "PRB-1: cookies keep burning"), Assert.IsType<FieldsSection>(incidentCard.Sections[0]).Fields);
        Assert.DoesNotContain(incidentCard.Buttons, b => b.ActionId == IncidentCommands.LinkProblemAction);

        Assert.Equal("PRB-1 resolved.", (await app.SendAsync("problem", "resolve PRB-1")).Text);
        Assert.Contains("No open problems", (await app.SendAsync("problem", "list")).Text, StringComparison.Ordinal);
        Assert.Contains("PRB-1 · Resolved", Assert.IsType<TextSection>(Assert.Single((await app.SendAsync("problem", "list all")).Cards).Sections[0]).Text, StringComparison.Ordinal);
    }

    [SkippableFact]
    public async Task A_known_errors_workaround_is_posted_with_a_new_incident_on_its_ci()
    {
        await using var app = await CoreTestApp.CreateAsync(provider);
        await app.SendAsync("cmdb", "add asset oven-2");
        await app.SendAsync("problem", "new cookies keep burning ci:oven-2");
        await app.SendAsync("problem", "workaround PRB-1 bake at 160°C");

        await app.SendAsync("incident", "burnt again ci:oven-2");

        var texts = await app.QueryAsync(db => db.Outbox.Where(o => o.CardJson == null).Select(o => o.Text).ToListAsync());
        Assert.Contains("PRB-1 is a known error on oven-2: cookies keep burning. Workaround: bake at 160°C", texts);
    }

    [SkippableFact]
    public async Task The_card_button_links_the_problem_typed_into_it_or_a_new_one()
    {
        await using var app = await CoreTestApp.CreateAsync(provider);
        await app.SendAsync("incident", "burnt-cookie");
        await app.SendAsync("incident", "flat bread");
        await app.SendAsync("problem", "new ovens misbehave");

        var typed = await app.Router.HandleAsync(CoreTestApp.Request("bob") with { ActionId = IncidentCommands.LinkProblemAction, ActionValue = "INC-1", Inputs = new Dictionary<string, string> { ["problem"] = "prb-1" } }, CancellationToken.None);
        var fresh = await app.ClickAsync(IncidentCommands.LinkProblemAction, "INC-2");
        var wrong = await app.Router.HandleAsync(CoreTestApp.Request("bob") with { ActionId = IncidentCommands.LinkProblemAction, ActionValue = "INC-2", Inputs = new Dictionary<string, string> { ["problem"] = "oven" } }, CancellationToken.None);

        Assert.Equal("INC-1 is linked to PRB-1.", typed.Text);
        Assert.Contains(new CardField("Problem", "PRB-1: ovens misbehave"), Assert.IsType<FieldsSection>(typed.UpdatedCard!.Sections[0]).Fields);
        Assert.Equal("INC-2 is linked to PRB-2.", fresh.Text);
        Assert.Equal("flat bread", await app.QueryAsync(db => db.Set<Problem>().Where(p => p.Number == 2).Select(p => p.Title).SingleAsync()));
        Assert.Equal(ReplyKind.Warning, wrong.Kind);
    }

    [SkippableFact]
    public async Task Three_incidents_on_one_ci_in_a_week_bring_one_suggestion_whose_button_creates_and_links_the_problem()
    {
        await using var app = await CoreTestApp.CreateAsync(provider);
        await app.SendAsync("cmdb", "add asset oven-2");
        await app.SendAsync("incident", "burnt 1 ci:oven-2");
        app.Clock.Advance(TimeSpan.FromDays(8)); // the first falls out of the window
        await app.SendAsync("incident", "burnt 2 ci:oven-2");
        await app.SendAsync("incident", "burnt 3 ci:oven-2");
        Assert.Equal(0, await app.QueryAsync(db => db.Set<ProblemSuggestion>().CountAsync()));

        await app.SendAsync("incident", "burnt 4 ci:oven-2");
        await app.SendAsync("incident", "burnt 5 ci:oven-2");

        var suggestion = await app.QueryAsync(db => db.Set<ProblemSuggestion>().SingleAsync());
        Assert.Equal("INC-2,INC-3,INC-4", suggestion.IncidentKeys);
        var post = await app.QueryAsync(db => db.Outbox.Include(o => o.PostedCard).SingleAsync(o => o.PostedCard!.RecordType == ProblemDetector.RecordType));
        var card = ChatJson.Deserialize(post.CardJson!);
        var button = Assert.Single(card.Buttons);
        Assert.Equal(ProblemCommands.CreateFromSuggestionAction, button.ActionId);

        // Two people click at the same moment, then a third later: one problem.
        var together = await Task.WhenAll(
            Task.Run(() => app.ClickAsync(button.ActionId, button.Value, user: "bob")),
            Task.Run(() => app.ClickAsync(button.ActionId, button.Value, user: "dave")));
        var again = await app.ClickAsync(button.ActionId, button.Value, user: "carol");

        Assert.Single(together, r => r.Text == "PRB-1 created and its incidents linked.");
        var updatedSuggestion = await app.QueryAsync(db => db.Outbox.Where(o => o.Kind == OutboxKind.Update && o.PostedCard!.RecordType == ProblemDetector.RecordType).Select(o => o.CardJson).SingleAsync());
        Assert.Empty(ChatJson.Deserialize(updatedSuggestion!).Buttons);
        Assert.Equal("PRB-1 was created from this suggestion already.", again.Text);
        Assert.Equal(1, await app.QueryAsync(db => db.Set<Problem>().CountAsync()));
        var linked = await app.QueryAsync(db => db.Incidents.Where(i => i.ProblemId != null).Select(i => i.Number).OrderBy(n => n).ToListAsync());
        Assert.Equal([2, 3, 4], linked);
        Assert.Equal("Recurring incidents on oven-2", await app.QueryAsync(db => db.Set<Problem>().Select(p => p.Title).SingleAsync()));

        // An open problem on the CI covers the next ones: no new suggestion.
        await app.SendAsync("incident", "burnt 6 ci:oven-2");
        Assert.Equal(1, await app.QueryAsync(db => db.Set<ProblemSuggestion>().CountAsync()));
    }

    [SkippableFact]
    public async Task A_double_click_on_link_problem_makes_one_problem_and_an_open_problem_on_earlier_incidents_covers_the_ci()
    {
        await using var app = await CoreTestApp.CreateAsync(provider);
        await app.SendAsync("cmdb", "add asset oven-2");
        await app.SendAsync("incident", "burnt 1 ci:oven-2");

        var first = await app.ClickAsync(IncidentCommands.LinkProblemAction, "INC-1");
        var second = await app.ClickAsync(IncidentCommands.LinkProblemAction, "INC-1", user: "bob");

        Assert.Equal("INC-1 is linked to PRB-1.", first.Text);
        Assert.StartsWith("INC-1 is linked to a problem already", second.Text, StringComparison.Ordinal);
        Assert.Equal(1, await app.QueryAsync(db => db.Set<Problem>().CountAsync()));

        // PRB-1 (no CIs of its own) covers oven-2 through INC-1: three more incidents bring no suggestion.
        await app.SendAsync("incident", "burnt 2 ci:oven-2");
        await app.SendAsync("incident", "burnt 3 ci:oven-2");
        await app.SendAsync("incident", "burnt 4 ci:oven-2");
        Assert.Equal(0, await app.QueryAsync(db => db.Set<ProblemSuggestion>().CountAsync()));
    }

    [SkippableTheory]
    [InlineData("link PRB-9 INC-1", "There is no PRB-9")]
    [InlineData("link PRB-1", "Which incidents?")]
    [InlineData("link PRB-1 oven", "is not an incident id")]
    [InlineData("rca PRB-1", "Say it")]
    [InlineData("new", "Give the problem a title")]
    [InlineData("show INC-1", "is not a PRB id")]
    public async Task Wrong_problem_commands_change_nothing(string text, string expected)
    {
        await using var app = await CoreTestApp.CreateAsync(provider);
        await app.SendAsync("incident", "burnt-cookie");
        await app.SendAsync("problem", "new ovens");
        var before = await app.SnapshotAsync();

        var reply = await app.SendAsync("problem", text);

        Assert.Equal(ReplyKind.Warning, reply.Kind);
        Assert.Contains(expected, reply.Text, StringComparison.Ordinal);
        Assert.Equal(before, await app.SnapshotAsync());
    }
}

public sealed class SqliteProblemTests() : ProblemTests(DbProvider.Sqlite);

public sealed class PostgresProblemTests() : ProblemTests(DbProvider.Postgres);
