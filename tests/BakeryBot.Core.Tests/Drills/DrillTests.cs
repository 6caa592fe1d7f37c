using BakeryBot.Core.Chat;
using BakeryBot.Core.Data.Outbox;
using BakeryBot.Core.Drills;
using BakeryBot.Core.Problems;
using BakeryBot.Core.Tests.Infrastructure;
using BakeryBot.Core.TimeTracking;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace BakeryBot.Core.Tests.Drills;

/// <summary><c>/drill</c>: setting drills up, running them, their results against RTO and RPO, and who may do what. On each database.</summary>
public abstract class DrillTests(DbProvider provider)
{
    private static readonly DateTimeOffset Now = CoreTestApp.Start;

    /// <summary>Thu 26 Nov 2026 09:00 UTC. Bob has spoken to the bot; bakery-2 is in the CMDB; Alice set up DRL-1, owned by Bob.</summary>
    public static async Task<CoreTestApp> DrillAsync(DbProvider provider, string schedule = "quarter")
    {
        var app = await CoreTestApp.CreateAsync(provider);
        await app.SendAsync("drill", "list", user: "bob");
        await app.SendAsync("cmdb", "add facility bakery-2");
        var reply = await app.SendAsync("drill", $"new Bakery 2 can't open scenario:site-down every:\"{schedule}\" rto:4h rpo:1h owner:<@bob> ci:bakery-2");
        Assert.Equal(ReplyKind.Private, reply.Kind);
        return app;
    }

    [SkippableFact]
    public async Task A_new_drill_gets_its_number_and_due_date_and_its_card_is_posted_in_the_channel()
    {
        await using var app = await DrillAsync(provider);

        var second = await app.SendAsync("drill", "new Flour supplier stops scenario:supplier-down every:\"0 9 1 */3 *\" rto:2d rpo:0m1s", user: "carol");
        var otherTenant = await app.SendAsync("drill", "new Zone A lost scenario:zone-down every:month rto:30m rpo:5m", tenant: "T2");

        Assert.Equal("DRL-2 is set up, owned by Carol: at 09:00 on day 1 of every third month (cron `0 9 1 */3 *`), first due one month from now (Fri 1 Jan 2027 09:00 UTC). Start a run with `/drill start DRL-2` or the card's Start drill button.", second.Text);
        Assert.StartsWith("DRL-1 is set up", otherTenant.Text, StringComparison.Ordinal);
        var drill = await app.QueryAsync(db => db.Drills.SingleAsync(d => d.Number == 1 && d.Title == "Bakery 2 can't open"));
        Assert.Equal((DrillScenario.SiteDown, "3 months", 4 * 3600L, 3600L, DrillState.Active, Now.AddMonths(3)), (drill.Scenario, drill.Schedule, drill.RtoSeconds, drill.RpoSeconds, drill.State, drill.NextDueAt));
        Assert.Equal("Bob", await app.QueryAsync(db => db.People.Where(p => p.Id == drill.OwnerId).Select(p => p.DisplayName).SingleAsync()));
        Assert.Equal("bakery-2", await app.QueryAsync(db => db.ConfigurationItems.Where(c => c.Id == drill.CiId).Select(c => c.Name).SingleAsync()));
        Assert.Equal(["created"], await app.QueryAsync(db => db.AuditEntries.Where(a => a.RecordType == "drill" && a.RecordKey == "DRL-1" && a.TenantId == drill.TenantId).Select(a => a.Action).ToListAsync()));

        var post = await app.QueryAsync(db => db.Outbox.Include(o => o.PostedCard).Where(o => o.PostedCard!.RecordType == DrillService.RecordType && o.PostedCard.RecordKey == "DRL-1" && o.TenantId == drill.TenantId).SingleAsync());
        Assert.Equal(("C1", OutboxKind.Post, "Alice set up the continuity drill DRL-1 (site down)."), (post.ChannelId, post.Kind, post.Text));
        var card = ChatJson.Deserialize(post.CardJson!);
        Assert.Equal("DRL-1: Bakery 2 can't open", card.Title);
        Assert.Equal(
            [
                new CardField("Scenario", "site down"),
                new CardField("About", "bakery-2"),
                new CardField("Owner", "Bob"),
                new CardField("Schedule", "every quarter, in UTC"),
                new CardField("Next due", "3 months from now (Fri 26 Feb 2027 09:00 UTC)"),
                new CardField("RTO target", "4 hours"),
                new CardField("RPO target", "1 hour"),
                new CardField("Last result", "never run yet"),
            ],
            Assert.IsType<FieldsSection>(card.Sections[0]).Fields);
        Assert.Equal([("Start drill", DrillCommands.StartAction, "DRL-1"), ("Start timer", TimerCommands.StartAction, "DRL-1")], card.Buttons.Select(b => (b.Text, b.ActionId, b.Value)));
    }

    [SkippableFact]
    public async Task Unreadable_input_is_refused_with_why_and_changes_nothing()
    {
        await using var app = await DrillAsync(provider);

        await app.AssertRefusedAsync("drill", "new Bakery 3 shut every:quarter rto:4h rpo:1h", "Add `scenario:`, as in `scenario:site-down`.");
        await app.AssertRefusedAsync("drill", "new Bakery 3 shut scenario:flood every:quarter rto:4h rpo:1h", "`flood` is not a scenario. Scenarios: `site-down`, `supplier-down`, `third-party-down`, `zone-down`, `region-down`, `key-person-leaves`, `custom`.");
        await app.AssertRefusedAsync("drill", "new Bakery 3 shut scenario:site-down every:\"when it rains\" rto:4h rpo:1h", "`when it rains` is not a schedule. Write it as `every:quarter`, `every:month`, `every:week`, `every:year`, `every:\"6 months\"`");
        await app.AssertRefusedAsync("drill", "new Bakery 3 shut scenario:site-down every:\"0 25 * * *\" rto:4h rpo:1h", "is not a cron expression I can read");
        await app.AssertRefusedAsync("drill", "new Bakery 3 shut scenario:site-down every:\"0 H * * *\" rto:4h rpo:1h", "`0 h * * *` is not a cron expression I can read (`H`, a time spread out by a hash, is not read here: give the minute and the hour).");
        await app.AssertRefusedAsync("drill", "new Bakery 3 shut scenario:site-down every:\"H H * * *\" rto:4h rpo:1h", "`h h * * *` is not a cron expression I can read (`H`, a time spread out by a hash, is not read here: give the minute and the hour).");
        await app.AssertRefusedAsync("drill", "new Bakery 3 shut scenario:site-down every:quarter rto:soon rpo:1h", "`soon` is not a duration for the RTO. Write it like `90m`, `2h30m`, `1.5h`, `1:30` or `1d`.");
        await app.AssertRefusedAsync("drill", "new Bakery 3 shut scenario:site-down every:quarter rto:4h", "Add `rpo:`, as in `rpo:1h`.");
        await app.AssertRefusedAsync("drill", "new Bakery 3 shut scenario:site-down every:quarter rto:400d rpo:1h", "The RTO is more than nothing and at most a year.");
        await app.AssertRefusedAsync("drill", "new Bakery 3 shut scenario:site-down every:quarter rto:4h rpo:1h ci:bakery-3 owner:<@dave>", "`bakery-3` is not in the CMDB.");
        await app.AssertRefusedAsync("drill", "new scenario:site-down every:quarter rto:4h rpo:1h", "Give the drill a title");
        await app.AssertRefusedAsync("drill", "new Bakery 3 shut scenario:site-down every:quarter rto:4h rpo:1h sev:1", "`sev:` is not an option here");
        await app.AssertRefusedAsync("drill", "show DRL-9", "There is no DRL-9.");
        await app.AssertRefusedAsync("drill", "start INC-1", "`INC-1` is not a DRL id.");

        // The refused owner was never recorded; DRL-2 is the next number.
        Assert.False(await app.QueryAsync(db => db.PersonIdentities.AnyAsync(i => i.ExternalId == "dave")));
        Assert.StartsWith("DRL-2 ", (await app.SendAsync("drill", "new Bakery 3 shut scenario:custom every:week rto:4h rpo:1h")).Text, StringComparison.Ordinal);
    }

    [SkippableFact]
    public async Task A_run_has_its_own_card_and_timeline_and_a_drill_never_has_two_runs_under_way()
    {
        await using var app = await DrillAsync(provider);
        app.Clock.Advance(TimeSpan.FromHours(1));

        var started = await app.SendAsync("drill", "start DRL-1", user: "dave", channel: "C9");
        app.Clock.Advance(TimeSpan.FromMinutes(20));
        var again = await app.ClickAsync(DrillCommands.StartAction, "DRL-1", user: "erin");
        var noted = await app.SendAsync("drill", "note DRL-1 generator started, tills back on", user: "erin");

        // Started from another channel: the run's card goes to the drill's own channel, and the starter is told so.
        Assert.Equal("DRL-1 run 1 started. Note what happens with `/drill note DRL-1 <text>`; when it is over, `/drill finish DRL-1 pass|fail rto-achieved:<dur> rpo-achieved:<dur> <findings>`.\nIts card is posted in the channel where DRL-1 was set up.", started.Text);
        Assert.Equal(ReplyKind.Private, again.Kind);
        Assert.StartsWith("DRL-1 run 1 is under way already (started by Dave, Thu 26 Nov 2026 10:00 UTC); nothing changed.", again.Text, StringComparison.Ordinal);
        Assert.Equal("Noted on DRL-1 run 1.", noted.Text);
        Assert.Equal(1, await app.QueryAsync(db => db.DrillRuns.CountAsync()));

        var runPost = await app.QueryAsync(db => db.Outbox.Include(o => o.PostedCard).Where(o => o.PostedCard!.RecordType == DrillService.RunRecordType).OrderBy(o => o.Id).ToListAsync());
        Assert.Equal(("C1", OutboxKind.Post, "Dave started DRL-1 run 1."), (runPost[0].ChannelId, runPost[0].Kind, runPost[0].Text));
        Assert.DoesNotContain(runPost, o => o.ChannelId == "C9");
        Assert.Equal("C1", await app.QueryAsync(db => db.DrillRuns.Select(r => r.ChannelId).SingleAsync()));
        Assert.Equal("DRL-1/run-1", runPost[0].PostedCard!.RecordKey);
        var latest = ChatJson.Deserialize(runPost[^1].CardJson!);
        Assert.Equal(("DRL-1 run 1: Bakery 2 can't open", OutboxKind.Update, "Erin noted on DRL-1 run 1: generator started, tills back on"), (latest.Title, runPost[^1].Kind, runPost[^1].Text));
        Assert.Contains(new TextSection("Timeline:\n26 Nov 10:00  Dave started run 1: site down.\n26 Nov 10:20  Erin: generator started, tills back on"), latest.Sections);
        Assert.Contains(new CardField("Status", "under way for 20 minutes"), Assert.IsType<FieldsSection>(latest.Sections[0]).Fields);
        Assert.Equal(["Start timer"], latest.Buttons.Select(b => b.Text));

        // The drill's card, wherever it was posted, has no Start drill button while the run is under way.
        var drillCard = ChatJson.Deserialize((await app.QueryAsync(db => db.Outbox.Include(o => o.PostedCard).Where(o => o.PostedCard!.RecordType == DrillService.RecordType && o.Kind == OutboxKind.Update).OrderBy(o => o.Id).LastAsync())).CardJson!);
        Assert.Equal(["Start timer"], drillCard.Buttons.Select(b => b.Text));
        Assert.Contains(new CardField("Under way", "run 1, started Thu 26 Nov 2026 10:00 UTC by Dave (now)"), Assert.IsType<FieldsSection>(drillCard.Sections[0]).Fields);
        Assert.Contains("DRL-1 Bakery 2 can't open · site down · Bob · run 1 under way", Text(await app.SendAsync("drill", "list")), StringComparison.Ordinal);
    }

    [SkippableFact]
    public async Task Notes_need_a_run_under_way_and_timers_need_a_drill_that_exists()
    {
        await using var app = await DrillAsync(provider);

        await app.AssertRefusedAsync("drill", "note DRL-1 nothing yet", "DRL-1 has no run under way. Start one with `/drill start DRL-1`.");
        await app.AssertRefusedAsync("timer", "start DRL-7", "There is no DRL-7.");
        var timer = await app.SendAsync("timer", "start DRL-1");

        Assert.Equal("Timer started on DRL-1.", timer.Text);
        Assert.Equal("DRL-1", await app.QueryAsync(db => db.Set<BakeryBot.Core.TimeTracking.Timer>().Select(t => t.RecordKey).SingleAsync()));
    }

    [SkippableFact]
    public async Task Finishing_holds_the_run_against_the_targets_and_a_pass_that_missed_one_says_so()
    {
        await using var app = await DrillAsync(provider);
        await app.SendAsync("drill", "start DRL-1", user: "dave");
        app.Clock.Advance(TimeSpan.FromHours(3) + TimeSpan.FromMinutes(10));

        var finished = await app.SendAsync("drill", "finish DRL-1 pass rto-achieved:3h10m rpo-achieved:1h20m", user: "bob");

        Assert.Equal(
            "DRL-1 run 1 finished: ⚠️ passed, but the RPO was missed.\n" +
            "RTO 4 hours: achieved 3 hours, 10 minutes ✅ met\n" +
            "RPO 1 hour: achieved 1 hour, 20 minutes ❌ missed by 20 minutes\n" +
            "Next due: 3 months from now (Fri 26 Feb 2027 12:10 UTC).",
            finished.Text);
        var run = await app.QueryAsync(db => db.DrillRuns.SingleAsync());
        Assert.Equal((DrillResult.Pass, 3 * 3600L + 600, 4800L, Now.AddHours(3).AddMinutes(10), Now.AddMonths(3)), (run.Result, run.RtoAchievedSeconds, run.RpoAchievedSeconds, run.FinishedAt, run.DueAt));
        // A quarter from the end of the run.
        Assert.Equal(Now.AddHours(3).AddMinutes(10).AddMonths(3), await app.QueryAsync(db => db.Drills.Select(d => d.NextDueAt).SingleAsync()));

        var card = Assert.Single((await app.SendAsync("drill", "show DRL-1")).Cards);
        var fields = Assert.IsType<FieldsSection>(card.Sections[0]).Fields;
        Assert.Contains(new CardField("Last result", "run 1, 26 Nov 2026: ⚠️ passed, but the RPO was missed"), fields);
        Assert.Contains(new TextSection("Runs:\n• Run 1 · 26 Nov 2026 · ⚠️ passed, but the RPO was missed · RTO ✅ · RPO ❌"), card.Sections);
        Assert.Equal(CardAccent.Warning, card.Accent);
        Assert.Equal(["Start drill", "Start timer"], card.Buttons.Select(b => b.Text));
    }

    [Theory]
    [InlineData("4h", "1h", "RTO 4 hours: achieved 4 hours ✅ met", "RPO 1 hour: achieved 1 hour ✅ met", "✅ passed, RTO and RPO met")]
    [InlineData("4h1m", "0", "RTO 4 hours: achieved 4 hours, 1 minute ❌ missed by 1 minute", "RPO 1 hour: achieved less than a minute ✅ met", "⚠️ passed, but the RTO was missed")]
    [InlineData("5h", "2h", "RTO 4 hours: achieved 5 hours ❌ missed by 1 hour", "RPO 1 hour: achieved 2 hours ❌ missed by 1 hour", "⚠️ passed, but the RTO and the RPO were missed")]
    public void A_result_meets_a_target_up_to_and_including_it(string rto, string rpo, string rtoLine, string rpoLine, string verdict)
    {
        var culture = System.Globalization.CultureInfo.GetCultureInfo("en-GB");
        var drill = new ContinuityDrill { Title = "t", Schedule = "3 months", RtoSeconds = 4 * 3600, RpoSeconds = 3600, Platform = "test", ChannelId = "C1" };
        var run = new DrillRun { Result = DrillResult.Pass, Platform = "test", ChannelId = "C1", FinishedAt = Now };
        run.RtoAchievedSeconds = (long)DurationParser.Parse(rto).TotalSeconds;
        run.RpoAchievedSeconds = rpo == "0" ? 0 : (long)DurationParser.Parse(rpo).TotalSeconds;

        Assert.Equal(rtoLine, DrillCards.Against("RTO", drill.Rto, run.RtoAchieved, culture));
        Assert.Equal(rpoLine, DrillCards.Against("RPO", drill.Rpo, run.RpoAchieved, culture));
        Assert.Equal(verdict, DrillCards.Verdict(drill, run));
        Assert.Equal("❌ failed", DrillCards.Verdict(drill, new DrillRun { Result = DrillResult.Fail, Platform = "test", ChannelId = "C1" }));
        Assert.Equal("RTO 4 hours: not measured", DrillCards.Against("RTO", drill.Rto, null, culture));
    }

    [SkippableFact]
    public async Task Only_the_owner_managers_and_admins_finish_and_a_pass_needs_what_was_achieved()
    {
        await using var app = await DrillAsync(provider);
        await app.SendAsync("drill", "start DRL-1");

        await app.AssertRefusedAsync("drill", "finish DRL-1 pass rto-achieved:3h rpo-achieved:10m", "Only DRL-1's owner (Bob), managers and admins finish its runs: they answer for the drill.");
        var bobsTry = await app.SendAsync("drill", "finish DRL-1 pass rto-achieved:3h", user: "bob");
        var noResult = await app.SendAsync("drill", "finish DRL-1 rto-achieved:3h rpo-achieved:10m", user: "bob");
        var badDuration = await app.SendAsync("drill", "finish DRL-1 pass rto-achieved:3x rpo-achieved:10m", user: "bob");
        await app.SendAsync("bakery", "role add <@carol> manager", user: "admin");
        var byManager = await app.SendAsync("drill", "finish DRL-1 fail the tills never came back", user: "carol");
        var again = await app.SendAsync("drill", "finish DRL-1 fail", user: "carol");

        Assert.Equal(ReplyKind.Warning, bobsTry.Kind);
        Assert.StartsWith("A pass is measured against the targets", bobsTry.Text, StringComparison.Ordinal);
        Assert.StartsWith("Did it pass or fail?", noResult.Text, StringComparison.Ordinal);
        Assert.StartsWith("`3x` is not a duration for `rto-achieved:`.", badDuration.Text, StringComparison.Ordinal);
        Assert.StartsWith("DRL-1 run 1 finished: ❌ failed.\nRTO 4 hours: not measured\nRPO 1 hour: not measured\n1 finding: make each a problem", byManager.Text, StringComparison.Ordinal);
        Assert.Equal(ReplyKind.Warning, again.Kind);
        Assert.StartsWith("DRL-1 has no run under way: run 1 finished already (❌ failed).", again.Text, StringComparison.Ordinal);
        Assert.Equal(["the tills never came back"], await app.QueryAsync(db => db.DrillFindings.Select(f => f.Text).ToListAsync()));
    }

    [SkippableFact]
    public async Task Nothing_lost_may_be_written_as_any_zero_duration()
    {
        await using var app = await DrillAsync(provider);

        foreach (var (rto, rpo) in new[] { ("0h", "0m"), ("0s", "\"0:00\""), ("1h", "\"0h 0m\""), ("2h", "0.0h") })
        {
            await app.SendAsync("drill", "start DRL-1");
            var finished = await app.SendAsync("drill", $"finish DRL-1 pass rto-achieved:{rto} rpo-achieved:{rpo}", user: "bob");
            Assert.Equal(ReplyKind.Private, finished.Kind);
            Assert.Contains("RPO 1 hour: achieved less than a minute ✅ met", finished.Text, StringComparison.Ordinal);
        }

        Assert.Equal(
            [(0L, 0L), (0L, 0L), (3600L, 0L), (7200L, 0L)],
            (await app.QueryAsync(db => db.DrillRuns.OrderBy(r => r.Number).Select(r => new { r.RtoAchievedSeconds, r.RpoAchievedSeconds }).ToListAsync()))
                .Select(r => (r.RtoAchievedSeconds!.Value, r.RpoAchievedSeconds!.Value)));

        // Units out of order are still a typo, zero or not; the run stays under way.
        await app.SendAsync("drill", "start DRL-1");
        var typo = await app.SendAsync("drill", "finish DRL-1 pass rto-achieved:1h rpo-achieved:0m0h", user: "bob");
        Assert.Equal(ReplyKind.Warning, typo.Kind);
        Assert.StartsWith("`0m0h` is not a duration for `rpo-achieved:`.", typo.Text, StringComparison.Ordinal);
        Assert.Equal(1, await app.QueryAsync(db => db.DrillRuns.CountAsync(r => r.FinishedAt == null)));
    }

    [SkippableFact]
    public async Task Findings_are_separated_by_semicolons_or_lines_and_each_becomes_a_problem_once()
    {
        await using var app = await DrillAsync(provider);
        await app.SendAsync("drill", "start DRL-1");
        app.Clock.Advance(TimeSpan.FromHours(2));
        await app.SendAsync("drill", "finish DRL-1 pass rto-achieved:2h rpo-achieved:0\ngenerator took 40m to start; nobody had the key\nrunbook: step 3 is out of date", user: "bob");

        var findings = await app.QueryAsync(db => db.DrillFindings.OrderBy(f => f.Number).Select(f => f.Number + ". " + f.Text).ToListAsync());
        Assert.Equal(["1. generator took 40m to start", "2. nobody had the key", "3. runbook: step 3 is out of date"], findings);
        var runCard = ChatJson.Deserialize((await app.QueryAsync(db => db.Outbox.Where(o => o.PostedCard!.RecordType == DrillService.RunRecordType).OrderBy(o => o.Id).LastAsync())).CardJson!);
        Assert.Equal(
            [("Make a problem of 1", "DRL-1/1"), ("Make a problem of 2", "DRL-1/2"), ("Make a problem of 3", "DRL-1/3")],
            runCard.Buttons.Select(b => (b.Text, b.Value)));
        Assert.All(runCard.Buttons, b => Assert.Equal(DrillCommands.MakeProblemAction, b.ActionId));

        var made = await app.ClickAsync(DrillCommands.MakeProblemAction, "DRL-1/2", user: "dave", channel: "C5");
        var second = await app.ClickAsync(DrillCommands.MakeProblemAction, "DRL-1/2", user: "erin");
        var typed = await app.SendAsync("drill", "problem DRL-1 2");

        Assert.Equal(ReplyKind.None, made.Kind);
        Assert.Contains(new TextSection("Findings:\n1. generator took 40m to start\n2. nobody had the key → PRB-1\n3. runbook: step 3 is out of date"), made.UpdatedCard!.Sections);
        Assert.Equal(["Make a problem of 1", "Make a problem of 3"], made.UpdatedCard.Buttons.Select(b => b.Text));
        Assert.Equal((ReplyKind.Private, "Finding 2 of DRL-1 is PRB-1 already; nothing changed."), (second.Kind, second.Text));
        Assert.Equal(ChatJson.Serialize(made.UpdatedCard), ChatJson.Serialize(second.UpdatedCard!));
        Assert.Equal("Finding 2 of DRL-1 is PRB-1 already; nothing changed.", typed.Text);

        var problem = await app.QueryAsync(db => db.Set<Problem>().Include(p => p.Cis).ThenInclude(c => c.Ci).SingleAsync());
        Assert.Equal((1, "nobody had the key", "bakery-2", "C5"), (problem.Number, problem.Title, problem.Cis.Single().Ci!.Name, problem.ChannelId));
        Assert.Equal(problem.Id, await app.QueryAsync(db => db.DrillFindings.Where(f => f.Number == 2).Select(f => f.ProblemId).SingleAsync()));
        // The run's card changed everywhere it was posted, once.
        var update = await app.QueryAsync(db => db.Outbox.Where(o => o.PostedCard!.RecordType == DrillService.RunRecordType && o.Text.StartsWith("Dave made")).SingleAsync());
        Assert.Equal("Dave made PRB-1 of finding 2 of DRL-1: nobody had the key", update.Text);
        Assert.Contains(new TextSection("Findings:\n1. generator took 40m to start\n2. nobody had the key → PRB-1\n3. runbook: step 3 is out of date"), ChatJson.Deserialize(update.CardJson!).Sections);
        Assert.Equal("updated", await app.QueryAsync(db => db.AuditEntries.Where(a => a.RecordType == "drill-finding" && a.RecordKey.EndsWith("finding:2")).OrderBy(a => a.Id).Select(a => a.Action).LastAsync()));

        await app.AssertRefusedAsync("drill", "problem DRL-1 9", "DRL-1 has no finding 9; its findings are numbered 1 to 3.");
        Assert.Equal("PRB-2 opened from finding 3 of DRL-1.", (await app.SendAsync("drill", "problem DRL-1 3")).Text);
    }

    [SkippableFact]
    public async Task A_claim_on_a_finding_left_by_a_click_that_never_finished_goes_stale()
    {
        await using var app = await DrillAsync(provider);
        await app.SendAsync("drill", "start DRL-1");
        await app.SendAsync("drill", "finish DRL-1 fail nobody had the key", user: "bob");
        // A click claimed finding 1, then the process stopped before its problem was made and linked.
        var claimedAt = app.Clock.GetUtcNow();
        await app.QueryAsync(db => db.DrillFindings.ExecuteUpdateAsync(s => s.SetProperty(f => f.ProblemClaimedAt, claimedAt)));

        app.Clock.Advance(TimeSpan.FromMinutes(1));
        var busy = await app.SendAsync("drill", "problem DRL-1 1");
        app.Clock.Advance(TimeSpan.FromMinutes(1) + TimeSpan.FromSeconds(1));
        var made = await app.SendAsync("drill", "problem DRL-1 1");
        var again = await app.SendAsync("drill", "problem DRL-1 1");

        Assert.Equal(ReplyKind.Warning, busy.Kind);
        Assert.StartsWith("Someone is making finding 1 of DRL-1 a problem right now; look at the card again in a moment.", busy.Text, StringComparison.Ordinal);
        Assert.Equal("PRB-1 opened from finding 1 of DRL-1.", made.Text);
        Assert.Equal("Finding 1 of DRL-1 is PRB-1 already; nothing changed.", again.Text);
        Assert.Equal(1, await app.QueryAsync(db => db.Set<Problem>().CountAsync()));
        var finding = await app.QueryAsync(db => db.DrillFindings.SingleAsync());
        Assert.NotNull(finding.ProblemId);
        Assert.Equal(app.Clock.GetUtcNow(), finding.ProblemClaimedAt);
    }

    [SkippableFact]
    public async Task List_and_show_flag_an_overdue_drill_and_show_times_in_the_readers_zone()
    {
        await using var app = await DrillAsync(provider, schedule: "week");
        await app.SendAsync("drill", "new Payments provider down scenario:third-party-down every:month rto:1h rpo:0m30s");
        await app.QueryAsync(db => db.People.Where(p => p.DisplayName == "Alice").ExecuteUpdateAsync(s => s.SetProperty(p => p.TimeZone, "Europe/Paris")));
        app.Clock.Advance(TimeSpan.FromDays(9));

        var list = await app.SendAsync("drill", "list");
        var shown = Assert.Single((await app.SendAsync("drill", "show DRL-1")).Cards);

        var card = Assert.Single(list.Cards);
        Assert.Equal(("Active drills (2, 1 overdue)", CardAccent.Danger), (card.Title, card.Accent));
        Assert.Equal(
            "DRL-1 Bakery 2 can't open · site down · Bob · ⚠️ overdue by 2 days (due Thu 3 Dec 2026 10:00 UTC+01:00)\n" +
            "DRL-2 Payments provider down · third party down · Alice · 21 days from now (Sat 26 Dec 2026 10:00 UTC+01:00)",
            Assert.IsType<TextSection>(card.Sections[0]).Text);
        Assert.Contains(new CardField("Next due", "⚠️ overdue by 2 days (due Thu 3 Dec 2026 10:00 UTC+01:00)"), Assert.IsType<FieldsSection>(shown.Sections[0]).Fields);
        Assert.Equal(CardAccent.Danger, shown.Accent);
        await app.AssertRefusedAsync("drill", "list everything", "`everything` is not something `/drill list [all]` takes.");
    }

    [SkippableFact]
    public async Task The_owner_hands_a_drill_on_and_retires_it_others_are_told_why_not()
    {
        await using var app = await DrillAsync(provider);
        await app.QueryAsync(db => db.People.Where(p => p.DisplayName == "Bob").ExecuteUpdateAsync(s => s.SetProperty(p => p.TimeZone, "America/New_York")));

        await app.AssertRefusedAsync("drill", "owner DRL-1 <@dave>", "Only DRL-1's owner (Bob), managers and admins give it another owner");
        await app.AssertRefusedAsync("drill", "retire DRL-1", "Only DRL-1's owner (Bob), managers and admins retire it");
        Assert.False(await app.QueryAsync(db => db.PersonIdentities.AnyAsync(i => i.ExternalId == "dave")));
        var handed = await app.SendAsync("drill", "owner DRL-1 <@carol>", user: "bob");
        var same = await app.SendAsync("drill", "owner DRL-1 <@carol>", user: "carol");
        await app.SendAsync("drill", "start DRL-1", user: "carol");
        var busy = await app.SendAsync("drill", "retire DRL-1", user: "carol");
        await app.SendAsync("drill", "finish DRL-1 fail", user: "carol");
        var retired = await app.SendAsync("drill", "retire DRL-1", user: "carol");
        var twice = await app.SendAsync("drill", "retire DRL-1", user: "admin");
        var start = await app.SendAsync("drill", "start DRL-1");

        Assert.Equal("carol owns DRL-1 now.", handed.Text);
        Assert.Equal("Carol owns DRL-1 already; nothing changed.", same.Text);
        Assert.StartsWith("DRL-1 run 1 is under way: finish it first", busy.Text, StringComparison.Ordinal);
        Assert.Equal("DRL-1 is retired: it is no longer due or reminded.", retired.Text);
        Assert.Equal("DRL-1 was retired already; nothing changed.", twice.Text);
        Assert.Equal(ReplyKind.Warning, start.Kind);
        Assert.StartsWith("DRL-1 is retired, so it is not run any more. Set up a new drill with `/drill new`.", start.Text, StringComparison.Ordinal);
        Assert.Contains("No active drills", (await app.SendAsync("drill", "list")).Text, StringComparison.Ordinal);
        Assert.Contains("· retired", Text(await app.SendAsync("drill", "list all")), StringComparison.Ordinal);
        var last = ChatJson.Deserialize((await app.QueryAsync(db => db.Outbox.Where(o => o.PostedCard!.RecordType == DrillService.RecordType).OrderBy(o => o.Id).LastAsync())).CardJson!);
        Assert.Empty(last.Buttons);
        Assert.Contains(new CardField("Next due", "retired: no longer due"), Assert.IsType<FieldsSection>(last.Sections[0]).Fields);
    }

    [SkippableFact]
    public async Task Help_lists_every_verb()
    {
        await using var app = await CoreTestApp.CreateAsync(provider);

        var help = (await app.SendAsync("drill", "help")).Text;

        foreach (var verb in new[] { "new", "list", "show", "start", "note", "finish", "problem", "owner", "retire" })
        {
            Assert.Contains($"`/drill {verb}", help, StringComparison.Ordinal);
        }

        Assert.Contains("`/drill`: continuity drills", app.Services.GetRequiredService<CommandMap>().Overview(), StringComparison.Ordinal);
    }

    private static string Text(ChatReply reply) => Assert.IsType<TextSection>(Assert.Single(reply.Cards).Sections[0]).Text;
}

public sealed class SqliteDrillTests() : DrillTests(DbProvider.Sqlite);

public sealed class PostgresDrillTests() : DrillTests(DbProvider.Postgres);
