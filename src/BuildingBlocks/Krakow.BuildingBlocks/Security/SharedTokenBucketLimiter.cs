using System.Diagnostics;
using System.Diagnostics.CodeAnalysis;
using System.Threading.RateLimiting;

namespace Krakow.BuildingBlocks.Security;

/// <summary>
/// One caller's bucket of a policy when Redis is configured: taken from <see cref="SharedTokenBuckets"/>, or from a
/// bucket of this instance while Redis cannot answer. ASP.NET Core's rate limiter tries
/// <see cref="RateLimiter.AttemptAcquire(int)"/> first and, when that fails, awaits
/// <see cref="RateLimiter.AcquireAsync(int, CancellationToken)"/>: the synchronous attempt always fails here so
/// that every call goes the asynchronous way, to Redis. Being a <see cref="ReplenishingRateLimiter"/>, the
/// partitioned limiter's timer refills the local bucket.
/// </summary>
internal sealed class SharedTokenBucketLimiter(string policy, string caller, CallerRate rate, SharedTokenBuckets shared, TokenBucketRateLimiter local)
    : ReplenishingRateLimiter
{
    private long _lastUsedTimestamp = Stopwatch.GetTimestamp();
    private int _inFlight;

    public override bool IsAutoReplenishing => local.IsAutoReplenishing;

    public override TimeSpan ReplenishmentPeriod => local.ReplenishmentPeriod;

    /// <summary>Null while a call is being decided; otherwise the time since the last call or since the local bucket filled, whichever is shorter.</summary>
    public override TimeSpan? IdleDuration
    {
        get
        {
            if (Volatile.Read(ref _inFlight) > 0 || local.IdleDuration is not { } localIdle)
            {
                return null;
            }

            var sinceLastUse = Stopwatch.GetElapsedTime(Interlocked.Read(ref _lastUsedTimestamp));
            return sinceLastUse < localIdle ? sinceLastUse : localIdle;
        }
    }

    public override bool TryReplenish() => local.TryReplenish();

    /// <summary>None: the counts that matter are in Redis, and the local bucket's would mislead.</summary>
    public override RateLimiterStatistics? GetStatistics() => null;

    protected override RateLimitLease AttemptAcquireCore(int permitCount) => NotDecidedHere.Instance;

    protected override async ValueTask<RateLimitLease> AcquireAsyncCore(int permitCount, CancellationToken cancellationToken)
    {
        if (permitCount != 1)
        {
            throw new ArgumentOutOfRangeException(nameof(permitCount), permitCount, "a call takes one token");
        }

        Interlocked.Increment(ref _inFlight);
        try
        {
            Interlocked.Exchange(ref _lastUsedTimestamp, Stopwatch.GetTimestamp());
            return await shared.TryTakeAsync(policy, caller, rate, cancellationToken).ConfigureAwait(false) switch
            {
                { Taken: true } => Decided.Granted,
                { RetryAfter: var wait } => new Decided(false, wait),
                null => local.AttemptAcquire(1),
            };
        }
        finally
        {
            Interlocked.Decrement(ref _inFlight);
        }
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            local.Dispose();
        }

        base.Dispose(disposing);
    }

    protected override async ValueTask DisposeAsyncCore()
    {
        await local.DisposeAsync().ConfigureAwait(false);
        await base.DisposeAsyncCore().ConfigureAwait(false);
    }

    /// <summary>What the synchronous attempt answers: not acquired, and no wait to report (the asynchronous way decides).</summary>
    private sealed class NotDecidedHere : RateLimitLease
    {
        public static readonly NotDecidedHere Instance = new();

        public override bool IsAcquired => false;

        public override IEnumerable<string> MetadataNames => [];

        public override bool TryGetMetadata(string metadataName, out object? metadata)
        {
            metadata = null;
            return false;
        }
    }

    /// <summary>Redis's answer: granted, or refused with the wait until the next token.</summary>
    private sealed class Decided(bool acquired, TimeSpan retryAfter) : RateLimitLease
    {
        public static readonly Decided Granted = new(true, TimeSpan.Zero);

        public override bool IsAcquired => acquired;

        public override IEnumerable<string> MetadataNames => acquired ? [] : [MetadataName.RetryAfter.Name];

        public override bool TryGetMetadata(string metadataName, [NotNullWhen(true)] out object? metadata)
        {
            metadata = !acquired && metadataName == MetadataName.RetryAfter.Name ? retryAfter : null;
            return metadata is not null;
        }
    }
}
