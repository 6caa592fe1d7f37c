using System.Globalization;
using System.Net;
using System.Text.Json.Nodes;
using BakeryBot.Core.Jobs;
using BakeryBot.Core.Tests.Infrastructure;
using BakeryBot.Host.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using static BakeryBot.Host.Tests.Jobs.JobTestBed;

namespace BakeryBot.Host.Tests.Jobs;

/// <summary><c>GET /admin/jobs</c> and <c>POST /admin/jobs/{name}/run</c> over real HTTP.</summary>
public sealed class AdminJobsEndpointTests
{
    /// <summary>The admin token, and the reminder jobs an hour apart so that only the run at start comes between a test's steps.</summary>
    private static Dictionary<string, string?> Settings(string? token = AdminToken) => new()
    {
        ["Admin:Token"] = token,
        ["Releases:CheckEvery"] = "01:00:00",
    };

    [Fact]
    public async Task Both_endpoints_answer_404_while_no_admin_token_is_set()
    {
        await using var bot = await BotFactory.CreateAsync(DbProvider.Sqlite, slack: null, Settings(token: null));
        using var http = bot.CreateClient();

        var list = await http.SendAsync(AdminRequest(HttpMethod.Get, "/admin/jobs"));
        var run = await http.SendAsync(AdminRequest(HttpMethod.Post, "/admin/jobs/release-reminders/run"));
        var bare = await http.SendAsync(AdminRequest(HttpMethod.Post, "/admin/jobs/release-reminders/run", token: null));

        Assert.Equal([HttpStatusCode.NotFound, HttpStatusCode.NotFound, HttpStatusCode.NotFound], new[] { list.StatusCode, run.StatusCode, bare.StatusCode });
        Assert.Equal(0, await bot.QueryAsync(db => db.JobRuns.CountAsync(r => r.Manual)));
    }

    [Fact]
    public async Task A_missing_or_wrong_token_is_refused_with_401_runs_nothing_and_the_token_is_never_logged()
    {
        var logs = new LogCapture();
        await using var bot = await BotFactory.CreateAsync(DbProvider.Sqlite, slack: null, Settings(), s => s.AddSingleton<ILoggerProvider>(logs));
        using var http = bot.CreateClient();

        var refused = new[]
        {
            await http.SendAsync(AdminRequest(HttpMethod.Get, "/admin/jobs", token: null)),
            await http.SendAsync(AdminRequest(HttpMethod.Get, "/admin/jobs", token: "wrong")),
            await http.SendAsync(AdminRequest(HttpMethod.Get, "/admin/jobs", token: AdminToken + "x")),
            await http.SendAsync(AdminRequest(HttpMethod.Get, "/admin/jobs", scheme: "Basic")),
            await http.SendAsync(AdminRequest(HttpMethod.Post, "/admin/jobs/release-reminders/run", token: "wrong")),
            await http.SendAsync(AdminRequest(HttpMethod.Post, "/admin/jobs/nothing-like-it/run", token: null)),
        };
        var allowed = await http.SendAsync(AdminRequest(HttpMethod.Post, "/admin/jobs/timer-nudges/run"));

        Assert.All(refused, r => Assert.Equal(HttpStatusCode.Unauthorized, r.StatusCode));
        Assert.All(refused, r => Assert.Equal("Bearer", r.Headers.WwwAuthenticate.Single().Scheme));
        Assert.Equal(HttpStatusCode.OK, allowed.StatusCode);
        Assert.Equal(["timer-nudges"], await bot.QueryAsync(db => db.JobRuns.Where(r => r.Manual).Select(r => r.Job).ToListAsync()));
        Assert.NotEmpty(logs.Messages);
        Assert.DoesNotContain(logs.Messages, m => m.Contains(AdminToken, StringComparison.Ordinal));
    }

    [Fact]
    public async Task The_list_shows_each_job_with_what_it_does_its_schedule_its_next_run_and_its_last_run()
    {
        await using var bot = await BotFactory.CreateAsync(DbProvider.Sqlite, slack: null, Settings());
        using var http = bot.CreateClient();
        // Each job runs once when the scheduler starts.
        foreach (var name in JobNames.All)
        {
            await ScheduledRunsAsync(bot, name);
        }

        await bot.RunJobAsync(JobNames.DrillReminders);
        var response = await http.SendAsync(AdminRequest(HttpMethod.Get, "/admin/jobs"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var jobs = JsonNode.Parse(await response.Content.ReadAsStringAsync())!.AsArray();
        Assert.Equal(JobNames.All, jobs.Select(j => j!["name"]!.GetValue<string>()));
        Assert.Equal(JobNames.All.Select(n => n switch { JobNames.Outbox => "00:00:30", JobNames.SyntheticChecks => "00:02:00", _ => "01:00:00" }), jobs.Select(j => j!["every"]!.GetValue<string>()));
        Assert.All(jobs, j => Assert.False(string.IsNullOrWhiteSpace(j!["description"]!.GetValue<string>())));
        foreach (var job in jobs)
        {
            var next = DateTimeOffset.Parse(job!["nextRun"]!.GetValue<string>(), CultureInfo.InvariantCulture);
            Assert.InRange(next, DateTimeOffset.UtcNow, DateTimeOffset.UtcNow.AddHours(1).AddMinutes(1));
            Assert.Equal("ok", job["lastRun"]!["outcome"]!.GetValue<string>());
            Assert.Equal(JobRunner.Instance, job["lastRun"]!["instance"]!.GetValue<string>());
            Assert.True(DateTimeOffset.Parse(job["lastRun"]!["finishedAt"]!.GetValue<string>(), CultureInfo.InvariantCulture) >= DateTimeOffset.Parse(job["lastRun"]!["startedAt"]!.GetValue<string>(), CultureInfo.InvariantCulture));
        }

        // The last run is the newest: the drill reminders run just now was asked for.
        Assert.Equal(JobNames.All.Select(n => n == JobNames.DrillReminders), jobs.Select(j => j!["lastRun"]!["manual"]!.GetValue<bool>()));
    }

    [Fact]
    public async Task Running_release_reminders_now_posts_a_due_reminder_once_and_a_second_run_posts_nothing()
    {
        await using var slack = await FakeSlack.StartAsync();
        await using var bot = await BotFactory.CreateAsync(DbProvider.Sqlite, slack, Settings());
        using var http = bot.CreateClient();
        await ScheduledRunsAsync(bot, JobNames.ReleaseReminders);
        await http.SendAsync(BotFactory.Signed("/slack/commands", bot.CommandBody("cmdb", "add asset oven-2")));
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (await bot.QueryAsync(db => db.People.AnyAsync(p => p.TimeZone == "Europe/Paris")) is false && DateTime.UtcNow < deadline)
        {
            await Task.Delay(50);
        }

        var paris = TimeZoneInfo.FindSystemTimeZoneById("Europe/Paris");
        var soon = TimeZoneInfo.ConvertTime(DateTimeOffset.UtcNow.AddMinutes(20), paris).ToString("HH:mm", CultureInfo.InvariantCulture);
        await http.SendAsync(BotFactory.Signed("/slack/commands", bot.CommandBody("change", $"request swap the seal ci:oven-2 window:\"{soon}+1h\" risk:low type:standard rollback:\"refit the old seal\"")));

        var first = await http.SendAsync(AdminRequest(HttpMethod.Post, "/admin/jobs/release-reminders/run"));
        var second = await http.SendAsync(AdminRequest(HttpMethod.Post, "/admin/jobs/release-reminders/run"));
        await bot.DrainOutboxAsync();

        Assert.Equal((HttpStatusCode.OK, HttpStatusCode.OK), (first.StatusCode, second.StatusCode));
        var one = JsonNode.Parse(await first.Content.ReadAsStringAsync())!;
        var two = JsonNode.Parse(await second.Content.ReadAsStringAsync())!;
        Assert.Equal(("release-reminders", "ok", true), (one["job"]!.GetValue<string>(), one["outcome"]!.GetValue<string>(), one["manual"]!.GetValue<bool>()));
        Assert.Equal("""["CHG-1"]""", one["did"]!["reminded"]!.ToJsonString());
        Assert.Equal("Reminded CHG-1; expired none.", one["summary"]!.GetValue<string>());
        Assert.Equal("ok", two["outcome"]!.GetValue<string>());
        Assert.Equal("[]", two["did"]!["reminded"]!.ToJsonString());
        Assert.Single(slack.Messages, m => m.Text.StartsWith("⏰ CHG-1 swap the seal", StringComparison.Ordinal));
        Assert.Equal(2, await bot.QueryAsync(db => db.JobRuns.CountAsync(r => r.Job == JobNames.ReleaseReminders && r.Manual)));
    }

    [Fact]
    public async Task An_unknown_job_is_a_404_naming_the_jobs_there_are_and_runs_nothing()
    {
        await using var bot = await BotFactory.CreateAsync(DbProvider.Sqlite, slack: null, Settings());
        using var http = bot.CreateClient();

        var response = await http.SendAsync(AdminRequest(HttpMethod.Post, "/admin/jobs/no-such-job/run"));

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        var body = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
        Assert.Equal("There is no job no-such-job.", body["error"]!.GetValue<string>());
        Assert.Equal(JobNames.All, body["jobs"]!.AsArray().Select(j => j!.GetValue<string>()));
        Assert.Equal(0, await bot.QueryAsync(db => db.JobRuns.CountAsync(r => r.Manual)));
    }
}
