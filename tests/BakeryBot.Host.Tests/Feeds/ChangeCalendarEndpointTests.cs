using System.Net;
using System.Net.Http.Headers;
using System.Text.Json.Nodes;
using BakeryBot.Core.Changes;
using BakeryBot.Core.Tests.Infrastructure;
using BakeryBot.Host.Feeds;
using BakeryBot.Host.Tests.Infrastructure;
using Ical.Net;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using static BakeryBot.Core.Tests.Changes.ChangeCalendarSamples;

namespace BakeryBot.Host.Tests.Feeds;

/// <summary>
/// <c>GET /calendar/changes.ics?token=...</c> end to end: the link asked for with a signed Slack
/// <c>/change calendar</c>, changes and freezes written to the database, and the feed read back the
/// way a calendar app reads it.
/// </summary>
public abstract class ChangeCalendarEndpointTests(DbProvider provider)
{
    private const string OtherTeam = "T0OTHER";

    [SkippableFact]
    public async Task A_link_from_slack_serves_the_workspaces_calendar_which_parses_back_and_repeats_as_not_modified()
    {
        var logs = new LogCapture();
        // Everything ASP.NET Core has to say, to show that even then the token is not in the logs.
        var verbose = new Dictionary<string, string?> { ["Logging:LogLevel:Default"] = "Trace", ["Logging:LogLevel:Microsoft.AspNetCore"] = "Trace" };
        await using var slack = await FakeSlack.StartAsync();
        await using var bot = await BotFactory.CreateAsync(provider, slack, verbose, s => s.AddSingleton<ILoggerProvider>(logs));
        using var http = bot.CreateClient();
        await http.SendAsync(BotFactory.Signed("/slack/commands", bot.CommandBody("cmdb", "add asset oven-2")));
        var (path, token) = await LinkAsync(bot, http);
        var who = await bot.QueryAsync(db => WhoAsync(db, "slack", BotFactory.Team, "U0ALICE"));
        var start = new DateTimeOffset(DateTime.UtcNow.Date.AddDays(2).AddHours(6), TimeSpan.Zero);
        await bot.QueryAsync(async db =>
        {
            await AddChangeAsync(db, who, 1, "Swap the thermostat of oven 2", ChangeState.Pending, start, TimeSpan.FromHours(2), null, "oven-2");
            await AddChangeAsync(db, who, 2, "Upgrade the POS app", ChangeState.Approved, start.AddDays(1), TimeSpan.FromHours(3), c => c.Version = 2);
            await AddChangeAsync(db, who, 3, "Repaint the shop", ChangeState.Cancelled, start.AddDays(2), TimeSpan.FromHours(1));
            await AddFreezeAsync(db, who, "Christmas rush", start.AddDays(20), start.AddDays(40));
            return 0;
        });

        var response = await http.GetAsync(path);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/calendar; charset=utf-8", response.Content.Headers.ContentType?.ToString());
        Assert.Equal((true, TimeSpan.FromMinutes(5)), (response.Headers.CacheControl?.Private, response.Headers.CacheControl?.MaxAge));
        var etag = response.Headers.ETag;
        Assert.NotNull(etag);
        var ics = await response.Content.ReadAsStringAsync();
        var calendar = Calendar.Load(ics)!;
        Assert.Equal("Changes: bakery", calendar.Properties["X-WR-CALNAME"]?.Value);
        var events = calendar.Events.ToDictionary(e => e.Uid!);
        Assert.Equal(
            [$"chg-{who.TenantId}-1@bakerybot", $"chg-{who.TenantId}-2@bakerybot", $"chg-{who.TenantId}-3@bakerybot", $"freeze-{who.TenantId}-1@bakerybot"],
            events.Keys.Order(StringComparer.Ordinal));
        var first = events[$"chg-{who.TenantId}-1@bakerybot"];
        Assert.Equal("CHG-1: Swap the thermostat of oven 2", first.Summary);
        Assert.Equal((start.UtcDateTime, start.AddHours(2).UtcDateTime), (first.DtStart!.AsUtc, first.DtEnd!.AsUtc));
        Assert.True(first.DtStart.IsUtc && first.DtEnd.IsUtc);
        Assert.Equal(EventStatus.Tentative, first.Status);
        Assert.Contains("CIs: oven-2", first.Description, StringComparison.Ordinal);
        Assert.Equal((EventStatus.Confirmed, 2), (events[$"chg-{who.TenantId}-2@bakerybot"].Status, events[$"chg-{who.TenantId}-2@bakerybot"].Sequence));
        Assert.Equal(EventStatus.Cancelled, events[$"chg-{who.TenantId}-3@bakerybot"].Status);
        var freeze = events[$"freeze-{who.TenantId}-1@bakerybot"];
        Assert.Equal(("Change freeze: Christmas rush", TransparencyType.Opaque), (freeze.Summary, freeze.Transparency));

        // A calendar app that kept the feed asks with its tag: nothing changed, nothing is sent.
        var again = new HttpRequestMessage(HttpMethod.Get, path);
        again.Headers.IfNoneMatch.Add(etag);
        var notModified = await http.SendAsync(again);
        Assert.Equal(HttpStatusCode.NotModified, notModified.StatusCode);
        Assert.Equal(etag, notModified.Headers.ETag);
        Assert.Empty(await notModified.Content.ReadAsByteArrayAsync());

        // A change moves the tag.
        await bot.QueryAsync(async db =>
        {
            (await db.Changes.SingleAsync(c => c.TenantId == who.TenantId && c.Number == 1)).State = ChangeState.Approved;
            return await db.SaveChangesAsync();
        });
        var moved = new HttpRequestMessage(HttpMethod.Get, path);
        moved.Headers.IfNoneMatch.Add(etag);
        var changed = await http.SendAsync(moved);
        Assert.Equal(HttpStatusCode.OK, changed.StatusCode);
        Assert.NotEqual(etag, changed.Headers.ETag);

        Assert.NotNull(await bot.QueryAsync(db => db.CalendarTokens.Select(t => t.LastUsedAt).SingleAsync()));
        Assert.Contains(logs.Messages, m => m.Contains("/calendar/changes.ics", StringComparison.Ordinal));
        Assert.DoesNotContain(logs.Messages, m => m.Contains(token, StringComparison.Ordinal));
        Assert.DoesNotContain(token, await bot.QueryAsync(StoredText.AllAsync), StringComparison.Ordinal);
    }

    [SkippableFact]
    public async Task Missing_unknown_revoked_or_doubled_tokens_are_a_plain_401()
    {
        await using var slack = await FakeSlack.StartAsync();
        await using var bot = await BotFactory.CreateAsync(provider, slack);
        using var http = bot.CreateClient();
        var (path, token) = await LinkAsync(bot, http);
        var (_, bobs) = await LinkAsync(bot, http, user: "U0BOB");

        var revoke = await http.SendAsync(BotFactory.Signed("/slack/commands", bot.CommandBody("change", "calendar revoke")));
        Assert.Contains("is revoked", await revoke.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        foreach (var refused in new[]
                 {
                     path,
                     CalendarEndpoints.ChangesPath,
                     CalendarEndpoints.ChangesPath + "?token=",
                     CalendarEndpoints.ChangesPath + "?token=" + token[..^2] + "xy",
                     CalendarEndpoints.ChangesPath + $"?token={bobs}&token={bobs}",
                 })
        {
            var response = await http.GetAsync(refused);
            Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
            Assert.Equal("text/plain; charset=utf-8", response.Content.Headers.ContentType?.ToString());
            Assert.Equal("Unknown or revoked calendar link. Ask for a new one with /change calendar.", await response.Content.ReadAsStringAsync());
            Assert.True(response.Headers.CacheControl?.NoStore);
        }

        Assert.All(await bot.QueryAsync(db => db.CalendarTokens.Select(t => t.LastUsedAt).ToListAsync()), Assert.Null);
        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync(CalendarEndpoints.ChangesPath + "?token=" + bobs)).StatusCode);
    }

    [SkippableFact]
    public async Task A_new_link_stops_the_old_one()
    {
        await using var slack = await FakeSlack.StartAsync();
        await using var bot = await BotFactory.CreateAsync(provider, slack);
        using var http = bot.CreateClient();
        var (oldPath, _) = await LinkAsync(bot, http);

        var (newPath, _) = await LinkAsync(bot, http, expect: "It replaces your previous link, which no longer works");

        Assert.Equal(HttpStatusCode.Unauthorized, (await http.GetAsync(oldPath)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync(newPath)).StatusCode);
    }

    [SkippableFact]
    public async Task A_link_of_one_workspace_never_shows_anothers_changes()
    {
        await using var slack = await FakeSlack.StartAsync();
        await using var bot = await BotFactory.CreateAsync(provider, slack);
        using var http = bot.CreateClient();
        var (ours, _) = await LinkAsync(bot, http);
        var (theirs, _) = await LinkAsync(bot, http, team: OtherTeam);
        var us = await bot.QueryAsync(db => WhoAsync(db, "slack", BotFactory.Team, "U0ALICE"));
        var them = await bot.QueryAsync(db => WhoAsync(db, "slack", OtherTeam, "U0ALICE"));
        Assert.NotEqual(us.TenantId, them.TenantId);
        var start = new DateTimeOffset(DateTime.UtcNow.Date.AddDays(3), TimeSpan.Zero);
        await bot.QueryAsync(async db =>
        {
            await AddChangeAsync(db, us, 1, "Our change", ChangeState.Approved, start, TimeSpan.FromHours(1));
            await AddFreezeAsync(db, us, "Our freeze", start.AddDays(1), start.AddDays(2));
            await AddChangeAsync(db, them, 1, "Their change", ChangeState.Approved, start, TimeSpan.FromHours(1));
            await AddChangeAsync(db, them, 2, "Their other change", ChangeState.Pending, start.AddDays(1), TimeSpan.FromHours(1));
            await AddFreezeAsync(db, them, "Their freeze", start.AddDays(1), start.AddDays(2));
            return 0;
        });

        var ourFeed = await http.GetStringAsync(ours);
        var theirFeed = await http.GetStringAsync(theirs);

        Assert.Equal(["CHG-1: Our change", "Change freeze: Our freeze"], Calendar.Load(ourFeed)!.Events.Select(e => e.Summary));
        Assert.DoesNotContain("Their", ourFeed, StringComparison.Ordinal);
        Assert.Equal(["CHG-1: Their change", "CHG-2: Their other change", "Change freeze: Their freeze"], Calendar.Load(theirFeed)!.Events.Select(e => e.Summary));
        Assert.DoesNotContain("Our", theirFeed, StringComparison.Ordinal);
        Assert.DoesNotContain(Calendar.Load(ourFeed)!.Events.Select(e => e.Uid), uid => Calendar.Load(theirFeed)!.Events.Any(e => e.Uid == uid));
    }

    [SkippableFact]
    public async Task In_a_teams_channel_no_link_is_made_or_shown()
    {
        await using var bed = await TeamsTestBed.StartAsync(provider);

        await bed.SendAsync(bed.Message("change calendar"));

        await bed.Bot.DrainOutboxAsync();
        var reply = Assert.Single(bed.Connector.Activities, a => a.ReplyToId is not null);
        Assert.Contains("seen by everyone", reply.Body["text"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.DoesNotContain("token=", reply.Body.ToJsonString(), StringComparison.Ordinal);
        Assert.Equal(0, await bed.Bot.QueryAsync(db => db.CalendarTokens.CountAsync()));
    }

    /// <summary>Asks for a link the way a person does, a signed <c>/change calendar</c>; the path to fetch and the token.</summary>
    private static async Task<(string Path, string Token)> LinkAsync(BotFactory bot, HttpClient http, string user = "U0ALICE", string team = BotFactory.Team, string? expect = null)
    {
        var body = bot.CommandBody("change", "calendar", user: user).Replace($"team_id={BotFactory.Team}", $"team_id={team}", StringComparison.Ordinal);
        var response = await http.SendAsync(BotFactory.Signed("/slack/commands", body));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var text = JsonNode.Parse(await response.Content.ReadAsStringAsync())!["text"]!.GetValue<string>();
        var token = TokenIn(text);
        Assert.Contains($"http://localhost:5080/calendar/changes.ics?token={token}\n", text, StringComparison.Ordinal);
        if (expect is not null)
        {
            Assert.Contains(expect, text, StringComparison.Ordinal);
        }

        return ($"/calendar/changes.ics?token={token}", token);
    }
}

public sealed class SqliteChangeCalendarEndpointTests() : ChangeCalendarEndpointTests(DbProvider.Sqlite);

public sealed class PostgresChangeCalendarEndpointTests() : ChangeCalendarEndpointTests(DbProvider.Postgres);
