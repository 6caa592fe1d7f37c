using BakeryBot.Core.Changes;
using BakeryBot.Core.Chat;
using BakeryBot.Core.Drills;
using BakeryBot.Core.Home;
using BakeryBot.Core.Incidents;
using BakeryBot.Core.Tests.Infrastructure;
using BakeryBot.Core.TimeTracking;
using Microsoft.EntityFrameworkCore;

namespace BakeryBot.Core.Tests.Home;

/// <summary><c>/home</c>: what needs the person who asks, each section's rules, and its buttons, on each database.</summary>
public abstract class HomeTests(DbProvider provider)
{
    private static async Task<ChatReply> HomeAsync(CoreTestApp app, string user = "alice")
    {
        var reply = await app.SendAsync("home", "", user: user);
        Assert.Equal(ReplyKind.Private, reply.Kind);
        Assert.Equal(HomeCommands.Command, reply.Redraw);
        return reply;
    }

    /// <summary>The item cards of records with this prefix (<c>INC-</c>), in the order shown.</summary>
    private static List<Card> Items(ChatReply home, string prefix) => home.Cards.Where(c => c.Title.StartsWith(prefix, StringComparison.Ordinal)).ToList();

    private static List<string> Ids(ChatReply home, string prefix) => Items(home, prefix).Select(c => c.Title.Split(':')[0]).ToList();

    private static Card Section(ChatReply home, string title) => home.Cards.Single(c => c.Title.StartsWith(title, StringComparison.Ordinal));

    private static string Text(Card card) => string.Join('\n', card.Sections.Select(s => s switch
    {
        TextSection t => t.Text,
        ContextSection c => c.Text,
        _ => null,
    }).OfType<string>());

    private static CardButton Button(Card card, string actionId) => Assert.Single(card.Buttons, b => b.ActionId == actionId);

    [SkippableFact]
    public async Task Nothing_needs_a_newcomer_and_every_section_says_so_in_a_line()
    {
        await using var app = await CoreTestApp.CreateAsync(provider);

        var home = await HomeAsync(app);

        Assert.Equal("✅ Nothing needs you right now.", Text(home.Cards[0]));
        Assert.Equal(CardAccent.Success, home.Cards[0].Accent);
        Assert.Equal("Nothing needs you here: no open incident has you as its commander, scribe or communications lead.", Text(Section(home, HomeCards.IncidentsTitle)));
        Assert.StartsWith("No change waits for your vote: only CAB members vote", Text(Section(home, HomeCards.ChangesTitle)), StringComparison.Ordinal);
        Assert.Equal("No timer is running. Start one with `/timer start INC-42`.", Text(Section(home, HomeCards.TimerTitle)));
        Assert.Equal("No drill is due within 2 weeks.", Text(Section(home, HomeCards.DrillsTitle)));
        Assert.Equal(5, home.Cards.Count);
        Assert.All(home.Cards, c => Assert.Empty(c.Buttons));
    }

    [SkippableFact]
    public async Task My_open_incidents_are_those_I_hold_a_role_in_or_raised_without_a_commander_most_severe_then_oldest()
    {
        await using var app = await CoreTestApp.CreateAsync(provider);
        await app.SendAsync("incident", "oven smokes sev3");                                  // INC-1: Alice declared, nobody leads
        app.Clock.Advance(TimeSpan.FromMinutes(5));
        await app.SendAsync("incident", "tills down sev1", user: "bob");                      // INC-2: Alice is its scribe
        await app.SendAsync("incident", "assign INC-2 <@alice> scribe", user: "bob");
        await app.SendAsync("incident", "door squeaks sev2", user: "bob");                    // INC-3: Bob's alone
        await app.SendAsync("incident", "ack INC-3", user: "bob");
        await app.SendAsync("incident", "flour late sev3", user: "carol");                    // INC-4: Alice is its commander
        await app.SendAsync("incident", "assign INC-4 <@alice>", user: "carol");
        await app.SendAsync("incident", "burnt cookie sev4");                                 // INC-5: Alice's, but resolved
        await app.SendAsync("incident", "resolve INC-5");
        await app.SendAsync("incident", "fridge warm sev2", user: "bob");                     // INC-6: Alice acknowledged, so leads it
        await app.SendAsync("incident", "ack INC-6");
        await app.SendAsync("incident", "sign fell sev3");                                    // INC-7: Alice declared, Bob leads
        await app.SendAsync("incident", "assign INC-7 <@bob>");
        await app.SendAsync("incident", "oven smokes again sev3", user: "bob");               // INC-8: Alice is its communications lead and scribe
        await app.SendAsync("incident", "assign INC-8 <@alice> communications", user: "bob");
        await app.SendAsync("incident", "assign INC-8 <@alice> scribe", user: "bob");
        app.Clock.Advance(TimeSpan.FromMinutes(30));

        var home = await HomeAsync(app);

        Assert.Equal(["INC-2", "INC-6", "INC-1", "INC-4", "INC-8"], Ids(home, "INC-"));
        Assert.StartsWith($"{HomeCards.IncidentsTitle} (5)", Section(home, HomeCards.IncidentsTitle).Title, StringComparison.Ordinal);
        var cards = Items(home, "INC-");
        Assert.Equal("SEV1 · Declared · you are scribe · open for 30 minutes, since Thu 26 Nov 09:05", Text(cards[0]));
        Assert.Contains("you are commander", Text(cards[1]), StringComparison.Ordinal);
        Assert.Equal("SEV3 · Declared · you declared it; no commander yet · open for 35 minutes, since Thu 26 Nov 09:00", Text(cards[2]));
        Assert.Contains("you are scribe and communications lead", Text(cards[4]), StringComparison.Ordinal);
        // The buttons the incident card has in its state: Acknowledge only until acknowledged.
        Assert.Equal(["incident.ack", "incident.mitigate", "incident.resolve", "timer.start"], cards[0].Buttons.Select(b => b.ActionId));
        Assert.Equal(["incident.mitigate", "incident.resolve", "timer.start"], cards[1].Buttons.Select(b => b.ActionId));
        Assert.All(cards, c => Assert.All(c.Buttons, b => Assert.Equal(c.Title.Split(':')[0], b.Value)));
        Assert.Equal("5 open incidents.", Text(home.Cards[0]));
        Assert.Equal(CardAccent.Critical, home.Cards[0].Accent);

        Assert.Equal(["INC-2", "INC-3", "INC-7", "INC-8"], Ids(await HomeAsync(app, "bob"), "INC-"));
        Assert.Empty(Ids(await HomeAsync(app, "carol"), "INC-"));
    }

    [SkippableFact]
    public async Task The_home_buttons_do_what_the_incident_cards_buttons_do_and_a_resolved_incident_leaves()
    {
        await using var app = await CoreTestApp.CreateAsync(provider);
        await app.SendAsync("incident", "burnt cookie sev2");
        var posted = ChatJson.Deserialize((await app.QueryAsync(db => db.Outbox.Select(o => o.CardJson).FirstAsync()))!);
        var home = await HomeAsync(app);
        var ack = Button(Items(home, "INC-")[0], IncidentCommands.AckAction);
        Assert.Equal(Button(posted, IncidentCommands.AckAction), ack);

        var clicked = await app.ClickAsync(ack.ActionId, ack.Value);

        Assert.Equal(ReplyKind.None, clicked.Kind);
        Assert.Equal(IncidentState.Acknowledged, await app.QueryAsync(db => db.Incidents.Select(i => i.State).SingleAsync()));
        // The posted card is updated as after a click on it.
        Assert.Contains(await app.QueryAsync(db => db.Outbox.Where(o => o.Kind == BakeryBot.Core.Data.Outbox.OutboxKind.Update).Select(o => o.CardJson).ToListAsync()), c => c!.Contains("Acknowledged", StringComparison.Ordinal));
        var again = Items(await HomeAsync(app), "INC-").Single();
        Assert.DoesNotContain(again.Buttons, b => b.ActionId == IncidentCommands.AckAction);
        Assert.Contains("· Acknowledged · you are commander ·", Text(again), StringComparison.Ordinal);
        // A second click on the stale home button changes nothing and says so, as on the card.
        Assert.Equal("INC-1 was already acknowledged.", (await app.ClickAsync(ack.ActionId, ack.Value)).Text);

        var resolve = Button(again, IncidentCommands.ResolveAction);
        await app.ClickAsync(resolve.ActionId, resolve.Value);

        Assert.Equal(IncidentState.Resolved, await app.QueryAsync(db => db.Incidents.Select(i => i.State).SingleAsync()));
        var after = await HomeAsync(app);
        Assert.Empty(Items(after, "INC-"));
        Assert.StartsWith("Nothing needs you here", Text(Section(after, HomeCards.IncidentsTitle)), StringComparison.Ordinal);
    }

    [SkippableFact]
    public async Task Each_list_shows_at_most_eight_and_says_how_many_more_there_are()
    {
        await using var app = await CoreTestApp.CreateAsync(provider);
        for (var i = 1; i <= 11; i++)
        {
            await app.SendAsync("incident", $"burnt batch {i}");
            app.Clock.Advance(TimeSpan.FromMinutes(1));
        }

        var home = await HomeAsync(app);

        Assert.Equal(Enumerable.Range(1, HomeService.MaxItems).Select(i => $"INC-{i}"), Ids(home, "INC-"));
        var section = Section(home, HomeCards.IncidentsTitle);
        Assert.StartsWith($"{HomeCards.IncidentsTitle} (11)", section.Title, StringComparison.Ordinal);
        Assert.Equal("…and 3 more: `/incident list` shows every open incident.", Text(section));
        Assert.Equal("11 open incidents.", Text(home.Cards[0]));
    }

    [SkippableFact]
    public async Task Changes_waiting_for_my_vote_are_the_undecided_ones_of_others_I_have_not_voted_on()
    {
        await using var app = await CoreTestApp.CreateAsync(provider);
        await app.SendAsync("bakery", "role add <@alice> cab", user: "admin");
        await app.SendAsync("bakery", "role add <@bob> cab", user: "admin");
        await app.SendAsync("cmdb", "add asset oven-2");
        await app.SendAsync("change", "request replace thermostat ci:oven-2 window:\"tomorrow 22:00+1h\" risk:low rollback:\"refit\"", user: "bob");            // CHG-1
        await app.SendAsync("change", "request clean the flue ci:oven-2 window:\"today 18:00+2h\" risk:medium rollback:\"none needed\"", user: "carol");     // CHG-2
        await app.SendAsync("change", "request paint the oven ci:oven-2 window:\"tomorrow 20:00+1h\" risk:low rollback:\"repaint\"");                     // CHG-3: Alice's own
        await app.SendAsync("change", "request swap door seal ci:oven-2 window:\"tomorrow 06:00+1h\" risk:medium rollback:\"old seal\"", user: "carol");   // CHG-4: Alice voted
        await app.SendAsync("change", "approve CHG-4");
        await app.SendAsync("change", "request new tray ci:oven-2 window:\"tomorrow 07:00+1h\" risk:low rollback:\"old tray\"", user: "carol");           // CHG-5: withdrawn
        await app.SendAsync("change", "cancel CHG-5", user: "carol");
        await app.SendAsync("change", "request oil fan ci:oven-2 window:\"tomorrow 08:00+1h\" risk:low rollback:\"none\"", user: "carol");              // CHG-6: decided by Bob
        await app.SendAsync("change", "approve CHG-6", user: "bob");
        await app.SendAsync("change", "request fix light ci:oven-2 window:\"today 09:30+1h\" risk:low rollback:\"old bulb\"", user: "carol");           // CHG-7: its deadline passes
        app.Clock.Advance(TimeSpan.FromHours(1));

        var home = await HomeAsync(app);

        Assert.Equal(["CHG-2", "CHG-1"], Ids(home, "CHG-"));
        var flue = Items(home, "CHG-")[0];
        Assert.Equal("normal · medium risk · window Thu 26 Nov 18:00–20:00 (8 hours from now) · 0 of 2 approvals · requested by Carol", Text(flue));
        Assert.Equal(["change.approve", "change.reject", "change.abstain"], flue.Buttons.Select(b => b.ActionId));
        Assert.Contains(flue.Sections, s => s is InputSection { Id: ChangeCards.ReasonInput });
        Assert.Equal(["CHG-2", "CHG-4", "CHG-3"], Ids(await HomeAsync(app, "bob"), "CHG-"));
        var dave = await HomeAsync(app, "dave");
        Assert.Empty(Ids(dave, "CHG-"));
        Assert.StartsWith("No change waits for your vote: only CAB members vote", Text(Section(dave, HomeCards.ChangesTitle)), StringComparison.Ordinal);
    }

    [SkippableFact]
    public async Task Voting_from_the_home_counts_as_from_the_change_card_and_reject_needs_the_reason_typed_in()
    {
        await using var app = await CoreTestApp.CreateAsync(provider);
        await app.SendAsync("bakery", "role add <@alice> cab", user: "admin");
        await app.SendAsync("cmdb", "add asset oven-2");
        await app.SendAsync("change", "request replace thermostat ci:oven-2 window:\"tomorrow 22:00+1h\" risk:medium rollback:\"refit\"", user: "bob");
        await app.SendAsync("change", "request clean the flue ci:oven-2 window:\"tomorrow 23:30+1h\" risk:low rollback:\"none\"", user: "bob");
        var items = Items(await HomeAsync(app), "CHG-");
        var approve = Button(items[0], ChangeCommands.ApproveAction);
        var reject = Button(items[1], ChangeCommands.RejectAction);

        var approved = await app.ClickAsync(approve.ActionId, approve.Value);
        var unexplained = await app.ClickAsync(reject.ActionId, reject.Value);
        var rejected = await app.Router.HandleAsync(CoreTestApp.Request("alice") with
        {
            ActionId = reject.ActionId,
            ActionValue = reject.Value,
            Inputs = new Dictionary<string, string> { [ChangeCards.ReasonInput] = "not during the night bake" },
        }, CancellationToken.None);

        Assert.Equal(ReplyKind.None, approved.Kind);
        Assert.Equal(ReplyKind.Warning, unexplained.Kind);
        Assert.Contains("Say why you reject CHG-2", unexplained.Text, StringComparison.Ordinal);
        Assert.Equal(ReplyKind.None, rejected.Kind);
        var votes = await app.QueryAsync(db => db.ChangeVotes.OrderBy(v => v.ChangeId).Select(v => new { v.Kind, v.Reason }).ToListAsync());
        Assert.Equal([(VoteKind.Approve, (string?)null), (VoteKind.Reject, "not during the night bake")], votes.Select(v => (v.Kind, v.Reason)));
        Assert.Equal(ChangeDecision.Rejected, await app.QueryAsync(db => db.Changes.Where(c => c.Number == 2).Select(c => c.Decision).SingleAsync()));
        Assert.Empty(Ids(await HomeAsync(app), "CHG-"));
    }

    [SkippableFact]
    public async Task My_running_timer_shows_for_how_long_in_my_time_zone_and_its_stop_button_stops_it()
    {
        await using var app = await CoreTestApp.CreateAsync(provider);
        await app.SendAsync("incident", "burnt cookie");
        await app.SendAsync("timer", "start INC-1");
        await app.QueryAsync(db => db.People.ExecuteUpdateAsync(s => s.SetProperty(p => p.TimeZone, "Europe/Paris")));
        app.Clock.Advance(TimeSpan.FromMinutes(95));

        var home = await HomeAsync(app);
        var timer = Section(home, HomeCards.TimerTitle);

        Assert.Equal("As of Thu 26 Nov 11:35 (Europe/Paris).", home.Cards[0].Context);
        Assert.Equal("Running on INC-1 for 1 hour, 35 minutes, since Thu 26 Nov 10:00.", Text(timer));
        var stop = Button(timer, TimerCommands.StopAction);
        var id = await app.QueryAsync(db => db.Set<BakeryBot.Core.TimeTracking.Timer>().Select(t => t.Id).SingleAsync());
        Assert.Equal(id.ToString(System.Globalization.CultureInfo.InvariantCulture), stop.Value);
        Assert.Empty(Section(await HomeAsync(app, "bob"), HomeCards.TimerTitle).Buttons);

        await app.ClickAsync(stop.ActionId, stop.Value);

        Assert.Equal(0, await app.QueryAsync(db => db.Set<BakeryBot.Core.TimeTracking.Timer>().CountAsync()));
        Assert.Equal(95L * 60, await app.QueryAsync(db => db.Set<TimeEntry>().Select(e => e.Seconds).SingleAsync()));
        Assert.Equal("No timer is running. Start one with `/timer start INC-42`.", Text(Section(await HomeAsync(app), HomeCards.TimerTitle)));
    }

    [SkippableFact]
    public async Task Upcoming_drills_are_the_tenants_due_within_two_weeks_mine_first_with_start_where_no_run_is_under_way()
    {
        await using var app = await CoreTestApp.CreateAsync(provider);
        await app.SendAsync("drill", "new Bakery 2 shut scenario:site-down every:\"2 weeks\" rto:4h rpo:1h", user: "bob");   // DRL-1: due in 14 days
        await app.SendAsync("drill", "new Flour late scenario:supplier-down every:month rto:1d rpo:0m1s");                   // DRL-2: due in a month
        await app.SendAsync("drill", "new Till dies scenario:custom every:week rto:1h rpo:1h");                              // DRL-3: Alice's, due in 7 days
        await app.SendAsync("drill", "new Zone lost scenario:zone-down every:week rto:1h rpo:1h", user: "carol");           // DRL-4: retired
        await app.SendAsync("drill", "retire DRL-4", user: "carol");
        await app.SendAsync("drill", "new Oven fire scenario:site-down every:week rto:1h rpo:1h", tenant: "T2");            // another tenant's

        var home = await HomeAsync(app);

        Assert.Equal(["DRL-3", "DRL-1"], Ids(home, "DRL-"));
        var drills = Items(home, "DRL-");
        Assert.Equal("custom · owner Alice (you) · due 7 days from now (Thu 3 Dec 2026 09:00 UTC)", Text(drills[0]));
        Assert.Equal("site down · owner Bob · due 14 days from now (Thu 10 Dec 2026 09:00 UTC)", Text(drills[1]));
        Assert.Equal(["DRL-1", "DRL-3"], Ids(await HomeAsync(app, "bob"), "DRL-"));
        var start = Button(drills[1], DrillCommands.StartAction);

        await app.ClickAsync(start.ActionId, start.Value);

        Assert.Equal(1, await app.QueryAsync(db => db.DrillRuns.CountAsync()));
        var started = Items(await HomeAsync(app), "DRL-")[1];
        Assert.Equal("site down · owner Bob · run 1 under way since Thu 26 Nov 09:00", Text(started));
        Assert.Empty(started.Buttons);
        app.Clock.Advance(TimeSpan.FromDays(8));
        var overdue = Items(await HomeAsync(app), "DRL-")[0];
        Assert.StartsWith("custom · owner Alice (you) · ⚠️ overdue by 1 day", Text(overdue), StringComparison.Ordinal);
        Assert.Equal(CardAccent.Danger, overdue.Accent);
    }

    [SkippableFact]
    public async Task The_summary_names_everything_that_needs_me()
    {
        await using var app = await CoreTestApp.CreateAsync(provider);
        await app.SendAsync("incident", "burnt cookie sev2");
        await app.SendAsync("timer", "start INC-1");
        await app.SendAsync("drill", "new Till dies scenario:custom every:week rto:1h rpo:1h");

        var home = await HomeAsync(app);

        Assert.Equal("1 open incident, your timer running on INC-1 and 1 drill due soon.", Text(home.Cards[0]));
        Assert.Equal("🏠 Home: what needs you, Alice", home.Cards[0].Title);
        Assert.Equal(CardAccent.Danger, home.Cards[0].Accent);
    }

    [SkippableFact]
    public async Task Anything_after_home_is_refused_and_help_says_what_it_shows()
    {
        await using var app = await CoreTestApp.CreateAsync(provider);
        await HomeAsync(app);

        await app.AssertRefusedAsync("home", "incidents", "`incidents` is extra: `/home` takes nothing after it.");
        var help = await app.SendAsync("home", "help");

        Assert.Contains("`/home`: your open incidents, the changes waiting for your vote, your running timer and the drills due soon", help.Text, StringComparison.Ordinal);
    }
}

public sealed class SqliteHomeTests() : HomeTests(DbProvider.Sqlite);

public sealed class PostgresHomeTests() : HomeTests(DbProvider.Postgres);
