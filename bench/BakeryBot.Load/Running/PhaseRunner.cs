using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;

namespace BakeryBot.Load.Running;

/// <summary>What one phase measured on the driver's side: answered requests, their latencies and the errors.</summary>
public sealed record PhaseOutcome(int Sent, double Seconds, long[] LatencyTicks, IReadOnlyDictionary<string, int> Errors, string? Note)
{
    /// <summary>Requests answered as asked.</summary>
    public int Succeeded => LatencyTicks.Length;

    public int ErrorCount => Errors.Values.Sum();

    /// <summary>Requests answered as asked, per second of the phase (errors do not count: a fast refusal is no work done).</summary>
    public double Throughput => Seconds > 0 ? Succeeded / Seconds : 0;
}

/// <summary>Sends prepared requests to one server, closed loop (as fast as answers come) or open loop (on a timetable).</summary>
public sealed class PhaseRunner(Uri baseUri, AnswerCheck check) : IDisposable
{
    private static readonly TimeSpan RequestTimeout = TimeSpan.FromSeconds(30);

    // One client per loop kind: the closed loop's connections are its concurrency; the open loop opens what its schedule needs.
    private readonly HttpClient _closed = NewClient(maxConnections: 1024);
    private readonly HttpClient _open = NewClient(maxConnections: 1024);

    private static HttpClient NewClient(int maxConnections) => new(new SocketsHttpHandler
    {
        MaxConnectionsPerServer = maxConnections,
        UseCookies = false,
        UseProxy = false,
        AutomaticDecompression = DecompressionMethods.None,
        PooledConnectionIdleTimeout = TimeSpan.FromMinutes(5),
    })
    { Timeout = RequestTimeout };

    /// <summary>
    /// <paramref name="connections"/> senders, each sending its next request as soon as the previous one is
    /// answered, until <paramref name="duration"/> has passed or the prepared requests run out.
    /// </summary>
    public async Task<PhaseOutcome> ClosedLoopAsync(IReadOnlyList<LoadRequest> requests, int connections, TimeSpan duration)
    {
        var latencies = new long[requests.Count];
        var ok = new bool[requests.Count];
        var errors = new ConcurrentDictionary<string, int>();
        var next = -1;
        var start = Stopwatch.GetTimestamp();
        var deadline = start + (long)(duration.TotalSeconds * Stopwatch.Frequency);
        long end = start;
        var ranOut = false;

        async Task SenderAsync()
        {
            while (true)
            {
                var sentAt = Stopwatch.GetTimestamp();
                if (sentAt >= deadline)
                {
                    return;
                }

                var i = Interlocked.Increment(ref next);
                if (i >= requests.Count)
                {
                    ranOut = true;
                    return;
                }

                var problem = await SendAsync(_closed, requests[i]);
                var done = Stopwatch.GetTimestamp();
                latencies[i] = done - sentAt;
                if (problem is null)
                {
                    ok[i] = true;
                }
                else
                {
                    errors.AddOrUpdate(problem, 1, (_, n) => n + 1);
                }

                InterlockedMax(ref end, done);
            }
        }

        await Task.WhenAll(Enumerable.Range(0, connections).Select(_ => Task.Run(SenderAsync)));
        var sent = Math.Min(requests.Count, next + 1);
        return new PhaseOutcome(
            sent,
            (double)(end - start) / Stopwatch.Frequency,
            [.. latencies.Where((_, i) => ok[i])],
            errors,
            ranOut ? $"the {requests.Count:N0} prepared requests ran out before {duration.TotalSeconds:0} s" : null);
    }

    /// <summary>
    /// Requests leave on the timetable of <paramref name="rate"/> per second from one timer loop; each
    /// latency counts from when its request was due. The phase ends when the last one is answered.
    /// </summary>
    public async Task<PhaseOutcome> OpenLoopAsync(IReadOnlyList<LoadRequest> requests, double rate)
    {
        var latencies = new long[requests.Count];
        var ok = new bool[requests.Count];
        var errors = new ConcurrentDictionary<string, int>();
        var inFlight = new Task[requests.Count];
        long end = 0;
        var schedule = new OpenLoopSchedule(rate, requests.Count, Stopwatch.Frequency);

        async Task OneAsync(int i, long due)
        {
            var problem = await SendAsync(_open, requests[i]);
            var done = Stopwatch.GetTimestamp();
            latencies[i] = done - due;
            if (problem is null)
            {
                ok[i] = true;
            }
            else
            {
                errors.AddOrUpdate(problem, 1, (_, n) => n + 1);
            }

            InterlockedMax(ref end, done);
        }

        // The timer loop has a thread of its own, so that a busy thread pool can't make it late unnoticed.
        long start = 0;
        var loop = new Thread(() => start = OpenLoopRunner.System.Run(schedule, (i, due) => inFlight[i] = Task.Run(() => OneAsync(i, due))))
        {
            IsBackground = true,
            Name = "open-loop timer",
            Priority = ThreadPriority.AboveNormal,
        };
        loop.Start();
        await Task.Run(loop.Join);
        await Task.WhenAll(inFlight);
        return new PhaseOutcome(requests.Count, (double)(end - start) / Stopwatch.Frequency, [.. latencies.Where((_, i) => ok[i])], errors, null);
    }

    private async Task<string?> SendAsync(HttpClient http, LoadRequest request)
    {
        try
        {
            using var message = request.ToMessage(baseUri);
            using var response = await http.SendAsync(message);
            var body = await response.Content.ReadAsByteArrayAsync();
            var status = (int)response.StatusCode;
            return status == 200 ? check(status, body) : $"HTTP {status}";
        }
        catch (TaskCanceledException)
        {
            return $"no answer within {RequestTimeout.TotalSeconds:0} s";
        }
        catch (HttpRequestException e)
        {
            return $"connection: {e.HttpRequestError}";
        }
    }

    private static void InterlockedMax(ref long target, long value)
    {
        var current = Volatile.Read(ref target);
        while (value > current)
        {
            var seen = Interlocked.CompareExchange(ref target, value, current);
            if (seen == current)
            {
                return;
            }

            current = seen;
        }
    }

    public void Dispose()
    {
        _closed.Dispose();
        _open.Dispose();
    }
}
