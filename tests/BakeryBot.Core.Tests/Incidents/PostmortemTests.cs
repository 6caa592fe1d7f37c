using System.Globalization;
using BakeryBot.Core.Chat;
using BakeryBot.Core.Incidents;
using BakeryBot.Core.Problems;
using BakeryBot.Core.Tests.Infrastructure;
using CsCheck;
using Microsoft.Extensions.DependencyInjection;

namespace BakeryBot.Core.Tests.Incidents;

/// <summary>The postmortem draft as text, and its splitting into chat-sized messages: pure, no database.</summary>
public sealed class PostmortemTests
{
    private static readonly DateTimeOffset Declared = new(2026, 11, 26, 9, 0, 0, TimeSpan.Zero);
    private static readonly TimeZoneInfo Paris = TimeZoneInfo.FindSystemTimeZoneById("Europe/Paris");
    private static readonly CultureInfo EnGb = CultureInfo.GetCultureInfo("en-GB");

    [Fact]
    public void The_draft_of_a_resolved_incident_detected_by_a_person_reads_as_expected()
    {
        var draft = IncidentPostmortem.Draft(Input(Incident(Detection.Person)));

        Assert.Equal(Golden, draft);
    }

    [Fact]
    public void A_person_or_a_customer_noticing_first_makes_the_draft_ask_why_monitoring_did_not()
    {
        foreach (var human in new[] { Detection.Person, Detection.Customer })
        {
            var draft = IncidentPostmortem.Draft(Input(Incident(human)));
            Assert.Contains("**Did monitoring alert? Why not?**", draft, StringComparison.Ordinal);
            Assert.Contains("- [ ] Add or fix the alert that should have caught this", draft, StringComparison.Ordinal);
        }

        foreach (var machine in new[] { Detection.Alert, Detection.Synthetic })
        {
            var draft = IncidentPostmortem.Draft(Input(Incident(machine)));
            Assert.DoesNotContain("Did monitoring alert", draft, StringComparison.Ordinal);
            Assert.DoesNotContain("Add or fix the alert", draft, StringComparison.Ordinal);
            Assert.Contains(machine == Detection.Alert ? "Detected by an alert." : "Detected by a synthetic check.", draft, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void An_open_incident_without_problem_says_not_yet_and_asks_for_a_problem_and_a_root_cause()
    {
        var incident = new Incident { Number = 7, Title = "Flat bread\n# not a heading", Platform = "test", ChannelId = "C1", Severity = 3, DeclaredAt = Declared, DeclaredById = 1 };
        incident.AddEvent(Declared, null, "declared", "Declared by the alert\nsecond line");
        var draft = IncidentPostmortem.Draft(Input(incident) with { Problem = null, CiNames = [], ImpactedServices = [] });

        Assert.StartsWith("# INC-7: Flat bread # not a heading — postmortem (draft)\n", draft, StringComparison.Ordinal);
        Assert.Single(draft.Split('\n'), l => l.StartsWith("# ", StringComparison.Ordinal));
        Assert.Contains("- **26 Nov 10:00 CET** Declared by the alert second line\n", draft, StringComparison.Ordinal);
        Assert.Contains("- **Time to acknowledge:** not yet", draft, StringComparison.Ordinal);
        Assert.Contains("- **Time to mitigate:** not yet", draft, StringComparison.Ordinal);
        Assert.Contains("- **Time to resolve:** not yet", draft, StringComparison.Ordinal);
        Assert.Contains("- **Duration:** still open after 1 day", draft, StringComparison.Ordinal);
        Assert.Contains("- **Commander:** not assigned", draft, StringComparison.Ordinal);
        Assert.Contains("- **Affected CIs:** none named", draft, StringComparison.Ordinal);
        Assert.Contains("_No problem is linked, so no root cause is recorded.", draft, StringComparison.Ordinal);
        Assert.Contains("- [ ] Create a problem for the cause and link this incident: `/problem new <title>`, then `/problem link PRB-n INC-7`", draft, StringComparison.Ordinal);
        Assert.Contains("- **Problem:** none linked", draft, StringComparison.Ordinal);
    }

    [Fact]
    public void Times_follow_the_readers_zone_and_its_summer_time()
    {
        var june = new DateTimeOffset(2026, 6, 3, 7, 5, 0, TimeSpan.Zero);
        var incident = new Incident { Number = 1, Title = "t", Platform = "test", ChannelId = "C1", DeclaredAt = june, DeclaredById = 1 };

        Assert.Contains("- **Declared:** 3 Jun 2026 09:05 CEST by Alice", IncidentPostmortem.Draft(Input(incident)), StringComparison.Ordinal);
        Assert.Contains("- **Declared:** 3 Jun 2026 03:05 EDT by Alice",
            IncidentPostmortem.Draft(Input(incident) with { Zone = TimeZoneInfo.FindSystemTimeZoneById("America/New_York") }), StringComparison.Ordinal);
        Assert.Contains("- **Declared:** 3 Jun 2026 12:35 IST by Alice",
            IncidentPostmortem.Draft(Input(incident) with { Zone = TimeZoneInfo.FindSystemTimeZoneById("Asia/Kolkata") }), StringComparison.Ordinal);
        Assert.Contains("- **Declared:** 3 Jun 2026 11:05 UTC+04:00 by Alice",
            IncidentPostmortem.Draft(Input(incident) with { Zone = TimeZoneInfo.FindSystemTimeZoneById("Asia/Dubai") }), StringComparison.Ordinal);
        Assert.Contains("- **Declared:** 3 Jun 2026 07:05 UTC by Alice",
            IncidentPostmortem.Draft(Input(incident) with { Zone = TimeZoneInfo.Utc }), StringComparison.Ordinal);
    }

    [Fact]
    public void A_text_that_fits_is_one_message_as_it_is()
    {
        Assert.Equal(["# A\ntext\n"], IncidentPostmortem.Split("# A\ntext\n", 100));
        Assert.Empty(IncidentPostmortem.Split(" \n\n", 100));
    }

    [Fact]
    public void Splitting_cuts_before_a_heading_rather_than_inside_a_section()
    {
        // "# One\naaa\n## Two" would fit in 16 characters, but the cut goes before the heading.
        Assert.Equal(["# One\naaa", "## Two\nbbb"], IncidentPostmortem.Split("# One\naaa\n## Two\nbbb", 16));

        // A section longer than the limit is cut between its lines.
        Assert.Equal(["# One\naaaa", "bbbb\ncccc"], IncidentPostmortem.Split("# One\naaaa\nbbbb\ncccc", 10));
    }

    [Fact]
    public void Only_a_line_longer_than_the_limit_is_cut_inside_and_never_between_surrogates()
    {
        Assert.Equal(["xxxxxxxxxx", "xxxxxxxxxx", "xxxxx\nend"], IncidentPostmortem.Split(new string('x', 25) + "\nend", 10));
        Assert.Equal(["abc", "\U0001F36A\U0001F36A", "d"], IncidentPostmortem.Split("abc\U0001F36A\U0001F36Ad", 4));
    }

    [Fact]
    public void The_golden_draft_splits_for_slack_at_headings_keeping_every_line()
    {
        var pieces = IncidentPostmortem.Split(Golden, 700);

        Assert.True(pieces.Count > 2);
        Assert.All(pieces, p => Assert.True(p.Length <= 700, $"{p.Length} characters"));
        Assert.All(pieces, p => Assert.StartsWith("#", p, StringComparison.Ordinal));
        Assert.Equal(NonBlankLines(Golden), pieces.SelectMany(NonBlankLines));
    }

    [Fact]
    public void Every_split_keeps_every_visible_character_in_order_and_respects_the_limit()
    {
        var line = Gen.OneOf(Gen.Const("# heading"), Gen.Const(""), Gen.Char["ab #-\U0001F36A"].Array[0, 40].Select(c => new string(c)));
        line.Array[0, 40].Select(Gen.Int[2, 60]).Sample((lines, max) =>
        {
            var text = string.Join('\n', lines);
            var pieces = IncidentPostmortem.Split(text, max);

            Assert.All(pieces, p => Assert.True(p.Length <= max && !string.IsNullOrWhiteSpace(p)));
            // Whitespace alone at a cut may go (no platform posts a blank message); every other character stays, in order.
            Assert.Equal(Visible(text), string.Concat(pieces.Select(Visible)));
            if (lines.All(l => l.Length <= max))
            {
                Assert.Equal(NonBlankLines(text), pieces.SelectMany(NonBlankLines));
            }
        }, iter: 2000);
    }

    private static string Visible(string text) => string.Concat(text.Where(c => !char.IsWhiteSpace(c)));

    private static IEnumerable<string> NonBlankLines(string text) => text.Split('\n').Where(l => !string.IsNullOrWhiteSpace(l));

    /// <summary>INC-42: acknowledged after 4 minutes, mitigated after 30, resolved after 2 hours; commander and scribe; five events.</summary>
    private static Incident Incident(Detection detectedBy)
    {
        var incident = new Incident
        {
            Number = 42,
            Title = "Burnt cookies at Bakery #2",
            Severity = 2,
            DetectedBy = detectedBy,
            DeclaredAt = Declared,
            DeclaredById = 1,
            Platform = "test",
            ChannelId = "C1",
            ProblemId = 9,
        };
        incident.AddEvent(Declared, 1, "declared", $"Declared as SEV2 by Alice (detected by {Words.Detection(detectedBy)})");
        incident.Acknowledge(2, Declared.AddMinutes(4));
        incident.Assign(2, Declared.AddMinutes(5), IncidentRole.Scribe, 3, "Carol");
        incident.Mitigate(2, Declared.AddMinutes(30), "baking moved to oven-3");
        incident.Resolve(2, Declared.AddHours(2), "thermostat replaced");
        return incident;
    }

    private static PostmortemInput Input(Incident incident) => new(
        incident,
        new Dictionary<int, string> { [1] = "Alice", [2] = "Bob", [3] = "Carol" },
        ["oven-2"],
        ["cookies", "bakery-2-shop"],
        new PostmortemProblem(new RecordId(RecordId.Problem, 3), "Bakery #2's cookies keep burning", ProblemState.KnownError,
            "The oven-2 thermostat reads 80 °C low", "Set oven-2 80 °C lower until the thermostat is replaced"),
        [],
        Paris,
        EnGb,
        Declared.AddDays(1));

    private const string Golden = """
        # INC-42: Burnt cookies at Bakery #2 — postmortem (draft)

        _Drafted by BakeryBot on 27 Nov 2026 10:00 CET from INC-42's record. Fill in the parts in italics, then share it._

        - **Severity:** SEV2
        - **State:** Resolved
        - **Declared:** 26 Nov 2026 10:00 CET by Alice
        - **Commander:** Bob
        - **Scribe:** Carol
        - **Communications:** not assigned
        - **Detected by:** a person

        ## Impact

        - **Affected CIs:** oven-2
        - **Services impacted:** cookies, bakery-2-shop
        - **Duration:** 2 hours, from declaration to resolution
        - _Who was affected, how many, and how badly? (customers, orders, money, reputation)_

        ## Timeline

        - **26 Nov 10:00 CET** Alice — Declared as SEV2 by Alice (detected by a person)
        - **26 Nov 10:04 CET** Bob — Acknowledged
        - **26 Nov 10:05 CET** Bob — Carol is scribe
        - **26 Nov 10:30 CET** Bob — Mitigated: baking moved to oven-3
        - **26 Nov 12:00 CET** Bob — Resolved: thermostat replaced

        ## Response times

        Measured from the declaration (26 Nov 2026 10:00 CET).

        - **Time to acknowledge:** 4 minutes
        - **Time to mitigate:** 30 minutes
        - **Time to resolve:** 2 hours

        ## Detection

        Detected by a person.

        **Did monitoring alert? Why not?** _Say whether an alert fired (late, silenced, sent to the wrong place) or none exists, and which alert or synthetic check would have caught it before a person did._

        ## Root cause

        From PRB-3 (known error): The oven-2 thermostat reads 80 °C low

        Workaround: Set oven-2 80 °C lower until the thermostat is replaced

        ## Linked problem and changes

        - **Problem:** PRB-3: Bakery #2's cookies keep burning (known error)
        - **Changes:** none linked

        ## Follow-ups

        _Give each one an owner and a due date; remove what does not apply._

        - [ ] Add or fix the alert that should have caught this before a person did
        - [ ] Fix the cause for good with a change, and link it here
        - [ ] Write down what worked as a runbook: `/kb add <title> <text>`
        - [ ] _Anything else that would have made this shorter or smaller_

        ## Lessons learned

        - _What went well?_
        - _What went badly, or slower than it should have?_
        - _Where did we get lucky?_

        """;
}

/// <summary>The draft from the database: names, CIs and services looked up for the incident.</summary>
public abstract class PostmortemServiceTests(DbProvider provider)
{
    [SkippableFact]
    public async Task The_service_drafts_from_the_stored_incident_with_everyones_names_and_the_impacted_services()
    {
        await using var app = await CoreTestApp.CreateAsync(provider);
        await app.SendAsync("cmdb", "add asset oven-2");
        await app.SendAsync("cmdb", "add service cookies");
        await MetricsTests.DependsOnAsync(app, "cookies", "oven-2");
        await app.SendAsync("incident", "burnt-cookie sev2 ci:oven-2");
        app.Clock.Advance(TimeSpan.FromMinutes(4));
        await app.SendAsync("incident", "ack INC-1", user: "bob");
        app.Clock.Advance(TimeSpan.FromMinutes(56));
        await app.SendAsync("incident", "resolve INC-1 thermostat replaced", user: "carol");

        await using var scope = app.Services.CreateAsyncScope();
        var service = scope.ServiceProvider.GetRequiredService<IncidentPostmortemService>();
        var tenantId = await MetricsTests.TenantIdAsync(app);
        var draft = await service.DraftAsync(tenantId, new RecordId(RecordId.Incident, 1), TimeZoneInfo.FindSystemTimeZoneById("Europe/Paris"), CultureInfo.GetCultureInfo("en-GB"), CancellationToken.None);

        Assert.StartsWith("# INC-1: burnt-cookie — postmortem (draft)\n", draft, StringComparison.Ordinal);
        Assert.Contains("- **Declared:** 26 Nov 2026 10:00 CET by Alice", draft, StringComparison.Ordinal);
        Assert.Contains("- **Commander:** Bob", draft, StringComparison.Ordinal);
        Assert.Contains("- **Affected CIs:** oven-2", draft, StringComparison.Ordinal);
        Assert.Contains("- **Services impacted:** cookies", draft, StringComparison.Ordinal);
        Assert.Contains("- **26 Nov 10:04 CET** Bob — Acknowledged", draft, StringComparison.Ordinal);
        Assert.Contains("- **26 Nov 11:00 CET** Carol — Resolved: thermostat replaced", draft, StringComparison.Ordinal);
        Assert.Contains("- **Time to acknowledge:** 4 minutes", draft, StringComparison.Ordinal);
        Assert.Contains("- **Time to resolve:** 1 hour", draft, StringComparison.Ordinal);
        Assert.Contains("**Did monitoring alert? Why not?**", draft, StringComparison.Ordinal);

        await Assert.ThrowsAsync<UserException>(() => service.DraftAsync(tenantId, new RecordId(RecordId.Incident, 99), TimeZoneInfo.Utc, CultureInfo.InvariantCulture, CancellationToken.None));
    }
}

public sealed class SqlitePostmortemServiceTests() : PostmortemServiceTests(DbProvider.Sqlite);

public sealed class PostgresPostmortemServiceTests() : PostmortemServiceTests(DbProvider.Postgres);
