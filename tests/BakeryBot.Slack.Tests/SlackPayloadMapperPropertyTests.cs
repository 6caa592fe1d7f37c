using CsCheck;

namespace BakeryBot.Slack.Tests;

/// <summary>Random and hostile input: the mappers answer with a result, never an exception.</summary>
public sealed class SlackPayloadMapperPropertyTests
{
    private static readonly string[] Fixtures =
    [
        TestFiles.Fixture("block_actions.json"),
        TestFiles.Fixture("message_action.json"),
        TestFiles.Fixture("view_submission.json"),
        TestFiles.Fixture("event_callback.json"),
    ];

    // Mostly JSON punctuation and the words the mapper looks for, so random strings often get deep into it.
    private static readonly Gen<string> JsonIsh = Gen.OneOf(
        Gen.String,
        Gen.String["{}[]\":,0123456789.-truefalsn \\u"],
        Gen.OneOf("{\"type\":\"block_actions\",", "{\"type\":\"message_action\",", "{\"type\":\"view_submission\",", "\"user\":", "\"team\":", "\"actions\":[", "{\"id\":\"U1\"}", "\"channel\":", "null", "]", "}", ",", "\"value\":", "\"\\ud800\"", "[[[[[[[[")
            .List[0, 40]
            .Select(parts => string.Concat(parts)));

    [Fact]
    public void Random_strings_never_throw()
    {
        JsonIsh.Sample(payload => Assert.NotNull(SlackPayloadMapper.FromInteraction(payload)), iter: 5_000);
    }

    [Fact]
    public void Damaged_fixtures_never_throw()
    {
        var gen = Gen.Int[0, Fixtures.Length - 1]
            .Select(Gen.Int[0, 3000], Gen.Int[0, 20], Gen.Char)
            .Select((file, cut, changes, c) =>
            {
                var text = Fixtures[file];
                var at = Math.Min(cut, text.Length);
                // Either cut the payload short or overwrite a run of characters with one character.
                return changes == 0 ? text[..at] : string.Concat(text.AsSpan(0, at), new string(c, changes), text.AsSpan(Math.Min(text.Length, at + changes)));
            });

        gen.Sample(payload => Assert.NotNull(SlackPayloadMapper.FromInteraction(payload)), iter: 5_000);
    }

    [Fact]
    public void Random_form_bodies_never_throw()
    {
        var gen = Gen.OneOf(
            Gen.String,
            Gen.String["=&%+team_idchanelusrcomd/2F0123456789ABCDEF"]);

        gen.Sample(body =>
        {
            var form = SlackPayloadMapper.ParseForm(body);
            _ = SlackPayloadMapper.FromSlashCommand(form);
            _ = SlackPayloadMapper.IsSslCheck(form);
        }, iter: 5_000);
    }
}
