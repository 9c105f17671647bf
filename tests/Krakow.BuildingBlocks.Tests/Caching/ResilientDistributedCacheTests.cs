using System.Reflection;
using Krakow.BuildingBlocks.Caching;
using Microsoft.Extensions.Caching.Distributed;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Shouldly;
using StackExchange.Redis;

namespace Krakow.BuildingBlocks.Tests.Caching;

/// <summary>The decorator's state machine, driven deterministically by a scripted backend and a manual clock.</summary>
public sealed class ResilientDistributedCacheTests
{
    private static readonly TimeSpan Cooldown = TimeSpan.FromSeconds(5);
    private static readonly DistributedCacheEntryOptions NoExpiry = new();

    private readonly ScriptedBackend _backend = new();
    private readonly ManualTimeProvider _clock = new();
    private readonly CapturingLoggerProvider _logs = new();

    [Fact]
    public async Task A_healthy_backend_is_passed_through()
    {
        var cache = NewCache();

        await cache.SetAsync("k", Bytes.Of("v"), NoExpiry);
        cache.Set("s", Bytes.Of("w"), NoExpiry);

        Bytes.Text(await cache.GetAsync("k")).ShouldBe("v");
        Bytes.Text(cache.Get("s")).ShouldBe("w");
        await cache.RemoveAsync("k");
        (await cache.GetAsync("k")).ShouldBeNull();
        cache.Status.ShouldBe(new CacheStatus("scripted", false, null, null, 0, false));
    }

    [Theory]
    [MemberData(nameof(BackendFailures))]
    public async Task Every_kind_of_backend_failure_becomes_a_miss_and_degrades_the_cache(Exception failure)
    {
        var cache = NewCache();
        _backend.FailWith = failure;

        (await cache.GetAsync("k")).ShouldBeNull();

        cache.IsDegraded.ShouldBeTrue();
        cache.Status.Reason.ShouldNotBeNull().ShouldStartWith(failure.GetType().Name);
    }

    public static TheoryData<Exception> BackendFailures() =>
    [
        RedisErrors.Server("LOADING Redis is loading the dataset in memory"),
        RedisErrors.Timeout("Timeout performing EVAL"),
        RedisErrors.Connection("No connection is available to service this operation: EVAL"),
        new TimeoutException("timed out"),
        new ObjectDisposedException("ConnectionMultiplexer"),
        new IOException("broken pipe"),
    ];

    [Fact]
    public async Task The_failure_is_logged_once_per_outage_not_once_per_call()
    {
        var cache = NewCache();
        _backend.FailWith = new TimeoutException("redis is gone");

        for (var i = 0; i < 50; i++)
        {
            (await cache.GetAsync("k")).ShouldBeNull();
            cache.Get("k").ShouldBeNull();
            await cache.SetAsync("k", Bytes.Of("v"), NoExpiry);
            cache.Refresh("k");
            await cache.RemoveAsync("k");
        }

        // The cooldown passes, the retry fails: still the same outage.
        _clock.Advance(Cooldown);
        await cache.ProbeAsync();
        (await cache.GetAsync("k")).ShouldBeNull();

        _logs.From<ResilientDistributedCache>(LogLevel.Warning).ShouldHaveSingleItem();
        _logs.From<ResilientDistributedCache>(LogLevel.Information).ShouldBeEmpty();

        // Recovery, then a second outage: logged again.
        _backend.FailWith = null;
        _clock.Advance(Cooldown);
        (await cache.ProbeAsync()).IsDegraded.ShouldBeFalse();
        _backend.FailWith = new TimeoutException("gone again");
        (await cache.GetAsync("k")).ShouldBeNull();
        _logs.From<ResilientDistributedCache>(LogLevel.Warning).Count.ShouldBe(2);
        _logs.From<ResilientDistributedCache>(LogLevel.Information).ShouldHaveSingleItem();
    }

    [Fact]
    public async Task While_degraded_the_backend_is_not_called_until_the_cooldown_has_passed()
    {
        var cache = NewCache();
        _backend.FailWith = new TimeoutException();
        (await cache.GetAsync("k")).ShouldBeNull();
        var callsAtOutage = _backend.Calls;

        for (var i = 0; i < 10; i++)
        {
            (await cache.GetAsync("k")).ShouldBeNull();
            await cache.SetAsync("k", Bytes.Of("v"), NoExpiry);
            await cache.ProbeAsync();
        }

        _backend.Calls.ShouldBe(callsAtOutage, "calls short-circuit during the cooldown");

        _backend.FailWith = null;
        _clock.Advance(Cooldown - TimeSpan.FromMilliseconds(1));
        (await cache.ProbeAsync()).IsDegraded.ShouldBeTrue();
        _clock.Advance(TimeSpan.FromMilliseconds(1));
        (await cache.ProbeAsync()).IsDegraded.ShouldBeFalse();
    }

    [Fact]
    public async Task Failed_and_skipped_invalidations_are_replayed_before_reads_are_served_again()
    {
        var cache = NewCache();
        await cache.SetAsync("removed", Bytes.Of("stale"), NoExpiry);
        await cache.SetAsync("rewritten", Bytes.Of("stale"), NoExpiry);
        await cache.SetAsync("untouched", Bytes.Of("fine"), NoExpiry);

        // The outage hides the entries but keeps them (a partition): the danger is serving them afterwards.
        _backend.FailWith = RedisErrors.Server("READONLY You can't write against a read only replica");
        await cache.RemoveAsync("removed");                               // fails: recorded
        cache.Set("rewritten", Bytes.Of("fresh"), NoExpiry);              // skipped: recorded
        (await cache.GetAsync("untouched")).ShouldBeNull();
        cache.Status.PendingInvalidations.ShouldBe(2);

        // Back, but the first replay attempt fails: still degraded, nothing served, nothing forgotten.
        _backend.FailWith = null;
        _backend.FailRemoveManyTimes = 1;
        _clock.Advance(Cooldown);
        var status = await cache.ProbeAsync();
        status.IsDegraded.ShouldBeTrue();
        status.PendingInvalidations.ShouldBe(2);
        (await cache.GetAsync("removed")).ShouldBeNull();
        _backend.Peek("removed").ShouldNotBeNull("not replayed yet");

        _clock.Advance(Cooldown);
        (await cache.ProbeAsync()).IsDegraded.ShouldBeFalse();
        _backend.Peek("removed").ShouldBeNull();
        _backend.Peek("rewritten").ShouldBeNull();
        Bytes.Text(await cache.GetAsync("untouched")).ShouldBe("fine");
        _logs.From<ResilientDistributedCache>(LogLevel.Information).ShouldHaveSingleItem().Message.ShouldContain("2 missed invalidations replayed");
    }

    [Fact]
    public async Task Past_the_limit_the_record_becomes_a_flush_of_the_instance_prefix()
    {
        var cache = NewCache(maxPending: 3);
        _backend.FailWith = new TimeoutException();
        foreach (var key in new[] { "a", "b", "c", "a", "d" })
        {
            await cache.RemoveAsync(key);
        }

        cache.Status.FlushPending.ShouldBeTrue();
        cache.Status.PendingInvalidations.ShouldBe(0);

        _backend.FailWith = null;
        _clock.Advance(Cooldown);
        (await cache.ProbeAsync()).IsDegraded.ShouldBeFalse();
        _backend.Flushes.ShouldBe(1);
        _logs.From<ResilientDistributedCache>(LogLevel.Information).ShouldHaveSingleItem().Message.ShouldContain("flushed");
    }

    [Fact]
    public async Task Ordinary_calls_start_the_recovery_in_the_background()
    {
        var cache = NewCache();
        _backend.FailWith = new TimeoutException();
        await cache.RemoveAsync("k");
        _backend.FailWith = null;
        _clock.Advance(Cooldown);

        (await cache.GetAsync("k")).ShouldBeNull("the call that notices the cooldown is over does not wait for recovery");

        await Eventually.HoldsAsync(() => Task.FromResult(!cache.IsDegraded), "the background recovery completes", TimeSpan.FromSeconds(5));
        _backend.Removed.ShouldContain("k");
    }

    [Fact]
    public async Task Caller_errors_and_cancellation_are_not_swallowed()
    {
        var cache = NewCache();
        using var cancelled = new CancellationTokenSource();
        await cancelled.CancelAsync();

        _backend.FailWith = new ArgumentException("bad key");
        await Should.ThrowAsync<ArgumentException>(() => cache.GetAsync("k"));
        Should.Throw<ArgumentException>(() => cache.Set("k", Bytes.Of("v"), NoExpiry));
        _backend.FailWith = null;
        await Should.ThrowAsync<OperationCanceledException>(() => cache.GetAsync("k", cancelled.Token));
        await Should.ThrowAsync<ArgumentNullException>(() => cache.GetAsync(null!));

        cache.IsDegraded.ShouldBeFalse();
    }

    [Fact]
    public async Task A_health_probe_notices_an_outage_without_any_traffic()
    {
        var cache = NewCache();
        _backend.FailWith = new TimeoutException("no answer to PING");

        var status = await cache.ProbeAsync();

        status.IsDegraded.ShouldBeTrue();
        status.Reason.ShouldBe("TimeoutException: no answer to PING");
        status.DegradedSince.ShouldBe(_clock.GetUtcNow());
    }

    private ResilientDistributedCache NewCache(int maxPending = 10_000)
    {
        var options = Options.Create(new RedisCacheOptions { RetryCooldown = Cooldown, MaxPendingInvalidations = maxPending });
        var factory = LoggerFactory.Create(b => b.SetMinimumLevel(LogLevel.Debug).AddProvider(_logs));
        return new ResilientDistributedCache(_backend, options, factory.CreateLogger<ResilientDistributedCache>(), _clock);
    }

    /// <summary>An in-memory backend that fails on demand, standing in for Redis.</summary>
    private sealed class ScriptedBackend : IDistributedCache, IRecoverableCache
    {
        private readonly Dictionary<string, byte[]> _entries = [];

        public Exception? FailWith { get; set; }

        public int FailRemoveManyTimes { get; set; }

        public int Calls { get; private set; }

        public int Flushes { get; private set; }

        public List<string> Removed { get; } = [];

        public string BackendName => "scripted";

        public byte[]? Peek(string key)
        {
            lock (_entries)
            {
                return _entries.GetValueOrDefault(key);
            }
        }

        public byte[]? Get(string key)
        {
            Enter();
            return Peek(key);
        }

        public Task<byte[]?> GetAsync(string key, CancellationToken token = default)
        {
            token.ThrowIfCancellationRequested();
            return Task.FromResult(Get(key));
        }

        public void Set(string key, byte[] value, DistributedCacheEntryOptions options)
        {
            Enter();
            lock (_entries)
            {
                _entries[key] = value;
            }
        }

        public Task SetAsync(string key, byte[] value, DistributedCacheEntryOptions options, CancellationToken token = default)
        {
            Set(key, value, options);
            return Task.CompletedTask;
        }

        public void Refresh(string key) => Enter();

        public Task RefreshAsync(string key, CancellationToken token = default)
        {
            Enter();
            return Task.CompletedTask;
        }

        public void Remove(string key)
        {
            Enter();
            lock (_entries)
            {
                _entries.Remove(key);
                Removed.Add(key);
            }
        }

        public Task RemoveAsync(string key, CancellationToken token = default)
        {
            Remove(key);
            return Task.CompletedTask;
        }

        public Task PingAsync(CancellationToken token)
        {
            Enter();
            return Task.CompletedTask;
        }

        public Task RemoveManyAsync(IReadOnlyCollection<string> keys, CancellationToken token)
        {
            if (FailRemoveManyTimes > 0)
            {
                FailRemoveManyTimes--;
                throw RedisErrors.Server("LOADING");
            }

            foreach (var key in keys)
            {
                Remove(key);
            }

            return Task.CompletedTask;
        }

        public Task FlushInstanceAsync(CancellationToken token)
        {
            Enter();
            lock (_entries)
            {
                _entries.Clear();
                Flushes++;
            }

            return Task.CompletedTask;
        }

        private void Enter()
        {
            Calls++;
            if (FailWith is { } failure)
            {
                throw failure;
            }
        }
    }
}

/// <summary>StackExchange.Redis 1.2.6 keeps its exception constructors internal; the tests need the real types.</summary>
internal static class RedisErrors
{
    public static RedisServerException Server(string message) => Create<RedisServerException>(message);

    public static RedisTimeoutException Timeout(string message) => Create<RedisTimeoutException>(message, CommandStatus.Sent);

    public static RedisConnectionException Connection(string message) =>
        Create<RedisConnectionException>(ConnectionFailureType.UnableToConnect, message);

    private static T Create<T>(params object[] arguments) =>
        (T)Activator.CreateInstance(typeof(T), BindingFlags.Instance | BindingFlags.NonPublic, null, arguments, null)!;
}
