using System.Text;
using BakeryBot.Teams.Cards;
using CsCheck;

namespace BakeryBot.Teams.Tests.Cards;

public sealed class TeamsMarkdownTests
{
    [Theory]
    [InlineData("plain text", "plain text")]
    [InlineData("*not bold*", "\\*not bold\\*")]
    [InlineData("**not bold**", "\\*\\*not bold\\*\\*")]
    [InlineData("_x_", "\\_x\\_")]
    [InlineData("snake_case_name", "snake\\_case\\_name")]
    [InlineData("[link](http://x)", "\\[link\\](http://x)")]
    [InlineData("![img](http://x/i.png)", "!\\[img\\](http://x/i.png)")]
    [InlineData("# heading", "\\# heading")]
    [InlineData("issue #2", "issue #2")]
    [InlineData("- list", "\\- list")]
    [InlineData("+ list", "\\+ list")]
    [InlineData("* list", "\\* list")]
    [InlineData("1. list", "1\\. list")]
    [InlineData("12) list", "12\\) list")]
    [InlineData("version 1.5", "version 1.5")]
    [InlineData("> quote", "\\> quote")]
    [InlineData("a > b", "a > b")]
    [InlineData("`code` ~~gone~~", "\\`code\\` \\~\\~gone\\~\\~")]
    [InlineData("back\\slash", "back\\\\slash")]
    [InlineData("<b>html</b>", "\\<b>html\\</b>")]
    [InlineData("AT&T & &amp; &#42;", "AT\\&T & \\&amp; \\&#42;")]
    [InlineData("    code block?", "\u00A0\u00A0\u00A0\u00A0code block?")]
    [InlineData("\t- indented", "\u00A0\\- indented")]
    [InlineData("a\nb", "a\n\nb")]
    [InlineData("a\r\n\r\n\r\nb\n", "a\n\nb")]
    [InlineData("line\n- item\n2. item", "line\n\n\\- item\n\n2\\. item")]
    [InlineData("<@U1> and <@29:a-b.c>", "@U1 and @29:a-b.c")]
    [InlineData("<@> <@bad id> <@U1", "\\<@> \\<@bad id> \\<@U1")]
    [InlineData("", "")]
    public void Escapes_what_markdown_would_interpret(string text, string expected)
    {
        Assert.Equal(expected, TeamsMarkdown.Escape(text));
    }

    [Fact]
    public void Names_replace_mention_ids_and_are_escaped()
    {
        Assert.Equal("@Jo \\_the\\_ Baker, @U2", TeamsMarkdown.Escape("<@U1>, <@U2>", id => id == "U1" ? "Jo _the_ Baker" : null));
        Assert.Equal("@Two lines", TeamsMarkdown.Escape("<@U1>", _ => "Two\nlines"));
    }

    [Fact]
    public void Unescaping_gives_back_the_text()
    {
        // What a CommonMark renderer shows: the character after a backslash, paragraphs as line breaks.
        static string Shown(string markdown)
        {
            var shown = new StringBuilder();
            for (var i = 0; i < markdown.Length; i++)
            {
                if (markdown[i] == '\\' && i + 1 < markdown.Length && char.IsAsciiLetterOrDigit(markdown[i + 1]) is false && markdown[i + 1] < 128)
                {
                    i++;
                }

                shown.Append(markdown[i]);
            }

            // A leading tab becomes one no-break space; tabs elsewhere stay.
            return shown.ToString().Replace("\n\n", "\n", StringComparison.Ordinal).Replace('\u00A0', ' ').Replace('\t', ' ');
        }

        static string Expected(string text)
        {
            var lines = text.Replace("\r\n", "\n", StringComparison.Ordinal).Replace('\r', '\n').Replace('\t', ' ')
                .Split('\n').Where(l => l.Length > 0);
            return string.Join('\n', lines);
        }

        Gen.String[" \t\n\r*_`~[]<>#-+.)&;0123456789abcAT\\!(|"].Where(t => !t.Contains("<@", StringComparison.Ordinal))
            .Sample(text => Assert.Equal(Expected(text), Shown(TeamsMarkdown.Escape(text))), iter: 5_000);
    }

    [Fact]
    public void Never_throws()
    {
        Gen.String.Sample(text => Assert.NotNull(TeamsMarkdown.Escape(text, id => id)), iter: 5_000);
    }
}
