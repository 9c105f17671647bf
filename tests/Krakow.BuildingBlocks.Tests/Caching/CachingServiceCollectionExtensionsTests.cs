using Krakow.BuildingBlocks.Caching;
using Krakow.BuildingBlocks.Configuration;
using Microsoft.Extensions.Caching.Distributed;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;
using Shouldly;

namespace Krakow.BuildingBlocks.Tests.Caching;

/// <summary>AddPlatformCache: the choice of backend, the in-memory path, and configuration validation.</summary>
public sealed class CachingServiceCollectionExtensionsTests
{
    [Fact]
    public async Task Without_redis_configuration_the_in_memory_cache_is_used_behind_the_resilient_decorator()
    {
        await using var host = CacheHost.Create(redisConfiguration: null);

        host.Cache.ShouldBeOfType<ResilientDistributedCache>().Backend.ShouldBe("memory");
        host.Services.GetService<RedisConnection>().ShouldBeNull();

        await host.Cache.SetAsync("k", Bytes.Of("v"), new DistributedCacheEntryOptions());
        Bytes.Text(await host.Cache.GetAsync("k")).ShouldBe("v");
        await host.Cache.RemoveAsync("k");
        (await host.Cache.GetAsync("k")).ShouldBeNull();

        await host.Cache.SetAsync("short", Bytes.Of("v"), new DistributedCacheEntryOptions { AbsoluteExpirationRelativeToNow = TimeSpan.FromMilliseconds(100) });
        await Eventually.HoldsAsync(async () => await host.Cache.GetAsync("short") is null, "the in-memory entry expires", TimeSpan.FromSeconds(5));

        var health = await host.ReadinessAsync();
        health.Status.ShouldBe(HealthStatus.Healthy);
        health.Description.ShouldBe("memory cache available");
    }

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    public void A_blank_redis_configuration_means_in_memory(string blank)
    {
        using var provider = Build(new() { ["Redis:Configuration"] = blank });

        provider.GetRequiredService<ResilientDistributedCache>().Backend.ShouldBe("memory");
    }

    [Fact]
    public void With_redis_configuration_redis_is_used_and_nothing_connects_at_start_up()
    {
        using var provider = Build(new() { ["Redis:Configuration"] = "127.0.0.1:1,connectTimeout=200", ["Redis:InstanceName"] = "app1:" });

        provider.GetRequiredService<IDistributedCache>().ShouldBeOfType<ResilientDistributedCache>().Backend.ShouldBe("redis");
        provider.GetRequiredService<RedisDistributedCache>().InstanceName.ShouldBe("app1:");
        provider.GetRequiredService<RedisConnection>().IsConnected.ShouldBeFalse();
    }

    [Theory]
    [InlineData("foo=bar", "Keyword 'foo' is not supported")]
    [InlineData("localhost:6379,connectTimeout=soon", "connectTimeout")]
    [InlineData(",abortConnect=false", "names no endpoint")]
    [InlineData("redis://localhost:6379", "names no endpoint")]
    public void An_invalid_redis_configuration_fails_start_up_with_one_line_naming_the_key(string configuration, string reason)
    {
        var error = Should.Throw<PlatformConfigurationException>(() => Build(new() { ["Redis:Configuration"] = configuration }));

        error.Key.ShouldBe("Redis:Configuration");
        error.Message.ShouldStartWith("Configuration error: Redis:Configuration ");
        error.Message.ShouldContain(reason);
        error.Message.ShouldNotContain("\n");
    }

    [Fact]
    public void The_error_never_repeats_the_configuration_string_which_may_hold_a_password()
    {
        var error = Should.Throw<PlatformConfigurationException>(() => Build(new()
        {
            ["Redis:Configuration"] = "localhost:6379,password=hunter2,ssl=perhaps",
        }));

        error.Message.ShouldNotContain("hunter2");
        error.Message.ShouldContain("ssl");
    }

    [Theory]
    [InlineData("Redis:RetryCooldown", "00:00:00")]
    [InlineData("Redis:RetryCooldown", "-00:00:01")]
    [InlineData("Redis:MaxPendingInvalidations", "0")]
    public void Invalid_resilience_settings_fail_start_up_naming_the_key(string key, string value)
    {
        var error = Should.Throw<PlatformConfigurationException>(() => Build(new() { [key] = value }));

        error.Key.ShouldBe(key);
    }

    [Fact]
    public void A_value_of_the_wrong_type_fails_start_up_naming_the_section()
    {
        var error = Should.Throw<PlatformConfigurationException>(() => Build(new() { ["Redis:RetryCooldown"] = "soon" }));

        error.Message.ShouldContain("Redis");
        error.Message.ShouldNotContain("\n");
    }

    [Fact]
    public void Options_bind_from_the_redis_section_with_defaults()
    {
        using var defaults = Build([]);
        var options = defaults.GetRequiredService<IOptions<RedisCacheOptions>>().Value;
        options.InstanceName.ShouldBe("krakow:");
        options.RetryCooldown.ShouldBe(TimeSpan.FromSeconds(5));

        using var custom = Build(new() { ["Redis:RetryCooldown"] = "00:00:02", ["Redis:MaxPendingInvalidations"] = "7" });
        var bound = custom.GetRequiredService<IOptions<RedisCacheOptions>>().Value;
        bound.RetryCooldown.ShouldBe(TimeSpan.FromSeconds(2));
        bound.MaxPendingInvalidations.ShouldBe(7);
    }

    [Fact]
    public async Task The_cache_health_check_is_registered_once_with_the_ready_tag()
    {
        var configuration = new ConfigurationBuilder().Build();
        var services = new ServiceCollection().AddLogging();
        services.AddPlatformCache(configuration);
        services.AddPlatformCache(configuration);
        await using var provider = services.BuildServiceProvider();

        var registration = provider.GetRequiredService<IOptions<HealthCheckServiceOptions>>().Value.Registrations
            .ShouldHaveSingleItem();
        registration.Name.ShouldBe("cache");
        registration.Tags.ShouldContain("ready");
        (await provider.GetRequiredService<HealthCheckService>().CheckHealthAsync()).Status.ShouldBe(HealthStatus.Healthy);
    }

    private static ServiceProvider Build(Dictionary<string, string?> settings)
    {
        var services = new ServiceCollection().AddLogging();
        services.AddPlatformCache(new ConfigurationBuilder().AddInMemoryCollection(settings).Build());
        return services.BuildServiceProvider();
    }
}
