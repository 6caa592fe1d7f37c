using CsCheck;

namespace BakeryBot.Slack.Tests;

public sealed class SlackTextTests
{
    [Theory]
    [InlineData("a < b & c > d", "a &lt; b &amp; c &gt; d")]
    [InlineData("<@U123>", "<@U123>")]
    [InlineData("<@W0A1B2C3D>", "<@W0A1B2C3D>")]
    [InlineData("<#C0ALERTS01>", "<#C0ALERTS01>")]
    [InlineData("<@U1|name>", "&lt;@U1|name&gt;")]
    [InlineData("<!channel>", "&lt;!channel&gt;")]
    [InlineData("<https://evil.example|click>", "&lt;https://evil.example|click&gt;")]
    [InlineData("<@>", "&lt;@&gt;")]
    [InlineData("<@U1", "&lt;@U1")]
    [InlineData("&amp;", "&amp;amp;")]
    [InlineData("plain", "plain")]
    public void Escape(string text, string expected)
    {
        Assert.Equal(expected, SlackText.Escape(text));
    }

    [Fact]
    public void Text_without_special_characters_is_not_copied()
    {
        var text = "nothing to escape";

        Assert.Same(text, SlackText.Escape(text));
        Assert.Same(text, SlackText.Truncate(text, 100));
    }

    [Theory]
    [InlineData("&&&&", 7, "&amp;\u2026")]
    [InlineData("ab<@U12345>", 8, "ab\u2026")]
    [InlineData("abcdef", 4, "abc\u2026")]
    [InlineData("abc", 3, "abc")]
    [InlineData("a&b", 7, "a&amp;b")]
    public void Truncate_never_splits_an_entity_or_mention(string text, int max, string expected)
    {
        Assert.Equal(expected, SlackText.Truncate(text, max));
    }

    [Fact]
    public void Truncate_never_splits_a_surrogate_pair()
    {
        Assert.Equal("a\u2026", SlackText.Truncate("a\U0001F36A\U0001F36A", 3));
        Assert.Equal("a\u2026", SlackText.TruncatePlain("a\U0001F36A\U0001F36A", 3));
    }

    [Fact]
    public void Split_prefers_line_breaks()
    {
        var text = new string('a', 200) + "\n" + new string('b', 200);

        var pieces = SlackText.Split(text, 300);

        Assert.Equal([new string('a', 200) + "\n", new string('b', 200)], pieces);
    }

    [Fact]
    public void Escaped_pieces_fit_their_budget()
    {
        var gen = Gen.String["ab &<>@#U1\n"].Select(Gen.Int[300, 400]);

        gen.Sample((text, max) =>
        {
            Assert.All(SlackText.Split(text, max), piece => Assert.InRange(piece.Length, 1, max));
            Assert.InRange(SlackText.Truncate(text, max / 10).Length, 0, max / 10);
        }, iter: 2_000);
    }
}
