using BakeryBot.Core.Chat;
using BakeryBot.Core.Incidents;
using BakeryBot.Core.Tests.Infrastructure;
using BakeryBot.Core.TimeTracking;
using Microsoft.EntityFrameworkCore;

namespace BakeryBot.Core.Tests.TimeTracking;

/// <summary>Timers: one per person, stopped into time entries, started from commands, cards and messages.</summary>
public abstract class TimerTests(DbProvider provider)
{
    [SkippableFact]
    public async Task A_timer_runs_until_stopped_and_becomes_a_time_entry()
    {
        await using var app = await CoreTestApp.CreateAsync(provider);
        await app.SendAsync("incident", "burnt-cookie");

        var started = await app.SendAsync("timer", "start INC-1");
        app.Clock.Advance(TimeSpan.FromMinutes(95));
        var status = await app.SendAsync("timer", "status");
        var stopped = await app.SendAsync("timer", "stop replaced the thermostat");

        Assert.Equal("Timer started on INC-1.", started.Text);
        Assert.Equal("Your timer has run for 1 hour, 35 minutes on INC-1 (since 09:00).", status.Text);
        Assert.Equal("Logged 1 hour, 35 minutes on INC-1 (replaced the thermostat).", stopped.Text);
        var entry = await app.QueryAsync(db => db.Set<TimeEntry>().SingleAsync());
        Assert.Equal((95L * 60, "INC-1", "replaced the thermostat", CoreTestApp.Start), (entry.Seconds, entry.RecordKey, entry.Note, entry.StartedAt));
        Assert.Equal(0, await app.QueryAsync(db => db.Set<BakeryBot.Core.TimeTracking.Timer>().CountAsync()));
        Assert.Contains("No timer is running", (await app.SendAsync("timer", "stop")).Text, StringComparison.Ordinal);
        Assert.Equal(2, await app.QueryAsync(db => db.AuditEntries.CountAsync(a => a.RecordType == "timer")));
        Assert.Equal(1, await app.QueryAsync(db => db.AuditEntries.CountAsync(a => a.RecordType == "time-entry")));
    }

    [SkippableFact]
    public async Task Starting_another_timer_stops_the_first_and_says_so()
    {
        await using var app = await CoreTestApp.CreateAsync(provider);
        await app.SendAsync("cmdb", "add asset oven-2");
        await app.SendAsync("change", "request replace thermostat ci:oven-2 window:\"tomorrow 22:00+2h\" risk:low rollback:\"refit the old one\"");
        await app.SendAsync("timer", "start oven maintenance");
        app.Clock.Advance(TimeSpan.FromMinutes(20));

        var second = await app.SendAsync("timer", "start CHG-1");

        Assert.Equal("Timer started on CHG-1. Your previous timer (oven maintenance) was stopped at 20 minutes.", second.Text);
        var entries = await app.QueryAsync(db => db.Set<TimeEntry>().ToListAsync());
        Assert.Equal("oven maintenance", Assert.Single(entries).Note);
        Assert.Equal("CHG-1", (await app.QueryAsync(db => db.Set<BakeryBot.Core.TimeTracking.Timer>().SingleAsync())).RecordKey);
    }

    [SkippableFact]
    public async Task The_incident_cards_start_timer_button_and_the_message_action_start_timers()
    {
        await using var app = await CoreTestApp.CreateAsync(provider);
        await app.SendAsync("incident", "burnt-cookie");
        var card = await app.QueryAsync(db => db.Outbox.Select(o => o.CardJson).SingleAsync());
        var button = Assert.Single(ChatJson.Deserialize(card!).Buttons, b => b.ActionId == TimerCommands.StartAction);

        var clicked = await app.ClickAsync(button.ActionId, button.Value, user: "bob");
        var fromMessage = await app.Router.HandleAsync(
            CoreTestApp.Request("carol") with { ActionId = TimerCommands.FromMessageAction, ActionValue = "Looking into INC-1 now\nmore details", SourceLink = "https://chat.example/m/1" },
            CancellationToken.None);

        Assert.Equal("Timer started on INC-1.", clicked.Text);
        Assert.Equal("Timer started on INC-1 (Looking into INC-1 now).", fromMessage.Text);
        var timers = await app.QueryAsync(db => db.Set<BakeryBot.Core.TimeTracking.Timer>().OrderBy(t => t.Id).ToListAsync());
        Assert.Equal(["INC-1", "INC-1"], timers.Select(t => t.RecordKey));
        Assert.Equal("https://chat.example/m/1", timers[1].SourceLink);
    }

    [SkippableFact]
    public async Task Timers_start_on_problems_and_changes_that_exist_in_this_tenant_only()
    {
        await using var app = await CoreTestApp.CreateAsync(provider);
        await app.SendAsync("cmdb", "add asset oven-2");
        await app.SendAsync("problem", "new ovens misbehave ci:oven-2");
        await app.SendAsync("change", "request replace thermostat ci:oven-2 window:\"tomorrow 22:00+2h\" risk:low rollback:\"refit the old one\"");

        var onProblem = await app.SendAsync("timer", "start PRB-1 reading the logs");
        var onChange = await app.SendAsync("timer", "start CHG-1", user: "bob");
        var elsewhere = await app.SendAsync("timer", "start PRB-1", user: "carol", tenant: "T2");
        var otherChange = await app.SendAsync("timer", "start CHG-1", user: "carol", tenant: "T2");

        Assert.Equal("Timer started on PRB-1 (reading the logs).", onProblem.Text);
        Assert.Equal("Timer started on CHG-1.", onChange.Text);
        Assert.Equal((ReplyKind.Warning, ReplyKind.Warning), (elsewhere.Kind, otherChange.Kind));
        Assert.Contains("There is no PRB-1", elsewhere.Text, StringComparison.Ordinal);
        Assert.Contains("There is no CHG-1", otherChange.Text, StringComparison.Ordinal);
        var timers = await app.QueryAsync(db => db.Set<BakeryBot.Core.TimeTracking.Timer>().OrderBy(t => t.Id).Select(t => t.RecordKey).ToListAsync());
        Assert.Equal(["PRB-1", "CHG-1"], timers);
    }

    [SkippableTheory]
    [InlineData("start INC-404", "There is no INC-404")]
    [InlineData("start PRB-404", "There is no PRB-404")]
    [InlineData("start CHG-404", "There is no CHG-404")]
    [InlineData("pause", "is not something `/timer` can do")]
    [InlineData("statsu", "looks like a typo for `status`")]
    [InlineData("strat INC-1", "looks like a typo for `start`")]
    public async Task Wrong_timer_commands_change_nothing(string text, string expected)
    {
        await using var app = await CoreTestApp.CreateAsync(provider);
        await app.SendAsync("bakery", "whoami");
        var before = await app.SnapshotAsync();

        var reply = await app.SendAsync("timer", text);

        Assert.Equal(ReplyKind.Warning, reply.Kind);
        Assert.Contains(expected, reply.Text, StringComparison.Ordinal);
        Assert.Equal(before, await app.SnapshotAsync());
        Assert.Equal(0, await app.QueryAsync(db => db.Set<BakeryBot.Core.TimeTracking.Timer>().CountAsync()));
    }

    [SkippableFact]
    public async Task Declaring_from_a_message_takes_its_first_line_as_the_title_and_keeps_the_whole_message()
    {
        await using var app = await CoreTestApp.CreateAsync(provider);

        var reply = await app.Router.HandleAsync(
            CoreTestApp.Request("alice") with { ActionId = IncidentCommands.FromMessageAction, ActionValue = "Ovens at Bakery #2 are cold\nsince 6am, customers waiting" },
            CancellationToken.None);
        var empty = await app.Router.HandleAsync(CoreTestApp.Request("alice") with { ActionId = IncidentCommands.FromMessageAction, ActionValue = "  " }, CancellationToken.None);

        Assert.Equal("INC-1 declared from that message as SEV3; its card is posted in this channel.", reply.Text);
        var incident = await app.QueryAsync(db => db.Incidents.Include(i => i.Timeline).SingleAsync());
        Assert.Equal("Ovens at Bakery #2 are cold", incident.Title);
        Assert.Contains(incident.Timeline, e => e.Text == "From a message: Ovens at Bakery #2 are cold\nsince 6am, customers waiting");
        Assert.Equal(ReplyKind.Warning, empty.Kind);
    }

    [SkippableFact]
    public async Task Being_added_to_a_conversation_remembers_it_and_says_hello_there()
    {
        await using var app = await CoreTestApp.CreateAsync(provider);
        var sighting = new BakeryBot.Core.Data.ConversationSighting("test", "T1", "C-new", "https://connector.example/", "channel", "bakers", "team-1");

        var reply = await app.Router.HandleAsync(
            CoreTestApp.Request("alice", channel: "C-new") with { ActionId = BakeryBot.Core.Admin.BakeryCommands.WelcomeAction, Conversation = sighting },
            CancellationToken.None);

        Assert.Equal(ReplyKind.None, reply.Kind);
        var hello = await app.QueryAsync(db => db.Outbox.SingleAsync());
        Assert.Equal("C-new", hello.ChannelId);
        Assert.StartsWith("Hello! I'm BakeryBot", hello.Text, StringComparison.Ordinal);
        var endpoint = await app.QueryAsync(db => new BakeryBot.Core.Data.ConversationDirectory(db, app.Clock).EndpointAsync("test", "T1", "C-new", CancellationToken.None));
        Assert.Equal("https://connector.example/", endpoint);
        Assert.Null(await app.QueryAsync(db => new BakeryBot.Core.Data.ConversationDirectory(db, app.Clock).EndpointAsync("test", "T2", "C-new", CancellationToken.None)));
    }
}

public sealed class SqliteTimerTests() : TimerTests(DbProvider.Sqlite);

public sealed class PostgresTimerTests() : TimerTests(DbProvider.Postgres);
