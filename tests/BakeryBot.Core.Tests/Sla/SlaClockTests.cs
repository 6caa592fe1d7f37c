using BakeryBot.Core.Data.Outbox;
using BakeryBot.Core.Jobs;
using BakeryBot.Core.Sla;
using BakeryBot.Core.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace BakeryBot.Core.Tests.Sla;

/// <summary>
/// SLA clocks on the fake clock: each warning and breach is a reminder row planned with the incident,
/// moved with it, and posted once, at its moment, whatever the rounds, instances and restarts. On each database.
/// </summary>
public abstract class SlaClockTests(DbProvider provider)
{
    private static readonly TimeSpan Minute = TimeSpan.FromMinutes(1);

    /// <summary>
    /// web (SEV2: acknowledge in 20 minutes, resolve in 4 hours; all severities: 1 hour and 1 day) and
    /// shop (acknowledge in 40 minutes) both run on oven-2. INC-1 is declared on oven-2 at Thu 09:00.
    /// </summary>
    private static async Task<CoreTestApp> DeclaredAsync(DbProvider provider, string severity = "sev2", LogLines? log = null)
    {
        var app = await CoreTestApp.CreateAsync(provider, log is null ? null : log.AddTo);
        foreach (var line in new[]
                 {
                     "add service web tier:1", "add service shop tier:2", "add asset oven-2", "link web runs-on oven-2", "link shop runs-on oven-2",
                 })
        {
            await app.SendAsync("cmdb", line, user: "admin");
        }

        foreach (var line in new[] { "set web sev2 ack:20m resolve:4h", "set web ack:1h resolve:1d", "set shop ack:40m resolve:2d" })
        {
            await app.SendAsync("sla", line, user: "admin");
        }

        await app.SendAsync("incident", $"oven cold {severity} ci:oven-2");
        return app;
    }

    private static async Task<string> RunAsync(CoreTestApp app)
    {
        await using var scope = app.Services.CreateAsyncScope();
        var round = await scope.ServiceProvider.GetRequiredService<SlaClocks>().RunAsync(CancellationToken.None);
        return $"{string.Join(",", round.Warned)}|{string.Join(",", round.Breached)}|{string.Join(",", round.Dropped)}";
    }

    private static Task<List<string>> PostsAsync(CoreTestApp app) =>
        app.QueryAsync(db => db.Outbox.Where(o => o.Kind == OutboxKind.Post && o.PostedCardId == null && (o.Text.StartsWith("⏳ ") || o.Text.StartsWith("🚨")))
            .OrderBy(o => o.Id).Select(o => o.Text).ToListAsync());

    private static Task<List<(ReminderKind Kind, DateTimeOffset Due, string? Outcome)>> RemindersAsync(CoreTestApp app) =>
        app.QueryAsync(async db => (await db.Reminders.OrderBy(r => r.DueAt).ThenBy(r => r.Id).Select(r => new { r.Kind, r.DueAt, r.Outcome }).ToListAsync())
            .Select(r => (r.Kind, r.DueAt.ToUniversalTime(), r.Outcome)).ToList());

    private static DateTimeOffset At(int hour, int minute, int second = 0) => new(2026, 11, 26, hour, minute, second, TimeSpan.Zero);

    [SkippableFact]
    public async Task Declaring_plans_the_four_clocks_against_the_strictest_target_of_the_services_reached()
    {
        await using var app = await DeclaredAsync(provider);

        // web's SEV2 target (20 minutes, 4 hours) beats shop's (40 minutes, 2 days).
        Assert.Equal(
            [
                (ReminderKind.SlaAcknowledgeWarning, At(9, 15), null), (ReminderKind.SlaAcknowledgeBreach, At(9, 20), null),
                (ReminderKind.SlaResolveWarning, At(12, 0), null), (ReminderKind.SlaResolveBreach, At(13, 0), null),
            ],
            (await RemindersAsync(app)).OrderBy(r => r.Due).ToList());
    }

    [SkippableFact]
    public async Task Each_warning_and_breach_is_posted_once_at_its_moment()
    {
        await using var app = await DeclaredAsync(provider);
        await using var other = app.AnotherInstance();
        var rounds = new List<string>();
        foreach (var (moment, instance) in new[]
                 {
                     (At(9, 14), app), (At(9, 15), app), (At(9, 15), app), (At(9, 16), other), (At(9, 20), other), (At(9, 21), app),
                     (At(11, 59), app), (At(12, 0), app), (At(13, 0), app), (At(13, 1), other),
                 })
        {
            instance.Clock.SetUtcNow(moment);
            rounds.Add(await RunAsync(instance));
        }

        Assert.Equal(
            ["||", "INC-1 acknowledge 75%||", "||", "||", "|INC-1 acknowledge breach|", "||", "||", "INC-1 resolve 75%||", "|INC-1 resolve breach|", "||"],
            rounds);
        Assert.Equal(
            [
                "⏳ INC-1 (SEV2) oven cold: not acknowledged after 15 minutes. web's time to acknowledge is 20 minutes: 5 minutes left. Acknowledge on the card or with `/incident ack INC-1`.",
                "🚨 INC-1 (SEV2) oven cold breached web's time to acknowledge (20 minutes): not acknowledged after 20 minutes. Acknowledge on the card or with `/incident ack INC-1`.",
                "⏳ INC-1 (SEV2) oven cold: open for 3 hours. web's time to resolve is 4 hours: 1 hour left.",
                "🚨 INC-1 (SEV2) oven cold breached web's time to resolve (4 hours): open for 4 hours.",
            ],
            await PostsAsync(app));
        Assert.All(await RemindersAsync(app), r => Assert.Equal("sent", r.Outcome));
    }

    [SkippableFact]
    public async Task Acknowledging_stops_the_acknowledge_clock_and_resolving_stops_them_all()
    {
        await using var app = await DeclaredAsync(provider);
        app.Clock.SetUtcNow(At(9, 10));
        await app.SendAsync("incident", "ack INC-1", user: "bob");

        Assert.Equal([ReminderKind.SlaResolveWarning, ReminderKind.SlaResolveBreach], (await RemindersAsync(app)).Select(r => r.Kind));
        app.Clock.SetUtcNow(At(9, 30));
        Assert.Equal("||", await RunAsync(app));

        app.Clock.SetUtcNow(At(11, 0));
        await app.SendAsync("incident", "resolve INC-1 new thermostat", user: "bob");
        Assert.Empty(await RemindersAsync(app));
        app.Clock.SetUtcNow(At(14, 0));
        Assert.Equal("||", await RunAsync(app));
        Assert.Empty(await PostsAsync(app));
    }

    [SkippableFact]
    public async Task A_new_severity_or_a_new_target_moves_the_clocks()
    {
        // SEV3 has no target of its own on web: the targets for all severities apply, and shop's 40 minutes beat web's hour.
        await using var app = await DeclaredAsync(provider, severity: "sev3");
        Assert.Equal([At(9, 30), At(9, 40)], (await RemindersAsync(app)).Where(r => r.Kind is ReminderKind.SlaAcknowledgeWarning or ReminderKind.SlaAcknowledgeBreach).Select(r => r.Due).Order());

        app.Clock.SetUtcNow(At(9, 5));
        await app.SendAsync("incident", "sev INC-1 sev2", user: "bob");
        Assert.Equal([At(9, 15), At(9, 20), At(12, 0), At(13, 0)], (await RemindersAsync(app)).Select(r => r.Due).Order());

        await app.SendAsync("sla", "set web sev2 ack:10m", user: "admin");
        Assert.Equal([At(9, 7, 30), At(9, 10)], (await RemindersAsync(app)).Where(r => r.Kind is ReminderKind.SlaAcknowledgeWarning or ReminderKind.SlaAcknowledgeBreach).Select(r => r.Due).Order());
        app.Clock.SetUtcNow(At(9, 8));
        Assert.Equal("INC-1 acknowledge 75%||", await RunAsync(app));
        Assert.StartsWith("⏳ INC-1 (SEV2) oven cold: not acknowledged after 8 minutes. web's time to acknowledge is 10 minutes: 2 minutes left.", Assert.Single(await PostsAsync(app)), StringComparison.Ordinal);
    }

    [SkippableFact]
    public async Task After_a_restart_past_the_moments_each_clock_fires_once_and_the_warnings_its_breach_outdid_are_dropped_with_a_log_line()
    {
        var log = new LogLines();
        await using var app = await DeclaredAsync(provider);
        // Down from 09:00 to 14:00; the instance that comes back runs the job at once, and again a minute later.
        await using var restarted = app.AnotherInstance(log.AddTo);
        restarted.Clock.SetUtcNow(At(14, 0));
        var first = await RunAsync(restarted);
        restarted.Clock.Advance(Minute);
        var second = await RunAsync(restarted);

        Assert.Equal("|INC-1 acknowledge breach,INC-1 resolve breach|INC-1 acknowledge 75%,INC-1 resolve 75%", first);
        Assert.Equal("||", second);
        Assert.Equal(
            [
                "🚨 INC-1 (SEV2) oven cold breached web's time to acknowledge (20 minutes): not acknowledged after 5 hours. Acknowledge on the card or with `/incident ack INC-1`.",
                "🚨 INC-1 (SEV2) oven cold breached web's time to resolve (4 hours): open for 5 hours.",
            ],
            await PostsAsync(app));
        Assert.Equal(
            ["dropped: its breach is due as well, and says more", "sent", "dropped: its breach is due as well, and says more", "sent"],
            (await RemindersAsync(app)).Select(r => r.Outcome));
        Assert.Contains(log.Lines, l => l.StartsWith("Dropped the SLA reminder INC-1 acknowledge 75% due 2026-11-26T09:15:00", StringComparison.Ordinal));
        Assert.Contains(log.Lines, l => l.StartsWith("Dropped the SLA reminder INC-1 resolve 75% due 2026-11-26T12:00:00", StringComparison.Ordinal));
    }

    [SkippableFact]
    public async Task A_reminder_whose_incident_was_acknowledged_behind_its_back_is_dropped_not_posted()
    {
        await using var app = await DeclaredAsync(provider);
        // The incident acknowledged without its clocks being planned again (as any path that forgot to would).
        await app.QueryAsync(db => db.Incidents.ExecuteUpdateAsync(s => s.SetProperty(i => i.AcknowledgedAt, At(9, 1)).SetProperty(i => i.State, BakeryBot.Core.Incidents.IncidentState.Acknowledged)));
        app.Clock.SetUtcNow(At(9, 16));

        Assert.Equal("||INC-1 acknowledge 75%", await RunAsync(app));
        Assert.Empty(await PostsAsync(app));
        Assert.Equal("dropped: INC-1 was acknowledged", (await RemindersAsync(app)).First(r => r.Kind == ReminderKind.SlaAcknowledgeWarning).Outcome);
    }

    [SkippableFact]
    public async Task Rounds_at_the_same_moment_on_two_instances_post_each_reminder_once()
    {
        await using var app = await DeclaredAsync(provider);
        await using var other = app.AnotherInstance();
        app.Clock.SetUtcNow(At(9, 16));
        other.Clock.SetUtcNow(At(9, 16));

        var rounds = await Task.WhenAll(Enumerable.Range(0, 6).Select(async i =>
        {
            try
            {
                return await RunAsync(i % 2 == 0 ? app : other);
            }
            catch (Microsoft.Data.Sqlite.SqliteException) when (provider == DbProvider.Sqlite)
            {
                // SQLite has one writer: a round that lost the race fails, and the next round finds the reminder handled.
                return "||";
            }
        }));

        Assert.Equal(["INC-1 acknowledge 75%||"], rounds.Where(r => r != "||"));
        Assert.Single(await PostsAsync(app));
    }

    [SkippableFact]
    public async Task An_incident_on_a_ci_no_service_target_reaches_has_no_clocks()
    {
        await using var app = await DeclaredAsync(provider);
        await app.SendAsync("cmdb", "add asset mixer", user: "admin");
        await app.SendAsync("incident", "mixer jammed sev1 ci:mixer");
        await app.SendAsync("incident", "no ci at all sev1");

        Assert.Equal(4, (await RemindersAsync(app)).Count); // INC-1's only
        app.Clock.SetUtcNow(At(18, 0));
        await RunAsync(app);
        Assert.DoesNotContain(await PostsAsync(app), p => p.Contains("INC-2", StringComparison.Ordinal) || p.Contains("INC-3", StringComparison.Ordinal));
    }

    [SkippableFact]
    public async Task An_incident_open_from_before_its_clocks_were_planned_gets_them_on_the_jobs_first_run()
    {
        await using var app = await DeclaredAsync(provider);
        // As if declared by a version of the bot that planned no clocks.
        await app.QueryAsync(db => db.Reminders.ExecuteDeleteAsync());
        await using var upgraded = app.AnotherInstance();
        upgraded.Clock.SetUtcNow(At(9, 16));

        var report = await upgraded.Services.GetRequiredService<JobRunner>().RunAsync(JobNames.SlaClocks, manual: false, CancellationToken.None);

        Assert.Equal("Warned INC-1 acknowledge 75%; breached none; dropped none.", report!.Result!.Summary);
        Assert.Equal([At(9, 15), At(9, 20), At(12, 0), At(13, 0)], (await RemindersAsync(app)).Select(r => r.Due));
    }

    [SkippableFact]
    public async Task A_cmdb_link_or_unlink_that_changes_what_an_open_incident_reaches_moves_its_clocks()
    {
        await using var app = await DeclaredAsync(provider);
        await app.SendAsync("cmdb", "add asset mixer", user: "admin");
        await app.SendAsync("incident", "mixer jammed sev2 ci:mixer");
        var mixer = await app.QueryAsync(db => db.Incidents.Where(i => i.Number == 2).Select(i => i.Id).SingleAsync());
        Task<List<DateTimeOffset>> MixerClocksAsync() => app.QueryAsync(async db =>
            (await db.Reminders.Where(r => r.RecordId == mixer).Select(r => r.DueAt).ToListAsync()).Select(d => d.ToUniversalTime()).Order().ToList());
        Assert.Empty(await MixerClocksAsync());

        await app.SendAsync("cmdb", "link shop runs-on mixer", user: "admin");
        // shop: acknowledge in 40 minutes, resolve in 2 days.
        Assert.Equal([At(9, 30), At(9, 40), At(9, 0).AddHours(36), At(9, 0).AddDays(2)], await MixerClocksAsync());

        await app.SendAsync("cmdb", "unlink shop runs-on mixer", user: "admin");
        Assert.Empty(await MixerClocksAsync());
        Assert.Equal(4, (await RemindersAsync(app)).Count); // INC-1's stay
    }

    [SkippableFact]
    public async Task A_severity_changed_back_after_its_warning_does_not_warn_again()
    {
        await using var app = await DeclaredAsync(provider);
        app.Clock.SetUtcNow(At(9, 16));
        Assert.Equal("INC-1 acknowledge 75%||", await RunAsync(app));

        // To SEV3 (shop's 40 minutes: the warning is due again at 09:30), and back to SEV2 before then.
        await app.SendAsync("incident", "sev INC-1 sev3", user: "bob");
        Assert.Equal(At(9, 30), (await RemindersAsync(app)).Single(r => r.Kind == ReminderKind.SlaAcknowledgeWarning).Due);
        app.Clock.SetUtcNow(At(9, 17));
        await app.SendAsync("incident", "sev INC-1 sev2", user: "bob");
        app.Clock.SetUtcNow(At(9, 18));

        Assert.Equal("||", await RunAsync(app));
        Assert.Single(await PostsAsync(app));
        Assert.Equal("sent", (await RemindersAsync(app)).Single(r => r.Kind == ReminderKind.SlaAcknowledgeWarning).Outcome);
    }
}

public sealed class SqliteSlaClockTests() : SlaClockTests(DbProvider.Sqlite);

public sealed class PostgresSlaClockTests() : SlaClockTests(DbProvider.Postgres);
