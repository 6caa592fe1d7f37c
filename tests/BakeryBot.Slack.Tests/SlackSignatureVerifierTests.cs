using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Time.Testing;

namespace BakeryBot.Slack.Tests;

public sealed class SlackSignatureVerifierTests
{
    // The published example: api.slack.com/authentication/verifying-requests-from-slack (protocols.md §1).
    private const string Secret = "8f742231b10e8888abcd99yyyzzz85a5";
    private const long Timestamp = 1531420618;
    private const string Body = "token=xyzz0WbapA4vBCDEFasx0q6G&team_id=T1DC2JH3J&team_domain=testteamnow&channel_id=G8PSS9T3V&channel_name=foobar&user_id=U2CERLKJA&user_name=roadrunner&command=%2Fwebhook-collect&text=&response_url=https%3A%2F%2Fhooks.slack.com%2Fcommands%2FT1DC2JH3J%2F397700885554%2F96rGlfmibIGlgcZRskXaIFfN&trigger_id=398738663015.47445629121.803a0bc887a14d10d2c447fce8b6703c";
    private const string Signature = "v0=a2114d57b48eac39b9ad189dd8316235a7b4a8d21a10bd27519666489c69b503";

    private static readonly string Ts = Timestamp.ToString(System.Globalization.CultureInfo.InvariantCulture);

    private static SlackSignatureVerifier At(long unixSeconds, string secret = Secret) =>
        new(secret, new FakeTimeProvider(DateTimeOffset.FromUnixTimeSeconds(unixSeconds)));

    private static byte[] BodyBytes => Encoding.UTF8.GetBytes(Body);

    [Fact]
    public void Published_example_verifies()
    {
        var result = At(Timestamp).Verify(Ts, Signature, BodyBytes);

        Assert.True(result.IsValid, result.Reason);
        Assert.Equal(SlackSignatureStatus.Valid, result.Status);
    }

    [Theory]
    [InlineData(300)]
    [InlineData(-300)]
    public void Exactly_five_minutes_either_way_is_accepted(long skew)
    {
        Assert.True(At(Timestamp + skew).Verify(Ts, Signature, BodyBytes).IsValid);
    }

    [Theory]
    [InlineData(301)]
    [InlineData(-301)]
    [InlineData(86_400)]
    public void More_than_five_minutes_either_way_is_refused(long skew)
    {
        var result = At(Timestamp + skew).Verify(Ts, Signature, BodyBytes);

        Assert.Equal(SlackSignatureStatus.StaleTimestamp, result.Status);
    }

    [Fact]
    public void Wrong_secret_is_refused()
    {
        Assert.Equal(SlackSignatureStatus.Mismatch, At(Timestamp, "8f742231b10e8888abcd99yyyzzz85a6").Verify(Ts, Signature, BodyBytes).Status);
    }

    [Fact]
    public void Changed_body_is_refused()
    {
        var body = BodyBytes;
        body[^1] ^= 1;

        Assert.Equal(SlackSignatureStatus.Mismatch, At(Timestamp).Verify(Ts, Signature, body).Status);
    }

    [Fact]
    public void Signature_for_another_timestamp_is_refused()
    {
        var other = (Timestamp + 1).ToString(System.Globalization.CultureInfo.InvariantCulture);

        Assert.Equal(SlackSignatureStatus.Mismatch, At(Timestamp).Verify(other, Signature, BodyBytes).Status);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    public void Missing_timestamp_header_is_refused(string? header)
    {
        Assert.Equal(SlackSignatureStatus.MissingTimestamp, At(Timestamp).Verify(header, Signature, BodyBytes).Status);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    public void Missing_signature_header_is_refused(string? header)
    {
        Assert.Equal(SlackSignatureStatus.MissingSignature, At(Timestamp).Verify(Ts, header, BodyBytes).Status);
    }

    [Theory]
    [InlineData("abc")]
    [InlineData("-1531420618")]
    [InlineData("+1531420618")]
    [InlineData(" 1531420618")]
    [InlineData("1531420618.5")]
    [InlineData("1e9")]
    [InlineData("99999999999999999999999")]
    public void Non_numeric_timestamp_is_refused(string header)
    {
        Assert.Equal(SlackSignatureStatus.InvalidTimestamp, At(Timestamp).Verify(header, Signature, BodyBytes).Status);
    }

    [Fact]
    public void Other_version_is_refused()
    {
        var v1 = "v1=" + Signature[3..];

        Assert.Equal(SlackSignatureStatus.UnknownVersion, At(Timestamp).Verify(Ts, v1, BodyBytes).Status);
    }

    [Theory]
    [InlineData("v0=a2114d57b48eac39b9ad189dd8316235a7b4a8d21a10bd27519666489c69b50")]
    [InlineData("v0=a2114d57b48eac39b9ad189dd8316235a7b4a8d21a10bd27519666489c69b5030")]
    [InlineData("v0=")]
    [InlineData("a2114d57b48eac39b9ad189dd8316235a7b4a8d21a10bd27519666489c69b503")]
    [InlineData("v0=a2114d57b48eac39b9ad189dd8316235a7b4a8d21a10bd27519666489c69b5\u0130")]
    public void Malformed_signature_is_refused(string header)
    {
        Assert.Equal(SlackSignatureStatus.MalformedSignature, At(Timestamp).Verify(Ts, header, BodyBytes).Status);
    }

    [Fact]
    public void Upper_case_hex_is_refused_because_Slack_sends_lower_case()
    {
        var upper = "v0=" + Signature[3..].ToUpperInvariant();

        Assert.Equal(SlackSignatureStatus.Mismatch, At(Timestamp).Verify(Ts, upper, BodyBytes).Status);
    }

    [Fact]
    public void Non_ascii_look_alike_of_a_hex_digit_is_not_taken_for_it()
    {
        // (char)0x161 narrows to 'a' (0x61): a careless byte cast would accept it.
        var lookAlike = "v0=" + "\u0161" + Signature[4..];

        Assert.Equal(SlackSignatureStatus.MalformedSignature, At(Timestamp).Verify(Ts, lookAlike, BodyBytes).Status);
    }

    [Fact]
    public void Large_body_verifies()
    {
        var body = Encoding.UTF8.GetBytes("payload=" + new string('x', 20_000));
        byte[] signed = [.. Encoding.ASCII.GetBytes($"v0:{Ts}:"), .. body];
        var mac = HMACSHA256.HashData(Encoding.UTF8.GetBytes(Secret), signed);
        var signature = "v0=" + Convert.ToHexStringLower(mac);

        Assert.True(At(Timestamp).Verify(Ts, signature, body).IsValid);
        body[10_000] = (byte)'y';
        Assert.False(At(Timestamp).Verify(Ts, signature, body).IsValid);
    }

    [Fact]
    public void Reasons_never_contain_the_secret_or_the_signature()
    {
        var verifier = At(Timestamp);
        var results = new[]
        {
            verifier.Verify(null, Signature, BodyBytes),
            verifier.Verify(Ts, null, BodyBytes),
            verifier.Verify("x", Signature, BodyBytes),
            verifier.Verify("1", Signature, BodyBytes),
            verifier.Verify(Ts, "v1=abc", BodyBytes),
            verifier.Verify(Ts, "v0=abc", BodyBytes),
            verifier.Verify(Ts, Signature, "x"u8),
        };

        Assert.All(results, r =>
        {
            Assert.False(r.IsValid);
            Assert.DoesNotContain(Secret, r.Reason, StringComparison.Ordinal);
            Assert.DoesNotContain(Signature[3..], r.Reason, StringComparison.Ordinal);
        });
    }

    [Fact]
    public void An_empty_secret_is_a_configuration_error()
    {
        Assert.Throws<ArgumentException>(() => new SlackSignatureVerifier("", TimeProvider.System));
    }
}
