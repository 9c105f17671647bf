namespace Krakow.BuildingBlocks.Messaging.Outbox;

/// <summary>Wakes a module's dispatcher when this host committed outbox rows, so it need not wait for its next poll.</summary>
internal sealed class OutboxSignal<TContext> : IDisposable
{
    private readonly SemaphoreSlim _semaphore = new(0, 1);

    public void Notify()
    {
        try
        {
            _semaphore.Release();
        }
        catch (SemaphoreFullException)
        {
            // already signalled: one wake-up covers any number of commits
        }
        catch (ObjectDisposedException)
        {
            // the host is shutting down
        }
    }

    /// <summary>Waits for a signal or the timeout, whichever comes first.</summary>
    public Task<bool> WaitAsync(TimeSpan timeout, CancellationToken cancellationToken) => _semaphore.WaitAsync(timeout, cancellationToken);

    public void Dispose() => _semaphore.Dispose();
}
