using System.Text;
using BakeryBot.Teams.Activities;
using CsCheck;

namespace BakeryBot.Teams.Tests.Activities;

/// <summary>Random and hostile input: parser and mapper answer with a result, never an exception.</summary>
public sealed class TeamsActivityPropertyTests
{
    // Mostly JSON punctuation and the member names the parser looks for, so random strings often get deep into it.
    private static readonly Gen<string> JsonIsh = Gen.OneOf(
        Gen.String,
        Gen.String["{}[]\":,0123456789.-truefalsn \\u"],
        Gen.OneOf(
                "{\"type\":\"message\",", "{\"type\":\"invoke\",\"name\":\"adaptiveCard/action\",", "\"serviceUrl\":\"https://x/\",",
                "\"from\":{\"id\":\"29:a\"},", "\"recipient\":{\"id\":\"28:b\"},", "\"conversation\":{\"id\":\"19:c;messageid=1\",\"tenantId\":\"t\"},",
                "\"text\":\"<at>b</at> x\",", "\"entities\":[{\"type\":\"mention\",\"mentioned\":{\"id\":\"28:b\"}}],",
                "\"value\":{\"action\":{\"type\":\"Action.Execute\",\"verb\":\"v\",\"data\":", "\"commandContext\":\"message\",",
                "\"membersAdded\":[{\"id\":\"28:b\"}]", "null", "]", "}", ",", "\"\\ud800\"", "[[[[[[[[", "{\"a\":{\"a\":{\"a\":")
            .List[0, 40]
            .Select(parts => string.Concat(parts)));

    /// <summary>Whatever parses must also map without throwing.</summary>
    private static void ParseAndMap(ReadOnlySpan<byte> body)
    {
        var result = TeamsActivityParser.Parse(body);
        Assert.NotNull(result);
        if (result is TeamsParseResult.Valid { Activity: var a })
        {
            _ = TeamsActivityMapper.FromMessage(a);
            Assert.NotNull(TeamsActivityMapper.MapCardAction(a));
            Assert.NotNull(TeamsActivityMapper.MapMessageAction(a));
            _ = TeamsActivityMapper.ConversationOf(a);
            _ = TeamsActivityMapper.IsBotAdded(a);
        }
    }

    [Fact]
    public void Random_strings_never_throw()
    {
        JsonIsh.Sample(body => ParseAndMap(Encoding.UTF8.GetBytes(body)), iter: 5_000);
    }

    [Fact]
    public void Random_bytes_never_throw()
    {
        Gen.Byte.Array[0, 300].Sample(body => ParseAndMap(body), iter: 5_000);
    }

    [Fact]
    public void Damaged_fixtures_never_throw()
    {
        var fixtures = TeamsFixtures.All.Select(Encoding.UTF8.GetBytes).ToArray();
        var gen = Gen.Int[0, fixtures.Length - 1]
            .Select(Gen.Int[0, 3000], Gen.Int[0, 20], Gen.Byte)
            .Select((file, cut, changes, b) =>
            {
                var bytes = fixtures[file];
                var at = Math.Min(cut, bytes.Length);
                // Either cut the body short or overwrite a run of bytes with one byte.
                if (changes == 0)
                {
                    return bytes[..at];
                }

                var copy = (byte[])bytes.Clone();
                copy.AsSpan(at, Math.Min(changes, copy.Length - at)).Fill(b);
                return copy;
            });

        gen.Sample(body => ParseAndMap(body), iter: 5_000);
    }

    [Fact]
    public void Fixtures_with_hostile_text_never_throw()
    {
        var text = Gen.OneOf(
            Gen.String,
            Gen.String["<at>/ &;#x0123456789abcdefnbsp<>p</div>"],
            Gen.OneOf("<at>", "</at>", "<at>ChatOps Bot</at>", "&nbsp;", "&#xD800;", "&#99999999;", "<p>", "<", "&", "/", " ", "x").List[0, 30].Select(string.Concat));
        var gen = Gen.Int[0, TeamsFixtures.All.Length - 1].Select(text, (file, t) => ActivityJson.With(TeamsFixtures.All[file], root =>
        {
            root["text"] = t;
            if (root["value"]?["messagePayload"]?["body"] is System.Text.Json.Nodes.JsonObject body)
            {
                body["content"] = t;
            }
        }));

        gen.Sample(body => ParseAndMap(Encoding.UTF8.GetBytes(body)), iter: 5_000);
    }

    [Fact]
    public void Deep_nesting_anywhere_is_invalid_not_a_crash()
    {
        var gen = Gen.Int[65, 5_000].Select(Gen.OneOf(Gen.Const('['), Gen.Const('{')), (depth, open) =>
            open == '[' ? new string('[', depth) + new string(']', depth) : string.Concat(Enumerable.Repeat("{\"a\":", depth)) + "1" + new string('}', depth));

        gen.Sample(body => Assert.IsType<TeamsParseResult.Invalid>(TeamsActivityParser.Parse(body)), iter: 200);
    }
}
