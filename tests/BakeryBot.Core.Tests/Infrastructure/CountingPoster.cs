using BakeryBot.Core.Chat;
using BakeryBot.Core.Data.Outbox;

namespace BakeryBot.Core.Tests.Infrastructure;

/// <summary>A chat platform ("test") that accepts every message and counts them; <c>channelInterval</c> is its pace per channel.</summary>
public sealed class CountingPoster(TimeSpan channelInterval = default) : IChatPoster
{
    private int _sent;

    public int Sent => Volatile.Read(ref _sent);

    public string Platform => "test";

    public TimeSpan ChannelInterval => channelInterval;

    public Task<PostOutcome> SendAsync(OutboundMessage message, CancellationToken ct) =>
        Task.FromResult<PostOutcome>(new PostOutcome.Sent($"ts-{Interlocked.Increment(ref _sent)}"));

    public Task<string?> FindDeliveredAsync(OutboundMessage message, CancellationToken ct) => Task.FromResult<string?>(null);
}
