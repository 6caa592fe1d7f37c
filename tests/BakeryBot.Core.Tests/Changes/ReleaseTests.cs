using BakeryBot.Core.Changes;
using BakeryBot.Core.Chat;
using BakeryBot.Core.Data.Outbox;
using BakeryBot.Core.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace BakeryBot.Core.Tests.Changes;

/// <summary>
/// Releases as a table: each state of a change × start / done / rollback → the new state, or a refusal
/// that says why and changes nothing; the card's buttons do what the commands do; emergencies go before
/// the CAB decides. On each database.
/// </summary>
public abstract class ReleaseTests(DbProvider provider)
{
    private static readonly TimeSpan Minute = TimeSpan.FromMinutes(1);

    /// <summary>alice requests; bob and carol are the CAB; erin is an engineer outside it. oven-2 is in the CMDB.</summary>
    private static async Task<CoreTestApp> CabAsync(DbProvider provider)
    {
        var app = await CoreTestApp.CreateAsync(provider);
        foreach (var member in new[] { "bob", "carol" })
        {
            await app.SendAsync("bakery", $"role add <@{member}> cab", user: "admin");
        }

        await app.SendAsync("cmdb", "add asset oven-2");
        return app;
    }

    /// <summary>
    /// CHG-1 in the named state. Its window opens 30 minutes from now (09:30 UTC) for two hours, so an
    /// approved change may start now; "expired" moves the clock past its deadline.
    /// </summary>
    private static async Task BringToAsync(CoreTestApp app, string state)
    {
        var type = state == "emergency" ? " type:emergency" : "";
        var risk = state == "emergency" ? "medium" : "low";
        await app.SendAsync("change", $"request replace thermostat ci:oven-2 window:\"today 09:30+2h\" risk:{risk} rollback:\"refit the old one\"{type}");
        switch (state)
        {
            case "approved" or "releasing" or "released" or "rolled-back" or "failed":
                await app.SendAsync("change", "approve CHG-1", user: "bob");
                break;
            case "rejected":
                await app.SendAsync("change", "reject CHG-1 not before the audit", user: "bob");
                break;
            case "expired":
                app.Clock.Advance(31 * Minute);
                await app.SendAsync("change", "show CHG-1");
                break;
            case "cancelled":
                await app.SendAsync("change", "cancel CHG-1");
                break;
        }

        if (state is "releasing" or "released" or "rolled-back" or "failed")
        {
            await app.SendAsync("release", "start CHG-1");
        }

        var end = state switch
        {
            "released" => "done CHG-1",
            "rolled-back" => "rollback CHG-1",
            "failed" => "done CHG-1 failed",
            _ => null,
        };
        if (end is not null)
        {
            await app.SendAsync("release", end);
        }
    }

    [SkippableTheory]
    [InlineData("approved", "start", "CHG-1 is in release.", "InRelease", null)]
    [InlineData("emergency", "start", "CHG-1 is in release.", "InRelease", null)]
    [InlineData("releasing", "done", "CHG-1 is released.", "Completed", "Succeeded")]
    [InlineData("releasing", "done CHG-1 failed thermostat would not calibrate", "CHG-1 is recorded as a failed release.", "Completed", "Failed")]
    [InlineData("releasing", "done CHG-1 the oven failed to heat", "CHG-1 is released.", "Completed", "Succeeded")]
    [InlineData("releasing", "rollback", "CHG-1 is recorded as rolled back.", "Completed", "RolledBack")]
    public async Task Allowed_steps_move_the_release_on(string from, string verb, string reply, string state, string? outcome)
    {
        await using var app = await CabAsync(provider);
        await BringToAsync(app, from);

        var answer = await app.SendAsync("release", verb.Contains("CHG-1", StringComparison.Ordinal) ? verb : $"{verb} CHG-1");

        Assert.Equal(ReplyKind.Private, answer.Kind);
        Assert.StartsWith(reply, answer.Text, StringComparison.Ordinal);
        var change = await app.QueryAsync(db => db.Changes.SingleAsync());
        Assert.Equal((state, outcome), (change.State.ToString(), change.Outcome?.ToString()));
        var alice = await app.QueryAsync(db => db.People.Where(p => p.DisplayName == "Alice").Select(p => p.Id).SingleAsync());
        Assert.Equal((CoreTestApp.Start, alice), (change.ReleaseStartedAt!.Value, change.ReleaseStartedById!.Value));
        Assert.Equal(state == "Completed" ? CoreTestApp.Start : null, change.ReleasedAt);
        Assert.Equal(state == "Completed" ? alice : null, change.ReleasedById);
    }

    [SkippableTheory]
    [InlineData("releasing", "start", "CHG-1's release started already (by Alice, Thu 26 Nov 09:00 UTC); nothing changed.")]
    [InlineData("released", "start", "CHG-1 was released already (succeeded, by Alice, Thu 26 Nov 09:00 UTC); nothing changed.")]
    [InlineData("released", "done", "CHG-1 was released already (succeeded, by Alice, Thu 26 Nov 09:00 UTC); nothing changed.")]
    [InlineData("failed", "done", "CHG-1 was released already (failed, by Alice, Thu 26 Nov 09:00 UTC); nothing changed.")]
    [InlineData("released", "done CHG-1 failed", "CHG-1 was released already (succeeded, by Alice, Thu 26 Nov 09:00 UTC); nothing changed. If it broke something, link the incident to it: `/incident link INC-42 CHG-1`.")]
    [InlineData("rolled-back", "rollback", "CHG-1 was rolled back already (by Alice, Thu 26 Nov 09:00 UTC); nothing changed.")]
    public async Task Repeats_say_so_and_change_nothing(string from, string verb, string reply)
    {
        await using var app = await CabAsync(provider);
        await BringToAsync(app, from);
        var before = await app.SnapshotAsync();

        var answer = await app.SendAsync("release", verb.Contains("CHG-1", StringComparison.Ordinal) ? verb : $"{verb} CHG-1");

        Assert.Equal(ReplyKind.Private, answer.Kind);
        Assert.Equal(reply, answer.Text);
        Assert.Equal(before, await app.SnapshotAsync());
    }

    [SkippableTheory]
    [InlineData("pending", "start", "CHG-1 is awaiting the CAB's decision; a normal change is released once approved")]
    [InlineData("pending", "done", "CHG-1's release has not started, so there is nothing to finish. Start it with `/release start CHG-1`.")]
    [InlineData("pending", "rollback", "CHG-1's release has not started, so there is nothing to roll back.")]
    [InlineData("approved", "done", "CHG-1's release has not started, so there is nothing to finish.")]
    [InlineData("approved", "rollback", "CHG-1's release has not started, so there is nothing to roll back.")]
    [InlineData("emergency", "done", "CHG-1's release has not started")]
    [InlineData("rejected", "start", "CHG-1 was rejected (rejected by Bob: not before the audit), so it can't be released.")]
    [InlineData("rejected", "done", "CHG-1 was rejected")]
    [InlineData("rejected", "rollback", "CHG-1 was rejected")]
    [InlineData("expired", "start", "CHG-1 expired: the CAB did not decide before its window.")]
    [InlineData("expired", "done", "CHG-1 expired")]
    [InlineData("expired", "rollback", "CHG-1 expired")]
    [InlineData("cancelled", "start", "CHG-1 was withdrawn by its requester, so it can't be released.")]
    [InlineData("cancelled", "done", "CHG-1 was withdrawn")]
    [InlineData("cancelled", "rollback", "CHG-1 was withdrawn")]
    [InlineData("released", "rollback", "CHG-1's release is over (succeeded, by Alice, Thu 26 Nov 09:00 UTC), so there is no release left to roll back.")]
    [InlineData("failed", "rollback", "CHG-1's release is over (failed")]
    public async Task Refused_steps_say_why_and_change_nothing(string from, string verb, string expected)
    {
        await using var app = await CabAsync(provider);
        await BringToAsync(app, from);

        await app.AssertRefusedAsync("release", $"{verb} CHG-1", expected);
    }

    [SkippableTheory]
    [InlineData("start", "Which one? Give its id, as in `/release start CHG-7`.")]
    [InlineData("start INC-1", "`INC-1` is not a CHG id.")]
    [InlineData("start CHG-9", "There is no CHG-9.")]
    [InlineData("start CHG-1 now", "`now` is not something `/release start CHG-7` takes.")]
    [InlineData("start CHG-1 at:10:00", "`at:` is not an option here")]
    [InlineData("done", "Which one?")]
    [InlineData("launch CHG-1", "`launch` is not something `/release` can do.")]
    public async Task Wrong_release_commands_say_what_was_wrong_and_change_nothing(string text, string expected)
    {
        await using var app = await CabAsync(provider);
        await BringToAsync(app, "approved");

        await app.AssertRefusedAsync("release", text, expected);
    }

    [SkippableFact]
    public async Task A_note_longer_than_the_limit_is_refused()
    {
        await using var app = await CabAsync(provider);
        await BringToAsync(app, "releasing");

        await app.AssertRefusedAsync("release", $"done CHG-1 {new string('x', ReleaseService.MaxNote + 1)}", "Keep the note under 500 characters.");
    }

    [SkippableFact]
    public async Task An_approved_change_starts_from_an_hour_before_its_window_until_it_ends_and_not_in_a_freeze()
    {
        await using var app = await CabAsync(provider);
        foreach (var title in new[] { "replace thermostat", "recalibrate thermostat" })
        {
            await app.SendAsync("change", $"request {title} ci:oven-2 window:\"tomorrow 22:00+2h\" risk:low rollback:\"refit the old one\"");
        }

        await app.SendAsync("change", "approve CHG-1", user: "bob");
        await app.SendAsync("change", "approve CHG-2", user: "bob");

        await app.AssertRefusedAsync("release", "start CHG-1", "CHG-1's window opens Fri 27 Nov 22:00 UTC, in 1 day, 13 hours; a release may start at most an hour before its window.");
        app.Clock.Advance(TimeSpan.FromHours(36) - Minute); // Fri 20:59, a minute too early
        await app.AssertRefusedAsync("release", "start CHG-1", "in 1 hour, 1 minute");
        app.Clock.Advance(2 * Minute); // 21:01: early enough, but a freeze came in the meantime
        await app.SendAsync("change", "freeze add 2026-11-27..2026-11-29 stocktake", user: "admin");
        await app.AssertRefusedAsync("release", "start CHG-1", "The change freeze \"stocktake\" is on");
        await app.SendAsync("change", "freeze remove 1", user: "admin");
        var started = await app.SendAsync("release", "start CHG-1", user: "erin");
        app.Clock.Advance(TimeSpan.FromHours(3)); // Sat 00:01, a minute after the window

        Assert.StartsWith("CHG-1 is in release.", started.Text, StringComparison.Ordinal);
        await app.AssertRefusedAsync("release", "start CHG-2", "CHG-2's window ended Sat 28 Nov 00:00 UTC; it was approved for that window only.");
    }

    [SkippableFact]
    public async Task The_cards_buttons_start_finish_and_roll_back_as_the_commands_do()
    {
        await using var app = await CabAsync(provider);
        await BringToAsync(app, "approved");
        var approved = Assert.Single((await app.SendAsync("change", "show CHG-1")).Cards);
        Assert.Equal(["Start release", "Start timer"], approved.Buttons.Select(b => b.Text));

        var start = await app.ClickAsync(ReleaseCommands.StartAction, "CHG-1", user: "erin");
        var rollback = await app.ClickAsync(ReleaseCommands.RollbackAction, "CHG-1", user: "erin");
        var again = await app.ClickAsync(ReleaseCommands.RollbackAction, "CHG-1", user: "erin");
        var done = await app.ClickAsync(ReleaseCommands.DoneAction, "CHG-1", user: "erin");

        Assert.Equal(ReplyKind.None, start.Kind);
        Assert.Equal(["Done", "Roll back", "Start timer"], start.UpdatedCard!.Buttons.Select(b => b.Text));
        Assert.Contains(new CardField("Status", "releasing (approved)"), Fields(start.UpdatedCard));
        Assert.Contains(new CardField("Release started", "Thu 26 Nov 09:00 UTC by Erin"), Fields(start.UpdatedCard));
        Assert.Equal(ReplyKind.None, rollback.Kind);
        Assert.Empty(rollback.UpdatedCard!.Buttons);
        Assert.Contains(new CardField("Status", "released: rolled back (approved)"), Fields(rollback.UpdatedCard));
        Assert.Contains(new CardField("Rolled back", "Thu 26 Nov 09:00 UTC by Erin"), Fields(rollback.UpdatedCard));
        Assert.Equal(CardAccent.Danger, rollback.UpdatedCard.Accent);
        Assert.Equal((ReplyKind.Private, "CHG-1 was rolled back already (by Erin, Thu 26 Nov 09:00 UTC); nothing changed."), (again.Kind, again.Text));
        Assert.Equal((ReplyKind.Private, "CHG-1 was released already (rolled back, by Erin, Thu 26 Nov 09:00 UTC); nothing changed."), (done.Kind, done.Text));
        Assert.NotNull(done.UpdatedCard);
        // The card was updated where it was posted, with who did what.
        var leads = await app.QueryAsync(db => db.Outbox.Where(o => o.Kind == OutboxKind.Update).OrderBy(o => o.Id).Select(o => o.Text).ToListAsync());
        Assert.Equal(["CHG-1 is approved: approved by Bob.", "Erin started releasing CHG-1.", "Erin rolled back CHG-1."], leads);
        // The audit trail says who released it: anyone may, and Erin is not in the CAB.
        var erin = await app.QueryAsync(db => db.People.Where(p => p.DisplayName == "Erin").Select(p => p.Id).SingleAsync());
        var audited = await app.QueryAsync(db => db.AuditEntries.Where(a => a.RecordType == "change" && a.Changes.Contains("ReleaseStartedById")).Select(a => a.ActorId).ToListAsync());
        Assert.Equal([erin], audited);
    }

    [SkippableFact]
    public async Task A_commands_note_goes_with_the_cards_update()
    {
        await using var app = await CabAsync(provider);
        await BringToAsync(app, "releasing");

        await app.SendAsync("release", "rollback CHG-1 thermostat would not calibrate, see ticket:42");

        var lead = await app.QueryAsync(db => db.Outbox.OrderBy(o => o.Id).Select(o => o.Text).LastAsync());
        Assert.Equal("Alice rolled back CHG-1: thermostat would not calibrate, see ticket:42", lead);
    }

    [SkippableFact]
    public async Task An_emergency_is_released_before_the_cab_decides_and_approved_by_its_votes_after()
    {
        await using var app = await CabAsync(provider);
        await BringToAsync(app, "emergency");

        var start = await app.ClickAsync(ReleaseCommands.StartAction, "CHG-1", user: "erin");
        app.Clock.Advance(20 * Minute);
        var done = await app.ClickAsync(ReleaseCommands.DoneAction, "CHG-1", user: "erin");
        Assert.Equal(ReplyKind.None, done.Kind);
        var released = done.UpdatedCard!;
        await app.SendAsync("change", "approve CHG-1", user: "bob");
        var approved = await app.ClickAsync(ChangeCommands.ApproveAction, "CHG-1", user: "carol");

        Assert.Equal(ReplyKind.None, start.Kind);
        Assert.Contains(new CardField("Status", "releasing (awaiting the CAB: 0 of 2 approvals)"), Fields(start.UpdatedCard!));
        Assert.Equal(["Approve", "Reject", "Abstain", "Done", "Roll back", "Start timer"], start.UpdatedCard!.Buttons.Select(b => b.Text));
        Assert.Contains(new CardField("Status", "released: succeeded (awaiting the CAB: 0 of 2 approvals)"), Fields(released));
        Assert.Equal(["Approve", "Reject", "Abstain"], released.Buttons.Select(b => b.Text));
        Assert.Contains(new CardField("Status", "released: succeeded (approved)"), Fields(approved.UpdatedCard!));
        Assert.Contains(new CardField("Released", "Thu 26 Nov 09:20 UTC by Erin"), Fields(approved.UpdatedCard!));
        Assert.Equal("approved: approved by Bob, Carol", approved.UpdatedCard!.Context);
        var change = await app.QueryAsync(db => db.Changes.SingleAsync());
        Assert.Equal((ChangeState.Completed, ChangeDecision.Approved, ReleaseOutcome.Succeeded), (change.State, change.Decision, change.Outcome));
        var leads = await app.QueryAsync(db => db.Outbox.Where(o => o.Kind == OutboxKind.Update).OrderBy(o => o.Id).Select(o => o.Text).ToListAsync());
        Assert.Equal("Erin started releasing CHG-1 before the CAB's decision (an emergency).", leads[0]);
    }

    [SkippableFact]
    public async Task An_emergency_needs_rollback_steps_before_its_release()
    {
        await using var app = await CabAsync(provider);
        await app.SendAsync("change", "request replace thermostat ci:oven-2 window:\"today 09:30+2h\" risk:low type:emergency");

        await app.AssertRefusedAsync("release", "start CHG-1", "CHG-1 has no rollback steps: its requester adds them with `/change rollback CHG-1 \"...\"` before it is released.");
        await app.SendAsync("change", "rollback CHG-1 \"refit the old one\"");
        Assert.StartsWith("CHG-1 is in release.", (await app.SendAsync("release", "start CHG-1")).Text, StringComparison.Ordinal);
    }

    [SkippableFact]
    public async Task Release_list_shows_what_is_in_release_and_what_was_released_this_week()
    {
        await using var app = await CabAsync(provider);
        Assert.Equal("No change is in release, and none was released in the last 7 days.", (await app.SendAsync("release", "list")).Text);
        await BringToAsync(app, "rolled-back");
        await app.SendAsync("change", "request swap mixer ci:oven-2 window:\"today 09:30+1h\" risk:low rollback:\"swap back\" type:standard");
        await app.SendAsync("release", "start CHG-2");

        var card = Assert.Single((await app.SendAsync("release", "list")).Cards);

        Assert.Equal("Releases (2)", card.Title);
        Assert.Equal("CHG-2 swap mixer · releasing since Thu 26 Nov 09:00 UTC\nCHG-1 replace thermostat · rolled back Thu 26 Nov 09:00 UTC", Assert.IsType<TextSection>(Assert.Single(card.Sections)).Text);
    }

    private static IReadOnlyList<CardField> Fields(Card card) => card.Sections.OfType<FieldsSection>().First().Fields;
}

public sealed class SqliteReleaseTests() : ReleaseTests(DbProvider.Sqlite);

public sealed class PostgresReleaseTests() : ReleaseTests(DbProvider.Postgres);
