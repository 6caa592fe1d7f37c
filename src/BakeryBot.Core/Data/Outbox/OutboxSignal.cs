namespace BakeryBot.Core.Data.Outbox;

/// <summary>Wakes the outbox dispatcher of this process as soon as a row commits (others find it by polling).</summary>
public sealed class OutboxSignal : IDisposable
{
    private readonly SemaphoreSlim _signal = new(0, 1);

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
}
