namespace BakeryBot.Core.Data.Outbox;

/// <summary>Wakes the outbox dispatcher of this process as soon as a row commits (others find it by polling).</summary>
public sealed class OutboxSignal : IDisposable
{
    private readonly SemaphoreSlim _signal = new(0, 1);
    private int _workers;

    /// <summary>Whether an outbox worker waits on this signal in this process (a CLI verb runs without one).</summary>
    public bool WorkerAttached => Volatile.Read(ref _workers) > 0;

    /// <summary>Marks an outbox worker as waiting on this signal until the returned handle is disposed.</summary>
    public IDisposable AttachWorker()
    {
        Interlocked.Increment(ref _workers);
        return new Detach(this);
    }

    public void Notify()
    {
        if (_signal.CurrentCount == 0)
        {
            try
            {
                _signal.Release();
            }
            catch (SemaphoreFullException)
            {
                // Another thread woke it first: one wake-up is enough.
            }
        }
    }

    public void Dispose() => _signal.Dispose();

    /// <summary>Waits for a notification or the timeout, whichever comes first.</summary>
    public Task<bool> WaitAsync(TimeSpan timeout, CancellationToken ct) => _signal.WaitAsync(timeout, ct);

    private sealed class Detach(OutboxSignal signal) : IDisposable
    {
        private int _disposed;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _disposed, 1) == 0)
            {
                Interlocked.Decrement(ref signal._workers);
            }
        }
    }
}
