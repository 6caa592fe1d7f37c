using System.Diagnostics;
using System.Globalization;
using System.Text.Json.Nodes;
using BakeryBot.Core.Chat;
using BakeryBot.Core.Cmdb;
using BakeryBot.Core.Digests;
using BakeryBot.Teams.Activities;
using BakeryBot.Teams.Cards;
using BakeryBot.Teams.Tests.Activities;

namespace BakeryBot.Teams.Tests.Cards;

public sealed class TeamsAdaptiveCardRendererTests
{
    internal static Card IncidentCard() => new(
        "INC-42 Oven 2 burns cookies",
        CardAccent.Danger,
        [
            new TextSection("Cookies from Bakery #2 come out burnt & smoking (<since 06:00>). Reported by <@U0ONCALL01> in <#C0ALERTS01>."),
            new FieldsSection([new("Severity", "SEV2"), new("Status", "Investigating"), new("Commander", "<@U0ONCALL01>"), new("CI", "oven-2")]),
            new DividerSection(),
            new ContextSection("Declared 5 minutes ago by <@U0ONCALL01>"),
        ],
        [
            new CardButton("Acknowledge", "incident.ack", "INC-42", ButtonStyle.Primary),
            new CardButton("Mitigated", "incident.mitigate", "INC-42"),
            new CardButton("Resolve", "incident.resolve", "INC-42", ButtonStyle.Danger),
            new CardButton("Start timer", "timer.start", "INC-42"),
        ],
        "SLA: acknowledge within 15 minutes");

    private const string IncidentGolden = """
        {
          "type": "AdaptiveCard",
          "$schema": "http://adaptivecards.io/schemas/adaptive-card.json",
          "version": "1.5",
          "body": [
            {
              "type": "Container",
              "style": "attention",
              "items": [
                { "type": "TextBlock", "text": "INC-42 Oven 2 burns cookies", "wrap": true, "weight": "bolder", "size": "medium", "color": "attention" },
                { "type": "TextBlock", "text": "Cookies from Bakery #2 come out burnt & smoking (\\<since 06:00>). Reported by @Dana Oncall in \\<#C0ALERTS01>.", "wrap": true },
                {
                  "type": "FactSet",
                  "facts": [
                    { "title": "Severity", "value": "SEV2" },
                    { "title": "Status", "value": "Investigating" },
                    { "title": "Commander", "value": "@Dana Oncall" },
                    { "title": "CI", "value": "oven-2" }
                  ]
                },
                { "type": "TextBlock", "text": "Declared 5 minutes ago by @Dana Oncall", "wrap": true, "size": "small", "isSubtle": true, "separator": true },
                { "type": "TextBlock", "text": "SLA: acknowledge within 15 minutes", "wrap": true, "size": "small", "isSubtle": true }
              ]
            }
          ],
          "actions": [
            { "type": "Action.Execute", "title": "Acknowledge", "verb": "incident.ack", "data": { "value": "INC-42" }, "style": "positive" },
            { "type": "Action.Execute", "title": "Mitigated", "verb": "incident.mitigate", "data": { "value": "INC-42" } },
            { "type": "Action.Execute", "title": "Resolve", "verb": "incident.resolve", "data": { "value": "INC-42" }, "style": "destructive" },
            { "type": "Action.Execute", "title": "Start timer", "verb": "timer.start", "data": { "value": "INC-42" } }
          ],
          "msteams": { "width": "Full" }
        }
        """;

    internal static string? Names(string id) => id == "U0ONCALL01" ? "Dana Oncall" : null;

    private static Card Simple(IReadOnlyList<CardSection>? sections = null, IReadOnlyList<CardButton>? buttons = null, string? context = null) =>
        new("T", CardAccent.Info, sections ?? [], buttons ?? [], context);

    private static JsonArray Items(JsonObject card) => card["body"]![0]!["items"]!.AsArray();

    /// <summary>A digest with a figure in every line: the card the digest job posts.</summary>
    internal static Card DigestCard()
    {
        var week = new DateTimeOffset(2026, 11, 30, 0, 0, 0, TimeSpan.Zero);
        var bySeverity = new Dictionary<int, int> { [1] = 1, [2] = 1, [3] = 2, [4] = 0 };
        var digest = new Digest(
            week,
            week.AddDays(7),
            week.AddDays(-7),
            week.AddDays(7).AddHours(9),
            new DigestIncidents(4, bySeverity, 4, TimeSpan.FromMinutes(30), 3, TimeSpan.FromMinutes(140), 2, 2),
            new DigestIncidents(1, bySeverity.ToDictionary(p => p.Key, p => p.Key == 2 ? 1 : 0), 1, TimeSpan.FromHours(1), 1, TimeSpan.FromHours(3), 0, 1),
            Enumerable.Range(0, 8).Select(w => new DigestWeek(week.AddDays(7 * (w - 7)), w, w == 0 ? null : TimeSpan.FromHours(w))).ToList(),
            new DigestSla(4, ["cookies"], [new DigestUptime("cookies", 96.4285m, 99.9, false)]),
            new DigestChanges(["CHG-1 New thermostat", "CHG-2 Faster mixer (failed)"], 2, 2, 1, 0.5),
            new DigestDrills(1, 0, ["DRL-2 Freezer fails"]),
            new Dictionary<string, TimeSpan> { ["INC"] = TimeSpan.FromHours(2), ["none"] = TimeSpan.FromMinutes(30) },
            [new DigestCi("oven-2", 3), new DigestCi("mixer-1", 2)],
            ["scale-3"],
            new RiskReport([], ["oven-2"], [], ["mixer-1 (since 2026-01-01)"], []));
        return DigestCards.Card(digest, TimeZoneInfo.Utc, CultureInfo.GetCultureInfo("en-GB"));
    }

    [Fact]
    public void A_digest_card_renders_its_figures_and_sparklines()
    {
        var card = TeamsAdaptiveCardRenderer.RenderCard(DigestCard());

        AdaptiveCardShape.AssertValid(card);
        var items = Items(card);
        Assert.Equal("Weekly digest, 30 Nov 2026 – 6 Dec 2026", items[0]!["text"]!.GetValue<string>());
        var facts = items.Where(i => i!["type"]!.GetValue<string>() == "FactSet").SelectMany(s => s!["facts"]!.AsArray())
            .ToDictionary(f => f!["title"]!.GetValue<string>(), f => f!["value"]!.GetValue<string>());
        Assert.Equal("2 hours, 20 minutes (▼ 40 minutes since the week before)", facts["MTTR"]);
        Assert.Equal("1 passed, 0 failed · overdue: DRL-2 Freezer fails", facts["Drills"]);
        Assert.Contains(items, i => i!["text"]?.GetValue<string>().Contains("Incidents, last 8 weeks: ▁▂▃▄▅▆▇█", StringComparison.Ordinal) == true);
    }

    [Fact]
    public void Incident_card_matches_the_golden_json()
    {
        var actual = TeamsAdaptiveCardRenderer.RenderCard(IncidentCard(), Names);

        Assert.True(JsonNode.DeepEquals(JsonNode.Parse(IncidentGolden), actual), actual.ToJsonString());
        Assert.Equal(4, AdaptiveCardShape.AssertValid(actual).Count);
    }

    [Theory]
    [InlineData(CardAccent.Critical, "attention", "attention")]
    [InlineData(CardAccent.Danger, "attention", "attention")]
    [InlineData(CardAccent.Warning, "warning", "warning")]
    [InlineData(CardAccent.Success, "good", "good")]
    [InlineData(CardAccent.Info, "accent", "accent")]
    [InlineData(CardAccent.Neutral, "default", null)]
    public void Accent_sets_container_style_and_title_colour(CardAccent accent, string style, string? color)
    {
        var card = TeamsAdaptiveCardRenderer.RenderCard(Simple() with { Accent = accent });

        Assert.Equal(style, card["body"]![0]!["style"]!.GetValue<string>());
        Assert.Equal(color, Items(card)[0]!["color"]?.GetValue<string>());
        AdaptiveCardShape.AssertValid(card);
    }

    [Fact]
    public void More_than_twenty_fields_are_split_into_fact_sets()
    {
        var fields = Enumerable.Range(1, 45).Select(i => new CardField($"L{i}", $"V{i}")).ToList();

        var card = TeamsAdaptiveCardRenderer.RenderCard(Simple([new FieldsSection(fields)]));

        var sets = Items(card).Where(e => e!["type"]!.GetValue<string>() == "FactSet").ToList();
        Assert.Equal([20, 20, 5], sets.Select(s => s!["facts"]!.AsArray().Count));
        Assert.Equal("L21", sets[1]!["facts"]![0]!["title"]!.GetValue<string>());
        AdaptiveCardShape.AssertValid(card);
    }

    [Fact]
    public void Dividers_put_a_separator_on_what_follows()
    {
        var card = TeamsAdaptiveCardRenderer.RenderCard(Simple(
            [new DividerSection(), new TextSection("a"), new DividerSection(), new DividerSection(), new ContextSection("b"), new TextSection("c"), new DividerSection()],
            context: "ctx"));

        var items = Items(card);
        Assert.Equal(
            [("T", false), ("a", true), ("b", true), ("c", false), ("ctx", true)],
            items.Select(i => (i!["text"]!.GetValue<string>(), i["separator"]?.GetValue<bool>() ?? false)));
        Assert.Equal(["small", "small"], items.Where(i => i!["isSubtle"] is not null).Select(i => i!["size"]!.GetValue<string>()));
    }

    [Fact]
    public void Empty_parts_draw_nothing()
    {
        var card = TeamsAdaptiveCardRenderer.RenderCard(new Card(" ", CardAccent.Info, [new TextSection(""), new ContextSection("  "), new FieldsSection([]), null!], [], ""));

        Assert.Empty(Items(card));
        Assert.Empty(card["actions"]!.AsArray());
    }

    [Fact]
    public void Unknown_section_types_are_a_bug()
    {
        Assert.Throws<UnreachableException>(() => TeamsAdaptiveCardRenderer.RenderCard(Simple([new OddSection()])));
    }

    [Fact]
    public void More_than_six_buttons_go_into_action_sets_in_order()
    {
        var buttons = Enumerable.Range(1, 14).Select(i => new CardButton($"B{i}", $"a.{i}", $"{i}")).ToList();

        var card = TeamsAdaptiveCardRenderer.RenderCard(Simple(buttons: buttons));

        var actions = AdaptiveCardShape.AssertValid(card);
        Assert.Empty(card["actions"]!.AsArray());
        Assert.Equal(["ActionSet", "ActionSet", "ActionSet"], card["body"]!.AsArray().Skip(1).Select(e => e!["type"]!.GetValue<string>()));
        Assert.Equal(buttons.Select(b => b.ActionId), actions.Select(a => a["verb"]!.GetValue<string>()));
    }

    [Fact]
    public void Buttons_without_an_action_id_are_left_out_and_without_text_show_the_id()
    {
        var card = TeamsAdaptiveCardRenderer.RenderCard(Simple(buttons: [new("", "incident.ack", "1"), new("Lost", "", "2"), null!]));

        var action = Assert.Single(card["actions"]!.AsArray())!;
        Assert.Equal("incident.ack", action["title"]!.GetValue<string>());
    }

    [Fact]
    public void Card_text_is_escaped_for_markdown_but_button_titles_are_not()
    {
        var card = TeamsAdaptiveCardRenderer.RenderCard(new Card(
            "*Oven* _2_",
            CardAccent.Warning,
            [new TextSection("[link](http://x)\n# heading\n- list\n1. list"), new FieldsSection([new("*k*", "_v_")])],
            [new CardButton("*Ack*", "incident.ack", "x")]));

        var items = Items(card);
        Assert.Equal("\\*Oven\\* \\_2\\_", items[0]!["text"]!.GetValue<string>());
        Assert.Equal("\\[link\\](http://x)\n\n\\# heading\n\n\\- list\n\n1\\. list", items[1]!["text"]!.GetValue<string>());
        Assert.Equal(("\\*k\\*", "\\_v\\_"), (items[2]!["facts"]![0]!["title"]!.GetValue<string>(), items[2]!["facts"]![0]!["value"]!.GetValue<string>()));
        Assert.Equal("*Ack*", card["actions"]![0]!["title"]!.GetValue<string>());
    }

    [Fact]
    public void Mentions_show_as_at_id_without_a_name()
    {
        var card = TeamsAdaptiveCardRenderer.RenderCard(Simple([new TextSection("by <@29:abc_def> and <@U0ONCALL01>")]), Names);

        Assert.Equal("by @29:abc\\_def and @Dana Oncall", Items(card)[1]!["text"]!.GetValue<string>());
    }

    [Fact]
    public void Attachment_wraps_the_card()
    {
        var attachment = TeamsAdaptiveCardRenderer.RenderAttachment(IncidentCard(), Names);

        Assert.Equal("application/vnd.microsoft.card.adaptive", attachment["contentType"]!.GetValue<string>());
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse(IncidentGolden), attachment["content"]));
    }

    [Fact]
    public void A_rendered_button_comes_back_as_its_action_id_and_value()
    {
        var card = TeamsAdaptiveCardRenderer.RenderCard(IncidentCard());
        foreach (var (action, button) in card["actions"]!.AsArray().Zip(IncidentCard().Buttons))
        {
            var invoke = ActivityJson.Edited(TeamsFixtures.CardAction, root =>
            {
                root["value"]!["action"]!["verb"] = action!["verb"]!.DeepClone();
                root["value"]!["action"]!["data"] = action["data"]!.DeepClone();
            });

            var request = TeamsActivityMapper.FromCardAction(invoke)!;

            Assert.Equal((button.ActionId, button.Value), (request.ActionId, request.ActionValue));
        }
    }

    private sealed record OddSection : CardSection;
}
