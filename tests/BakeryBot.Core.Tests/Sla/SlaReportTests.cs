using BakeryBot.Core.Chat;
using BakeryBot.Core.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace BakeryBot.Core.Tests.Sla;

/// <summary>
/// <c>/sla report</c> end to end on each database, against hand-worked examples. The fake clock starts
/// on Thursday 26 November 2026, 09:00 UTC; November has 30 days (720 hours).
/// </summary>
public abstract class SlaReportTests(DbProvider provider)
{
    private static readonly DateTimeOffset T = CoreTestApp.Start;

    [SkippableFact]
    public async Task Uptime_is_measured_from_sev1_and_sev2_downtime_through_the_cmdb_overlaps_once_and_clipped_to_the_month()
    {
        await using var app = await CoreTestApp.CreateAsync(provider);
        await SetUpAsync(app,
            "cmdb add service cookie-shop tier:1 uptime:99.9", "cmdb add service bread tier:2 uptime:99.5", "cmdb add asset oven-2",
            "cmdb add service cake tier:2", "cmdb link bread runs-on oven-2");

        await At(app, Nov(27, 10), "burnt cookies sev1 ci:cookie-shop"); // INC-1: three hours down
        await At(app, Nov(27, 13), "mitigate INC-1");
        await At(app, Nov(27, 15), "resolve INC-1"); // mitigated is when the downtime ended
        await At(app, Nov(28, 10), "oven cold sev2 ci:oven-2"); // INC-2: bread runs on oven-2
        await At(app, Nov(28, 11), "no bread sev1 ci:bread"); // INC-3 overlaps INC-2: 10:00-12:30 counts once
        await At(app, Nov(28, 12), "resolve INC-2");
        await At(app, Nov(28, 12, 30), "mitigate INC-3");
        await At(app, Nov(29, 8), "pale crust sev3 ci:bread"); // INC-4: SEV3 is no downtime
        await At(app, Nov(29, 13), "resolve INC-4");
        await At(app, Nov(30, 23), "late bread sev2 ci:oven-2"); // INC-5: one hour in November, two in December
        await At(app, Dec(1, 2), "resolve INC-5");
        app.Clock.SetUtcNow(Dec(1, 3));

        foreach (var month in new[] { "november", "2026-11", "last", "nov" })
        {
            var card = await ReportAsync(app, month);

            Assert.Equal("Service levels, November 2026", card.Title);
            Assert.Equal(CardAccent.Danger, card.Accent);
            Assert.Equal(
                [new CardField("Period", "1 Nov 2026 – 30 Nov 2026 (UTC)"), new CardField("Commitments", "1 missed, 1 met")],
                Assert.IsType<FieldsSection>(card.Sections[0]).Fields);
            // 3 h of 720: 1 − 3/720 = 99.58333%; 99.9% allows 0.72 h (43.2 minutes).
            Assert.Equal("cookie-shop · service · tier 1\nUptime 99.5833% against 99.9%: missed\nDowntime 3 hours · error budget 43 minutes", Text(card, 1));
            // 2.5 h (overlap once) + 1 h (clipped at the month's end) = 3.5 h: 1 − 3.5/720 = 99.51389%; 99.5% allows 3.6 h.
            Assert.Equal("bread · service · tier 2\nUptime 99.5138% against 99.5%: met\nDowntime 3 hours, 30 minutes · error budget 3 hours, 36 minutes", Text(card, 2));
            Assert.Equal(3, card.Sections.Count); // cake promises nothing: not reported
        }

        // December so far (3 hours): INC-5's two hours after midnight; December's 744 hours allow 0.744 h and 3.72 h.
        var soFar = await ReportAsync(app, null);
        Assert.Equal("Service levels, December 2026 so far", soFar.Title);
        Assert.Equal(
            [new CardField("Period", "1 Dec 2026 – 1 Dec 2026 03:00 (UTC)"), new CardField("Commitments", "0 missed, 2 within budget so far")],
            Assert.IsType<FieldsSection>(soFar.Sections[0]).Fields);
        Assert.Equal(
            "cookie-shop · service · tier 1\nUptime so far 100% against 99.9%: within the month's error budget\nNo downtime so far · error budget 44 minutes for the month, 44 minutes left",
            Text(soFar, 1));
        Assert.Equal(
            "bread · service · tier 2\nUptime so far 33.3333% against 99.5%: within the month's error budget\nDowntime so far 2 hours · error budget 3 hours, 43 minutes for the month, 1 hour, 43 minutes left",
            Text(soFar, 2));
        Assert.Equal(CardAccent.Success, soFar.Accent);
    }

    [SkippableFact]
    public async Task An_outage_begun_last_month_and_still_open_counts_from_the_first_of_this_month_and_one_ended_then_does_not()
    {
        await using var app = await CoreTestApp.CreateAsync(provider);
        await SetUpAsync(app, "cmdb add service cookie-shop tier:1 uptime:99.9");

        await At(app, Nov(30, 21), "crumbs everywhere sev2 ci:cookie-shop"); // INC-1: down until 23:00 on 30 Nov
        await At(app, Nov(30, 22), "burnt cookies sev1 ci:cookie-shop"); // INC-2: still down
        await At(app, Nov(30, 23), "mitigate INC-1");
        app.Clock.SetUtcNow(Dec(1, 3));

        var soFar = await ReportAsync(app, null);

        Assert.StartsWith("cookie-shop · service · tier 1\nUptime so far 0% against 99.9%", Text(soFar, 1), StringComparison.Ordinal);
        Assert.Contains("Downtime so far 3 hours ·", Text(soFar, 1), StringComparison.Ordinal);
    }

    [SkippableFact]
    public async Task Acknowledge_and_resolve_breaches_are_listed_per_service_with_the_severity_target_first_and_open_ones_growing()
    {
        await using var app = await CoreTestApp.CreateAsync(provider);
        await SetUpAsync(app,
            "cmdb add service cookie-shop tier:1", "cmdb add asset oven-2", "cmdb add service bread tier:3", "cmdb link cookie-shop runs-on oven-2",
            "sla set cookie-shop sev1 ack:5m resolve:2h", "sla set cookie-shop ack:30m resolve:8h");

        await At(app, Nov(26, 10), "burnt cookies sev1 ci:cookie-shop"); // INC-1: acknowledged 10 minutes late, resolved in time
        await At(app, Nov(26, 10, 15), "ack INC-1");
        await At(app, Nov(26, 11), "resolve INC-1");
        await At(app, Nov(26, 11, 10), "crumbs sev3 ci:cookie-shop"); // INC-2: resolving in 10 minutes was the first response
        await At(app, Nov(26, 11, 20), "resolve INC-2");
        await At(app, Nov(26, 12), "oven cold sev3 ci:oven-2"); // INC-3: on the oven the shop runs on; resolved 2 hours late
        await At(app, Nov(26, 12, 20), "ack INC-3");
        await At(app, Nov(26, 13), "no bread sev1 ci:bread"); // INC-4: bread has no targets
        await At(app, Nov(26, 22), "resolve INC-3");
        await At(app, Nov(27, 9), "till down sev2 ci:cookie-shop"); // INC-5: nobody has acknowledged it
        app.Clock.SetUtcNow(Nov(27, 12));

        var card = await ReportAsync(app, null);

        Assert.Equal(CardAccent.Warning, card.Accent);
        Assert.Equal(
            [
                new CardField("Period", "1 Nov 2026 – 27 Nov 2026 12:00 (UTC)"), new CardField("Commitments", "none set"),
                new CardField("SLA breaches", "3 (cookie-shop 3)"),
            ],
            Assert.IsType<FieldsSection>(card.Sections[0]).Fields);
        Assert.Equal(
            "cookie-shop · service · tier 1\n" +
            "SLA breaches: 3 (2 acknowledge, 1 resolve)\n" +
            "• INC-1 · SEV1 · acknowledged 10 minutes late (target 5 minutes)\n" +
            "• INC-3 · SEV3 · resolved 2 hours late (target 8 hours)\n" +
            "• INC-5 · SEV2 · not acknowledged yet: 2 hours, 30 minutes over the target of 30 minutes",
            Text(card, 1));
        Assert.Equal(2, card.Sections.Count);

        // An hour later the open one is an hour further over (and 4 hours in, still within its 8 to resolve).
        app.Clock.SetUtcNow(Nov(27, 13));
        Assert.Contains("• INC-5 · SEV2 · not acknowledged yet: 3 hours, 30 minutes over the target of 30 minutes", Text(await ReportAsync(app, null), 1), StringComparison.Ordinal);
    }

    [SkippableFact]
    public async Task Third_parties_owe_the_credit_of_the_lowest_threshold_their_uptime_fell_below()
    {
        await using var app = await CoreTestApp.CreateAsync(provider);
        await SetUpAsync(app,
            "cmdb add cloud region-1 third-party:true vendor:acme uptime:99.9 credit:\"99.9:10,99:25\" fee:\"1000 EUR\"",
            "cmdb add cloud region-2 third-party:true vendor:acme uptime:99.9",
            "sla set region-2 credit:\"99.9:10,99:25\" fee:\"1000 EUR\"",
            "cmdb add software pay-api third-party:true vendor:payco uptime:99.5 credit:\"99.5:10,99:20\"",
            "cmdb add cloud region-3 third-party:true uptime:99.9 credit:99.9:10 fee:500",
            "cmdb add asset oven-9 uptime:99");

        await At(app, Nov(27, 10), "region-1 down sev1 ci:region-1"); // 1 h: 99.8611% < 99.9
        await At(app, Nov(27, 11), "mitigate INC-1");
        await At(app, Nov(28, 0), "region-2 down sev2 ci:region-2"); // 8 h: 98.8888% < 99
        await At(app, Nov(28, 8), "resolve INC-2");
        await At(app, Nov(29, 10), "payments down sev1 ci:pay-api"); // 4 h: 99.4444% < 99.5, not < 99
        await At(app, Nov(29, 14), "resolve INC-3");
        await At(app, Nov(29, 15), "oven-9 cold sev1 ci:oven-9");
        app.Clock.SetUtcNow(Dec(1, 9));

        var card = await ReportAsync(app, "last");

        Assert.Equal(CardAccent.Danger, card.Accent);
        Assert.Equal(
            [
                new CardField("Period", "1 Nov 2026 – 30 Nov 2026 (UTC)"), new CardField("Commitments", "3 missed, 1 met"),
                new CardField("Service credits", "350 EUR, 1 in percent only (no fee set)"),
            ],
            Assert.IsType<FieldsSection>(card.Sections[0]).Fields);
        Assert.Equal(
            "pay-api · software · third party (payco)\nUptime 99.4444% against 99.5%: missed\nDowntime 4 hours · error budget 3 hours, 36 minutes\n" +
            "Service credit: 10% of the monthly fee (uptime below 99.5%); no fee is set, add one with /sla set pay-api fee:\"1000 EUR\"",
            Text(card, 1));
        Assert.Equal(
            "region-1 · cloud · third party (acme)\nUptime 99.8611% against 99.9%: missed\nDowntime 1 hour · error budget 43 minutes\n" +
            "Service credit: 100 EUR owed (10% of the 1,000 EUR monthly fee; uptime below 99.9%)",
            Text(card, 2));
        Assert.EndsWith("Service credit: 250 EUR owed (25% of the 1,000 EUR monthly fee; uptime below 99%)", Text(card, 3), StringComparison.Ordinal);
        Assert.Equal(
            "region-3 · cloud · third party\nUptime 100% against 99.9%: met\nNo downtime · error budget 43 minutes\nService credit: no credit (below 99.9%: 10%)",
            Text(card, 4));
        Assert.Equal(5, card.Sections.Count); // oven-9 is ours and has no credit rule
    }

    [SkippableFact]
    public async Task Months_are_the_tenants_calendar_months()
    {
        await using var app = await CoreTestApp.CreateAsync(provider);
        await SetUpAsync(app, "cmdb add service cookie-shop tier:1 uptime:99.9");
        await app.QueryAsync(db => db.Tenants.Where(t => t.ExternalId == "T1").ExecuteUpdateAsync(s => s.SetProperty(t => t.TimeZone, "Europe/Paris")));

        // 23:00-00:30 in Paris: an hour in November, half an hour in December.
        await At(app, Nov(30, 22), "burnt cookies sev1 ci:cookie-shop");
        await At(app, Nov(30, 23, 30), "mitigate INC-1");
        app.Clock.SetUtcNow(Dec(1, 1));

        var november = await ReportAsync(app, "november");
        Assert.Equal(new CardField("Period", "1 Nov 2026 – 30 Nov 2026 (Europe/Paris)"), Assert.IsType<FieldsSection>(november.Sections[0]).Fields[0]);
        Assert.Contains("Downtime 1 hour · error budget 43 minutes", Text(november, 1), StringComparison.Ordinal);

        // December in Paris began at 23:00 UTC: two hours so far, half an hour of them down.
        var december = await ReportAsync(app, null);
        Assert.Equal(new CardField("Period", "1 Dec 2026 – 1 Dec 2026 02:00 (Europe/Paris)"), Assert.IsType<FieldsSection>(december.Sections[0]).Fields[0]);
        Assert.Contains("Uptime so far 75% against 99.9%", Text(december, 1), StringComparison.Ordinal);
        Assert.Contains("Downtime so far 30 minutes", Text(december, 1), StringComparison.Ordinal);
    }

    [SkippableTheory]
    [InlineData("report 2026-13", "`2026-13` is not a month. Write the month like `2026-10`, `october`, `oct` or `last`, or leave it out for this month so far.")]
    [InlineData("report someday", "`someday` is not a month")]
    [InlineData("report 2026-12", "December 2026 has not begun yet")]
    [InlineData("report october 2025", "Give one month")]
    [InlineData("report month:october", "`month:` is not an option here")]
    public async Task A_wrong_month_says_how_to_write_one(string text, string expected)
    {
        await using var app = await CoreTestApp.CreateAsync(provider);
        await app.SendAsync("cmdb", "add service cookie-shop uptime:99.9");

        await app.AssertRefusedAsync("sla", text, expected);
    }

    [SkippableFact]
    public async Task Without_commitments_or_targets_there_is_nothing_to_report()
    {
        await using var app = await CoreTestApp.CreateAsync(provider);
        await SetUpAsync(app, "cmdb add service cookie-shop", "cmdb add asset oven-2 uptime:99.9");

        var reply = await app.SendAsync("sla", "report");

        Assert.Empty(reply.Cards);
        Assert.StartsWith("Nothing to report", reply.Text, StringComparison.Ordinal);
    }

    private static DateTimeOffset Nov(int day, int hour, int minute = 0) => new(2026, 11, day, hour, minute, 0, TimeSpan.Zero);

    private static DateTimeOffset Dec(int day, int hour, int minute = 0) => new(2026, 12, day, hour, minute, 0, TimeSpan.Zero);

    private static async Task SetUpAsync(CoreTestApp app, params string[] commands)
    {
        foreach (var command in commands)
        {
            var space = command.IndexOf(' ', StringComparison.Ordinal);
            var reply = await app.SendAsync(command[..space], command[(space + 1)..]);
            Assert.True(reply.Kind == ReplyKind.Private, $"{command}: {reply.Text}");
        }
    }

    /// <summary>An <c>/incident</c> command at a moment (after the last one: the clock only moves forward).</summary>
    private static async Task At(CoreTestApp app, DateTimeOffset when, string text)
    {
        Assert.True(when >= T);
        app.Clock.SetUtcNow(when);
        var reply = await app.SendAsync("incident", text);
        Assert.True(reply.Kind != ReplyKind.Warning, $"{text}: {reply.Text}");
    }

    private static async Task<Card> ReportAsync(CoreTestApp app, string? month)
    {
        var reply = await app.SendAsync("sla", month is null ? "report" : $"report {month}");
        Assert.True(reply.Kind == ReplyKind.Private, reply.Text);
        return Assert.Single(reply.Cards);
    }

    private static string Text(Card card, int section) => Assert.IsType<TextSection>(card.Sections[section]).Text;
}

public sealed class SqliteSlaReportTests() : SlaReportTests(DbProvider.Sqlite);

public sealed class PostgresSlaReportTests() : SlaReportTests(DbProvider.Postgres);
