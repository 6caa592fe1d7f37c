using System.Globalization;
using BakeryBot.Core.Chat;
using BakeryBot.Core.Cmdb;
using BakeryBot.Core.Sla;

namespace BakeryBot.Core.Tests.Sla;

/// <summary>Report periods, the downtime and credit arithmetic, and the card's limits, without a database.</summary>
public sealed class SlaReportArithmeticTests
{
    private static readonly DateTimeOffset Thursday = new(2026, 11, 26, 9, 0, 0, TimeSpan.Zero);
    private static readonly DateTimeOffset MidJanuary = new(2027, 1, 15, 12, 0, 0, TimeSpan.Zero);
    private static readonly TimeZoneInfo Paris = TimeZoneInfo.FindSystemTimeZoneById("Europe/Paris");
    private static readonly CultureInfo EnGb = CultureInfo.GetCultureInfo("en-GB");

    [Theory]
    [InlineData("2026-10", "2026-11-26", 2026, 10)]
    [InlineData("2026-1", "2026-11-26", 2026, 1)]
    [InlineData("october", "2026-11-26", 2026, 10)]
    [InlineData("Oct", "2026-11-26", 2026, 10)]
    [InlineData("october", "2027-01-15", 2026, 10)] // the latest October that has begun
    [InlineData("december", "2026-11-26", 2025, 12)]
    [InlineData("sept", "2026-11-26", 2026, 9)]
    [InlineData("november", "2026-11-26", 2026, 11)] // this month, so far
    [InlineData("last", "2026-11-26", 2026, 10)]
    [InlineData("last", "2027-01-15", 2026, 12)]
    [InlineData(null, "2027-01-15", 2027, 1)]
    [InlineData("  ", "2027-01-15", 2027, 1)]
    public void Months_are_read_as_people_write_them(string? text, string today, int year, int month)
    {
        var now = DateTimeOffset.Parse(today + "T12:00:00Z", CultureInfo.InvariantCulture);

        var period = ReportPeriod.Parse(text, now, TimeZoneInfo.Utc);

        Assert.Equal((year, month), (period.Year, period.Month));
        Assert.Equal(new DateTimeOffset(year, month, 1, 0, 0, 0, TimeSpan.Zero), period.From);
        Assert.Equal(year == now.Year && month == now.Month, period.SoFar);
        Assert.Equal(period.SoFar ? now : period.MonthEnd, period.To);
    }

    [Theory]
    [InlineData("2026-13", "`2026-13` is not a month")]
    [InlineData("2026-00", "`2026-00` is not a month")]
    [InlineData("1899-12", "`1899-12` is not a month")]
    [InlineData("10", "`10` is not a month")]
    [InlineData("octobre", "`octobre` is not a month")]
    [InlineData("2026/10", "`2026/10` is not a month")]
    [InlineData("2026-12", "December 2026 has not begun yet")]
    [InlineData("9999-12", "December 9999 has not begun yet")]
    public void A_wrong_month_is_refused_with_an_example(string text, string expected)
    {
        var error = Assert.Throws<UserException>(() => ReportPeriod.Parse(text, Thursday, TimeZoneInfo.Utc));

        Assert.StartsWith(expected, error.Message, StringComparison.Ordinal);
        Assert.Contains("`2026-10`", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Hostile_month_text_is_only_ever_refused_politely()
    {
        var random = new Random(20261126);
        const string alphabet = "0123456789-+ .:/abcdeflmnorstuvy\u0660\u00A0\t`";
        var texts = new List<string> { "0000-01", "9999-99", "2026-" + new string('1', 5000), "-2026-10", "2026--1", "2026-1-", new('-', 7) };
        for (var i = 0; i < 5000; i++)
        {
            texts.Add(new string(Enumerable.Range(0, random.Next(0, 12)).Select(_ => alphabet[random.Next(alphabet.Length)]).ToArray()));
        }

        foreach (var text in texts)
        {
            foreach (var now in new[] { Thursday, MidJanuary, DateTimeOffset.MinValue.AddYears(1), DateTimeOffset.MaxValue.AddYears(-1) })
            {
                try
                {
                    var period = ReportPeriod.Parse(text, now, Paris);
                    Assert.True(period.From < period.MonthEnd && period.To >= period.From);
                }
                catch (UserException)
                {
                }
            }
        }
    }

    [Fact]
    public void A_month_runs_from_local_midnight_to_local_midnight_daylight_saving_included()
    {
        var october = ReportPeriod.Parse("2026-10", Thursday, Paris);

        Assert.Equal(new DateTimeOffset(2026, 9, 30, 22, 0, 0, TimeSpan.Zero), october.From);
        Assert.Equal(new DateTimeOffset(2026, 10, 31, 23, 0, 0, TimeSpan.Zero), october.MonthEnd);
        Assert.Equal(TimeSpan.FromHours((31 * 24) + 1), october.Length); // the clocks went back on 25 October
        Assert.False(october.SoFar);

        // 00:30 on 1 December in Paris is still 30 November in UTC: the tenant's month decides.
        var justAfterMidnight = new DateTimeOffset(2026, 11, 30, 23, 30, 0, TimeSpan.Zero);
        Assert.Equal(12, ReportPeriod.Parse(null, justAfterMidnight, Paris).Month);
        Assert.Equal(11, ReportPeriod.Parse(null, justAfterMidnight, TimeZoneInfo.Utc).Month);
        Assert.Equal(TimeSpan.FromMinutes(30), ReportPeriod.Parse(null, justAfterMidnight, Paris).Measured);
        Assert.Equal("December 2026", ReportPeriod.Parse(null, justAfterMidnight, Paris).Name(EnGb));
    }

    [Fact]
    public void Overlapping_contained_and_touching_intervals_are_counted_once()
    {
        var t = Thursday;
        Assert.Equal(TimeSpan.Zero, SlaReportCalculator.Union([]));
        Assert.Equal(TimeSpan.FromHours(5), SlaReportCalculator.Union(
        [
            (t.AddHours(3), t.AddHours(4)), // touches the first
            (t, t.AddHours(3)),
            (t.AddHours(1), t.AddHours(2)), // inside the first
            (t.AddHours(10), t.AddHours(11)), // apart
            (t.AddHours(10.5), t.AddHours(10.75)),
            (t.AddHours(20), t.AddHours(19)), // backwards: nothing
        ]));
    }

    [Fact]
    public void Exactly_the_allowed_downtime_keeps_the_commitment_and_earns_no_credit()
    {
        var period = ReportPeriod.Parse("2026-11", Thursday.AddMonths(1), TimeZoneInfo.Utc);
        var start = period.From.AddDays(3);
        // 99.9% of 720 hours allows 43.2 minutes; a second more is a miss.
        var exact = Compute(period, Cloud(credit: "99.9:10", fee: 1000m), Down(1, start, start.AddMinutes(43.2)));
        var over = Compute(period, Cloud(credit: "99.9:10", fee: 1000m), Down(1, start, start.AddMinutes(43.2).AddSeconds(1)));

        Assert.Equal(new MeasuredUptime(99.9m, TimeSpan.FromMinutes(43.2), 99.9, TimeSpan.FromMinutes(43.2), true), exact.Uptime);
        Assert.Null(exact.Credit!.Step);
        Assert.False(over.Uptime!.Met);
        Assert.Equal(99.8999m, over.Uptime.Percent); // rounded down: a shortfall never shows as kept
        Assert.Equal(100m, over.Credit!.Amount);
    }

    [Fact]
    public void Only_sev1_and_sev2_count_open_ones_run_until_now_and_everything_is_clipped_to_the_period()
    {
        var now = new DateTimeOffset(2026, 11, 20, 12, 0, 0, TimeSpan.Zero);
        var period = ReportPeriod.Parse(null, now, TimeZoneInfo.Utc);
        var cloud = Cloud();

        var report = Compute(period, cloud,
            Down(1, period.From.AddDays(-2), period.From.AddHours(1)), // 1 h in November
            Down(3, period.From.AddDays(2), period.From.AddDays(3)), // SEV3: not downtime
            Down(4, period.From.AddDays(4), period.From.AddDays(5)),
            Down(2, now.AddHours(-2), null)); // still open: 2 h so far

        Assert.Equal(TimeSpan.FromHours(3), report.Uptime!.Downtime);
        Assert.True(period.SoFar);
    }

    [Fact]
    public void The_credit_is_the_share_of_the_lowest_threshold_crossed_rounded_to_cents()
    {
        var period = ReportPeriod.Parse("2026-11", Thursday.AddMonths(1), TimeZoneInfo.Utc);
        var start = period.From.AddDays(1);

        CiSlaReport For(double hours) => Compute(period, Cloud(credit: "99.9:10,99:25,95:100", fee: 999.99m), Down(2, start, start.AddHours(hours)));

        Assert.Null(For(0.5).Credit!.Step); // 99.9306%
        Assert.Equal(100.00m, For(1).Credit!.Amount); // 99.8611%: 10% of 999.99 = 99.999
        Assert.Equal(250.00m, For(8).Credit!.Amount); // 98.8888%: 25% = 249.9975
        Assert.Equal(999.99m, For(48).Credit!.Amount); // 93.3333%: all of it
    }

    [Fact]
    public void An_unreadable_stored_rule_is_reported_not_thrown()
    {
        var period = ReportPeriod.Parse("2026-11", Thursday.AddMonths(1), TimeZoneInfo.Utc);
        var report = SlaReportCalculator.Compute(period, Thursday.AddMonths(1), [Cloud(credit: "lots")], [], []);

        var card = SlaReportCard.Build(report, EnGb);

        Assert.Null(Assert.Single(report.Cis).Credit!.Rule);
        Assert.Contains("the stored rule \"lots\" can't be read", Assert.IsType<TextSection>(card.Sections[1]).Text, StringComparison.Ordinal);
    }

    [Fact]
    public void A_long_report_shows_forty_cis_those_needing_attention_first_and_names_the_rest()
    {
        var now = Thursday.AddMonths(1);
        var period = ReportPeriod.Parse("2026-11", now, TimeZoneInfo.Utc);
        var cis = Enumerable.Range(1, 60).Select(i => new ReportCi(i, $"svc-{i:00}", CiType.Service, 2, 99.9, false, null, null, null, null)).ToList();
        // svc-55 and svc-60 were down for a day: they must be shown although they sort last.
        var incidents = new[] { 55, 60 }.Select(i => new ReportIncident(i, 1, period.From, null, period.From.AddDays(1), period.From.AddDays(1), [i])).ToList();

        var card = SlaReportCard.Build(SlaReportCalculator.Compute(period, now, cis, [], incidents), EnGb);

        var sections = card.Sections.OfType<TextSection>().Select(s => s.Text.Split('\n')[0].Split(' ')[0]).ToList();
        Assert.Equal(SlaReportCard.MaxCiSections, sections.Count);
        Assert.Equal(Enumerable.Range(1, 38).Select(i => $"svc-{i:00}").Append("svc-55").Append("svc-60"), sections);
        var rest = Assert.IsType<ContextSection>(card.Sections[^1]).Text;
        Assert.StartsWith("20 more not shown, all within their commitments and targets: svc-39, svc-40", rest, StringComparison.Ordinal);
        Assert.Equal(new CardField("Commitments", "2 missed, 58 met"), Assert.IsType<FieldsSection>(card.Sections[0]).Fields[1]);
        Assert.Equal(CardAccent.Danger, card.Accent);
        Assert.True(card.Sections.Count <= 45);
    }

    [Fact]
    public void A_service_lists_its_first_breaches_and_counts_the_rest()
    {
        var now = Thursday.AddMonths(1);
        var period = ReportPeriod.Parse("2026-11", now, TimeZoneInfo.Utc);
        var shop = new ReportCi(3, "cookie-shop", CiType.Service, 1, null, false, null, null, null, null);
        var incidents = Enumerable.Range(1, 7)
            .Select(n => new ReportIncident(n, 3, period.From.AddDays(n), period.From.AddDays(n).AddHours(1), null, period.From.AddDays(n).AddHours(2), [3]))
            .ToList();

        var report = SlaReportCalculator.Compute(period, now, [shop], [new ReportTarget(3, null, TimeSpan.FromMinutes(15), TimeSpan.FromDays(1))], incidents);
        var card = SlaReportCard.Build(report, EnGb);

        var lines = Assert.IsType<TextSection>(card.Sections[1]).Text.Split('\n');
        Assert.Equal("SLA breaches: 7 (7 acknowledge)", lines[1]);
        Assert.Equal("• INC-1 · SEV3 · acknowledged 45 minutes late (target 15 minutes)", lines[2]);
        Assert.Equal("• and 2 more", lines[^1]);
        Assert.Equal(SlaReportCard.MaxBreachLines + 3, lines.Length);
        Assert.Equal(CardAccent.Warning, card.Accent);
        Assert.Equal(new CardField("SLA breaches", "7 (cookie-shop 7)"), Assert.IsType<FieldsSection>(card.Sections[0]).Fields[2]);
    }

    private static ReportCi Cloud(string? credit = null, decimal? fee = null) =>
        new(7, "region-1", CiType.Cloud, null, 99.9, true, "acme", credit, fee, fee is null ? null : "EUR");

    private static ReportIncident Down(int severity, DateTimeOffset from, DateTimeOffset? to) => new(1, severity, from, null, to, to, [7]);

    private static CiSlaReport Compute(ReportPeriod period, ReportCi ci, params ReportIncident[] incidents) =>
        Assert.Single(SlaReportCalculator.Compute(period, period.To, [ci], [], incidents).Cis);
}
