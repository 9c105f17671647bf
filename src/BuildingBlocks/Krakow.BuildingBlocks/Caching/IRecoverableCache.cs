namespace Krakow.BuildingBlocks.Caching;

/// <summary>
/// What <see cref="ResilientDistributedCache"/> needs from a remote backend to detect that it is back and to
/// reconcile the invalidations it missed during an outage.
/// </summary>
internal interface IRecoverableCache
{
    /// <summary>A short name for logs and health ("redis").</summary>
    string BackendName { get; }

    /// <summary>Round-trips to the backend; throws when it is unavailable.</summary>
    Task PingAsync(CancellationToken token);

    /// <summary>Removes the given (unprefixed) keys.</summary>
    Task RemoveManyAsync(IReadOnlyCollection<string> keys, CancellationToken token);

    /// <summary>Removes every key under this cache's instance prefix (and nothing else).</summary>
    Task FlushInstanceAsync(CancellationToken token);
}
