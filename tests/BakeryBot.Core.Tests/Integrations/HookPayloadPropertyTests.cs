using System.Text;
using BakeryBot.Core.Cmdb.Discovery;
using BakeryBot.Core.Integrations;
using CsCheck;

namespace BakeryBot.Core.Tests.Integrations;

/// <summary>
/// The two webhook bodies (Alertmanager, discovery) as well-formed JSON whose strings carry bytes that
/// are not UTF-8, or escapes of text no database keeps: a payload or a message, never an exception,
/// and never text that PostgreSQL would refuse to store.
/// </summary>
public sealed class HookPayloadPropertyTests
{
    private const string Alerts = """{"version":"4","status":"firing","receiver":"r","groupKey":"g","commonLabels":{"HOLE":"HOLE"},"alerts":[{"status":"firing","labels":{"alertname":"HOLE"},"annotations":{"summary":"HOLE"},"startsAt":"2026-11-26T08:59:00Z","fingerprint":"HOLE"}]}""";

    private const string Report = """{"source":"HOLE","items":[{"type":"asset","name":"HOLE","attributes":{"serial":"HOLE"}}]}""";

    // Bytes that are not UTF-8, and JSON escapes of a NUL and of halves of surrogate pairs.
    private static readonly byte[][] Bad = [[0x80], [0xFF], [0xC3, 0x28], [0xC0, 0xAF], [0xED, 0xA0, 0x80], [0xF4, 0x90, 0x80, 0x80], [0xE2, 0x82], .. new[] { "\\u0000", "\\ud800", "\\udfff", "\\ud83d\\u0041" }.Select(Encoding.ASCII.GetBytes)];

    /// <summary>The sample with each HOLE replaced by plain text or one of the bad pieces.</summary>
    private static readonly Gen<(string Sample, byte[] Body)> Bodies = Gen.OneOf(Gen.Const(Alerts), Gen.Const(Report)).SelectMany(sample =>
        Gen.Int[0, Bad.Length].Array[sample.Split("HOLE").Length - 1].Select(choices =>
        {
            var parts = sample.Split("HOLE");
            var body = new List<byte>(Encoding.UTF8.GetBytes(parts[0]));
            for (var i = 1; i < parts.Length; i++)
            {
                body.AddRange(choices[i - 1] == Bad.Length ? "x"u8.ToArray() : [(byte)'a', .. Bad[choices[i - 1]], (byte)'b']);
                body.AddRange(Encoding.UTF8.GetBytes(parts[i]));
            }

            return (sample, body.ToArray());
        }));

    [Fact]
    public void Strings_with_bytes_that_are_not_utf8_or_unstorable_escapes_give_a_payload_or_a_message() =>
        Bodies.Sample(c =>
        {
            if (c.Sample == Alerts)
            {
                var parsed = AlertmanagerPayload.Parse(c.Body);
                Assert.True((parsed.Payload is null) != (parsed.Error is null));
                if (parsed.Payload is { } payload)
                {
                    var texts = payload.CommonLabels.SelectMany(l => new[] { l.Key, l.Value })
                        .Concat(payload.Alerts.SelectMany(a => a.Labels.Concat(a.Annotations).SelectMany(l => new[] { l.Key, l.Value }).Append(a.Fingerprint)));
                    Assert.All(texts, t => Assert.Equal(-1, Core.Chat.StorableText.FindUnstorable(t)));
                }
            }
            else
            {
                var (payload, error) = DiscoveryPayload.Parse(c.Body);
                Assert.True((payload is null) != (error is null));
                if (payload is not null)
                {
                    var texts = payload.Items.SelectMany(i => i.Attributes.Values.Append(i.Name)).Append(payload.Source);
                    Assert.All(texts, t => Assert.Equal(-1, Core.Chat.StorableText.FindUnstorable(t)));
                }
            }
        }, iter: 5_000);

    // Counterexamples the host's hostile body tests found: a 500 (the reader only checks a string's
    // UTF-8 when it is read) and, on PostgreSQL, text the database refuses.
    [Fact]
    public void Bytes_that_are_not_utf8_in_a_string_are_refused_with_a_message()
    {
        byte[] alerts = [.. "{\"version\":\"4\",\"alerts\":[],\"receiver\":\"a"u8, 0xC3, 0x28, .. "\"}"u8];
        byte[] report = [.. "{\"source\":\"s\",\"items\":[{\"type\":\"asset\",\"name\":\"a"u8, 0xFF, .. "\"}]}"u8];

        Assert.Equal("The body is not valid UTF-8.", AlertmanagerPayload.Parse(alerts).Error);
        Assert.Equal((null, "The body is not valid UTF-8."), DiscoveryPayload.Parse(report));
    }

    [Fact]
    public void Escapes_of_text_no_database_keeps_are_refused()
    {
        var parsed = AlertmanagerPayload.Parse(Encoding.UTF8.GetBytes(Alerts.Replace("\"summary\":\"HOLE\"", "\"summary\":\"a\\u0000b\"", StringComparison.Ordinal).Replace("HOLE", "x", StringComparison.Ordinal)));
        Assert.Equal("`alerts[0].annotations.summary` has a character that can't be kept (U+0000).", parsed.Error);
        var surrogate = AlertmanagerPayload.Parse(Encoding.UTF8.GetBytes(Alerts.Replace("\"alertname\":\"HOLE\"", "\"alertname\":\"\\ud800\"", StringComparison.Ordinal).Replace("HOLE", "x", StringComparison.Ordinal)));
        Assert.Equal("The body has a string with half a surrogate pair (as \\ud800), which is not text.", surrogate.Error);

        Assert.Equal(
            (null, "The body has a string with half a surrogate pair (as \\ud800), which is not text."),
            DiscoveryPayload.Parse(Encoding.UTF8.GetBytes("""{"source":"s","items":[{"type":"asset","name":"oven\udc00-7"}]}""")));
    }
}
