using BakeryBot.Teams.Auth;
using CsCheck;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace BakeryBot.Teams.Tests.Auth;

/// <summary>quality.md "Security and bad input": hostile headers never throw and are never accepted.</summary>
public sealed class BotFrameworkTokenValidatorPropertyTests : IAsyncLifetime
{
    private const string Base64Url = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

    private readonly FakeTimeProvider _time = new(BotFrameworkTokenValidatorTests.Start);
    private readonly HttpClient _http = new();
    private FakeBotFrameworkAuthority _authority = null!;
    private BotFrameworkTokenValidator _validator = null!;

    public async Task InitializeAsync()
    {
        _authority = await FakeBotFrameworkAuthority.StartAsync(_time);
        _validator = new BotFrameworkTokenValidator(Options.Create(_authority.CreateOptions()), _http, _time, NullLogger<BotFrameworkTokenValidator>.Instance);
    }

    public async Task DisposeAsync()
    {
        _validator.Dispose();
        _http.Dispose();
        await _authority.DisposeAsync();
    }

    [Fact]
    public async Task Random_headers_are_refused_without_exceptions()
    {
        var segment = Gen.String[Gen.Char[Base64Url + ".=%"], 0, 200];
        var header = Gen.OneOf(
            Gen.String,
            segment.Select(s => "Bearer " + s),
            Gen.Select(segment, segment, segment, (a, b, c) => $"Bearer {a}.{b}.{c}"),
            Gen.Select(segment, segment, segment, segment, segment, (a, b, c, d, e) => $"Bearer {a}.{b}.{c}.{d}.{e}"));

        await header.SampleAsync(async h => Assert.False((await Validate(h)).IsValid), iter: 3_000);
    }

    [Fact]
    public async Task A_valid_token_with_one_character_changed_is_refused()
    {
        var token = _authority.MintToken();
        Assert.True((await Validate("Bearer " + token)).IsValid);
        var parts = token.Split('.');

        // Change a character of the header or payload, never a segment's last one (whose spare bits may not count).
        var gen = Gen.Int[0, 1].SelectMany(part => Gen.Select(Gen.Int[0, parts[part].Length - 2], Gen.Char[Base64Url], (i, c) => (part, i, c)))
            .Where(t => parts[t.part][t.i] != t.c);

        await gen.SampleAsync(async t =>
        {
            var changed = (string[])parts.Clone();
            changed[t.part] = string.Concat(changed[t.part].AsSpan(0, t.i), t.c.ToString(), changed[t.part].AsSpan(t.i + 1));
            Assert.False((await Validate("Bearer " + string.Join('.', changed))).IsValid);
        }, iter: 1_000);
    }

    private Task<TokenCheck> Validate(string header) =>
        _validator.ValidateAsync(header, FakeBotFrameworkAuthority.TeamsChannel, FakeBotFrameworkAuthority.DefaultServiceUrl, CancellationToken.None);
}
