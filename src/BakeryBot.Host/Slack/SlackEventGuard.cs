namespace BakeryBot.Host.Slack;

/// <summary>
/// Remembers the Events API deliveries this instance has taken, so that Slack's retries of one event (after
/// a slow answer or a lost acknowledgement: nearly at once, after 1 and after 5 minutes, each with the same
/// <c>event_id</c>) have one effect here. Ids are kept for <see cref="Retention"/>, longer than Slack retries.
/// A retry that reaches another instance is stopped by the delivery id the router records with what the
/// event changed.
/// </summary>
public sealed class SlackEventGuard(TimeProvider clock)
{
    /// <summary>Slack's last retry comes about 5 minutes after the first delivery.</summary>
    public static readonly TimeSpan Retention = TimeSpan.FromMinutes(15);

    private readonly Dictionary<string, DateTimeOffset> _seen = new(StringComparer.Ordinal);
    private readonly Queue<(string Id, DateTimeOffset At)> _order = new();
    private readonly Lock _gate = new();

    /// <summary>True the first time an event id is seen within the retention.</summary>
    public bool FirstSight(string eventId)
    {
        var now = clock.GetUtcNow();
        lock (_gate)
        {
            while (_order.TryPeek(out var oldest) && oldest.At < now - Retention)
            {
                _order.Dequeue();
                _seen.Remove(oldest.Id);
            }

            if (!_seen.TryAdd(eventId, now))
            {
                return false;
            }

            _order.Enqueue((eventId, now));
            return true;
        }
    }
}
