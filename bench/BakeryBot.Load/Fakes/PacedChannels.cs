using System.Collections.Concurrent;
using System.Diagnostics;

namespace BakeryBot.Load.Fakes;

/// <summary>
/// Slack's pace for chat.postMessage in the channels whose ids start with a prefix given here: one message a
/// second in each channel. A message sooner than that after the channel's last accepted one is refused with
/// 429 and <c>Retry-After: 1</c>, as Slack does; a little slack (<see cref="Tolerance"/>) absorbs the jitter
/// of loopback. Counts what it accepted and refused, and each outbox row it accepted, to find repeats.
/// </summary>
public sealed class PacedChannels
{
    /// <summary>How much sooner than a second after the last one a message is still accepted.</summary>
    public static readonly TimeSpan Tolerance = TimeSpan.FromMilliseconds(50);

    private static readonly long Interval = Stopwatch.Frequency - (long)(Tolerance.TotalSeconds * Stopwatch.Frequency);

    private readonly ConcurrentDictionary<string, long> _lastAccepted = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, int> _outboxIds = new(StringComparer.Ordinal);
    private volatile string? _prefix;
    private long _accepted;
    private long _refused;
    private long _lastAcceptedAt;

    /// <summary>Paces the channels starting with <paramref name="prefix"/> from now on, with fresh counts.</summary>
    public void Start(string prefix)
    {
        _lastAccepted.Clear();
        _outboxIds.Clear();
        Interlocked.Exchange(ref _accepted, 0);
        Interlocked.Exchange(ref _refused, 0);
        Interlocked.Exchange(ref _lastAcceptedAt, 0);
        _prefix = prefix;
    }

    public void Stop() => _prefix = null;

    public long Accepted => Interlocked.Read(ref _accepted);

    public long Refused => Interlocked.Read(ref _refused);

    /// <summary>When the last message was accepted (a <see cref="Stopwatch"/> timestamp; 0 before the first).</summary>
    public long LastAcceptedAt => Interlocked.Read(ref _lastAcceptedAt);

    /// <summary>Outbox rows that were accepted more than once.</summary>
    public int Repeated => _outboxIds.Count(o => o.Value > 1);

    /// <summary>Distinct outbox rows accepted.</summary>
    public int DistinctOutboxRows => _outboxIds.Count;

    /// <summary>Whether a chat.postMessage to <paramref name="channel"/> is accepted now.</summary>
    public bool Accept(string channel, string? outboxId)
    {
        if (_prefix is not { } prefix || !channel.StartsWith(prefix, StringComparison.Ordinal))
        {
            return true;
        }

        var now = Stopwatch.GetTimestamp();
        while (true)
        {
            if (!_lastAccepted.TryGetValue(channel, out var last))
            {
                if (!_lastAccepted.TryAdd(channel, now))
                {
                    continue;
                }
            }
            else if (now - last < Interval)
            {
                Interlocked.Increment(ref _refused);
                return false;
            }
            else if (!_lastAccepted.TryUpdate(channel, now, last))
            {
                continue;
            }

            break;
        }

        Interlocked.Increment(ref _accepted);
        Interlocked.Exchange(ref _lastAcceptedAt, now);
        if (outboxId is not null)
        {
            _outboxIds.AddOrUpdate(outboxId, 1, (_, n) => n + 1);
        }

        return true;
    }
}
