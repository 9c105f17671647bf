namespace Krakow.BuildingBlocks.Caching;

/// <summary>A snapshot of the distributed cache's state, for health checks and diagnostics.</summary>
/// <param name="Backend">"redis" or "memory".</param>
/// <param name="IsDegraded">True while the backend is unavailable (or not yet reconciled) and the cache is bypassed.</param>
/// <param name="Reason">The last failure, while degraded.</param>
/// <param name="DegradedSince">When the current outage began.</param>
/// <param name="PendingInvalidations">Keys to remove before the cache serves reads again.</param>
/// <param name="FlushPending">True when too many invalidations were missed and the whole instance prefix is flushed on recovery.</param>
public sealed record CacheStatus(
    string Backend,
    bool IsDegraded,
    string? Reason,
    DateTimeOffset? DegradedSince,
    int PendingInvalidations,
    bool FlushPending)
{
    /// <summary>The kind of the last failure (its exception type) without its message, for reports anyone may read.</summary>
    /// <remarks><see cref="Reason"/> reads "ExceptionType: message".</remarks>
    public string? ReasonKind => Reason?.Split(':', 2)[0];
}
