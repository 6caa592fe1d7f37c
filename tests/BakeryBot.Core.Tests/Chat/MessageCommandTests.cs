using BakeryBot.Core.Chat;

namespace BakeryBot.Core.Tests.Chat;

public sealed class MessageCommandTests
{
    [Theory]
    [InlineData("incident oven cold sev2", "incident", "oven cold sev2")]
    [InlineData("  /Timer   start INC-4 ", "timer", "start INC-4")]
    [InlineData("INC-42", "incident", "show INC-42")]
    [InlineData("status chg-7", "change", "show CHG-7")]
    [InlineData("Show PRB-3", "problem", "show PRB-3")]
    [InlineData("status DRL-2", "drill", "show DRL-2")]
    [InlineData("status INC-2 please", "status", "INC-2 please")]
    [InlineData("status", "status", "")]
    [InlineData("INC-0", "inc-0", "")]
    [InlineData("help", "bakery", "help")]
    [InlineData("help incident", "help", "incident")]
    [InlineData("home", "home", "")]
    // Found by ParserPropertyTests: any white space ends the command word, as it ends a word in the tokenizer.
    [InlineData("incident\u00a0oven cold", "incident", "oven cold")]
    [InlineData("incident\r\noven cold", "incident", "oven cold")]
    public void The_first_word_is_the_command_and_a_record_id_alone_shows_it(string text, string command, string rest)
    {
        Assert.Equal((command, rest), MessageCommand.Split(text));
    }

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData("/")]
    [InlineData("// ")]
    [InlineData("/\u00a0\n 9")]
    public void Text_without_a_word_is_no_command(string text)
    {
        Assert.Null(MessageCommand.Split(text));
    }
}
