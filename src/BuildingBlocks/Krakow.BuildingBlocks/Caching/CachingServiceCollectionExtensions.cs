using Krakow.BuildingBlocks.Configuration;
using Microsoft.Extensions.Caching.Distributed;
using Microsoft.Extensions.Caching.Memory;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Krakow.BuildingBlocks.Caching;

public static class CachingServiceCollectionExtensions
{
    /// <summary>
    /// Registers the platform's <see cref="IDistributedCache"/>: Redis when <c>Redis:Configuration</c> is set (keys
    /// prefixed with <c>Redis:InstanceName</c>, default "krakow:"), otherwise the in-memory cache. Either way it sits
    /// behind <see cref="ResilientDistributedCache"/>, and the "cache" health check (tag "ready") reports it.
    /// An invalid <c>Redis:Configuration</c> throws here, at start-up, with one line naming the setting; an
    /// unreachable Redis does not (the host starts and serves without the cache until Redis is back).
    /// </summary>
    public static IServiceCollection AddPlatformCache(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configuration);

        if (services.Any(d => d.ServiceType == typeof(ResilientDistributedCache)))
        {
            return services;
        }

        var section = configuration.GetSection(RedisCacheOptions.SectionName);
        var settings = new RedisCacheOptions();
        try
        {
            section.Bind(settings);
        }
        catch (InvalidOperationException e)
        {
            throw new PlatformConfigurationException(RedisCacheOptions.SectionName, "holds a value of the wrong type: " + e.Message.ReplaceLineEndings(" ").TrimEnd('.'));
        }

        Validate(settings);
        var useRedis = RedisCacheOptions.IsConfigured(configuration);
        if (useRedis)
        {
            RedisConfiguration.Parse(settings.Configuration);
        }

        services.AddOptions<RedisCacheOptions>().Bind(section);
        services.AddLogging();
        services.TryAddSingleton(TimeProvider.System);

        if (useRedis)
        {
            services.TryAddSingleton<RedisConnection>();
            services.TryAddSingleton(sp => new RedisDistributedCache(
                sp.GetRequiredService<RedisConnection>(),
                sp.GetRequiredService<IOptions<RedisCacheOptions>>(),
                sp.GetRequiredService<TimeProvider>()));
        }
        else
        {
            services.AddDistributedMemoryCache();
        }

        services.AddSingleton(sp => new ResilientDistributedCache(
            useRedis
                ? sp.GetRequiredService<RedisDistributedCache>()
                : new MemoryDistributedCache(sp.GetRequiredService<IOptions<MemoryDistributedCacheOptions>>()),
            sp.GetRequiredService<IOptions<RedisCacheOptions>>(),
            sp.GetRequiredService<ILogger<ResilientDistributedCache>>(),
            sp.GetRequiredService<TimeProvider>()));
        services.Replace(ServiceDescriptor.Singleton<IDistributedCache>(sp => sp.GetRequiredService<ResilientDistributedCache>()));

        services.AddHealthChecks().AddCheck<CacheHealthCheck>("cache", tags: ["ready"]);
        return services;
    }

    private static void Validate(RedisCacheOptions settings)
    {
        const string prefix = RedisCacheOptions.SectionName + ":";
        if (settings.RetryCooldown <= TimeSpan.Zero)
        {
            throw new PlatformConfigurationException(
                prefix + nameof(RedisCacheOptions.RetryCooldown), $"must be a positive time span such as \"00:00:05\", not {settings.RetryCooldown}");
        }

        if (settings.MaxPendingInvalidations < 1)
        {
            throw new PlatformConfigurationException(
                prefix + nameof(RedisCacheOptions.MaxPendingInvalidations), $"must be at least 1, not {settings.MaxPendingInvalidations}");
        }
    }
}
