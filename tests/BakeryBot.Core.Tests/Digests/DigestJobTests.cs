using System.Data.Common;
using BakeryBot.Core.Chat;
using BakeryBot.Core.Data;
using BakeryBot.Core.Data.Outbox;
using BakeryBot.Core.Digests;
using BakeryBot.Core.Jobs;
using BakeryBot.Core.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.Extensions.DependencyInjection;

namespace BakeryBot.Core.Tests.Digests;

/// <summary>
/// The digest job on the fake clock: each subscription's digest goes out at its own Monday 09:00, once,
/// across clock changes, restarts and two instances. On each database.
/// </summary>
public abstract class DigestJobTests(DbProvider provider)
{
    private static readonly TimeSpan Minute = TimeSpan.FromMinutes(1);

    /// <summary>An app where Alice is a manager (the clock at Thu 26 Nov 2026 09:00Z, or <paramref name="at"/>).</summary>
    public static async Task<CoreTestApp> ManagerAsync(DbProvider provider, DateTimeOffset? at = null)
    {
        var app = await CoreTestApp.CreateAsync(provider);
        if (at is { } start)
        {
            app.Clock.SetUtcNow(start);
        }

        await app.SendAsync("bakery", "whoami");
        Assert.NotEqual(ReplyKind.Warning, (await app.SendAsync("bakery", "role add <@alice> manager", user: "admin")).Kind);
        return app;
    }

    /// <summary>Runs the digest job as the scheduler does; the channels it posted to.</summary>
    public static async Task<List<string>> RunAsync(CoreTestApp app)
    {
        var report = await app.Services.GetRequiredService<JobRunner>().RunAsync(JobNames.Digest, manual: false, CancellationToken.None);
        Assert.NotNull(report);
        Assert.Equal(JobOutcome.Ok, report.Outcome);
        return [.. (IReadOnlyList<string>)report.Result!.Did["posted"]];
    }

    /// <summary>The digests posted: channel, key and lead.</summary>
    public static Task<List<(string Channel, string Key, string Lead)>> PostsAsync(CoreTestApp app) =>
        app.QueryAsync(async db => (await db.Outbox.Include(o => o.PostedCard)
                .Where(o => o.Kind == OutboxKind.Post && o.PostedCard!.RecordType == DigestReminders.RecordType)
                .OrderBy(o => o.Id).Select(o => new { o.ChannelId, o.PostedCard!.RecordKey, o.Text }).ToListAsync())
            .Select(o => (o.ChannelId, o.RecordKey, o.Text)).ToList());

    private static async Task<string> SubscribeAsync(CoreTestApp app, string text)
    {
        var reply = await app.SendAsync("digest", text);
        Assert.NotEqual(ReplyKind.Warning, reply.Kind);
        return reply.Text;
    }

    [SkippableFact]
    public async Task The_digest_goes_out_at_monday_09_00_local_once()
    {
        await using var app = await ManagerAsync(provider);
        await SubscribeAsync(app, "subscribe weekly tz:Europe/Paris");
        var runs = new List<string>();
        async Task At(DateTimeOffset when)
        {
            app.Clock.SetUtcNow(when);
            runs.Add(string.Join(",", await RunAsync(app)));
        }

        var monday = new DateTimeOffset(2026, 11, 30, 8, 0, 0, TimeSpan.Zero); // 09:00 in Paris (UTC+1)
        await At(CoreTestApp.Start.AddHours(1));
        await At(monday - Minute);
        await At(monday);
        await At(monday.AddMinutes(5));
        await At(monday.AddDays(1));
        await At(monday.AddDays(7) - Minute);
        await At(monday.AddDays(7));

        // A new subscription has not had this week's digest (of last week): the next run posts it.
        Assert.Equal(["test:C1", "", "test:C1", "", "", "", "test:C1"], runs);
        var posts = await PostsAsync(app);
        var id = await app.QueryAsync(db => db.DigestSubscriptions.Select(s => s.Id).SingleAsync());
        Assert.Equal(
            [
                ("C1", DigestReminders.Key(id, monday.AddDays(-7)), "📊 Weekly digest, 16 Nov 2026 – 22 Nov 2026"),
                ("C1", DigestReminders.Key(id, monday), "📊 Weekly digest, 23 Nov 2026 – 29 Nov 2026"),
                ("C1", DigestReminders.Key(id, monday.AddDays(7)), "📊 Weekly digest, 30 Nov 2026 – 6 Dec 2026"),
            ],
            posts);
        var subscription = await app.QueryAsync(db => db.DigestSubscriptions.SingleAsync());
        Assert.Equal((monday.AddDays(14), monday.AddDays(7)), (subscription.NextDueAt, subscription.LastPeriodStart));
    }

    [SkippableFact]
    public async Task Tokyo_and_new_york_each_get_theirs_at_their_own_monday_09_00()
    {
        await using var app = await ManagerAsync(provider);
        await SubscribeAsync(app, "subscribe weekly <#C7> tz:Asia/Tokyo");
        await SubscribeAsync(app, "subscribe weekly <#C8> tz:America/New_York");
        var runs = new List<string>();
        async Task At(int day, int hour, int minute = 0)
        {
            app.Clock.SetUtcNow(new DateTimeOffset(2026, 11, day, hour, minute, 0, TimeSpan.Zero));
            runs.Add(string.Join(",", await RunAsync(app)));
        }

        await At(29, 23, 59); // Sun 23:59Z
        await At(30, 0); // Mon 09:00 in Tokyo
        await At(30, 13, 59);
        await At(30, 14); // Mon 09:00 in New York (EST)
        await At(30, 14, 5);

        // Both subscribed on Thursday: the first run posts both last week's digest, then each at its own Monday 09:00.
        Assert.Equal(["test:C7,test:C8", "test:C7", "", "test:C8", ""], runs);
        Assert.Equal(["C7", "C8", "C7", "C8"], (await PostsAsync(app)).Select(p => p.Channel));
    }

    [SkippableTheory]
    [InlineData("America/New_York", "2027-03-08T14:00:00Z", "2027-03-15T13:00:00Z", "1 Mar 2027 – 7 Mar 2027", "8 Mar 2027 – 14 Mar 2027")] // DST from Sun 14 Mar
    [InlineData("Europe/Paris", "2027-03-22T08:00:00Z", "2027-03-29T07:00:00Z", "15 Mar 2027 – 21 Mar 2027", "22 Mar 2027 – 28 Mar 2027")] // DST from Sun 28 Mar
    [InlineData("America/New_York", "2027-11-01T13:00:00Z", "2027-11-08T14:00:00Z", "25 Oct 2027 – 31 Oct 2027", "1 Nov 2027 – 7 Nov 2027")] // back to EST on Sun 7 Nov
    public async Task Monday_09_00_follows_the_clock_change(string zone, string first, string second, string firstWeek, string secondWeek)
    {
        var (a, b) = (DateTimeOffset.Parse(first, System.Globalization.CultureInfo.InvariantCulture), DateTimeOffset.Parse(second, System.Globalization.CultureInfo.InvariantCulture));
        await using var app = await ManagerAsync(provider, a.AddDays(-3));
        await SubscribeAsync(app, $"subscribe weekly tz:{zone}");
        var runs = new List<string>();
        foreach (var when in new[] { a - Minute, a, a.AddMinutes(5), b - Minute, b, b.AddHours(1) })
        {
            app.Clock.SetUtcNow(when);
            runs.Add(string.Join(",", await RunAsync(app)));
        }

        // The first run posts the week before (the subscription is new), then one at each Monday 09:00.
        Assert.Equal(["test:C1", "test:C1", "", "", "test:C1", ""], runs);
        Assert.Equal([$"📊 Weekly digest, {firstWeek}", $"📊 Weekly digest, {secondWeek}"], (await PostsAsync(app)).Skip(1).Select(p => p.Lead));
    }

    [SkippableFact]
    public async Task Moving_a_subscription_to_another_zone_neither_posts_a_week_twice_nor_skips_one()
    {
        await using var app = await ManagerAsync(provider);
        await SubscribeAsync(app, "subscribe weekly <#C7> tz:Asia/Tokyo");
        await SubscribeAsync(app, "subscribe weekly <#C8> tz:America/New_York");
        await RunAsync(app); // last week's, to both
        var runs = new List<string>();
        async Task At(int day, int hour, string? move = null)
        {
            app.Clock.SetUtcNow(new DateTimeOffset(2026, 11, day, hour, 0, 0, TimeSpan.Zero));
            if (move is not null)
            {
                await SubscribeAsync(app, move);
            }

            runs.Add(string.Join(",", await RunAsync(app)));
        }

        await At(30, 0); // Mon 09:00 in Tokyo: C7 gets the week of 23-29 Nov
        // Tokyo to New York at 01:00Z: New York's Monday 09:00 (14:00Z) is still to come, but that week was posted.
        await At(30, 1, "subscribe weekly <#C7> tz:America/New_York");
        // New York to Tokyo at 03:00Z: Tokyo's Monday 09:00 has passed and C8 has not had this week's: at once.
        await At(30, 3, "subscribe weekly <#C8> tz:Asia/Tokyo");
        await At(30, 14);
        await At(30, 15);

        Assert.Equal(["test:C7", "", "test:C8", "", ""], runs);
        var posts = await PostsAsync(app);
        Assert.Equal(
            [("C7", "📊 Weekly digest, 16 Nov 2026 – 22 Nov 2026"), ("C8", "📊 Weekly digest, 16 Nov 2026 – 22 Nov 2026"), ("C7", "📊 Weekly digest, 23 Nov 2026 – 29 Nov 2026"), ("C8", "📊 Weekly digest, 23 Nov 2026 – 29 Nov 2026")],
            posts.Select(p => (p.Channel, p.Lead)));
        var next = await app.QueryAsync(db => db.DigestSubscriptions.OrderBy(s => s.ChannelId).Select(s => s.NextDueAt).ToListAsync());
        Assert.Equal([new DateTimeOffset(2026, 12, 7, 14, 0, 0, TimeSpan.Zero), new DateTimeOffset(2026, 12, 7, 0, 0, 0, TimeSpan.Zero)], next);
    }

    [SkippableFact]
    public async Task Across_a_clock_change_the_week_before_and_the_sparkline_weeks_are_local_weeks()
    {
        // Paris: the week of 22-28 Mar 2027 has 167 hours. An incident at Mon 15 Mar 00:30 local (14 Mar 23:30Z)
        // is in the local week before it, and one at Sun 14 Mar 23:30 local in the week before that.
        await using var app = await ManagerAsync(provider, new DateTimeOffset(2027, 3, 14, 22, 30, 0, TimeSpan.Zero));
        await app.SendAsync("incident", "late oven sev3");
        app.Clock.SetUtcNow(new DateTimeOffset(2027, 3, 14, 23, 30, 0, TimeSpan.Zero));
        await app.SendAsync("incident", "early oven sev3");
        var paris = TimeZoneInfo.FindSystemTimeZoneById("Europe/Paris");
        var (from, to) = DigestSchedule.WeekBefore(new DateTimeOffset(2027, 3, 29, 7, 0, 0, TimeSpan.Zero), paris);
        app.Clock.SetUtcNow(new DateTimeOffset(2027, 3, 29, 7, 0, 0, TimeSpan.Zero));

        await using var scope = app.Services.CreateAsyncScope();
        var digest = await scope.ServiceProvider.GetRequiredService<DigestService>().BuildAsync(1, from, to, paris, CancellationToken.None);

        Assert.Equal(167, (to - from).TotalHours);
        Assert.Equal(1, digest.Previous.Count);
        Assert.Equal(new DateTimeOffset(2027, 3, 14, 23, 0, 0, TimeSpan.Zero), digest.PreviousFrom);
        // The sparkline's weeks start at each local Monday midnight: 168 hours apart, but the last 167.
        Assert.Equal([0, 0, 0, 0, 0, 1, 1, 0], digest.Weeks.Select(w => w.Incidents));
        Assert.Equal(new DateTimeOffset(2027, 3, 7, 23, 0, 0, TimeSpan.Zero), digest.Weeks[5].From);
    }

    [SkippableFact]
    public async Task A_restart_after_three_missed_mondays_posts_one_digest()
    {
        await using var app = await ManagerAsync(provider);
        await SubscribeAsync(app, "subscribe weekly tz:Europe/Paris");

        // The bot was down over Mondays 30 Nov, 7 Dec and 14 Dec; it comes back on Thu 17 Dec.
        var back = new DateTimeOffset(2026, 12, 17, 10, 0, 0, TimeSpan.Zero);
        await using var restarted = app.AnotherInstance();
        restarted.Clock.SetUtcNow(back);
        var first = await RunAsync(restarted);
        var again = await RunAsync(restarted);
        app.Clock.SetUtcNow(back);
        var elsewhere = await RunAsync(app);

        Assert.Equal(["test:C1"], first);
        Assert.Empty(again);
        Assert.Empty(elsewhere);
        var posts = await PostsAsync(app);
        var single = Assert.Single(posts);
        Assert.Equal("📊 Weekly digest, 7 Dec 2026 – 13 Dec 2026", single.Lead);
        var subscription = await app.QueryAsync(db => db.DigestSubscriptions.SingleAsync());
        Assert.Equal(new DateTimeOffset(2026, 12, 21, 8, 0, 0, TimeSpan.Zero), subscription.NextDueAt);
        Assert.Equal(new DateTimeOffset(2026, 12, 14, 8, 0, 0, TimeSpan.Zero), subscription.LastPeriodStart);
    }

    [SkippableFact]
    public async Task Two_instances_running_the_job_at_once_post_once()
    {
        await using var app = await ManagerAsync(provider);
        await SubscribeAsync(app, "subscribe weekly tz:Europe/Paris");
        var monday = new DateTimeOffset(2026, 11, 30, 8, 0, 0, TimeSpan.Zero);
        app.Clock.SetUtcNow(monday);

        // The slow instance has read the subscription as due and built the digest; as it begins its claim,
        // the other instance runs the whole job.
        List<string>? fast = null;
        var hook = new BeforeClaim(async () => fast = await RunAsync(app));
        await using var slow = app.AnotherInstanceWithTransactionHook(hook);
        slow.Clock.SetUtcNow(monday);
        var slowPosted = await RunAsync(slow);

        Assert.Equal(["test:C1"], fast);
        Assert.Empty(slowPosted);
        Assert.Single(await PostsAsync(app));
        Assert.Equal(1, await app.QueryAsync(db => db.Outbox.CountAsync()));
    }

    /// <summary>Runs an action once, when the digest job's unit of work begins the transaction of its claim.</summary>
    private sealed class BeforeClaim(Func<Task> action) : DbTransactionInterceptor
    {
        private Func<Task>? _action = action;

        public override async ValueTask<InterceptionResult<DbTransaction>> TransactionStartingAsync(
            DbConnection connection, TransactionStartingEventData eventData, InterceptionResult<DbTransaction> result, CancellationToken cancellationToken = default)
        {
            if (eventData.Context is BakeryDbContext && Interlocked.Exchange(ref _action, null) is { } action)
            {
                await action();
            }

            return result;
        }
    }
}

public sealed class SqliteDigestJobTests() : DigestJobTests(DbProvider.Sqlite);

public sealed class PostgresDigestJobTests() : DigestJobTests(DbProvider.Postgres);
