using Microsoft.Extensions.Configuration;

namespace Krakow.BuildingBlocks.Caching;

/// <summary>
/// Settings of the platform's distributed cache, bound from the <c>Redis</c> configuration section. The property
/// names follow Microsoft.Extensions.Caching.StackExchangeRedis so that moving to that package is a package change.
/// </summary>
public sealed class RedisCacheOptions
{
    /// <summary>The configuration section these options are bound from.</summary>
    public const string SectionName = "Redis";

    /// <summary>The key prefix used when <see cref="InstanceName"/> is not set.</summary>
    public const string DefaultInstanceName = "krakow:";

    /// <summary>
    /// A StackExchange.Redis configuration string (<c>host:port[,option=value…]</c>). When empty the in-memory cache
    /// is used. <c>abortConnect</c> is always forced to <c>false</c> so the host starts while Redis is down.
    /// </summary>
    public string? Configuration { get; set; }

    /// <summary>
    /// The prefix of every key this cache writes. Hosts sharing a Redis and a prefix share entries (and see each
    /// other's invalidations); different prefixes are isolated. Empty means <see cref="DefaultInstanceName"/>: a
    /// prefix is required because recovery from an outage may flush every key under it.
    /// </summary>
    public string? InstanceName { get; set; } = DefaultInstanceName;

    /// <summary>How long the cache stays bypassed after a Redis failure before Redis is tried again.</summary>
    public TimeSpan RetryCooldown { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// How many failed invalidations (removes and writes skipped during an outage) are remembered for replay on
    /// recovery. Past this number the cache flushes every key under <see cref="InstanceName"/> on recovery instead.
    /// </summary>
    public int MaxPendingInvalidations { get; set; } = 10_000;

    /// <summary>Whether the configuration names a Redis (<c>Redis:Configuration</c> is not blank).</summary>
    public static bool IsConfigured(IConfiguration configuration) =>
        !string.IsNullOrWhiteSpace(configuration[SectionName + ":" + nameof(Configuration)]);

    internal string EffectiveInstanceName =>
        string.IsNullOrEmpty(InstanceName) ? DefaultInstanceName : InstanceName;
}
