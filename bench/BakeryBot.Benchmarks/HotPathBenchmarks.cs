using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using BakeryBot.Core.Chat;
using BakeryBot.Slack;
using BenchmarkDotNet.Attributes;

namespace BakeryBot.Benchmarks;

/// <summary>Slack signature verification, at three body sizes to show how cost grows.</summary>
[MemoryDiagnoser]
public class SignatureBenchmarks
{
    private const string Secret = "8f742231b10e8888abcd99yyyzzz85a5";
    private SlackSignatureVerifier _verifier = null!;
    private byte[] _body = [];
    private string _timestamp = "";
    private string _signature = "";

    [Params(500, 4_000, 40_000)]
    public int BodyBytes { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        var now = DateTimeOffset.UtcNow;
        _verifier = new SlackSignatureVerifier(Secret, TimeProvider.System);
        _body = Encoding.UTF8.GetBytes("command=%2Fincident&text=" + new string('x', BodyBytes - 25));
        _timestamp = now.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
        var mac = HMACSHA256.HashData(Encoding.UTF8.GetBytes(Secret), Encoding.UTF8.GetBytes($"v0:{_timestamp}:").Concat(_body).ToArray());
        _signature = "v0=" + Convert.ToHexStringLower(mac);
    }

    [Benchmark]
    public bool Verify() => _verifier.Verify(_timestamp, _signature, _body).IsValid;
}

/// <summary>Command parsing: a typical command and a long one.</summary>
[MemoryDiagnoser]
public class ParserBenchmarks
{
    private string _text = "";

    [Params(1, 10, 50)]
    public int Repeat { get; set; }

    [GlobalSetup]
    public void Setup() => _text = string.Join(' ', Enumerable.Repeat("burnt-cookie sev2 ci:oven-2 window:\"tomorrow 22:00\" <@U123|bob>", Repeat));

    [Benchmark]
    public int Tokenize() => CommandTokenizer.Tokenize(_text).Count;
}

/// <summary>Block Kit rendering of incident-like cards with few and many fields.</summary>
[MemoryDiagnoser]
public class RenderBenchmarks
{
    private Card _card = null!;

    [Params(6, 60, 600)]
    public int Fields { get; set; }

    [GlobalSetup]
    public void Setup() => _card = IncidentCard(Fields);

    /// <summary>The incident-like card both renderers' benchmarks draw.</summary>
    internal static Card IncidentCard(int fields) => new(
        "INC-42: burnt cookies at Bakery #2",
        CardAccent.Danger,
        [
            new FieldsSection(Enumerable.Range(0, fields).Select(i => new CardField($"Field {i}", $"value <{i}> & more")).ToList()),
            new TextSection("Oven 2's thermostat reads 40°C too high."),
            new ContextSection("Declared by <@U123> 5 minutes ago"),
        ],
        [new CardButton("Acknowledge", "incident.ack", "INC-42", ButtonStyle.Primary), new CardButton("Resolve", "incident.resolve", "INC-42", ButtonStyle.Danger)],
        "Declared by Alice");

    [Benchmark]
    public int BlockKit() => SlackBlockKitRenderer.RenderMessage(_card).Length;
}
