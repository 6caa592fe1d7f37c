using System.Buffers;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace BakeryBot.Slack;

/// <summary>Why a request was accepted or refused. Safe to log: it never carries the secret or the signature.</summary>
public enum SlackSignatureStatus
{
    Valid,
    MissingTimestamp,
    MissingSignature,
    InvalidTimestamp,
    StaleTimestamp,
    UnknownVersion,
    MalformedSignature,
    Mismatch,
}

/// <summary>The verdict on one request, with a reason for the logs.</summary>
public sealed record SlackSignatureResult(SlackSignatureStatus Status, string Reason)
{
    public static SlackSignatureResult Valid { get; } = new(SlackSignatureStatus.Valid, "valid");

    public bool IsValid => Status == SlackSignatureStatus.Valid;
}

/// <summary>
/// Checks <c>X-Slack-Signature</c> against <c>X-Slack-Request-Timestamp</c> and the raw body
/// (api.slack.com/authentication/verifying-requests-from-slack). Thread-safe; one instance per secret.
/// </summary>
/// <remarks>
/// Slack sends the hex digest in lower case; an upper-case digest is refused as a mismatch, like the
/// string compare in Slack's own SDKs. Replays inside the window are not caught here: the host refuses a
/// signature it has seen before, and the router gives a delivery id one effect.
/// </remarks>
public sealed class SlackSignatureVerifier
{
    /// <summary>Slack: reject when |now − timestamp| &gt; 60 × 5 s; exactly 300 s is accepted.</summary>
    public static readonly TimeSpan MaxSkew = TimeSpan.FromSeconds(300);

    private const int HashSize = 32;
    private const int HexSize = HashSize * 2;
    private const int StackLimit = 1024;

    private static readonly SlackSignatureResult MissingTimestamp = new(SlackSignatureStatus.MissingTimestamp, "no X-Slack-Request-Timestamp header");
    private static readonly SlackSignatureResult MissingSignature = new(SlackSignatureStatus.MissingSignature, "no X-Slack-Signature header");
    private static readonly SlackSignatureResult InvalidTimestamp = new(SlackSignatureStatus.InvalidTimestamp, "timestamp is not a number of seconds");
    private static readonly SlackSignatureResult UnknownVersion = new(SlackSignatureStatus.UnknownVersion, "signature version is not v0");
    private static readonly SlackSignatureResult Malformed = new(SlackSignatureStatus.MalformedSignature, "signature is not v0= and 64 hex digits");
    private static readonly SlackSignatureResult Mismatch = new(SlackSignatureStatus.Mismatch, "signature does not match");

    private readonly byte[] _key;
    private readonly TimeProvider _time;

    public SlackSignatureVerifier(string signingSecret, TimeProvider time)
    {
        ArgumentException.ThrowIfNullOrEmpty(signingSecret);
        ArgumentNullException.ThrowIfNull(time);
        // Slack: the secret is used as its UTF-8 text, not hex-decoded.
        _key = Encoding.UTF8.GetBytes(signingSecret);
        _time = time;
    }

    public SlackSignatureResult Verify(string? timestampHeader, string? signatureHeader, ReadOnlySpan<byte> rawBody)
    {
        if (string.IsNullOrEmpty(timestampHeader))
        {
            return MissingTimestamp;
        }

        if (string.IsNullOrEmpty(signatureHeader))
        {
            return MissingSignature;
        }

        // Digits only: no sign, no spaces, at most 18 digits so the arithmetic below cannot overflow.
        if (timestampHeader.Length > 18
            || !long.TryParse(timestampHeader, NumberStyles.None, CultureInfo.InvariantCulture, out var timestamp))
        {
            return InvalidTimestamp;
        }

        var skew = _time.GetUtcNow().ToUnixTimeSeconds() - timestamp;
        if (Math.Abs(skew) > (long)MaxSkew.TotalSeconds)
        {
            return new SlackSignatureResult(
                SlackSignatureStatus.StaleTimestamp,
                skew > 0 ? $"timestamp is {skew} s old" : $"timestamp is {-skew} s in the future");
        }

        var signature = signatureHeader.AsSpan();
        if (!signature.StartsWith("v0=", StringComparison.Ordinal))
        {
            return signature.IndexOf('=') > 0 ? UnknownVersion : Malformed;
        }

        var hex = signature[3..];
        if (hex.Length != HexSize || !Ascii.IsValid(hex))
        {
            return Malformed;
        }

        Span<byte> expected = stackalloc byte[HexSize];
        ComputeHex(timestampHeader, rawBody, expected);

        Span<byte> given = stackalloc byte[HexSize];
        for (var i = 0; i < HexSize; i++)
        {
            given[i] = (byte)hex[i];
        }

        return CryptographicOperations.FixedTimeEquals(expected, given) ? SlackSignatureResult.Valid : Mismatch;
    }

    /// <summary>The lower-case hex HMAC-SHA256 of <c>v0:{timestamp}:{body}</c>, as ASCII bytes.</summary>
    private void ComputeHex(string timestamp, ReadOnlySpan<byte> body, Span<byte> hexOut)
    {
        // The timestamp is ASCII digits (checked above), so its UTF-8 length is its char count.
        var length = 3 + timestamp.Length + 1 + body.Length;
        byte[]? rented = null;
        var buffer = length <= StackLimit ? stackalloc byte[StackLimit] : (rented = ArrayPool<byte>.Shared.Rent(length));
        try
        {
            "v0:"u8.CopyTo(buffer);
            var written = 3 + Encoding.ASCII.GetBytes(timestamp, buffer[3..]);
            buffer[written++] = (byte)':';
            body.CopyTo(buffer[written..]);

            Span<byte> hash = stackalloc byte[HashSize];
            HMACSHA256.HashData(_key, buffer[..length], hash);
            for (var i = 0; i < HashSize; i++)
            {
                hexOut[2 * i] = HexDigit(hash[i] >> 4);
                hexOut[(2 * i) + 1] = HexDigit(hash[i] & 0xF);
            }
        }
        finally
        {
            if (rented is not null)
            {
                ArrayPool<byte>.Shared.Return(rented);
            }
        }
    }

    private static byte HexDigit(int nibble) => (byte)(nibble < 10 ? '0' + nibble : 'a' + nibble - 10);
}
