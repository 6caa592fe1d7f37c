using BakeryBot.Core.Changes;
using BakeryBot.Core.Chat;
using BakeryBot.Core.Data.Outbox;
using BakeryBot.Core.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace BakeryBot.Core.Tests.Changes;

/// <summary>
/// The CAB's policy as a table: risk × votes × who votes → outcome, through the Approve / Reject /
/// Abstain buttons of the change's card (the router's neutral click), on each database.
/// </summary>
public abstract class CabPolicyTests(DbProvider provider)
{
    /// <summary>alice requests; bob, carol and dave are the CAB; erin is not; alice is CAB too (to show she can't approve her own).</summary>
    private static async Task<CoreTestApp> CabAsync(DbProvider provider)
    {
        var app = await CoreTestApp.CreateAsync(provider);
        foreach (var member in new[] { "alice", "bob", "carol", "dave" })
        {
            await app.SendAsync("bakery", $"role add <@{member}> cab", user: "admin");
        }

        await app.SendAsync("change", "cab channel", user: "admin", channel: "C-CAB");
        await app.SendAsync("cmdb", "add asset oven-2");
        return app;
    }

    private static Task<ChatReply> RequestAsync(CoreTestApp app, string risk, string extra = "rollback:\"refit the old one\"") =>
        app.SendAsync("change", $"request replace thermostat ci:oven-2 window:\"tomorrow 22:00+2h\" risk:{risk} {extra}");

    [SkippableTheory]
    [InlineData("low", "bob:approve", "Approved", "approved by Bob")]
    [InlineData("medium", "bob:approve", "Pending", null)]
    [InlineData("medium", "bob:approve carol:approve", "Approved", "approved by Bob, Carol")]
    [InlineData("high", "bob:approve carol:approve", "Approved", "approved by Bob, Carol")]
    [InlineData("high", "bob:approve carol:reject", "Rejected", "rejected by Carol: not before the audit")]
    [InlineData("low", "bob:reject", "Rejected", "rejected by Bob: not before the audit")]
    [InlineData("medium", "bob:abstain carol:approve", "Pending", null)]
    [InlineData("medium", "bob:abstain carol:approve dave:approve", "Approved", "approved by Carol, Dave")]
    [InlineData("medium", "bob:abstain carol:abstain dave:abstain", "Pending", null)]
    [InlineData("low", "bob:approve carol:reject", "Approved", "approved by Bob")]
    public async Task Votes_decide_as_the_policy_says(string risk, string votes, string state, string? reason)
    {
        await using var app = await CabAsync(provider);
        await RequestAsync(app, risk);

        foreach (var vote in votes.Split(' '))
        {
            var (who, kind) = (vote.Split(':')[0], vote.Split(':')[1]);
            await ClickAsync(app, kind, who, kind == "reject" ? "not before the audit" : null);
        }

        var change = await app.QueryAsync(db => db.Changes.Include(c => c.Votes).SingleAsync());
        Assert.Equal(state, change.State.ToString());
        Assert.Equal(reason, change.DecisionReason);
    }

    [SkippableTheory]
    [InlineData("alice", "approve", null, "You requested CHG-1, so you can't vote on it")]
    [InlineData("erin", "approve", null, "Only CAB members vote on changes")]
    [InlineData("bob", "reject", null, "Say why you reject CHG-1")]
    [InlineData("bob", "reject", "   ", "Say why you reject CHG-1")]
    public async Task Votes_the_policy_refuses_change_nothing(string who, string kind, string? reason, string expected)
    {
        await using var app = await CabAsync(provider);
        await RequestAsync(app, "low");
        await app.SendAsync("change", "list", user: who); // the voter is known by name before the vote
        var before = await app.SnapshotAsync();

        var reply = await ClickAsync(app, kind, who, reason);

        Assert.Equal(ReplyKind.Warning, reply.Kind);
        Assert.StartsWith(expected, reply.Text, StringComparison.Ordinal);
        Assert.Equal(before, await app.SnapshotAsync());
        Assert.Equal(0, await app.QueryAsync(db => db.ChangeVotes.CountAsync()));
    }

    [SkippableFact]
    public async Task A_second_vote_and_votes_after_the_decision_change_nothing_and_the_card_shows_the_tally()
    {
        await using var app = await CabAsync(provider);
        await RequestAsync(app, "medium");

        var first = await ClickAsync(app, "approve", "bob");
        var twice = await ClickAsync(app, "approve", "bob");
        await ClickAsync(app, "approve", "carol");
        var late = await ClickAsync(app, "reject", "dave", "too late");

        Assert.Equal(ReplyKind.None, first.Kind);
        var tally = first.UpdatedCard!.Sections.OfType<TextSection>().First().Text;
        Assert.Equal("Approve: Bob\nReject: nobody\nAbstain: nobody", tally);
        Assert.Contains(new CardField("Status", "awaiting the CAB: 1 of 2 approvals"), first.UpdatedCard.Sections.OfType<FieldsSection>().Single().Fields);
        Assert.Equal("You voted approve on CHG-1 already; a vote can't be cast twice.", twice.Text);
        Assert.Equal("CHG-1 was approved already; votes now change nothing.", late.Text);
        Assert.DoesNotContain(late.UpdatedCard!.Buttons, b => b.ActionId.StartsWith("change.", StringComparison.Ordinal));
        Assert.Equal(2, await app.QueryAsync(db => db.ChangeVotes.CountAsync()));
        // The CAB channel's copy and the requester's copy are both updated with each counted vote.
        var updates = await app.QueryAsync(db => db.Outbox.Where(o => o.Kind == OutboxKind.Update).Select(o => o.Text).ToListAsync());
        Assert.Contains("CHG-1 is approved: approved by Bob, Carol.", updates);
    }

    [SkippableFact]
    public async Task A_change_without_rollback_steps_cannot_be_approved_until_its_requester_adds_them()
    {
        await using var app = await CabAsync(provider);
        await RequestAsync(app, "low", "");

        var refused = await ClickAsync(app, "approve", "bob");
        var notYours = await app.SendAsync("change", "rollback CHG-1 \"refit it\"", user: "bob");
        var added = await app.SendAsync("change", "rollback CHG-1 \"refit the old thermostat\"");
        var approved = await ClickAsync(app, "approve", "bob");

        Assert.StartsWith("CHG-1 has no rollback steps, so it can't be approved.", refused.Text, StringComparison.Ordinal);
        Assert.StartsWith("Only the requester of CHG-1", notYours.Text, StringComparison.Ordinal);
        Assert.Equal("Rollback steps of CHG-1 saved.", added.Text);
        Assert.Equal(ReplyKind.None, approved.Kind);
        Assert.Equal(ChangeState.Approved, await app.QueryAsync(db => db.Changes.Select(c => c.State).SingleAsync()));
    }

    [SkippableFact]
    public async Task An_undecided_change_expires_at_its_deadline_and_later_votes_change_nothing()
    {
        await using var app = await CabAsync(provider);
        await RequestAsync(app, "medium");
        await ClickAsync(app, "approve", "bob");

        app.Clock.Advance(TimeSpan.FromDays(2));
        var late = await ClickAsync(app, "approve", "carol");

        Assert.Equal("CHG-1 was expired already; votes now change nothing.", late.Text);
        var change = await app.QueryAsync(db => db.Changes.SingleAsync());
        Assert.Equal((ChangeState.Expired, ChangeDecision.Expired), (change.State, change.Decision));
        Assert.Equal(1, await app.QueryAsync(db => db.ChangeVotes.CountAsync()));
    }

    [SkippableFact]
    public async Task The_expiry_sweep_expires_each_overdue_change_once_and_updates_its_cards()
    {
        await using var app = await CabAsync(provider);
        await RequestAsync(app, "medium");
        await app.SendAsync("change", "request later work ci:oven-2 window:\"2026-12-05 22:00+1h\" risk:low rollback:\"undo\"");
        await app.SendAsync("change", "request urgent fix ci:oven-2 window:\"tomorrow 22:30+1h\" risk:low type:emergency rollback:\"undo\"");
        await using var scope = app.Services.CreateAsyncScope();

        app.Clock.Advance(TimeSpan.FromDays(2));
        var first = await scope.ServiceProvider.GetRequiredService<ChangeService>().ExpireDueAsync(CancellationToken.None);
        await using var again = app.Services.CreateAsyncScope();
        var second = await again.ServiceProvider.GetRequiredService<ChangeService>().ExpireDueAsync(CancellationToken.None);

        Assert.Equal(["CHG-1"], first.Select(id => id.ToString()));
        Assert.Empty(second);
        // The emergency is reviewed after its release, whenever that is: it has no deadline to miss.
        Assert.Equal([ChangeState.Expired, ChangeState.Pending, ChangeState.Pending], await app.QueryAsync(db => db.Changes.OrderBy(c => c.Number).Select(c => c.State).ToListAsync()));
        var updates = await app.QueryAsync(db => db.Outbox.Where(o => o.Kind == OutboxKind.Update).Select(o => o.Text).ToListAsync());
        Assert.Contains("CHG-1 expired: the CAB did not decide before its window.", updates);
    }

    [SkippableFact]
    public async Task Standard_changes_are_pre_approved_and_need_their_rollback_at_once()
    {
        await using var app = await CabAsync(provider);

        var missing = await RequestAsync(app, "low", "type:standard");
        var standard = await RequestAsync(app, "low", "type:standard rollback:\"swap back\"");

        Assert.StartsWith("A standard change is approved by policy, so it needs its rollback steps now", missing.Text, StringComparison.Ordinal);
        Assert.Equal("CHG-1 requested. It is pre-approved by policy (a standard change).", standard.Text);
        var change = await app.QueryAsync(db => db.Changes.SingleAsync());
        Assert.Equal((ChangeState.Approved, "pre-approved by policy (standard change)"), (change.State, change.DecisionReason));
        // Not put to the CAB: only the requester's channel has its card.
        Assert.Equal(["C1"], await app.QueryAsync(db => db.Outbox.Where(o => o.Kind == OutboxKind.Post).Select(o => o.ChannelId).ToListAsync()));
    }

    [SkippableFact]
    public async Task Inside_a_freeze_only_emergencies_are_scheduled_and_they_need_one_approval_more()
    {
        await using var app = await CabAsync(provider);
        var frozen = await app.SendAsync("change", "freeze add 2026-11-27..2026-11-28 stocktake", user: "admin");
        Assert.StartsWith("Freeze #1 \"stocktake\"", frozen.Text, StringComparison.Ordinal);

        var normal = await RequestAsync(app, "low");
        var emergency = await RequestAsync(app, "low", "type:emergency rollback:\"refit the old one\"");
        await ClickAsync(app, "approve", "bob");
        var afterOne = await app.QueryAsync(db => db.Changes.Select(c => c.State).SingleAsync());
        await ClickAsync(app, "approve", "carol");

        Assert.StartsWith("The window falls in the change freeze \"stocktake\"", normal.Text, StringComparison.Ordinal);
        Assert.Equal("CHG-1 requested. It is posted to the CAB for its votes.", emergency.Text);
        Assert.Equal(ChangeState.Pending, afterOne);
        Assert.Equal(ChangeState.Approved, await app.QueryAsync(db => db.Changes.Select(c => c.State).SingleAsync()));
        Assert.Contains("Only people with the `admin` role set freezes", (await app.SendAsync("change", "freeze add 2026-12-01..2026-12-02 nope", user: "bob")).Text, StringComparison.Ordinal);
    }

    [SkippableFact]
    public async Task Overlapping_changes_on_the_same_or_dependent_cis_show_their_conflict_on_the_card()
    {
        await using var app = await CabAsync(provider);
        await app.SendAsync("cmdb", "add service cookie-counter");
        await app.SendAsync("cmdb", "add asset oven-3");
        await app.SendAsync("cmdb", "link cookie-counter depends-on oven-2");
        await RequestAsync(app, "low");
        await app.SendAsync("change", "request patch counter ci:cookie-counter window:\"tomorrow 23:00+1h\" risk:low rollback:\"undo\"");
        await app.SendAsync("change", "request swap oven-3 ci:oven-3 window:\"tomorrow 22:00+2h\" risk:low rollback:\"undo\"");
        await app.SendAsync("change", "request later oven work ci:oven-2 window:\"2026-12-05 22:00+1h\" risk:low rollback:\"undo\"");

        var card = Assert.Single((await app.SendAsync("change", "show CHG-1")).Cards);

        var conflicts = card.Sections.OfType<TextSection>().Single(s => s.Text.StartsWith("Conflicts:", StringComparison.Ordinal)).Text;
        Assert.Equal("Conflicts:\n• CHG-2 patch counter: oven-2 and cookie-counter depend on each other", conflicts);
        // CHG-1's posted card was updated when CHG-2 came, to show the CAB the overlap.
        var update = await app.QueryAsync(db => db.Outbox.Where(o => o.Kind == OutboxKind.Update).Select(o => o.Text).ToListAsync());
        Assert.Contains("CHG-2 overlaps CHG-1: cookie-counter and oven-2 depend on each other.", update);
    }

    [SkippableTheory]
    [InlineData("request x ci:oven-2 risk:low rollback:y", "When? Give the window")]
    [InlineData("request x ci:oven-2 window:soon risk:low", "`soon` is not a window start")]
    [InlineData("request x ci:oven-2 window:\"tomorrow 22:00\"", "How risky is it?")]
    [InlineData("request x ci:oven-2 window:\"tomorrow 22:00\" risk:huge", "`huge` is not a risk")]
    [InlineData("request x ci:oven-9 window:\"tomorrow 22:00\" risk:low", "`oven-9` is not in the CMDB")]
    [InlineData("request x window:\"tomorrow 22:00\" risk:low", "Which CI does it change?")]
    [InlineData("request x ci:oven-2 window:\"2026-11-20 22:00\" risk:low", "The window has begun already")]
    [InlineData("request x ci:oven-2 window:\"tomorrow 22:00\" risk:low schema:true", "This change touches a database schema")]
    [InlineData("request ci:oven-2 window:\"tomorrow 22:00\" risk:low", "Give the change a title")]
    [InlineData("approve CHG-9", "There is no CHG-9")]
    public async Task Wrong_change_commands_say_what_was_wrong_and_change_nothing(string text, string expected)
    {
        await using var app = await CabAsync(provider);

        await app.AssertRefusedAsync("change", text, expected);
    }

    private static Task<ChatReply> ClickAsync(CoreTestApp app, string kind, string who, string? reason = null) =>
        app.Router.HandleAsync(
            CoreTestApp.Request(who) with
            {
                ActionId = "change." + kind,
                ActionValue = "CHG-1",
                Inputs = reason is null ? null : new Dictionary<string, string> { [ChangeCards.ReasonInput] = reason },
            },
            CancellationToken.None);
}

public sealed class SqliteCabPolicyTests() : CabPolicyTests(DbProvider.Sqlite);

public sealed class PostgresCabPolicyTests() : CabPolicyTests(DbProvider.Postgres);
