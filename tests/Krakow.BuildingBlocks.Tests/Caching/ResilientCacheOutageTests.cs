using Krakow.BuildingBlocks.Caching;
using Krakow.BuildingBlocks.Tests.Infrastructure;
using Krakow.Tests.Shared;
using Microsoft.Extensions.Caching.Distributed;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Logging;
using Shouldly;

namespace Krakow.BuildingBlocks.Tests.Caching;

/// <summary>
/// Redis outages against a real redis-server: each test owns its server (killed and restarted) or a relay that
/// partitions one host from Redis while Redis keeps its data.
/// </summary>
public sealed class ResilientCacheOutageTests
{
    private static readonly DistributedCacheEntryOptions NoExpiry = new();
    private readonly string _prefix = $"o{Guid.NewGuid():N}:";

    [Fact]
    public async Task Redis_down_means_misses_skipped_writes_no_exceptions_and_a_degraded_health_then_recovery()
    {
        await using var server = await RedisServer.StartAsync();
        await using var host = CacheHost.Create(server.Configuration, _prefix);
        var cache = host.Cache;
        await cache.SetAsync("k", Bytes.Of("v"), NoExpiry);
        Bytes.Text(await cache.GetAsync("k")).ShouldBe("v");
        (await host.ReadinessAsync()).Status.ShouldBe(HealthStatus.Healthy);

        server.Kill();

        for (var i = 0; i < 20; i++)
        {
            (await cache.GetAsync("k")).ShouldBeNull();
            cache.Get("k").ShouldBeNull();
            await cache.SetAsync("k", Bytes.Of("while down"), NoExpiry);
            cache.Set("k2", Bytes.Of("while down"), NoExpiry);
            await cache.RefreshAsync("k");
            cache.Refresh("k");
            await cache.RemoveAsync("k3");
            cache.Remove("k4");
        }

        var health = await host.ReadinessAsync();
        health.Status.ShouldBe(HealthStatus.Degraded);
        health.Description.ShouldNotBeNull();
        health.Description.ShouldContain("redis cache unavailable");
        health.Description.ShouldContain("Redis");
        host.Resilient.IsDegraded.ShouldBeTrue();
        host.Logs.From<ResilientDistributedCache>(LogLevel.Warning).Count.ShouldBe(1, "one warning per outage, not one per call");

        await server.StartAgainAsync();

        await Eventually.HoldsAsync(async () => (await host.ReadinessAsync()).Status == HealthStatus.Healthy, "the cache health is Healthy again");
        await cache.SetAsync("k", Bytes.Of("after"), NoExpiry);
        Bytes.Text(await cache.GetAsync("k")).ShouldBe("after");
        cache.Set("k2", Bytes.Of("sync after"), NoExpiry);
        Bytes.Text(cache.Get("k2")).ShouldBe("sync after");
        host.Logs.From<ResilientDistributedCache>(LogLevel.Warning).Count.ShouldBe(1);
        host.Logs.From<ResilientDistributedCache>(LogLevel.Information).ShouldHaveSingleItem().Message.ShouldContain("available again");
    }

    [Fact]
    public async Task Caching_resumes_by_itself_when_traffic_continues_after_an_outage()
    {
        await using var server = await RedisServer.StartAsync();
        await using var host = CacheHost.Create(server.Configuration, _prefix);
        var cache = host.Cache;

        server.Kill();
        (await cache.GetAsync("k")).ShouldBeNull();
        host.Resilient.IsDegraded.ShouldBeTrue();
        await server.StartAgainAsync();

        // No health check runs here: ordinary calls after the cooldown start the recovery in the background.
        await Eventually.HoldsAsync(async () =>
        {
            await cache.SetAsync("k", Bytes.Of("v"), NoExpiry);
            return Bytes.Text(await cache.GetAsync("k")) == "v";
        }, "writes and reads reach Redis again");
        host.Resilient.IsDegraded.ShouldBeFalse();
    }

    [Fact]
    public async Task The_host_starts_and_serves_while_redis_is_down_then_uses_it_once_it_is_up()
    {
        var server = RedisServer.NotStarted();
        await using var _ = server;
        // abortConnect=true would make the first connect throw; the platform overrides it.
        await using var host = CacheHost.Create(server.Configuration + ",abortConnect=true", _prefix);

        var started = DateTime.UtcNow;
        (await host.Cache.GetAsync("k")).ShouldBeNull();
        await host.Cache.SetAsync("k", Bytes.Of("v"), NoExpiry);
        (DateTime.UtcNow - started).ShouldBeLessThan(TimeSpan.FromSeconds(5), "an unreachable Redis costs at most the connect timeout, once");
        (await host.ReadinessAsync()).Status.ShouldBe(HealthStatus.Degraded);

        await server.StartAgainAsync();

        await Eventually.HoldsAsync(async () => (await host.ReadinessAsync()).Status == HealthStatus.Healthy, "the cache health is Healthy");
        await host.Cache.SetAsync("k", Bytes.Of("v"), NoExpiry);
        Bytes.Text(await host.Cache.GetAsync("k")).ShouldBe("v");
    }

    [Fact]
    public async Task An_invalidation_missed_during_a_partition_is_replayed_before_the_host_serves_reads_again()
    {
        await using var server = await RedisServer.StartAsync();
        await using var proxy = new PartitionRelay("127.0.0.1", server.Port);
        await using var hostA = CacheHost.Create(RedisServer.ConfigurationFor(proxy.Port), _prefix);   // reaches Redis through the relay
        await using var hostB = CacheHost.Create(server.Configuration, _prefix);  // reaches Redis directly
        await hostA.Cache.SetAsync("removed", Bytes.Of("v1"), NoExpiry);
        await hostB.Cache.SetAsync("rewritten", Bytes.Of("old"), NoExpiry);
        Bytes.Text(await hostA.Cache.GetAsync("rewritten")).ShouldBe("old");

        proxy.Partition();

        // Host A updates its database, then invalidates: neither reaches Redis, and no exception escapes.
        await hostA.Cache.RemoveAsync("removed");
        await hostA.Cache.SetAsync("rewritten", Bytes.Of("new"), NoExpiry);
        hostA.Resilient.IsDegraded.ShouldBeTrue();
        hostA.Resilient.Status.PendingInvalidations.ShouldBe(2);
        (await hostA.Cache.GetAsync("removed")).ShouldBeNull("a degraded host never serves from the cache");
        // Redis still holds the stale values (host B, still connected, sees them until A can reach Redis).
        Bytes.Text(await hostB.Cache.GetAsync("removed")).ShouldBe("v1");
        Bytes.Text(await hostB.Cache.GetAsync("rewritten")).ShouldBe("old");

        proxy.Heal();

        await Eventually.HoldsAsync(async () => (await hostA.ReadinessAsync()).Status == HealthStatus.Healthy, "host A's cache recovers");
        (await hostA.Cache.GetAsync("removed")).ShouldBeNull("the missed removal was replayed");
        (await hostA.Cache.GetAsync("rewritten")).ShouldBeNull("the skipped write invalidates the old value");
        (await hostB.Cache.GetAsync("removed")).ShouldBeNull();
        (await hostB.Cache.GetAsync("rewritten")).ShouldBeNull();
        hostA.Logs.From<ResilientDistributedCache>(LogLevel.Information).ShouldHaveSingleItem().Message.ShouldContain("2 missed invalidations replayed");
    }

    [Fact]
    public async Task Too_many_missed_invalidations_flush_the_instance_prefix_on_recovery()
    {
        await using var server = await RedisServer.StartAsync();
        await using var proxy = new PartitionRelay("127.0.0.1", server.Port);
        await using var hostA = CacheHost.Create(RedisServer.ConfigurationFor(proxy.Port), _prefix, maxPendingInvalidations: 2);
        await using var hostB = CacheHost.Create(server.Configuration, _prefix);
        await using var otherApp = CacheHost.Create(server.Configuration, $"x{Guid.NewGuid():N}:");
        foreach (var key in new[] { "a", "b", "c", "untouched" })
        {
            await hostB.Cache.SetAsync(key, Bytes.Of("stale"), NoExpiry);
        }

        await otherApp.Cache.SetAsync("a", Bytes.Of("other app"), NoExpiry);

        proxy.Partition();
        await hostA.Cache.RemoveAsync("a");
        await hostA.Cache.RemoveAsync("b");
        await hostA.Cache.RemoveAsync("c");
        hostA.Resilient.Status.FlushPending.ShouldBeTrue();
        hostA.Resilient.Status.PendingInvalidations.ShouldBe(0);
        proxy.Heal();

        await Eventually.HoldsAsync(async () => (await hostA.ReadinessAsync()).Status == HealthStatus.Healthy, "host A's cache recovers");
        foreach (var key in new[] { "a", "b", "c", "untouched" })
        {
            (await hostB.Cache.GetAsync(key)).ShouldBeNull($"'{key}' is under the flushed prefix");
        }

        Bytes.Text(await otherApp.Cache.GetAsync("a")).ShouldBe("other app", "another instance prefix is not flushed");
    }
}
