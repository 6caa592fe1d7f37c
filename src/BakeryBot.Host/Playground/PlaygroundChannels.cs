using BakeryBot.Core.Chat;
using BakeryBot.Core.Data.Outbox;

namespace BakeryBot.Host.Playground;

/// <summary>One message the bot posted in a playground channel.</summary>
public sealed record PlaygroundMessage(string Id, long OutboxId, string Text, Card? Card, DateTimeOffset PostedAt, DateTimeOffset UpdatedAt, string? PrivateTo);

/// <summary>
/// The playground's channels: what the bot posted, kept in memory (the records themselves are in the
/// database). It is the playground's "platform", fed by the outbox like Slack is.
/// </summary>
public sealed class PlaygroundChannels(TimeProvider clock) : IChatPoster
{
    public const string PlatformKey = "playground";
    public const string TenantKey = "playground";
    private const int MaxPerChannel = 500;

    private readonly Lock _gate = new();
    private readonly Dictionary<string, List<PlaygroundMessage>> _channels = new(StringComparer.Ordinal);
    // Message ids differ from one run to the next: a card posted before a restart is gone with the
    // channels, and its stored id must not name a new message.
    private readonly string _run = Guid.NewGuid().ToString("N")[..8];
    private long _version;
    private long _nextId;

    public static IReadOnlyList<(string Id, string Name)> Users { get; } =
        [("alice", "Alice"), ("bob", "Bob"), ("carol", "Carol"), ("dave", "Dave")];

    public static IReadOnlyList<(string Id, string Name)> Channels { get; } =
        [("incidents", "#incidents"), ("cab", "#cab"), ("general", "#general")];

    public string Platform => PlatformKey;

    public TimeSpan ChannelInterval => TimeSpan.Zero;

    public (long Version, IReadOnlyList<PlaygroundMessage> Messages) Read(string channel)
    {
        lock (_gate)
        {
            return (_version, _channels.TryGetValue(channel, out var list) ? list.ToList() : []);
        }
    }

    public Task<PostOutcome> SendAsync(OutboundMessage message, CancellationToken ct)
    {
        if (message.Kind == OutboxKind.OpenChannel)
        {
            return Task.FromResult<PostOutcome>(new PostOutcome.Permanent("the playground has a fixed set of channels"));
        }

        if (message.Kind == OutboxKind.Direct)
        {
            // Its page shows channels only; a direct message (a timer's nudge) would be seen by no one.
            return Task.FromResult<PostOutcome>(new PostOutcome.Permanent("the playground has no direct messages"));
        }

        var now = clock.GetUtcNow();
        lock (_gate)
        {
            if (!_channels.TryGetValue(message.ChannelId, out var list))
            {
                list = [];
                _channels[message.ChannelId] = list;
            }

            _version++;
            if (message.Kind == OutboxKind.Update)
            {
                var index = list.FindIndex(m => m.Id == message.MessageId);
                if (index < 0)
                {
                    return Task.FromResult<PostOutcome>(new PostOutcome.Permanent("message_not_found"));
                }

                list[index] = list[index] with { Text = message.Text, Card = message.Card, UpdatedAt = now };
                return Task.FromResult<PostOutcome>(new PostOutcome.Sent(message.MessageId));
            }

            var id = $"{_run}-{++_nextId}";
            var privateTo = message.Kind == OutboxKind.Private ? message.UserId : null;
            list.Add(new PlaygroundMessage(id, message.OutboxId, message.Text, message.Card, now, now, privateTo));
            if (list.Count > MaxPerChannel)
            {
                list.RemoveAt(0);
            }

            return Task.FromResult<PostOutcome>(new PostOutcome.Sent(id));
        }
    }

    public Task<string?> FindDeliveredAsync(OutboundMessage message, CancellationToken ct)
    {
        lock (_gate)
        {
            var found = _channels.TryGetValue(message.ChannelId, out var list) ? list.FirstOrDefault(m => m.OutboxId == message.OutboxId) : null;
            return Task.FromResult(found?.Id);
        }
    }
}
