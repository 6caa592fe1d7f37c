using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using BakeryBot.Core.Chat;
using BakeryBot.Core.Data.Outbox;
using BakeryBot.Core.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace BakeryBot.Core.Tests.Data;

/// <summary>The dispatcher against a scripted poster, on each database.</summary>
public abstract class OutboxDispatcherTests(DbProvider provider)
{
    [SkippableFact]
    public async Task Posts_a_card_records_its_message_id_and_then_sends_only_the_newest_waiting_update()
    {
        var poster = new ScriptedPoster();
        await using var app = await CoreTestApp.CreateAsync(provider, s => s.AddSingleton<IChatPoster>(poster));
        var dispatcher = app.Services.GetRequiredService<OutboxDispatcher>();
        await app.SendAsync("incident", "burnt-cookie sev2");

        await DrainAsync(app, dispatcher);
        Assert.Equal("ts-1", await app.QueryAsync(db => db.PostedCards.Select(c => c.MessageId).SingleAsync()));

        await app.ClickAsync("incident.ack", "INC-1");
        await app.SendAsync("incident", "resolve INC-1");
        await DrainAsync(app, dispatcher);

        var kinds = poster.Sent.Select(m => (m.Kind, m.MessageId, Status: Status(m), m.ThreadId)).ToList();
        // The card, its newest update, and the status post in the thread under the card.
        Assert.Equal([(OutboxKind.Post, null, null, null), (OutboxKind.Update, "ts-1", "Resolved", null), (OutboxKind.Post, null, null, "ts-1")], kinds);
        var statuses = await app.QueryAsync(db => db.Outbox.OrderBy(o => o.Id).Select(o => o.Status).ToListAsync());
        Assert.Equal([OutboxStatus.Sent, OutboxStatus.Superseded, OutboxStatus.Sent, OutboxStatus.Sent], statuses);
    }

    [SkippableFact]
    public async Task Retries_after_failures_and_rate_limits_and_never_posts_twice_after_an_uncertain_attempt()
    {
        var poster = new ScriptedPoster();
        poster.Script.Enqueue(new PostOutcome.Transient("HTTP 500", MaybeDelivered: true));
        poster.Script.Enqueue(new PostOutcome.RetryAfter(TimeSpan.FromSeconds(30)));
        await using var app = await CoreTestApp.CreateAsync(provider, s => s.AddSingleton<IChatPoster>(poster));
        var dispatcher = app.Services.GetRequiredService<OutboxDispatcher>();
        await app.SendAsync("incident", "burnt-cookie");

        Assert.Equal(1, await dispatcher.DispatchOnceAsync(CancellationToken.None)); // 500, may have posted
        Assert.Equal(0, await dispatcher.DispatchOnceAsync(CancellationToken.None)); // backing off
        app.Clock.Advance(TimeSpan.FromSeconds(5));
        Assert.Equal(1, await dispatcher.DispatchOnceAsync(CancellationToken.None)); // looked up (absent), then 429
        Assert.Equal(1, poster.Lookups);
        app.Clock.Advance(TimeSpan.FromSeconds(10));
        Assert.Equal(0, await dispatcher.DispatchOnceAsync(CancellationToken.None)); // Retry-After not over
        app.Clock.Advance(TimeSpan.FromSeconds(25));
        Assert.Equal(1, await dispatcher.DispatchOnceAsync(CancellationToken.None));

        Assert.Single(poster.Delivered);
        var row = await app.QueryAsync(db => db.Outbox.SingleAsync());
        Assert.Equal(OutboxStatus.Sent, row.Status);
        Assert.Equal(2, row.Attempts); // the rate limit is not counted as a failure
    }

    [SkippableFact]
    public async Task A_post_that_went_through_before_a_timeout_is_found_and_not_sent_again()
    {
        var poster = new ScriptedPoster { DeliverOnTimeout = true };
        poster.Script.Enqueue(new PostOutcome.Transient("timeout", MaybeDelivered: true));
        await using var app = await CoreTestApp.CreateAsync(provider, s => s.AddSingleton<IChatPoster>(poster));
        var dispatcher = app.Services.GetRequiredService<OutboxDispatcher>();
        await app.SendAsync("incident", "burnt-cookie");

        await DrainAsync(app, dispatcher);

        Assert.Single(poster.Delivered);
        Assert.Equal("ts-1", await app.QueryAsync(db => db.PostedCards.Select(c => c.MessageId).SingleAsync()));
    }

    [SkippableFact]
    public async Task A_message_that_waited_longer_than_a_minute_is_counted_as_delayed()
    {
        var poster = new ScriptedPoster();
        poster.Script.Enqueue(new PostOutcome.RetryAfter(TimeSpan.FromSeconds(90)));
        await using var app = await CoreTestApp.CreateAsync(provider, s => s.AddSingleton<IChatPoster>(poster));
        var dispatcher = app.Services.GetRequiredService<OutboxDispatcher>();
        var factory = app.Services.GetRequiredService<IMeterFactory>();
        var delayed = 0L;
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter.Scope == factory && instrument.Name == "bakerybot.outbox.delayed")
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<long>((_, value, _, _) => Interlocked.Add(ref delayed, value));
        listener.Start();
        await app.SendAsync("incident", "burnt-cookie");
        await app.SendAsync("incident", "on time", channel: "C2");

        await dispatcher.DispatchOnceAsync(CancellationToken.None); // C1 rate limited for 90 s; C2 sent at once
        app.Clock.Advance(TimeSpan.FromSeconds(91));
        await dispatcher.DispatchOnceAsync(CancellationToken.None);

        Assert.Equal(2, poster.Delivered.Count);
        Assert.Equal(1, Interlocked.Read(ref delayed));
    }

    [SkippableFact]
    public async Task A_post_delivered_in_a_round_cut_short_by_shutdown_is_recorded_by_the_next_round_and_not_sent_twice()
    {
        var poster = new ScriptedPoster { HangAfterDelivering = true };
        await using var app = await CoreTestApp.CreateAsync(provider, s => s.AddSingleton<IChatPoster>(poster));
        await app.SendAsync("incident", "burnt-cookie");
        using var shutdown = new CancellationTokenSource();

        var round = app.Services.GetRequiredService<OutboxDispatcher>().DispatchOnceAsync(shutdown.Token);
        await poster.Hanging.Task;
        await shutdown.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => round);

        var row = await app.QueryAsync(db => db.Outbox.SingleAsync());
        Assert.Equal((OutboxStatus.Pending, true, null), (row.Status, row.AttemptInFlight, row.LeaseOwner));

        // The next instance (nothing shared in memory) asks the platform before posting again.
        poster.HangAfterDelivering = false;
        var next = ActivatorUtilities.CreateInstance<OutboxDispatcher>(app.Services);
        Assert.Equal(1, await next.DispatchOnceAsync(CancellationToken.None));

        Assert.Single(poster.Delivered);
        Assert.Equal(1, poster.Lookups);
        Assert.Equal(OutboxStatus.Sent, (await app.QueryAsync(db => db.Outbox.SingleAsync())).Status);
        Assert.Equal("ts-1", await app.QueryAsync(db => db.PostedCards.Select(c => c.MessageId).SingleAsync()));
    }

    [SkippableFact]
    public async Task A_post_delivered_just_before_its_process_was_killed_is_found_by_the_instance_that_takes_it_over_and_not_sent_twice()
    {
        var poster = new ScriptedPoster { HangAfterDelivering = true };
        await using var app = await CoreTestApp.CreateAsync(provider, s => s.AddSingleton<IChatPoster>(poster));
        poster.Clock = app.Clock;
        await app.SendAsync("incident", "burnt-cookie");
        using var neverStopped = new CancellationTokenSource();

        // The process dies (SIGKILL) once the post went through: no outcome, no finally, only what its claim wrote is left.
        var killed = ActivatorUtilities.CreateInstance<OutboxDispatcher>(app.Services).DispatchOnceAsync(neverStopped.Token);
        await poster.Hanging.Task;
        poster.HangAfterDelivering = false;
        app.Clock.Advance(TimeSpan.FromMinutes(6)); // the dead claim runs out; an instance started meanwhile takes the row over
        var next = ActivatorUtilities.CreateInstance<OutboxDispatcher>(app.Services);
        Assert.Equal(1, await next.DispatchOnceAsync(CancellationToken.None));

        Assert.Single(poster.Sent);
        Assert.Equal(1, poster.Lookups);
        Assert.Equal(OutboxStatus.Sent, (await app.QueryAsync(db => db.Outbox.SingleAsync())).Status);
        Assert.Equal("ts-1", await app.QueryAsync(db => db.PostedCards.Select(c => c.MessageId).SingleAsync()));

        await neverStopped.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => killed);
    }

    [SkippableFact]
    public async Task A_dispatcher_whose_claim_ran_out_does_not_overwrite_the_record_of_the_one_that_took_over()
    {
        var poster = new ScriptedPoster();
        await using var app = await CoreTestApp.CreateAsync(provider, s => s.AddSingleton<IChatPoster>(poster));
        await app.SendAsync("incident", "burnt-cookie");
        var stalled = ActivatorUtilities.CreateInstance<OutboxDispatcher>(app.Services);
        var other = ActivatorUtilities.CreateInstance<OutboxDispatcher>(app.Services);
        poster.Gate = new TaskCompletionSource();

        var slow = stalled.DispatchOnceAsync(CancellationToken.None); // claims, then waits at the gate
        await poster.AtGate.Task;
        app.Clock.Advance(TimeSpan.FromMinutes(6)); // its claim runs out
        poster.Gate = null;
        Assert.Equal(1, await other.DispatchOnceAsync(CancellationToken.None));
        var recorded = await app.QueryAsync(db => db.Outbox.SingleAsync());
        poster.ReleaseGate();
        await slow;

        var final = await app.QueryAsync(db => db.Outbox.SingleAsync());
        Assert.Equal(OutboxStatus.Sent, final.Status);
        Assert.Equal((recorded.Attempts, recorded.SentAt), (final.Attempts, final.SentAt));
    }

    [SkippableFact]
    public async Task A_permanent_refusal_is_recorded_and_not_retried()
    {
        var poster = new ScriptedPoster();
        poster.Script.Enqueue(new PostOutcome.Permanent("channel_not_found"));
        await using var app = await CoreTestApp.CreateAsync(provider, s => s.AddSingleton<IChatPoster>(poster));
        var dispatcher = app.Services.GetRequiredService<OutboxDispatcher>();
        await app.SendAsync("incident", "burnt-cookie");

        await DrainAsync(app, dispatcher);

        var row = await app.QueryAsync(db => db.Outbox.SingleAsync());
        Assert.Equal(OutboxStatus.Failed, row.Status);
        Assert.Equal("channel_not_found", row.LastError);
        Assert.Empty(poster.Delivered);
    }

    [SkippableFact]
    public async Task Two_dispatchers_on_one_database_send_each_row_once()
    {
        var poster = new ScriptedPoster { Latency = TimeSpan.FromMilliseconds(5) };
        await using var app = await CoreTestApp.CreateAsync(provider, s => s.AddSingleton<IChatPoster>(poster));
        var channels = Enumerable.Range(0, 20).Select(i => $"C{i}").ToList();
        foreach (var channel in channels)
        {
            await app.SendAsync("incident", $"burnt in {channel}", channel: channel);
        }

        // A second dispatcher (as on a second instance) shares the database but nothing in memory.
        var second = ActivatorUtilities.CreateInstance<OutboxDispatcher>(app.Services);
        var first = app.Services.GetRequiredService<OutboxDispatcher>();
        for (var round = 0; round < 20 && poster.Delivered.Count < channels.Count; round++)
        {
            await Task.WhenAll(first.DispatchOnceAsync(CancellationToken.None), second.DispatchOnceAsync(CancellationToken.None));
        }

        Assert.Equal(channels.Count, poster.Delivered.Count);
        Assert.Equal(channels.Count, poster.Sent.Select(m => m.OutboxId).Distinct().Count());
        Assert.Equal(channels.Count, poster.Sent.Count);
    }

    private static string? Status(OutboundMessage message) =>
        message.Card?.Sections.OfType<FieldsSection>().First().Fields.FirstOrDefault(f => f.Label == "Status")?.Value is { } s && message.Kind == OutboxKind.Update ? s : null;

    private static async Task DrainAsync(CoreTestApp app, OutboxDispatcher dispatcher)
    {
        for (var i = 0; i < 50; i++)
        {
            if (await app.QueryAsync(db => db.Outbox.CountAsync(o => o.Status == OutboxStatus.Pending)) == 0)
            {
                return;
            }

            await dispatcher.DispatchOnceAsync(CancellationToken.None);
            app.Clock.Advance(TimeSpan.FromSeconds(5));
        }

        Assert.Fail("The outbox did not drain.");
    }

    /// <summary>A poster that follows a script of outcomes, then succeeds; records what reached the "platform".</summary>
    private sealed class ScriptedPoster : IChatPoster
    {
        private int _ts;

        public ConcurrentQueue<PostOutcome> Script { get; } = new();

        public ConcurrentQueue<OutboundMessage> Sent { get; } = new();

        public ConcurrentDictionary<long, string> Delivered { get; } = new();

        private readonly ConcurrentDictionary<long, DateTimeOffset> _deliveredAt = new();

        /// <summary>
        /// When set, a lookup sees only what was delivered from ten seconds before the message's first attempt on, as the
        /// Slack adapter looks (its channel history after <c>oldest</c>).
        /// </summary>
        public TimeProvider? Clock { get; set; }

        public bool DeliverOnTimeout { get; init; }

        /// <summary>Delivers, then hangs until cancelled (a shutdown while the answer is on its way).</summary>
        public bool HangAfterDelivering { get; set; }

        public TaskCompletionSource Hanging { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        /// <summary>While set, a send waits here before doing anything.</summary>
        public TaskCompletionSource? Gate { get; set; }

        public TaskCompletionSource AtGate { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        private TaskCompletionSource? _held;

        public void ReleaseGate() => _held?.TrySetResult();

        public TimeSpan Latency { get; init; }

        public int Lookups;

        public string Platform => "test";

        public TimeSpan ChannelInterval => TimeSpan.FromSeconds(1);

        public async Task<PostOutcome> SendAsync(OutboundMessage message, CancellationToken ct)
        {
            if (Gate is { } gate)
            {
                _held = gate;
                AtGate.TrySetResult();
                await gate.Task.WaitAsync(ct);
            }

            if (Latency > TimeSpan.Zero)
            {
                await Task.Delay(Latency, ct);
            }

            if (Script.TryDequeue(out var scripted))
            {
                if (DeliverOnTimeout && scripted is PostOutcome.Transient { MaybeDelivered: true })
                {
                    Delivered[message.OutboxId] = $"ts-{Interlocked.Increment(ref _ts)}";
                }

                return scripted;
            }

            Sent.Enqueue(message);
            var ts = message.Kind == OutboxKind.Post ? $"ts-{Interlocked.Increment(ref _ts)}" : message.MessageId;
            if (message.Kind == OutboxKind.Post && !Delivered.TryAdd(message.OutboxId, ts!))
            {
                throw new InvalidOperationException($"Outbox row {message.OutboxId} was posted twice.");
            }

            if (Clock is not null)
            {
                _deliveredAt[message.OutboxId] = Clock.GetUtcNow();
            }

            if (HangAfterDelivering)
            {
                Hanging.TrySetResult();
                await Task.Delay(Timeout.Infinite, ct);
            }

            return new PostOutcome.Sent(ts);
        }

        public Task<string?> FindDeliveredAsync(OutboundMessage message, CancellationToken ct)
        {
            Interlocked.Increment(ref Lookups);
            var inWindow = Clock is null || (_deliveredAt.TryGetValue(message.OutboxId, out var at) && at >= message.FirstAttemptAt - TimeSpan.FromSeconds(10));
            return Task.FromResult(inWindow && Delivered.TryGetValue(message.OutboxId, out var ts) ? ts : null);
        }
    }
}

public sealed class SqliteOutboxDispatcherTests() : OutboxDispatcherTests(DbProvider.Sqlite);

public sealed class PostgresOutboxDispatcherTests() : OutboxDispatcherTests(DbProvider.Postgres);
