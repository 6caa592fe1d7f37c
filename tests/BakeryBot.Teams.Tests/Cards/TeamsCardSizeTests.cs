using System.Text;
using System.Text.Json.Nodes;
using BakeryBot.Core.Chat;
using BakeryBot.Teams.Cards;
using CsCheck;

namespace BakeryBot.Teams.Tests.Cards;

/// <summary>Teams: a bot message must stay under 100 KB as UTF-16; the renderer keeps it under 80 KB (protocols.md §10).</summary>
public sealed class TeamsCardSizeTests
{
    private const int Limit = 80 * 1024;

    private static readonly CardButton[] Buttons =
    [
        new("Acknowledge", "incident.ack", "INC-42", ButtonStyle.Primary),
        new("Resolve", "incident.resolve", "INC-42", ButtonStyle.Danger),
    ];

    private static Card Huge(IReadOnlyList<CardSection> sections) =>
        new("INC-42 Oven 2 burns cookies", CardAccent.Critical, sections, Buttons, "Declared by Dana");

    /// <summary>Every way Teams or a poster might count: UTF-16 and UTF-8, with and without escaping non-ASCII.</summary>
    private static void AssertFits(JsonNode message)
    {
        Assert.InRange(TeamsAdaptiveCardRenderer.SizeOf(message), 0, Limit);
        Assert.InRange(Encoding.UTF8.GetByteCount(message.ToJsonString()), 0, Limit);
        var relaxed = message.ToJsonString(new System.Text.Json.JsonSerializerOptions { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping });
        Assert.InRange(Encoding.Unicode.GetByteCount(relaxed), 0, Limit);
        Assert.InRange(Encoding.UTF8.GetByteCount(relaxed), 0, Limit);
    }

    private static List<string> Texts(JsonObject card) =>
        card["body"]![0]!["items"]!.AsArray().Where(i => i!["text"] is not null).Select(i => i!["text"]!.GetValue<string>()).ToList();

    [Fact]
    public void A_card_with_5000_fields_is_cut_to_fit_and_keeps_title_and_buttons()
    {
        var fields = Enumerable.Range(1, 5_000).Select(i => new CardField($"Oven {i}", $"Temperature {i * 7 % 300} \u00B0C, status ok")).ToList();

        var message = TeamsAdaptiveCardRenderer.RenderMessageActivity("Ovens", Huge([new FieldsSection(fields)]));
        var card = message["attachments"]![0]!["content"]!.AsObject();

        AssertFits(message);
        AdaptiveCardShape.AssertValid(card);
        var texts = Texts(card);
        Assert.Equal("INC-42 Oven 2 burns cookies", texts[0]);
        Assert.Equal("Declared by Dana", texts[^1]);
        Assert.StartsWith("\u2026(truncated", texts[^2], StringComparison.Ordinal);
        Assert.Equal(["incident.ack", "incident.resolve"], card["actions"]!.AsArray().Select(a => a!["verb"]!.GetValue<string>()));
        // It keeps as much as fits rather than giving up early.
        var facts = card["body"]![0]!["items"]!.AsArray().Where(i => i!["type"]!.GetValue<string>() == "FactSet").Sum(f => f!["facts"]!.AsArray().Count);
        Assert.InRange(facts, 200, 4_999);
    }

    [Fact]
    public void The_note_names_where_the_full_record_is()
    {
        var fields = Enumerable.Range(1, 5_000).Select(i => new CardField($"F{i}", "v")).ToList();

        var card = TeamsAdaptiveCardRenderer.RenderCard(Huge([new FieldsSection(fields)]), fullRecordHint: "/incident show INC-42");

        AssertFits(card);
        Assert.Equal("\u2026(truncated; the full record: /incident show INC-42)", Texts(card)[^2]);
    }

    [Fact]
    public void Long_text_is_split_into_blocks_and_cut_between_them()
    {
        var words = string.Join(' ', Enumerable.Repeat("cr\u00E8me-br\u00FBl\u00E9e \U0001F36E", 20_000));

        var card = TeamsAdaptiveCardRenderer.RenderCard(Huge([new TextSection(words)]));

        AssertFits(card);
        var blocks = Texts(card);
        Assert.True(blocks.Count > 3);
        Assert.All(blocks, b => Assert.InRange(b.Length, 0, TeamsAdaptiveCardRenderer.MaxTextBlockLength + 100));
        Assert.All(blocks.Skip(1).SkipLast(2), b => Assert.StartsWith("cr\u00E8me", b, StringComparison.Ordinal));
    }

    [Fact]
    public void A_card_that_fits_is_not_cut()
    {
        var card = TeamsAdaptiveCardRenderer.RenderCard(TeamsAdaptiveCardRendererTests.IncidentCard());

        Assert.DoesNotContain(Texts(card), t => t.Contains("truncated", StringComparison.Ordinal));
    }

    [Fact]
    public void Long_titles_and_buttons_are_cut_to_their_own_limits()
    {
        var card = TeamsAdaptiveCardRenderer.RenderCard(new Card(
            new string('t', 5_000), CardAccent.Info, [], [new CardButton(new string('b', 500), "a.b", new string('v', 5_000))]));

        Assert.Equal(TeamsAdaptiveCardRenderer.MaxTitleLength, Texts(card)[0].Length);
        Assert.Equal(TeamsAdaptiveCardRenderer.MaxButtonTitleLength, card["actions"]![0]!["title"]!.GetValue<string>().Length);
        Assert.Equal(TeamsAdaptiveCardRenderer.MaxButtonValueLength, card["actions"]![0]!["data"]!["value"]!.GetValue<string>().Length);
    }

    [Fact]
    public void Huge_replies_with_many_cards_fit()
    {
        var fields = Enumerable.Range(1, 2_000).Select(i => new CardField($"F{i}", "\u00FC\u00FC\u00FC")).ToList();
        var cards = Enumerable.Repeat(Huge([new FieldsSection(fields)]), 12).ToArray();

        var message = TeamsAdaptiveCardRenderer.RenderReply(ChatReply.Private(new string('*', 50_000), cards))!;

        AssertFits(message);
        Assert.Equal(TeamsAdaptiveCardRenderer.MaxCards, message["attachments"]!.AsArray().Count);
        foreach (var attachment in message["attachments"]!.AsArray())
        {
            AdaptiveCardShape.AssertValid(attachment!["content"]);
        }
    }

    [Fact]
    public void Random_cards_render_valid_and_within_the_limit()
    {
        var text = Gen.OneOf(Gen.String, Gen.String["*_[]()#-+>1. \n<@U9>&\u00E9\U0001F36E"], Gen.Const("<@U1> did it"));
        var section = Gen.OneOf<CardSection>(
            text.Select(t => (CardSection)new TextSection(t)),
            text.Select(t => (CardSection)new ContextSection(t)),
            Gen.Const<CardSection>(new DividerSection()),
            text.Select(text, (l, v) => new CardField(l, v)).List[0, 60].Select(f => (CardSection)new FieldsSection(f)));
        var button = Gen.String.Select(Gen.OneOf(Gen.Const(""), Gen.String["abc.def"]), Gen.String, Gen.Enum<ButtonStyle>(), (t, a, v, s) => new CardButton(t, a, v, s));
        var card = text.Select(Gen.Enum<CardAccent>(), section.List[0, 30], button.List[0, 40], text, (t, accent, s, b, c) => new Card(t, accent, s, b, c));

        card.Sample(c =>
        {
            var message = TeamsAdaptiveCardRenderer.RenderMessageActivity("x", c, id => id == "U1" ? "Uno" : null);
            AssertFits(message);
            var actions = AdaptiveCardShape.AssertValid(message["attachments"]![0]!["content"]);
            Assert.Equal(Math.Min(c.Buttons.Count(b => b.ActionId.Length > 0), TeamsAdaptiveCardRenderer.MaxButtons), actions.Count);
        }, iter: 1_000);
    }
}
