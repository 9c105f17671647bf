using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace Krakow.BuildingBlocks.Caching;

/// <summary>
/// The one <see cref="ConnectionMultiplexer"/> a host shares (it is thread-safe and multiplexes every caller over a
/// single socket per server). It is created on first use, not at start-up, and with <c>abortConnect=false</c>: when
/// Redis is down the first caller waits at most <c>connectTimeout</c>, gets a multiplexer that is not connected yet,
/// and the multiplexer keeps reconnecting in the background. Commands fail fast while it is disconnected.
/// </summary>
public sealed class RedisConnection : IDisposable
{
    private readonly ConfigurationOptions _configuration;
    private readonly ILogger<RedisConnection> _logger;
    private readonly SemaphoreSlim _connectGate = new(1, 1);
    private ConnectionMultiplexer? _multiplexer;
    private int _disposed;

    public RedisConnection(IOptions<RedisCacheOptions> options, ILogger<RedisConnection> logger)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(logger);
        _configuration = RedisConfiguration.Parse(options.Value.Configuration);
        _logger = logger;
    }

    /// <summary>The database commands go to (<c>defaultDatabase</c> of the configuration, else 0).</summary>
    public int Database => _configuration.DefaultDatabase ?? 0;

    /// <summary>Whether the multiplexer exists and has at least one connected server.</summary>
    public bool IsConnected => Volatile.Read(ref _multiplexer)?.IsConnected ?? false;

    /// <summary>Returns the shared multiplexer, creating it on first use.</summary>
    public ConnectionMultiplexer GetMultiplexer()
    {
        var existing = Volatile.Read(ref _multiplexer);
        if (existing is not null)
        {
            return existing;
        }

        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        _connectGate.Wait();
        try
        {
            return Volatile.Read(ref _multiplexer)
                ?? Publish(ConnectionMultiplexer.Connect(_configuration.Clone()));
        }
        finally
        {
            _connectGate.Release();
        }
    }

    /// <summary>Returns the shared multiplexer, creating it on first use without blocking a thread.</summary>
    public async ValueTask<ConnectionMultiplexer> GetMultiplexerAsync(CancellationToken token = default)
    {
        var existing = Volatile.Read(ref _multiplexer);
        if (existing is not null)
        {
            return existing;
        }

        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        await _connectGate.WaitAsync(token).ConfigureAwait(false);
        try
        {
            return Volatile.Read(ref _multiplexer)
                ?? Publish(await ConnectionMultiplexer.ConnectAsync(_configuration.Clone()).ConfigureAwait(false));
        }
        finally
        {
            _connectGate.Release();
        }
    }

    public IDatabase GetDatabase() => GetMultiplexer().GetDatabase(Database);

    public async ValueTask<IDatabase> GetDatabaseAsync(CancellationToken token = default) =>
        (await GetMultiplexerAsync(token).ConfigureAwait(false)).GetDatabase(Database);

    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        Close(Interlocked.Exchange(ref _multiplexer, null));
    }

    // Dispose alone lets queued commands finish, which costs StackExchange.Redis 1.2.6 a fixed second; on the way
    // down a cache command left unanswered is only a miss, so close at once.
    private static void Close(ConnectionMultiplexer? multiplexer)
    {
        if (multiplexer is null)
        {
            return;
        }

        multiplexer.Close(allowCommandsToComplete: false);
        multiplexer.Dispose();
    }

    private ConnectionMultiplexer Publish(ConnectionMultiplexer multiplexer)
    {
        multiplexer.ConnectionFailed += (_, e) => _logger.LogDebug(
            e.Exception, "Redis connection to {EndPoint} ({ConnectionType}) failed: {FailureType}",
            e.EndPoint, e.ConnectionType, e.FailureType);
        multiplexer.ConnectionRestored += (_, e) => _logger.LogDebug(
            "Redis connection to {EndPoint} ({ConnectionType}) restored", e.EndPoint, e.ConnectionType);

        Interlocked.Exchange(ref _multiplexer, multiplexer);
        if (Volatile.Read(ref _disposed) != 0)
        {
            // Disposed while we were connecting: whichever of us still holds the multiplexer disposes it.
            Close(Interlocked.Exchange(ref _multiplexer, null));
            throw new ObjectDisposedException(nameof(RedisConnection));
        }

        if (!multiplexer.IsConnected)
        {
            _logger.LogDebug("Redis is not reachable yet; the connection keeps retrying in the background");
        }

        return multiplexer;
    }
}
