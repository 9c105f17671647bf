using Krakow.BuildingBlocks.Caching;
using Krakow.BuildingBlocks.Tests.Infrastructure;
using Krakow.Tests.Shared;
using Microsoft.Extensions.Caching.Distributed;
using Shouldly;
using StackExchange.Redis;

namespace Krakow.BuildingBlocks.Tests.Caching;

/// <summary>The Redis cache itself, against a real redis-server that stays up for the whole class.</summary>
public sealed class RedisDistributedCacheTests(RedisServerFixture fixture) : IClassFixture<RedisServerFixture>, IDisposable
{
    private readonly string _prefix = $"t{Guid.NewGuid():N}:";
    private readonly List<IDisposable> _owned = [];
    private RedisServer Server => fixture.Server;

    public void Dispose()
    {
        foreach (var owned in _owned)
        {
            owned.Dispose();
        }
    }

    [Fact]
    public async Task Set_then_get_round_trips_the_bytes_sync_and_async()
    {
        var cache = NewCache();

        cache.Set("sync", Bytes.Of("one"), new DistributedCacheEntryOptions());
        await cache.SetAsync("async", Bytes.Of("two"), new DistributedCacheEntryOptions());
        await cache.SetAsync("empty", [], new DistributedCacheEntryOptions());

        Bytes.Text(cache.Get("sync")).ShouldBe("one");
        Bytes.Text(await cache.GetAsync("async")).ShouldBe("two");
        (await cache.GetAsync("empty")).ShouldBe([]);
        cache.Get("missing").ShouldBeNull();
        (await cache.GetAsync("missing")).ShouldBeNull();
    }

    [Fact]
    public async Task Set_replaces_the_previous_entry_including_its_expiry()
    {
        var cache = NewCache();
        using var inspector = new RedisInspector(Server.Port);

        await cache.SetAsync("k", Bytes.Of("old"), new DistributedCacheEntryOptions { AbsoluteExpirationRelativeToNow = TimeSpan.FromMinutes(1) });
        inspector.Pttl(_prefix + "k").ShouldBeInRange(1, 60_000);

        await cache.SetAsync("k", Bytes.Of("new"), new DistributedCacheEntryOptions());

        Bytes.Text(await cache.GetAsync("k")).ShouldBe("new");
        inspector.Pttl(_prefix + "k").ShouldBe(-1, "an entry without expiry must not inherit the previous TTL");
    }

    [Fact]
    public async Task Absolute_expiration_relative_to_now_expires_the_entry()
    {
        var cache = NewCache();
        using var inspector = new RedisInspector(Server.Port);

        await cache.SetAsync("k", Bytes.Of("v"), new DistributedCacheEntryOptions { AbsoluteExpirationRelativeToNow = TimeSpan.FromMilliseconds(1500) });

        Bytes.Text(await cache.GetAsync("k")).ShouldBe("v");
        inspector.Pttl(_prefix + "k").ShouldBeInRange(1, 1500);
        await Eventually.HoldsAsync(async () => await cache.GetAsync("k") is null, "the entry expires", TimeSpan.FromSeconds(5));
    }

    [Fact]
    public async Task Absolute_expiration_at_a_point_in_time_expires_the_entry()
    {
        var cache = NewCache();
        using var inspector = new RedisInspector(Server.Port);

        cache.Set("k", Bytes.Of("v"), new DistributedCacheEntryOptions { AbsoluteExpiration = DateTimeOffset.UtcNow.AddMilliseconds(400) });

        inspector.Pttl(_prefix + "k").ShouldBeInRange(1, 400);
        await Eventually.HoldsAsync(() => Task.FromResult(cache.Get("k") is null), "the entry expires", TimeSpan.FromSeconds(5));
    }

    [Fact]
    public async Task Absolute_expiration_in_the_past_is_rejected()
    {
        var cache = NewCache();

        await Should.ThrowAsync<ArgumentOutOfRangeException>(() => cache.SetAsync("k", Bytes.Of("v"),
            new DistributedCacheEntryOptions { AbsoluteExpiration = DateTimeOffset.UtcNow.AddMinutes(-1) }));
    }

    [Fact]
    public async Task Sliding_expiration_is_pushed_back_by_every_read()
    {
        var cache = NewCache();
        using var inspector = new RedisInspector(Server.Port);
        await cache.SetAsync("k", Bytes.Of("v"), new DistributedCacheEntryOptions { SlidingExpiration = TimeSpan.FromSeconds(30) });

        // Two seconds apart, so a pause of the machine between a read and the look at its TTL cannot pass for a reset.
        await Task.Delay(2000);
        inspector.Pttl(_prefix + "k").ShouldBeLessThan(28_100);

        Bytes.Text(await cache.GetAsync("k")).ShouldBe("v");
        inspector.Pttl(_prefix + "k").ShouldBeGreaterThan(29_000, "a read restarts the sliding window");
    }

    [Fact]
    public async Task Sliding_expiration_expires_an_entry_nobody_reads()
    {
        var cache = NewCache();
        using var inspector = new RedisInspector(Server.Port);
        await cache.SetAsync("k", Bytes.Of("v"), new DistributedCacheEntryOptions { SlidingExpiration = TimeSpan.FromMilliseconds(300) });

        await Eventually.HoldsAsync(() => Task.FromResult(!inspector.Exists(_prefix + "k")), "the unread entry expires", TimeSpan.FromSeconds(5));
        (await cache.GetAsync("k")).ShouldBeNull();
    }

    [Fact]
    public async Task Sliding_expiration_never_extends_past_the_absolute_expiration()
    {
        var cache = NewCache();
        using var inspector = new RedisInspector(Server.Port);
        var setAt = DateTime.UtcNow;
        await cache.SetAsync("k", Bytes.Of("v"), new DistributedCacheEntryOptions
        {
            SlidingExpiration = TimeSpan.FromSeconds(30),
            AbsoluteExpirationRelativeToNow = TimeSpan.FromMilliseconds(800),
        });
        inspector.Pttl(_prefix + "k").ShouldBeInRange(1, 800);

        // Keep reading: each read would push a 30 s window, but the entry must still die at its absolute expiry.
        while (await cache.GetAsync("k") is not null)
        {
            inspector.Pttl(_prefix + "k").ShouldBeLessThanOrEqualTo(800);
            (DateTime.UtcNow - setAt).ShouldBeLessThan(TimeSpan.FromSeconds(5), "reads kept the entry alive past its absolute expiry");
            await Task.Delay(50);
        }

        (DateTime.UtcNow - setAt).ShouldBeGreaterThan(TimeSpan.FromMilliseconds(750), "the entry lived until its absolute expiry");
    }

    [Fact]
    public async Task Refresh_restarts_the_sliding_window_without_reading()
    {
        var cache = NewCache();
        using var inspector = new RedisInspector(Server.Port);
        await cache.SetAsync("sliding", Bytes.Of("v"), new DistributedCacheEntryOptions { SlidingExpiration = TimeSpan.FromSeconds(30) });
        await cache.SetAsync("absolute", Bytes.Of("v"), new DistributedCacheEntryOptions { AbsoluteExpirationRelativeToNow = TimeSpan.FromSeconds(30) });

        await Task.Delay(2000);
        await cache.RefreshAsync("sliding");
        cache.Refresh("absolute");
        await cache.RefreshAsync("missing");

        inspector.Pttl(_prefix + "sliding").ShouldBeGreaterThan(29_000);
        inspector.Pttl(_prefix + "absolute").ShouldBeLessThan(28_100, "refresh does not extend an absolute-only entry");
        inspector.Exists(_prefix + "missing").ShouldBeFalse();
    }

    [Fact]
    public async Task Remove_deletes_the_entry()
    {
        var cache = NewCache();
        await cache.SetAsync("a", Bytes.Of("v"), new DistributedCacheEntryOptions());
        await cache.SetAsync("b", Bytes.Of("v"), new DistributedCacheEntryOptions());

        await cache.RemoveAsync("a");
        cache.Remove("b");
        await cache.RemoveAsync("never-there");

        (await cache.GetAsync("a")).ShouldBeNull();
        cache.Get("b").ShouldBeNull();
    }

    [Fact]
    public async Task Keys_carry_the_instance_prefix_and_prefixes_are_isolated()
    {
        var first = NewCache(_prefix + "one:");
        var second = NewCache(_prefix + "two:");
        using var inspector = new RedisInspector(Server.Port);

        await first.SetAsync("k", Bytes.Of("first"), new DistributedCacheEntryOptions());
        await second.SetAsync("k", Bytes.Of("second"), new DistributedCacheEntryOptions());

        inspector.Exists(_prefix + "one:k").ShouldBeTrue();
        inspector.Exists(_prefix + "two:k").ShouldBeTrue();
        Bytes.Text(await first.GetAsync("k")).ShouldBe("first");
        Bytes.Text(await second.GetAsync("k")).ShouldBe("second");

        await first.RemoveAsync("k");
        (await first.GetAsync("k")).ShouldBeNull();
        Bytes.Text(await second.GetAsync("k")).ShouldBe("second");
    }

    [Fact]
    public async Task Default_instance_name_is_krakow()
    {
        var owned = new DirectRedisCache(Server.Configuration, instanceName: null);
        _owned.Add(owned);
        using var inspector = new RedisInspector(Server.Port);
        var key = $"default-prefix-{Guid.NewGuid():N}";

        owned.Cache.InstanceName.ShouldBe("krakow:");
        await owned.Cache.SetAsync(key, Bytes.Of("v"), new DistributedCacheEntryOptions { AbsoluteExpirationRelativeToNow = TimeSpan.FromMinutes(1) });

        inspector.Exists("krakow:" + key).ShouldBeTrue();
        await owned.Cache.RemoveAsync(key);
    }

    [Fact]
    public async Task A_key_of_another_type_reads_as_a_miss_and_is_overwritten_by_set()
    {
        var cache = NewCache();
        using var inspector = new RedisInspector(Server.Port);
        inspector.Database.StringSet(_prefix + "foreign", "not a cache entry");

        (await cache.GetAsync("foreign")).ShouldBeNull();
        await cache.RefreshAsync("foreign");
        await cache.SetAsync("foreign", Bytes.Of("v"), new DistributedCacheEntryOptions());

        Bytes.Text(await cache.GetAsync("foreign")).ShouldBe("v");
    }

    [Fact]
    public async Task Two_hosts_sharing_redis_see_each_others_writes_and_removals()
    {
        await using var hostA = CacheHost.Create(Server.Configuration, _prefix);
        await using var hostB = CacheHost.Create(Server.Configuration, _prefix);

        await hostA.Cache.SetAsync("k", Bytes.Of("from A"), new DistributedCacheEntryOptions());
        Bytes.Text(await hostB.Cache.GetAsync("k")).ShouldBe("from A");

        await hostB.Cache.SetAsync("k", Bytes.Of("from B"), new DistributedCacheEntryOptions());
        Bytes.Text(await hostA.Cache.GetAsync("k")).ShouldBe("from B");

        // Cross-instance invalidation: a removal on one host is a miss on the other at once.
        await hostB.Cache.RemoveAsync("k");
        (await hostA.Cache.GetAsync("k")).ShouldBeNull();
    }

    [Fact]
    public async Task Flush_instance_removes_only_keys_under_the_prefix_even_with_glob_characters_in_it()
    {
        var globPrefix = _prefix + "a*[x]?:";
        var flushed = NewCache(globPrefix);
        var sibling = NewCache(_prefix + "ab:");
        var plain = NewCache(_prefix);
        using var inspector = new RedisInspector(Server.Port);
        for (var i = 0; i < 1200; i++)
        {
            await flushed.SetAsync($"k{i}", Bytes.Of("v"), new DistributedCacheEntryOptions());
        }

        await sibling.SetAsync("k", Bytes.Of("v"), new DistributedCacheEntryOptions());
        await plain.SetAsync("k", Bytes.Of("v"), new DistributedCacheEntryOptions());

        await flushed.FlushInstanceAsync();

        (await flushed.GetAsync("k0")).ShouldBeNull();
        (await flushed.GetAsync("k1199")).ShouldBeNull();
        ((RedisResult[])inspector.Database.Execute("KEYS", EscapedPattern(globPrefix))!).ShouldBeEmpty();
        (await sibling.GetAsync("k")).ShouldNotBeNull();
        (await plain.GetAsync("k")).ShouldNotBeNull();
    }

    [Fact]
    public async Task Remove_many_deletes_the_listed_keys()
    {
        var cache = NewCache();
        foreach (var key in new[] { "a", "b", "c" })
        {
            await cache.SetAsync(key, Bytes.Of("v"), new DistributedCacheEntryOptions());
        }

        await cache.RemoveManyAsync(["a", "b"]);

        (await cache.GetAsync("a")).ShouldBeNull();
        (await cache.GetAsync("b")).ShouldBeNull();
        (await cache.GetAsync("c")).ShouldNotBeNull();
    }

    private RedisDistributedCache NewCache(string? prefix = null)
    {
        var owned = new DirectRedisCache(Server.Configuration, prefix ?? _prefix);
        _owned.Add(owned);
        return owned.Cache;
    }

    private static string EscapedPattern(string prefix) =>
        string.Concat(prefix.Select(c => c is '*' or '?' or '[' or ']' or '\\' ? "\\" + c : c.ToString())) + "*";
}
