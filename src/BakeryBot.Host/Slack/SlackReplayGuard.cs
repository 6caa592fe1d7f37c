using System.Collections.Concurrent;

namespace BakeryBot.Host.Slack;

/// <summary>
/// Refuses a signed request seen before: Slack signs every delivery anew, so the same signature
/// twice inside the five-minute window is a captured request played back.
/// </summary>
public sealed class SlackReplayGuard(TimeProvider clock)
{
    // Longer than the signature window, so a replay can't outlive its entry.
    private static readonly TimeSpan Remember = TimeSpan.FromMinutes(6);
    private readonly ConcurrentDictionary<string, DateTimeOffset> _seen = new(StringComparer.Ordinal);
    private DateTimeOffset _nextSweep = DateTimeOffset.MinValue;

    /// <summary>True the first time a signature is seen; false for a replay.</summary>
    public bool FirstSight(string signature)
    {
        var now = clock.GetUtcNow();
        if (now >= _nextSweep)
        {
            _nextSweep = now + TimeSpan.FromMinutes(1);
            foreach (var (key, expires) in _seen)
            {
                if (expires < now)
                {
                    _seen.TryRemove(key, out _);
                }
            }
        }

        return _seen.TryAdd(signature, now + Remember);
    }
}
