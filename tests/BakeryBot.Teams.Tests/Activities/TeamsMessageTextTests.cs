using BakeryBot.Teams.Activities;

namespace BakeryBot.Teams.Tests.Activities;

public sealed class TeamsMessageTextTests
{
    [Theory]
    [InlineData("plain", "plain")]
    [InlineData("<p>a</p><p>b</p>", "a\nb")]
    [InlineData("a<br>b<br/><br />c", "a\nb\n\nc")]
    [InlineData("<div>one</div>\r\n<div>two</div>", "one\ntwo")]
    [InlineData("x&nbsp;&nbsp;y", "x  y")]
    [InlineData("&lt;b&gt;not a tag&lt;/b&gt;", "<b>not a tag</b>")]
    [InlineData("&#65;&#x42;&amp;", "AB&")]
    [InlineData("AT&T & co; &unknown; &", "AT&T & co; &unknown; &")]
    [InlineData("a < b > c", "a < b > c")]
    [InlineData("<3 and <unclosed", "<3 and <unclosed")]
    [InlineData("<!-- note -->kept", "kept")]
    [InlineData("<span itemtype=\"http://schema.skype.com/Mention\" itemid=\"0\">Jo</span> hi", "Jo hi")]
    [InlineData("<at id=\"0\">Jo&nbsp;Baker</at>", "Jo Baker")]
    [InlineData("<at>never closed", "never closed")]
    [InlineData("\n\n\n a \n\n\n\n b \n", "a\n\nb")]
    public void Html_becomes_plain_text(string html, string expected)
    {
        Assert.Equal(expected, TeamsMessageText.ToPlainText(html));
    }

    [Fact]
    public void Mentions_are_handed_out_by_name()
    {
        var names = new List<string>();

        var text = TeamsMessageText.Convert("<AT>Jo &amp; Co</AT> and <at> Sam </at>", name =>
        {
            names.Add(name);
            return $"[{name}]";
        });

        Assert.Equal(["Jo & Co", "Sam"], names);
        Assert.Equal("[Jo & Co] and [Sam]", text);
    }
}
