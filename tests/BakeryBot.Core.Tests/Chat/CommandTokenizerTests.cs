using BakeryBot.Core.Chat;
using CsCheck;

namespace BakeryBot.Core.Tests.Chat;

public sealed class CommandTokenizerTests
{
    [Fact]
    public void Reads_words_options_quotes_mentions_and_channels()
    {
        var tokens = CommandTokenizer.Tokenize("burnt cookie sev2 ci:oven-2 window:\"tomorrow 22:00\" <@U123|bob> <#C9|cab> INC-42");

        Assert.Equal(
            [
                new CommandToken(TokenKind.Word, "burnt"),
                new CommandToken(TokenKind.Word, "cookie"),
                new CommandToken(TokenKind.Word, "sev2"),
                new CommandToken(TokenKind.Option, "oven-2", "ci"),
                new CommandToken(TokenKind.Option, "tomorrow 22:00", "window"),
                new CommandToken(TokenKind.Mention, "U123"),
                new CommandToken(TokenKind.Channel, "C9"),
                new CommandToken(TokenKind.Word, "INC-42"),
            ],
            tokens);
    }

    [Theory]
    [InlineData("<@U123>", TokenKind.Mention, "U123")]
    [InlineData("<@W0ABC|jo>", TokenKind.Mention, "W0ABC")]
    [InlineData("<at>Jo Baker</at>", TokenKind.Mention, "29:jo-id")]
    [InlineData("<at>Unknown Person</at>", TokenKind.Mention, "Unknown Person")]
    [InlineData("<#C012ABCDE>", TokenKind.Channel, "C012ABCDE")]
    [InlineData("<C987654321|>", TokenKind.Channel, "C987654321")]
    [InlineData("<https://example.com|example>", TokenKind.Word, "https://example.com")]
    [InlineData("https://example.com/a", TokenKind.Word, "https://example.com/a")]
    [InlineData("22:00", TokenKind.Word, "22:00")]
    [InlineData("\u201Csmart quotes\u201D", TokenKind.Quoted, "smart quotes")]
    [InlineData("\"say \\\"hi\\\"\"", TokenKind.Quoted, "say \"hi\"")]
    [InlineData("won't", TokenKind.Word, "won't")]
    [InlineData("down:", TokenKind.Word, "down:")]
    [InlineData("a<b", TokenKind.Word, "a<b")]
    public void Reads_one_token(string text, TokenKind kind, string value)
    {
        var mentions = new Dictionary<string, string> { ["Jo Baker"] = "29:jo-id" };
        var token = Assert.Single(CommandTokenizer.Tokenize(text, mentions));
        Assert.Equal(kind, token.Kind);
        Assert.Equal(value, token.Text);
    }

    [Theory]
    [InlineData("title \"never closed", "never closed")]
    public void Explains_bad_input(string text, string expected)
    {
        var error = Assert.Throws<UserException>(() => CommandTokenizer.Tokenize(text));
        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Refuses_oversized_text_with_a_message()
    {
        var error = Assert.Throws<UserException>(() => CommandTokenizer.Tokenize(new string('x', CommandTokenizer.MaxLength + 1)));
        Assert.Contains("at most", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Options_given_twice_are_refused()
    {
        var error = Assert.Throws<UserException>(() => new CommandArgs(CommandTokenizer.Tokenize("ci:a ci:b")));
        Assert.Contains("twice", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Random_and_hostile_text_never_escapes_as_anything_but_a_user_error()
    {
        var hostile = Gen.OneOf(
            Gen.String,
            Gen.Char["<>@#|:\"\u201C\u201D\\ \t\nINC-0123456789abcsev"].Array[0, 60].Select(c => new string(c)),
            Gen.Const("<at>").Select(Gen.String, (a, b) => a + b));
        hostile.Sample(
            text =>
            {
                try
                {
                    var args = new CommandArgs(CommandTokenizer.Tokenize(text));
                    args.TakeSeverity();
                    args.TakeRecordId(RecordId.Incident);
                    _ = args.RestAsText();
                }
                catch (UserException ex)
                {
                    Assert.False(string.IsNullOrWhiteSpace(ex.Message));
                }
            },
            iter: 5000);
    }
}
