using System.Buffers.Binary;
using System.Globalization;

namespace BakeryBot.Host.Slack;

/// <summary>
/// Refuses a signed request seen before: Slack signs every delivery anew, so the same signature
/// twice inside the five-minute window is a captured request played back. Signatures are kept per
/// timestamp second only as long as that timestamp is accepted at all (8 bytes each), so memory is
/// bounded by the request rate times the window. Per instance: a replay sent to another instance
/// gets through this guard, and is then stopped by the delivery id the router records.
/// </summary>
public sealed class SlackReplayGuard(TimeProvider clock)
{
    private static readonly long Window = (long)BakeryBot.Slack.SlackSignatureVerifier.MaxSkew.TotalSeconds;
    private readonly Dictionary<long, HashSet<long>> _seen = [];
    private readonly Lock _gate = new();
    private long _sweptAt;

    /// <summary>True the first time a (valid) signature is seen; false for a replay.</summary>
    public bool FirstSight(string timestamp, string signature)
    {
        if (!long.TryParse(timestamp, NumberStyles.None, CultureInfo.InvariantCulture, out var second) || signature.Length < 19)
        {
            return false;
        }

        // The signature is hex HMAC output: its first 16 hex digits are as random as any 64 bits.
        var key = BinaryPrimitives.ReadInt64BigEndian(Convert.FromHexString(signature.AsSpan(3, 16)));
        var now = clock.GetUtcNow().ToUnixTimeSeconds();
        lock (_gate)
        {
            if (now != _sweptAt)
            {
                _sweptAt = now;
                foreach (var old in _seen.Keys.Where(s => s < now - Window - 1).ToList())
                {
                    _seen.Remove(old);
                }
            }

            if (!_seen.TryGetValue(second, out var bucket))
            {
                bucket = [];
                _seen[second] = bucket;
            }

            return bucket.Add(key);
        }
    }
}
