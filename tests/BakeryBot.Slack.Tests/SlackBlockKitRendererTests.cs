using System.Globalization;
using System.Text.Json.Nodes;
using BakeryBot.Core.Chat;
using BakeryBot.Core.Cmdb;
using BakeryBot.Core.Digests;

namespace BakeryBot.Slack.Tests;

public sealed class SlackBlockKitRendererTests
{
    private static Card IncidentCard() => new(
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

    private static Card Simple(IReadOnlyList<CardSection>? sections = null, IReadOnlyList<CardButton>? buttons = null, string title = "T", string? context = null) =>
        new(title, CardAccent.Info, sections ?? [], buttons ?? [], context);

    private static JsonArray Blocks(Card card) =>
        JsonNode.Parse(SlackBlockKitRenderer.RenderMessage(card))!["attachments"]![0]!["blocks"]!.AsArray();

    private static string Type(JsonNode? block) => block!["type"]!.GetValue<string>();

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
        var blocks = Blocks(DigestCard());

        Assert.Equal("Weekly digest, 30 Nov 2026 – 6 Dec 2026", blocks[0]!["text"]!["text"]!.GetValue<string>());
        var texts = blocks.SelectMany(b => (b!["fields"]?.AsArray() ?? []).Append(b["text"]))
            .Where(t => t is not null).Select(t => t!["text"]!.GetValue<string>()).ToList();
        Assert.Contains(texts, t => t.Contains("*MTTR*\n2 hours, 20 minutes (▼ 40 minutes since the week before)", StringComparison.Ordinal));
        Assert.Contains(texts, t => t.Contains("Incidents, last 8 weeks: ▁▂▃▄▅▆▇█", StringComparison.Ordinal));
        Assert.Contains(texts, t => t.Contains("*Uptime*\ncookies 96.4285% of 99.9% ✗ missed", StringComparison.Ordinal));
        Assert.All(blocks.Where(b => b!["fields"] is not null), b => Assert.InRange(b!["fields"]!.AsArray().Count, 1, SlackBlockKitRenderer.MaxFieldsPerSection));
    }

    [Fact]
    public void Incident_card_matches_the_golden_file()
    {
        var actual = JsonNode.Parse(SlackBlockKitRenderer.RenderMessage(IncidentCard()));
        var expected = JsonNode.Parse(TestFiles.Golden("incident-card.json"));

        Assert.True(JsonNode.DeepEquals(expected, actual), actual!.ToJsonString());
    }

    [Fact]
    public void Attachments_alone_are_the_array_of_the_message()
    {
        var message = JsonNode.Parse(SlackBlockKitRenderer.RenderMessage(IncidentCard()))!;
        var attachments = JsonNode.Parse(SlackBlockKitRenderer.RenderAttachments(IncidentCard()));

        Assert.True(JsonNode.DeepEquals(message["attachments"], attachments));
    }

    [Theory]
    [InlineData(CardAccent.Critical, "#B71C1C")]
    [InlineData(CardAccent.Danger, "#E53935")]
    [InlineData(CardAccent.Warning, "#FB8C00")]
    [InlineData(CardAccent.Info, "#1E88E5")]
    [InlineData(CardAccent.Success, "#43A047")]
    [InlineData(CardAccent.Neutral, "#9E9E9E")]
    public void Accent_becomes_the_attachment_colour(CardAccent accent, string color)
    {
        var card = Simple() with { Accent = accent };

        Assert.Equal(color, JsonNode.Parse(SlackBlockKitRenderer.RenderAttachments(card))![0]!["color"]!.GetValue<string>());
    }

    [Fact]
    public void Long_title_is_cut_to_150_with_an_ellipsis()
    {
        var blocks = Blocks(Simple(title: new string('t', 400)));

        var text = blocks[0]!["text"]!["text"]!.GetValue<string>();
        Assert.Equal(150, text.Length);
        Assert.EndsWith("\u2026", text, StringComparison.Ordinal);
    }

    [Fact]
    public void Twelve_fields_make_two_sections()
    {
        var fields = Enumerable.Range(1, 12).Select(i => new CardField($"L{i}", $"V{i}")).ToList();

        var blocks = Blocks(Simple([new FieldsSection(fields)]));

        Assert.Equal(3, blocks.Count);
        Assert.Equal(10, blocks[1]!["fields"]!.AsArray().Count);
        Assert.Equal(2, blocks[2]!["fields"]!.AsArray().Count);
        Assert.Equal("*L11*\nV11", blocks[2]!["fields"]![0]!["text"]!.GetValue<string>());
    }

    [Fact]
    public void Long_field_value_is_cut_to_2000()
    {
        var blocks = Blocks(Simple([new FieldsSection([new CardField("Notes", new string('n', 5000))])]));

        var text = blocks[1]!["fields"]![0]!["text"]!.GetValue<string>();
        Assert.Equal(2000, text.Length);
        Assert.StartsWith("*Notes*\n", text, StringComparison.Ordinal);
    }

    [Fact]
    public void Thirty_buttons_make_two_action_blocks()
    {
        var buttons = Enumerable.Range(1, 30).Select(i => new CardButton($"B{i}", $"area.verb{i}", $"{i}")).ToList();

        var blocks = Blocks(Simple(buttons: buttons));

        Assert.Equal(["header", "actions", "actions"], blocks.Select(Type));
        Assert.Equal(25, blocks[1]!["elements"]!.AsArray().Count);
        Assert.Equal(5, blocks[2]!["elements"]!.AsArray().Count);
    }

    [Fact]
    public void Sixty_sections_are_capped_at_fifty_blocks_with_a_note()
    {
        var sections = Enumerable.Range(1, 60).Select(i => (CardSection)new TextSection($"Part {i}")).ToList();

        var blocks = Blocks(Simple(sections));

        Assert.Equal(SlackBlockKitRenderer.MaxBlocks, blocks.Count);
        Assert.Equal("Part 48", blocks[48]!["text"]!["text"]!.GetValue<string>());
        Assert.Equal("context", Type(blocks[49]));
        Assert.Contains("12 more", blocks[49]!["elements"]![0]!["text"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    [Fact]
    public void Cap_keeps_the_buttons_and_the_context()
    {
        var sections = Enumerable.Range(1, 60).Select(i => (CardSection)new TextSection($"Part {i}")).ToList();

        var blocks = Blocks(Simple(sections, [new CardButton("Ack", "incident.ack", "INC-1")], context: "footer"));

        Assert.Equal(SlackBlockKitRenderer.MaxBlocks, blocks.Count);
        Assert.Equal("actions", Type(blocks[^2]));
        Assert.Equal("footer", blocks[^1]!["elements"]![0]!["text"]!.GetValue<string>());
        Assert.Contains("more parts not shown", blocks[^3]!["elements"]![0]!["text"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    [Fact]
    public void Long_text_is_split_into_sections_of_at_most_3000()
    {
        var paragraph = string.Join(' ', Enumerable.Repeat("burnt cookies & ovens", 400));

        var blocks = Blocks(Simple([new TextSection(paragraph)]));

        var texts = blocks.Skip(1).Select(b => b!["text"]!["text"]!.GetValue<string>()).ToList();
        Assert.True(texts.Count >= 3);
        Assert.All(texts, t => Assert.InRange(t.Length, 1, SlackBlockKitRenderer.MaxSectionText));
        Assert.Equal(SlackText.Escape(paragraph).Replace(" ", "", StringComparison.Ordinal), string.Concat(texts).Replace(" ", "", StringComparison.Ordinal));
    }

    [Fact]
    public void Text_is_escaped_but_mentions_are_kept()
    {
        var blocks = Blocks(Simple([new TextSection("a < b & c > d, ping <@U123> in <#C0ALERTS01>, not <!here> or <@bad id>")]));

        Assert.Equal(
            "a &lt; b &amp; c &gt; d, ping <@U123> in <#C0ALERTS01>, not &lt;!here&gt; or &lt;@bad id&gt;",
            blocks[1]!["text"]!["text"]!.GetValue<string>());
    }

    [Fact]
    public void Plain_text_title_and_button_text_are_not_escaped()
    {
        var blocks = Blocks(Simple(title: "R&D <oven>", buttons: [new CardButton("Stop & go", "a.b", "1")]));

        Assert.Equal("R&D <oven>", blocks[0]!["text"]!["text"]!.GetValue<string>());
        Assert.Equal("Stop & go", blocks[1]!["elements"]![0]!["text"]!["text"]!.GetValue<string>());
    }

    [Fact]
    public void Repeated_action_ids_in_a_block_get_a_suffix_the_mapper_strips()
    {
        var buttons = new[] { new CardButton("A", "change.approve", "CHG-1"), new CardButton("B", "change.approve", "CHG-2"), new CardButton("C", "change.approve", "CHG-3") };

        var ids = Blocks(Simple(buttons: buttons))[1]!["elements"]!.AsArray().Select(e => e!["action_id"]!.GetValue<string>()).ToList();

        Assert.Equal(["change.approve", "change.approve#2", "change.approve#3"], ids);
        Assert.All(ids, id => Assert.Equal("change.approve", SlackPayloadMapper.StripActionSuffix(id)));
    }

    [Fact]
    public void Button_limits_and_default_style()
    {
        var button = new CardButton(new string('b', 100), new string('a', 300), new string('v', 3000));

        var element = Blocks(Simple(buttons: [button]))[1]!["elements"]![0]!;

        Assert.Equal(75, element["text"]!["text"]!.GetValue<string>().Length);
        Assert.Equal(255, element["action_id"]!.GetValue<string>().Length);
        Assert.Equal(2000, element["value"]!.GetValue<string>().Length);
        Assert.Null(element["style"]);
    }

    [Fact]
    public void Empty_parts_are_left_out()
    {
        var blocks = Blocks(Simple([new TextSection(""), new TextSection("  \n "), new FieldsSection([]), new ContextSection("")], title: " "));

        Assert.Empty(blocks);
    }

    [Fact]
    public void Empty_field_still_renders_text()
    {
        var blocks = Blocks(Simple([new FieldsSection([new CardField("", ""), new CardField("Only label", "")])]));

        Assert.Equal("-", blocks[1]!["fields"]![0]!["text"]!.GetValue<string>());
        Assert.Equal("*Only label*\n", blocks[1]!["fields"]![1]!["text"]!.GetValue<string>());
    }
}
