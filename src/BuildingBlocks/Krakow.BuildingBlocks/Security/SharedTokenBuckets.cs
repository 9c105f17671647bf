using System.Globalization;
using Krakow.BuildingBlocks.Caching;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace Krakow.BuildingBlocks.Security;

/// <summary>
/// Callers' token buckets kept in Redis, so that every host instance sharing the Redis draws from the same bucket
/// and N instances behind a load balancer allow the configured rate, not N times it. One Lua script takes a token
/// atomically and refills by Redis's own clock (instances' clocks may differ). Keys are
/// <c>ratelimit:{Redis:InstanceName}{policy}:{caller}</c>: outside the cache's prefix, so a cache flush never
/// refills them, and they expire once a bucket would be full again.
/// <para>
/// When Redis fails, <see cref="TryTakeAsync"/> answers null (the caller falls back to a bucket of its own
/// instance) for <see cref="RedisCacheOptions.RetryCooldown"/>, then tries Redis again; the outage is logged once.
/// </para>
/// </summary>
internal sealed class SharedTokenBuckets
{
    // KEYS[1] the bucket; ARGV[1] its size (burst), ARGV[2] tokens added per millisecond.
    // Returns { 1, 0 } when a token was taken, { 0, milliseconds until one will be there } when not.
    private const string TakeScript = """
        local burst = tonumber(ARGV[1])
        local per_ms = tonumber(ARGV[2])
        local clock = redis.call('TIME')
        local now = tonumber(clock[1]) * 1000 + math.floor(tonumber(clock[2]) / 1000)
        local state = redis.call('HMGET', KEYS[1], 'tokens', 'at')
        local tokens = tonumber(state[1])
        local at = tonumber(state[2])
        if tokens == nil or at == nil then
          tokens = burst
          at = now
        end
        tokens = math.min(burst, tokens + math.max(0, now - at) * per_ms)
        local taken = 0
        local wait = 0
        if tokens >= 1 then
          tokens = tokens - 1
          taken = 1
        else
          wait = math.ceil((1 - tokens) / per_ms)
        end
        redis.call('HSET', KEYS[1], 'tokens', tostring(tokens), 'at', tostring(now))
        redis.call('PEXPIRE', KEYS[1], math.ceil((burst - tokens) / per_ms) + 1000)
        return { taken, wait }
        """;

    private readonly RedisConnection _connection;
    private readonly ILogger<SharedTokenBuckets> _logger;
    private readonly TimeProvider _time;
    private readonly TimeSpan _cooldown;
    private readonly string _prefix;
    private long _retryAtTicks;
    private int _failing;

    public SharedTokenBuckets(RedisConnection connection, IOptions<RedisCacheOptions> options, ILogger<SharedTokenBuckets> logger, TimeProvider time)
    {
        _connection = connection;
        _logger = logger;
        _time = time;
        _cooldown = options.Value.RetryCooldown;
        _prefix = "ratelimit:" + options.Value.EffectiveInstanceName;
    }

    /// <summary>
    /// Takes a token from <paramref name="caller"/>'s bucket of <paramref name="policy"/>: true, or false with how
    /// long until the next token; null when Redis cannot say (down, or cooling down after a failure).
    /// </summary>
    public async ValueTask<(bool Taken, TimeSpan RetryAfter)?> TryTakeAsync(string policy, string caller, CallerRate rate, CancellationToken cancellationToken)
    {
        if (_time.GetUtcNow().UtcTicks < Interlocked.Read(ref _retryAtTicks))
        {
            return null;
        }

        try
        {
            var database = await _connection.GetDatabaseAsync(cancellationToken).ConfigureAwait(false);
            var result = (RedisResult[])(await database.ScriptEvaluateAsync(
                TakeScript,
                [(RedisKey)$"{_prefix}{policy}:{caller}"],
                [rate.Burst, (rate.PerMinute / 60_000.0).ToString("R", CultureInfo.InvariantCulture)]).ConfigureAwait(false))!;
            if (Interlocked.Exchange(ref _failing, 0) == 1)
            {
                _logger.LogInformation("Rate limits are shared through Redis again");
            }

            return ((long)result[0] == 1, TimeSpan.FromMilliseconds((long)result[1]));
        }
        catch (Exception e) when (CacheFailures.IsBackendFailure(e))
        {
            Interlocked.Exchange(ref _retryAtTicks, (_time.GetUtcNow() + _cooldown).UtcTicks);
            if (Interlocked.Exchange(ref _failing, 1) == 0)
            {
                _logger.LogWarning(
                    "Redis cannot keep the rate limits ({Reason}); until it is back each instance counts calls on its own",
                    CacheFailures.Describe(e));
            }

            return null;
        }
    }
}
