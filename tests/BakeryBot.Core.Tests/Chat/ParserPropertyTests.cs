using BakeryBot.Core.Chat;
using BakeryBot.Core.Cmdb;
using BakeryBot.Core.Drills;
using CsCheck;

namespace BakeryBot.Core.Tests.Chat;

/// <summary>
/// The small parsers that had only example tests, on thousands of random and hostile strings: each
/// reads a value or refuses with a <see cref="UserException"/> that says something, never anything else.
/// </summary>
public sealed class ParserPropertyTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 26, 9, 0, 0, TimeSpan.Zero);
    private static readonly TimeZoneInfo Paris = TimeZoneInfo.FindSystemTimeZoneById("Europe/Paris");

    // Random text, text made of the characters these parsers look for, and hostile pieces glued together.
    private static Gen<string> Text(string alphabet, params string[] words) => Gen.OneOf(
        Gen.String,
        Gen.String[alphabet],
        Gen.OneOf(words.Concat(["\0", "\ud800", "\udc00", "\u202e", "\u00a0", "\u0663", " ", "-", "_", "/", "\n", new string('9', 40), new string('x', 5_000)]).ToArray())
            .Array[0, 6].Select(string.Concat));

    /// <summary>Runs <paramref name="parse"/>; a refusal must be a user error with a message.</summary>
    private static void ReadOrRefused(Action parse)
    {
        try
        {
            parse();
        }
        catch (UserException ex)
        {
            Assert.False(string.IsNullOrWhiteSpace(ex.Message));
        }
    }

    [Fact]
    public void Record_ids_are_read_back_as_written_or_refused() =>
        Text("INCPRBCHGDRLinc-0123456789 ", "INC-", "PRB-", "CHG-", "DRL-", "inc-", "1", "0", "2147483647", "2147483648").Sample(text =>
        {
            if (RecordId.TryParse(text, out var id))
            {
                Assert.True(id.Number > 0);
                Assert.True(RecordId.TryParse(id.ToString(), out var again));
                Assert.Equal(id, again);
            }

            ReadOrRefused(() => RecordId.Parse(text, RecordId.Incident));
        }, iter: 5_000);

    [Fact]
    public void Severities_are_one_to_four_or_refused() =>
        Text("sevSEV-01234567 ", "sev", "SEV-", "1", "4", "5", "0").Sample(text =>
        {
            if (Severity.TryParse(text, out var severity))
            {
                Assert.InRange(severity, 1, 4);
            }

            ReadOrRefused(() => Assert.InRange(Severity.Parse(text), 1, 4));
        }, iter: 5_000);

    [Fact]
    public void Days_are_read_within_reach_or_refused() =>
        Text("0123456789-todayesrmwhfisun ", "today", "yesterday", "tomorrow", "mon", "friday", "2026-11-20", "2026-02-30", "0001-01-01", "9999-12-31").Sample(text =>
        {
            ReadOrRefused(() => WhenParser.ParseDay(text, Now, Paris, past: true));
            ReadOrRefused(() => WhenParser.ParseDay(text, Now, Paris, past: false));
        }, iter: 5_000);

    [Fact]
    public void Any_time_zone_name_finds_a_zone() =>
        Text("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz/_+-0123456789", "Europe/Paris", "UTC", "../", "Etc/GMT+14", "America/Argentina/ComodRivadavia", "Mars/Olympus")
            .Sample(text => Assert.NotNull(TimeZones.Find(text)), iter: 5_000);

    [Fact]
    public void Ci_types_relations_and_drill_scenarios_are_read_or_refused_with_the_list() =>
        Text("abcdefghijklmnopqrstuvwxyz-_ ", "service", "asset", "depends-on", "runs_on", "site-down", "SiteDown", "supplied-by").Sample(text =>
        {
            ReadOrRefused(() => CmdbService.ParseType(text));
            ReadOrRefused(() => CmdbService.ParseRelation(text));
            ReadOrRefused(() => Scenarios.Parse(text));
        }, iter: 5_000);

    [Fact]
    public void Drill_schedules_are_read_with_a_next_due_date_and_words_or_refused() =>
        Text("0123456789 */,-everyquartmonthwkdaysyl\"", "every", "quarter", "monthly", "6 months", "90 days", "0 9 * * 1", "*/5", "99", "0", "2 years").Sample(text =>
            ReadOrRefused(() =>
            {
                var schedule = DrillSchedule.Parse(text);
                Assert.False(string.IsNullOrWhiteSpace(schedule.Describe()));
                Assert.True(schedule.NextDue(Now, null, null, Paris) > Now);
            }), iter: 5_000);

    [Fact]
    public void Messages_to_the_bot_split_into_a_command_word_and_the_rest() =>
        Text("/ INC-PRB0123456789helpstatusshowincident", "/", "help", "status", "show", "INC-1", "CHG-2", "incident", "\u3000").Sample(text =>
        {
            if (MessageCommand.Split(text) is { } split)
            {
                Assert.False(string.IsNullOrWhiteSpace(split.Command));
                Assert.DoesNotContain(' ', split.Command);
            }
        }, iter: 5_000);
}
