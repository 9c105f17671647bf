using Microsoft.Extensions.Caching.Distributed;
using Microsoft.Extensions.Caching.Memory;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Krakow.BuildingBlocks.Caching;

/// <summary>
/// The <see cref="IDistributedCache"/> the platform registers, in front of whichever backend is configured. A cache
/// is an optimisation, so an unavailable backend must never fail a request:
/// <list type="bullet">
/// <item>when a call fails with a backend failure (connection, timeout, server refusal, disposed multiplexer) the
/// cache turns <em>degraded</em>: the failure is logged once for the whole outage, reads return <c>null</c> (a miss,
/// so callers fall through to the database), writes, refreshes and removes are skipped, and no exception escapes;</item>
/// <item>after <see cref="RedisCacheOptions.RetryCooldown"/> the next call (or the health check) tries the backend
/// again in the background; callers never wait for it.</item>
/// </list>
/// <para>
/// Invalidation during an outage. A remove that did not reach Redis would leave the old value there (a network
/// partition or a Redis that persists its data survives the outage), and after recovery every host would serve it.
/// A write skipped during the outage is the same hazard: the caller wrote a new value because the old one is out of
/// date. So every key whose remove or write failed or was skipped is recorded, and recovery <em>replays</em> those
/// removes before the cache serves anything: the cache stays degraded (reads miss) until the replay has succeeded,
/// and keys skipped while the replay runs are replayed too before the state flips back. The record is bounded by
/// <see cref="RedisCacheOptions.MaxPendingInvalidations"/>; past it the record is dropped and recovery flushes every
/// key under the instance prefix instead (costs a cold cache, never serves stale data). Replaying beats flushing on
/// every outage because a fleet of hosts recovering one after another would otherwise keep wiping each other's warm
/// cache. Limits: another host that could still reach Redis serves the stale value until this host replays (bounded
/// by the outage), and the record lives in this process, so entries should always carry an expiry as a backstop.
/// </para>
/// </summary>
public sealed class ResilientDistributedCache : IDistributedCache
{
    private readonly IDistributedCache _inner;
    private readonly IRecoverableCache? _recoverable;
    private readonly ILogger<ResilientDistributedCache> _logger;
    private readonly TimeProvider _time;
    private readonly TimeSpan _cooldown;
    private readonly int _maxPending;

    private readonly Lock _gate = new();
    private readonly HashSet<string> _pending = new(StringComparer.Ordinal);
    private volatile bool _degraded;
    private bool _flushRequired;
    private DateTimeOffset? _degradedSince;
    private string? _reason;
    private long _retryAtUtcTicks;
    private int _recovering;

    public ResilientDistributedCache(
        IDistributedCache inner,
        IOptions<RedisCacheOptions> options,
        ILogger<ResilientDistributedCache> logger,
        TimeProvider timeProvider)
    {
        ArgumentNullException.ThrowIfNull(inner);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(logger);
        ArgumentNullException.ThrowIfNull(timeProvider);
        _inner = inner;
        _recoverable = inner as IRecoverableCache;
        _logger = logger;
        _time = timeProvider;
        _cooldown = options.Value.RetryCooldown;
        _maxPending = options.Value.MaxPendingInvalidations;
        Backend = _recoverable?.BackendName ?? (inner is MemoryDistributedCache ? "memory" : inner.GetType().Name);
    }

    /// <summary>"redis", "memory", or the backend's type name.</summary>
    public string Backend { get; }

    /// <summary>True while the backend is bypassed.</summary>
    public bool IsDegraded => _degraded;

    public CacheStatus Status
    {
        get
        {
            lock (_gate)
            {
                return new CacheStatus(Backend, _degraded, _degraded ? _reason : null,
                    _degraded ? _degradedSince : null, _pending.Count, _flushRequired);
            }
        }
    }

    public byte[]? Get(string key)
    {
        ArgumentNullException.ThrowIfNull(key);
        if (_degraded)
        {
            TryStartRecovery();
            return null;
        }

        try
        {
            return _inner.Get(key);
        }
        catch (Exception e) when (CacheFailures.IsBackendFailure(e))
        {
            OnFailure(e, invalidatedKey: null);
            return null;
        }
    }

    public async Task<byte[]?> GetAsync(string key, CancellationToken token = default)
    {
        ArgumentNullException.ThrowIfNull(key);
        if (_degraded)
        {
            TryStartRecovery();
            return null;
        }

        try
        {
            return await _inner.GetAsync(key, token).ConfigureAwait(false);
        }
        catch (Exception e) when (CacheFailures.IsBackendFailure(e))
        {
            OnFailure(e, invalidatedKey: null);
            return null;
        }
    }

    public void Set(string key, byte[] value, DistributedCacheEntryOptions options)
    {
        ArgumentNullException.ThrowIfNull(key);
        if (!BeginInvalidatingCall(key))
        {
            return;
        }

        try
        {
            _inner.Set(key, value, options);
        }
        catch (Exception e) when (CacheFailures.IsBackendFailure(e))
        {
            OnFailure(e, key);
        }
    }

    public async Task SetAsync(string key, byte[] value, DistributedCacheEntryOptions options, CancellationToken token = default)
    {
        ArgumentNullException.ThrowIfNull(key);
        if (!BeginInvalidatingCall(key))
        {
            return;
        }

        try
        {
            await _inner.SetAsync(key, value, options, token).ConfigureAwait(false);
        }
        catch (Exception e) when (CacheFailures.IsBackendFailure(e))
        {
            OnFailure(e, key);
        }
    }

    public void Refresh(string key)
    {
        ArgumentNullException.ThrowIfNull(key);
        if (_degraded)
        {
            TryStartRecovery();
            return;
        }

        try
        {
            _inner.Refresh(key);
        }
        catch (Exception e) when (CacheFailures.IsBackendFailure(e))
        {
            OnFailure(e, invalidatedKey: null);
        }
    }

    public async Task RefreshAsync(string key, CancellationToken token = default)
    {
        ArgumentNullException.ThrowIfNull(key);
        if (_degraded)
        {
            TryStartRecovery();
            return;
        }

        try
        {
            await _inner.RefreshAsync(key, token).ConfigureAwait(false);
        }
        catch (Exception e) when (CacheFailures.IsBackendFailure(e))
        {
            OnFailure(e, invalidatedKey: null);
        }
    }

    public void Remove(string key)
    {
        ArgumentNullException.ThrowIfNull(key);
        if (!BeginInvalidatingCall(key))
        {
            return;
        }

        try
        {
            _inner.Remove(key);
        }
        catch (Exception e) when (CacheFailures.IsBackendFailure(e))
        {
            OnFailure(e, key);
        }
    }

    public async Task RemoveAsync(string key, CancellationToken token = default)
    {
        ArgumentNullException.ThrowIfNull(key);
        if (!BeginInvalidatingCall(key))
        {
            return;
        }

        try
        {
            await _inner.RemoveAsync(key, token).ConfigureAwait(false);
        }
        catch (Exception e) when (CacheFailures.IsBackendFailure(e))
        {
            OnFailure(e, key);
        }
    }

    /// <summary>
    /// Checks the backend now, for health checks: when healthy, pings it (a failure turns the cache degraded);
    /// when degraded and the cooldown has passed, attempts recovery (including the replay) and waits for it.
    /// Never throws for backend failures.
    /// </summary>
    public async Task<CacheStatus> ProbeAsync(CancellationToken token = default)
    {
        if (!_degraded)
        {
            if (_recoverable is not null)
            {
                try
                {
                    await _recoverable.PingAsync(token).ConfigureAwait(false);
                }
                catch (Exception e) when (CacheFailures.IsBackendFailure(e))
                {
                    OnFailure(e, invalidatedKey: null);
                }
            }
        }
        else if (CooldownElapsed() && Interlocked.CompareExchange(ref _recovering, 1, 0) == 0)
        {
            await RecoverAsync().ConfigureAwait(false);
        }

        return Status;
    }

    /// <summary>
    /// For Set and Remove: true to go to the backend; false when degraded, after recording the key for replay.
    /// The state is re-checked under the lock so a key is either recorded before recovery's final check or sent.
    /// </summary>
    private bool BeginInvalidatingCall(string key)
    {
        if (!_degraded)
        {
            return true;
        }

        lock (_gate)
        {
            if (!_degraded)
            {
                return true;
            }

            RecordPending(key);
        }

        TryStartRecovery();
        return false;
    }

    private void OnFailure(Exception exception, string? invalidatedKey)
    {
        bool outageBegins;
        lock (_gate)
        {
            if (invalidatedKey is not null)
            {
                RecordPending(invalidatedKey);
            }

            outageBegins = !_degraded;
            if (outageBegins)
            {
                _degradedSince = _time.GetUtcNow();
                _degraded = true;
            }

            _reason = CacheFailures.Describe(exception);
            ScheduleRetry();
        }

        if (outageBegins)
        {
            _logger.LogWarning(exception,
                "Distributed cache ({Backend}) is unavailable; serving cache misses and skipping writes until it is back (retrying every {Cooldown})",
                Backend, _cooldown);
        }
        else
        {
            _logger.LogDebug("Distributed cache ({Backend}) still unavailable: {Reason}", Backend, _reason);
        }
    }

    // Called with _gate held.
    private void RecordPending(string key)
    {
        if (_flushRequired)
        {
            return;
        }

        if (_recoverable is not null && _pending.Count >= _maxPending && !_pending.Contains(key))
        {
            _pending.Clear();
            _flushRequired = true;
            return;
        }

        _pending.Add(key);
    }

    // Called with _gate held.
    private void ScheduleRetry() =>
        Interlocked.Exchange(ref _retryAtUtcTicks, (_time.GetUtcNow() + _cooldown).UtcTicks);

    private bool CooldownElapsed() => _time.GetUtcNow().UtcTicks >= Interlocked.Read(ref _retryAtUtcTicks);

    private void TryStartRecovery()
    {
        if (!CooldownElapsed() || Interlocked.CompareExchange(ref _recovering, 1, 0) != 0)
        {
            return;
        }

        _ = Task.Run(RecoverAsync);
    }

    /// <summary>Runs with _recovering set (and clears it): ping, replay missed invalidations, then resume.</summary>
    private async Task RecoverAsync()
    {
        var replayed = 0;
        var flushed = false;
        try
        {
            if (_recoverable is not null)
            {
                await _recoverable.PingAsync(CancellationToken.None).ConfigureAwait(false);
            }

            TimeSpan? outage = null;
            while (outage is null)
            {
                string[] keys;
                bool flush;
                lock (_gate)
                {
                    if (_pending.Count == 0 && !_flushRequired)
                    {
                        // Nothing left to reconcile: from here on calls go to the backend again.
                        var now = _time.GetUtcNow();
                        outage = now - (_degradedSince ?? now);
                        _degraded = false;
                        _degradedSince = null;
                        _reason = null;
                        continue;
                    }

                    keys = [.. _pending];
                    _pending.Clear();
                    flush = _flushRequired;
                    _flushRequired = false;
                }

                try
                {
                    await ReconcileAsync(keys, flush).ConfigureAwait(false);
                }
                catch
                {
                    lock (_gate)
                    {
                        if (flush)
                        {
                            _flushRequired = true;
                            _pending.Clear();
                        }
                        else
                        {
                            foreach (var key in keys)
                            {
                                RecordPending(key);
                            }
                        }
                    }

                    throw;
                }

                flushed |= flush;
                replayed += keys.Length;
            }

            LogRecovered(outage.Value, replayed, flushed);
        }
        catch (Exception e) when (CacheFailures.IsBackendFailure(e))
        {
            lock (_gate)
            {
                _reason = CacheFailures.Describe(e);
                ScheduleRetry();
            }

            _logger.LogDebug("Distributed cache ({Backend}) recovery attempt failed: {Reason}", Backend, _reason);
        }
        catch (Exception e)
        {
            lock (_gate)
            {
                _reason = CacheFailures.Describe(e);
                ScheduleRetry();
            }

            _logger.LogError(e, "Distributed cache ({Backend}) recovery attempt failed unexpectedly", Backend);
        }
        finally
        {
            Volatile.Write(ref _recovering, 0);
        }
    }

    private async Task ReconcileAsync(string[] keys, bool flush)
    {
        if (_recoverable is null)
        {
            foreach (var key in keys)
            {
                await _inner.RemoveAsync(key, CancellationToken.None).ConfigureAwait(false);
            }
        }
        else if (flush)
        {
            await _recoverable.FlushInstanceAsync(CancellationToken.None).ConfigureAwait(false);
        }
        else
        {
            await _recoverable.RemoveManyAsync(keys, CancellationToken.None).ConfigureAwait(false);
        }
    }

    private void LogRecovered(TimeSpan outage, int replayed, bool flushed)
    {
        if (flushed)
        {
            _logger.LogInformation(
                "Distributed cache ({Backend}) is available again after {Outage}; too many invalidations were missed, so the instance's keys were flushed",
                Backend, outage);
        }
        else
        {
            _logger.LogInformation(
                "Distributed cache ({Backend}) is available again after {Outage}; {Replayed} missed invalidations replayed",
                Backend, outage, replayed);
        }
    }
}
