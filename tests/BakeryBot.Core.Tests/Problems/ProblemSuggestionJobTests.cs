using BakeryBot.Core.Chat;
using BakeryBot.Core.Jobs;
using BakeryBot.Core.Problems;
using BakeryBot.Core.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace BakeryBot.Core.Tests.Problems;

/// <summary>The problem-suggestions job: incidents linked to a CI after they were declared count too; once per CI per window.</summary>
public abstract class ProblemSuggestionJobTests(DbProvider provider)
{
    private static async Task<JobRunReport> RunJobAsync(CoreTestApp app) =>
        (await app.Services.GetRequiredService<JobRunner>().RunAsync(JobNames.ProblemSuggestions, manual: false, CancellationToken.None))!;

    private static Task<List<(string Channel, string? Card)>> SuggestionPostsAsync(CoreTestApp app) =>
        app.QueryAsync(db => db.Outbox.Where(o => o.PostedCard!.RecordType == ProblemDetector.RecordType)
            .OrderBy(o => o.Id).Select(o => new ValueTuple<string, string?>(o.ChannelId, o.CardJson)).ToListAsync());

    /// <summary>Three incidents on oven-2, the third (declared in C2 without a CI) linked to it afterwards.</summary>
    private static async Task ThirdIncidentLinkedLaterAsync(CoreTestApp app)
    {
        await app.SendAsync("cmdb", "add asset oven-2");
        await app.SendAsync("incident", "burnt 1 ci:oven-2");
        await app.SendAsync("incident", "burnt 2 ci:oven-2");
        await app.SendAsync("incident", "burnt 3", channel: "C2");
        var linked = await app.SendAsync("incident", "link INC-3 ci:oven-2");
        Assert.Equal("Linked INC-3 to oven-2.", linked.Text);
    }

    [SkippableFact]
    public async Task A_ci_reaching_the_threshold_through_a_later_link_gets_one_suggestion_from_the_job_in_the_latest_incidents_channel()
    {
        await using var app = await CoreTestApp.CreateAsync(provider);
        await ThirdIncidentLinkedLaterAsync(app);
        // Declaring and linking alone suggested nothing: INC-3 had no CI when it was declared.
        Assert.Equal(0, await app.QueryAsync(db => db.Set<ProblemSuggestion>().CountAsync()));

        var run = await RunJobAsync(app);

        Assert.Equal((JobOutcome.Ok, "Suggested problems on oven-2."), (run.Outcome, run.Result!.Summary));
        var suggestion = await app.QueryAsync(db => db.Set<ProblemSuggestion>().SingleAsync());
        Assert.Equal("INC-1,INC-2,INC-3", suggestion.IncidentKeys);
        var (channel, cardJson) = Assert.Single(await SuggestionPostsAsync(app));
        Assert.Equal("C2", channel);
        var card = ChatJson.Deserialize(cardJson!);
        Assert.Equal("3 incidents on oven-2 in 1 week", card.Title);
        Assert.Equal(ProblemCommands.CreateFromSuggestionAction, Assert.Single(card.Buttons).ActionId);
        var timeline = await app.QueryAsync(db => db.IncidentEvents.Where(e => e.Kind == "ci").Select(e => e.Text).SingleAsync());
        Assert.Equal("Linked to oven-2 (said Alice)", timeline);
    }

    [SkippableFact]
    public async Task A_second_run_and_another_instance_post_nothing_more_and_two_instances_at_once_post_once()
    {
        await using var app = await CoreTestApp.CreateAsync(provider);
        await using var other = app.AnotherInstance();
        await ThirdIncidentLinkedLaterAsync(app);

        var together = await Task.WhenAll(Task.Run(() => RunJobAsync(app)), Task.Run(() => RunJobAsync(other)));
        var again = await RunJobAsync(app);
        var elsewhere = await RunJobAsync(other);

        Assert.All(together, r => Assert.Equal(JobOutcome.Ok, r.Outcome));
        Assert.Single(together, r => r.Result!.Changed);
        Assert.Equal(("Suggested problems on none.", false), (again.Result!.Summary, again.Result.Changed));
        Assert.False(elsewhere.Result!.Changed);
        Assert.Equal(1, await app.QueryAsync(db => db.Set<ProblemSuggestion>().CountAsync()));
        Assert.Single(await SuggestionPostsAsync(app));

        // A fourth incident within the window is declared: the CI was suggested in this window already.
        await app.SendAsync("incident", "burnt 4 ci:oven-2");
        Assert.False((await RunJobAsync(app)).Result!.Changed);
        Assert.Single(await SuggestionPostsAsync(app));
    }

    [SkippableFact]
    public async Task Nothing_is_suggested_below_the_threshold_or_when_the_incidents_fell_out_of_the_window()
    {
        await using var app = await CoreTestApp.CreateAsync(provider);
        await app.SendAsync("cmdb", "add asset oven-2");
        await app.SendAsync("incident", "burnt 1 ci:oven-2");
        await app.SendAsync("incident", "burnt 2");
        await app.SendAsync("incident", "link INC-2 ci:oven-2");

        Assert.False((await RunJobAsync(app)).Result!.Changed);

        // The third comes after the first has left the window: still two within it.
        app.Clock.Advance(TimeSpan.FromDays(7) + TimeSpan.FromMinutes(1));
        await app.SendAsync("incident", "burnt 3");
        await app.SendAsync("incident", "link INC-3 ci:oven-2");
        Assert.False((await RunJobAsync(app)).Result!.Changed);
        Assert.Equal(0, await app.QueryAsync(db => db.Set<ProblemSuggestion>().CountAsync()));
        Assert.Empty(await SuggestionPostsAsync(app));
    }

    [SkippableFact]
    public async Task A_ci_covered_by_an_open_problem_gets_no_suggestion()
    {
        await using var app = await CoreTestApp.CreateAsync(provider);
        await app.SendAsync("cmdb", "add asset oven-2");
        await app.SendAsync("problem", "new ovens keep burning ci:oven-2");
        await app.SendAsync("incident", "burnt 1 ci:oven-2");
        await app.SendAsync("incident", "burnt 2 ci:oven-2");
        await app.SendAsync("incident", "burnt 3");
        await app.SendAsync("incident", "link INC-3 ci:oven-2");

        Assert.False((await RunJobAsync(app)).Result!.Changed);
        Assert.Equal(0, await app.QueryAsync(db => db.Set<ProblemSuggestion>().CountAsync()));
    }

    [SkippableTheory]
    [InlineData("link INC-1 ci:oven-9", "`oven-9` is not in the CMDB; nothing was linked")]
    [InlineData("link INC-1 ci:oven-2,oven-9", "`oven-9` is not in the CMDB; nothing was linked")]
    [InlineData("link INC-1 oven-2 ci:oven-2", "`oven-2` is extra")]
    [InlineData("link INC-1 PRB-1 owner:bob", "owner")]
    public async Task A_wrong_ci_link_is_refused_and_changes_nothing(string text, string expected)
    {
        await using var app = await CoreTestApp.CreateAsync(provider);
        await app.SendAsync("cmdb", "add asset oven-2");
        await app.SendAsync("incident", "burnt 1");

        await app.AssertRefusedAsync("incident", text, expected);
    }
}

public sealed class SqliteProblemSuggestionJobTests() : ProblemSuggestionJobTests(DbProvider.Sqlite);

public sealed class PostgresProblemSuggestionJobTests() : ProblemSuggestionJobTests(DbProvider.Postgres);
