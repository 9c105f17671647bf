using System.Text;
using Microsoft.Extensions.Caching.Distributed;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace Krakow.BuildingBlocks.Caching;

/// <summary>
/// <see cref="IDistributedCache"/> over Redis (StackExchange.Redis 1.2.6). Each entry is a hash under
/// <c>{InstanceName}{key}</c> holding the payload, the absolute expiry (Unix ms, -1 if none) and the sliding window
/// (ms, -1 if none); the key's own TTL is the time left, so Redis itself evicts expired entries. Every operation that
/// reads and then changes an entry is one Lua script, so it is atomic on the server:
/// <list type="bullet">
/// <item>Set replaces the whole entry (old fields and old TTL included) and sets its TTL in one step;</item>
/// <item>Get and Refresh read the metadata and push the TTL out by the sliding window, capped at the absolute
/// expiry, in the same step, so a concurrent Set can never be given the TTL computed for the previous entry.</item>
/// </list>
/// Failures surface as exceptions; <see cref="ResilientDistributedCache"/> turns them into cache misses.
/// </summary>
public sealed class RedisDistributedCache : IDistributedCache, IRecoverableCache
{
    private const long None = -1;
    private const int DeleteBatchSize = 512;

    // KEYS[1] = key; ARGV[1] = absolute expiry (Unix ms or -1); ARGV[2] = sliding window (ms or -1);
    // ARGV[3] = payload; ARGV[4] = initial TTL (ms or -1).
    private const string SetScript = """
        redis.call('DEL', KEYS[1])
        redis.call('HSET', KEYS[1], 'absexp', ARGV[1], 'sldexp', ARGV[2], 'data', ARGV[3])
        local ttl = tonumber(ARGV[4])
        if ttl > 0 then
          redis.call('PEXPIRE', KEYS[1], ttl)
        end
        return 1
        """;

    // KEYS[1] = key; ARGV[1] = now (Unix ms); ARGV[2] = '1' to return the payload, '0' to only refresh.
    // A key of another type (not written by this cache) reads as a miss instead of failing the call.
    private const string GetAndRefreshScript = """
        local v = redis.pcall('HMGET', KEYS[1], 'absexp', 'sldexp', 'data')
        if type(v) ~= 'table' or v.err or not v[3] then
          return nil
        end
        local abs = tonumber(v[1]) or -1
        local sld = tonumber(v[2]) or -1
        local now = tonumber(ARGV[1])
        if abs > 0 and abs <= now then
          redis.call('DEL', KEYS[1])
          return nil
        end
        if sld > 0 then
          local ttl = sld
          if abs > 0 and abs - now < ttl then
            ttl = abs - now
          end
          redis.call('PEXPIRE', KEYS[1], ttl)
        end
        if ARGV[2] == '1' then
          return v[3]
        end
        return nil
        """;

    private static readonly RedisValue ReturnData = "1";
    private static readonly RedisValue RefreshOnly = "0";

    private readonly RedisConnection _connection;
    private readonly TimeProvider _time;
    private readonly string _prefix;

    public RedisDistributedCache(RedisConnection connection, IOptions<RedisCacheOptions> options, TimeProvider timeProvider)
    {
        ArgumentNullException.ThrowIfNull(connection);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(timeProvider);
        _connection = connection;
        _time = timeProvider;
        _prefix = options.Value.EffectiveInstanceName;
    }

    /// <summary>The prefix of every key this cache writes.</summary>
    public string InstanceName => _prefix;

    string IRecoverableCache.BackendName => "redis";

    public byte[]? Get(string key)
    {
        ArgumentNullException.ThrowIfNull(key);
        var result = _connection.GetDatabase().ScriptEvaluate(GetAndRefreshScript, [Key(key)], [Now(), ReturnData]);
        return (byte[]?)result;
    }

    public async Task<byte[]?> GetAsync(string key, CancellationToken token = default)
    {
        ArgumentNullException.ThrowIfNull(key);
        token.ThrowIfCancellationRequested();
        var database = await _connection.GetDatabaseAsync(token).ConfigureAwait(false);
        var result = await database.ScriptEvaluateAsync(GetAndRefreshScript, [Key(key)], [Now(), ReturnData])
            .WaitAsync(token).ConfigureAwait(false);
        return (byte[]?)result;
    }

    public void Set(string key, byte[] value, DistributedCacheEntryOptions options)
    {
        var (keys, values) = PrepareSet(key, value, options);
        _connection.GetDatabase().ScriptEvaluate(SetScript, keys, values);
    }

    public async Task SetAsync(string key, byte[] value, DistributedCacheEntryOptions options, CancellationToken token = default)
    {
        var (keys, values) = PrepareSet(key, value, options);
        token.ThrowIfCancellationRequested();
        var database = await _connection.GetDatabaseAsync(token).ConfigureAwait(false);
        await database.ScriptEvaluateAsync(SetScript, keys, values).WaitAsync(token).ConfigureAwait(false);
    }

    public void Refresh(string key)
    {
        ArgumentNullException.ThrowIfNull(key);
        _connection.GetDatabase().ScriptEvaluate(GetAndRefreshScript, [Key(key)], [Now(), RefreshOnly]);
    }

    public async Task RefreshAsync(string key, CancellationToken token = default)
    {
        ArgumentNullException.ThrowIfNull(key);
        token.ThrowIfCancellationRequested();
        var database = await _connection.GetDatabaseAsync(token).ConfigureAwait(false);
        await database.ScriptEvaluateAsync(GetAndRefreshScript, [Key(key)], [Now(), RefreshOnly])
            .WaitAsync(token).ConfigureAwait(false);
    }

    public void Remove(string key)
    {
        ArgumentNullException.ThrowIfNull(key);
        _connection.GetDatabase().KeyDelete(Key(key));
    }

    public async Task RemoveAsync(string key, CancellationToken token = default)
    {
        ArgumentNullException.ThrowIfNull(key);
        token.ThrowIfCancellationRequested();
        var database = await _connection.GetDatabaseAsync(token).ConfigureAwait(false);
        await database.KeyDeleteAsync(Key(key)).WaitAsync(token).ConfigureAwait(false);
    }

    /// <summary>Round-trips a PING to Redis; throws when Redis is unavailable.</summary>
    public async Task PingAsync(CancellationToken token = default)
    {
        var database = await _connection.GetDatabaseAsync(token).ConfigureAwait(false);
        await database.PingAsync().WaitAsync(token).ConfigureAwait(false);
    }

    /// <summary>Removes the given keys (without the instance prefix), in batches.</summary>
    public async Task RemoveManyAsync(IReadOnlyCollection<string> keys, CancellationToken token = default)
    {
        ArgumentNullException.ThrowIfNull(keys);
        if (keys.Count == 0)
        {
            return;
        }

        var database = await _connection.GetDatabaseAsync(token).ConfigureAwait(false);
        foreach (var batch in keys.Select(Key).Chunk(DeleteBatchSize))
        {
            await database.KeyDeleteAsync(batch).WaitAsync(token).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Removes every key under <see cref="InstanceName"/> on every primary (SCAN with a MATCH pattern, then DEL in
    /// batches); keys of other prefixes are untouched. Throws if a primary cannot be reached, so a caller never
    /// mistakes a partial flush for a complete one.
    /// </summary>
    public async Task FlushInstanceAsync(CancellationToken token = default)
    {
        var multiplexer = await _connection.GetMultiplexerAsync(token).ConfigureAwait(false);
        var database = multiplexer.GetDatabase(_connection.Database);
        var pattern = EscapeGlob(_prefix) + "*";
        foreach (var endPoint in multiplexer.GetEndPoints())
        {
            var server = multiplexer.GetServer(endPoint);
            if (server.IsConnected && server.IsSlave)
            {
                continue;
            }

            // IServer.Keys pages through SCAN lazily and synchronously; keep it off the caller's thread.
            var keys = await Task.Run(
                () => server.Keys(_connection.Database, pattern, DeleteBatchSize).ToArray(), token).ConfigureAwait(false);
            foreach (var batch in keys.Chunk(DeleteBatchSize))
            {
                await database.KeyDeleteAsync(batch).WaitAsync(token).ConfigureAwait(false);
            }
        }
    }

    private (RedisKey[] Keys, RedisValue[] Values) PrepareSet(string key, byte[] value, DistributedCacheEntryOptions options)
    {
        ArgumentNullException.ThrowIfNull(key);
        ArgumentNullException.ThrowIfNull(value);
        ArgumentNullException.ThrowIfNull(options);

        var now = _time.GetUtcNow();
        DateTimeOffset? absolute = options.AbsoluteExpirationRelativeToNow is { } relative
            ? now + relative
            : options.AbsoluteExpiration;
        if (absolute <= now)
        {
            throw new ArgumentOutOfRangeException(
                nameof(DistributedCacheEntryOptions.AbsoluteExpiration), absolute, "The absolute expiration value must be in the future.");
        }

        var sliding = options.SlidingExpiration;
        TimeSpan? ttl = (absolute - now, sliding) switch
        {
            ({ } untilAbsolute, { } window) => window < untilAbsolute ? window : untilAbsolute,
            ({ } untilAbsolute, null) => untilAbsolute,
            (null, { } window) => window,
            _ => null,
        };

        return (
            [Key(key)],
            [
                absolute?.ToUnixTimeMilliseconds() ?? None,
                sliding is { } s ? Milliseconds(s) : None,
                value,
                ttl is { } t ? Milliseconds(t) : None,
            ]);
    }

    private RedisKey Key(string key) => _prefix + key;

    private RedisValue Now() => _time.GetUtcNow().ToUnixTimeMilliseconds();

    // Rounded up, and at least 1 ms, so a positive expiry never becomes "no expiry".
    private static long Milliseconds(TimeSpan span) => Math.Max(1, (long)Math.Ceiling(span.TotalMilliseconds));

    private static string EscapeGlob(string text)
    {
        var builder = new StringBuilder(text.Length + 4);
        foreach (var c in text)
        {
            if (c is '*' or '?' or '[' or ']' or '\\')
            {
                builder.Append('\\');
            }

            builder.Append(c);
        }

        return builder.ToString();
    }
}
