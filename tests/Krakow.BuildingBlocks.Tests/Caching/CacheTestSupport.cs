using System.Collections.Concurrent;
using System.Text;
using Krakow.BuildingBlocks.Caching;
using Microsoft.Extensions.Caching.Distributed;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace Krakow.BuildingBlocks.Tests.Caching;

/// <summary>A host's cache as the platform wires it: AddPlatformCache over an in-memory configuration.</summary>
internal sealed class CacheHost : IAsyncDisposable
{
    private readonly ServiceProvider _services;

    private CacheHost(ServiceProvider services, CapturingLoggerProvider logs)
    {
        _services = services;
        Logs = logs;
    }

    public CapturingLoggerProvider Logs { get; }

    public IDistributedCache Cache => _services.GetRequiredService<IDistributedCache>();

    public ResilientDistributedCache Resilient => _services.GetRequiredService<ResilientDistributedCache>();

    public IServiceProvider Services => _services;

    public static CacheHost Create(string? redisConfiguration, string? instanceName = null, TimeSpan? retryCooldown = null,
        int? maxPendingInvalidations = null)
    {
        var settings = new Dictionary<string, string?>
        {
            ["Redis:Configuration"] = redisConfiguration,
            ["Redis:RetryCooldown"] = (retryCooldown ?? TimeSpan.FromMilliseconds(200)).ToString(),
        };
        if (instanceName is not null)
        {
            settings["Redis:InstanceName"] = instanceName;
        }

        if (maxPendingInvalidations is not null)
        {
            settings["Redis:MaxPendingInvalidations"] = maxPendingInvalidations.Value.ToString(System.Globalization.CultureInfo.InvariantCulture);
        }

        var logs = new CapturingLoggerProvider();
        var services = new ServiceCollection();
        services.AddLogging(builder => builder.SetMinimumLevel(LogLevel.Debug).AddProvider(logs));
        services.AddPlatformCache(new ConfigurationBuilder().AddInMemoryCollection(settings).Build());
        return new CacheHost(services.BuildServiceProvider(), logs);
    }

    /// <summary>Runs the checks tagged "ready" (what /readyz runs) and returns the cache entry.</summary>
    public async Task<HealthReportEntry> ReadinessAsync()
    {
        var report = await _services.GetRequiredService<HealthCheckService>()
            .CheckHealthAsync(r => r.Tags.Contains("ready"));
        return report.Entries["cache"];
    }

    public ValueTask DisposeAsync() => _services.DisposeAsync();
}

internal static class Eventually
{
    /// <summary>Polls until the condition holds; fails with the description after the (generous) timeout.</summary>
    public static async Task HoldsAsync(Func<Task<bool>> condition, string description, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(15));
        while (true)
        {
            if (await condition())
            {
                return;
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new Xunit.Sdk.XunitException($"Timed out waiting until {description}");
            }

            await Task.Delay(50);
        }
    }
}

internal static class Bytes
{
    public static byte[] Of(string text) => Encoding.UTF8.GetBytes(text);

    public static string? Text(byte[]? bytes) => bytes is null ? null : Encoding.UTF8.GetString(bytes);
}

/// <summary>A direct connection to the server, to look at what the cache stored (keys, TTLs) from outside.</summary>
internal sealed class RedisInspector : IDisposable
{
    private readonly ConnectionMultiplexer _multiplexer;

    public RedisInspector(int port)
    {
        var options = ConfigurationOptions.Parse($"127.0.0.1:{port},connectTimeout=2000,syncTimeout=2000,allowAdmin=true");
        _multiplexer = ConnectionMultiplexer.Connect(options);
        Database = _multiplexer.GetDatabase();
    }

    public IDatabase Database { get; }

    /// <summary>Remaining time to live in ms: -1 no expiry, -2 no key.</summary>
    public long Pttl(string key) => (long)Database.Execute("PTTL", key);

    public bool Exists(string key) => Database.KeyExists(key);

    public void Dispose() => _multiplexer.Dispose();
}

/// <summary>Builds a RedisDistributedCache (and its connection) directly, without DI.</summary>
internal sealed class DirectRedisCache : IDisposable
{
    public DirectRedisCache(string configuration, string? instanceName, TimeProvider? time = null)
    {
        var options = Options.Create(new RedisCacheOptions { Configuration = configuration, InstanceName = instanceName });
        Connection = new RedisConnection(options, Microsoft.Extensions.Logging.Abstractions.NullLogger<RedisConnection>.Instance);
        Cache = new RedisDistributedCache(Connection, options, time ?? TimeProvider.System);
    }

    public RedisConnection Connection { get; }

    public RedisDistributedCache Cache { get; }

    public void Dispose() => Connection.Dispose();
}

internal sealed record LogEntry(string Category, LogLevel Level, string Message, Exception? Exception);

internal sealed class CapturingLoggerProvider : ILoggerProvider
{
    private readonly ConcurrentQueue<LogEntry> _entries = new();

    public IReadOnlyList<LogEntry> Entries => [.. _entries];

    public IReadOnlyList<LogEntry> From<T>(LogLevel level) =>
        [.. _entries.Where(e => e.Category == typeof(T).FullName && e.Level == level)];

    public ILogger CreateLogger(string categoryName) => new Logger(categoryName, _entries);

    public void Dispose()
    {
    }

    private sealed class Logger(string category, ConcurrentQueue<LogEntry> entries) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            entries.Enqueue(new LogEntry(category, logLevel, formatter(state, exception), exception));
    }
}

/// <summary>A clock the test moves by hand.</summary>
internal sealed class ManualTimeProvider : TimeProvider
{
    private DateTimeOffset _now = new(2030, 1, 1, 0, 0, 0, TimeSpan.Zero);

    public override DateTimeOffset GetUtcNow() => _now;

    public void Advance(TimeSpan by) => _now += by;
}
