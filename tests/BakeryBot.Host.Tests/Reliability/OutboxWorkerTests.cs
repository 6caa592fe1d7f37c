using BakeryBot.Core.Chat;
using BakeryBot.Core.Data.Outbox;
using BakeryBot.Core.Tests.Infrastructure;
using BakeryBot.Host.Outbox;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace BakeryBot.Host.Tests.Reliability;

/// <summary>
/// The outbox worker sends the first message after a quiet spell at once, gathers for
/// Outbox:GatherFor after a round that sent less than a batch, and goes again at once after a full one.
/// </summary>
public sealed class OutboxWorkerTests
{
    [Fact]
    public async Task A_partial_round_is_followed_after_the_gathering_time_and_a_full_one_at_once()
    {
        var poster = new CountingPoster();
        await using var app = await CoreTestApp.CreateAsync(DbProvider.Sqlite, s =>
        {
            s.AddSingleton<IChatPoster>(poster);
            s.Configure<OutboxOptions>(o =>
            {
                o.BatchSize = 3;
                o.GatherFor = TimeSpan.FromSeconds(1);
            });
        });
        using var worker = new OutboxWorker(
            app.Services.GetRequiredService<OutboxDispatcher>(),
            app.Services.GetRequiredService<OutboxSignal>(),
            app.Services.GetRequiredService<IOptions<OutboxOptions>>(),
            app.Clock,
            NullLogger<OutboxWorker>.Instance);
        await worker.StartAsync(CancellationToken.None);
        try
        {
            // Quiet: the first message goes at once, the clock standing still.
            await app.SendAsync("incident", "oven 1 runs cold sev3", channel: "C1");
            await SentAsync(poster, 1);
            var rounds = worker.Rounds;

            // That round sent less than a batch: these two wait for the gathering time, then go together.
            await app.SendAsync("incident", "oven 2 runs cold sev3", channel: "C2");
            await app.SendAsync("incident", "oven 3 runs cold sev3", channel: "C3");
            await Task.Delay(300);
            Assert.Equal(1, poster.Sent);
            Assert.Equal(rounds, worker.Rounds);

            app.Clock.Advance(TimeSpan.FromSeconds(1));
            await SentAsync(poster, 3);
            Assert.Equal(rounds + 1, worker.Rounds);

            // Seven waiting, batches of three: full rounds follow each other at once, and the last
            // one (a single message) is sent without the clock moving again.
            for (var i = 4; i <= 10; i++)
            {
                await app.SendAsync("incident", $"oven {i} runs cold sev3", channel: $"C{i}");
            }

            app.Clock.Advance(TimeSpan.FromSeconds(1));
            await SentAsync(poster, 10);
            Assert.Equal(rounds + 4, worker.Rounds);
        }
        finally
        {
            await worker.StopAsync(CancellationToken.None);
        }
    }

    private static async Task SentAsync(CountingPoster poster, int sent)
    {
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (poster.Sent < sent && DateTime.UtcNow < deadline)
        {
            await Task.Delay(20);
        }

        Assert.Equal(sent, poster.Sent);
    }
}
