using System.Net;
using System.Net.Sockets;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.DependencyInjection;

namespace Krakow.BuildingBlocks.Security;

/// <summary>
/// The platform's policies on ASP.NET Core's rate limiter, per caller (an API key's name, or else the remote
/// address), refusing at once with RESOURCE_EXHAUSTED (HTTP 429 for anything not gRPC):
/// <see cref="RateLimitPolicies.Writes"/>, a token bucket, saying when to retry (in the message,
/// <c>grpc-retry-pushback-ms</c> and a google.rpc.RetryInfo) — with Redis configured the buckets live there, shared by
/// every instance (<see cref="SharedTokenBuckets"/>); without it, or while Redis is down, each instance keeps its own;
/// and <see cref="RateLimitPolicies.Streams"/>, a limit on the streams open at once on this instance.
/// </summary>
internal static class CallRateLimiting
{
    public static IServiceCollection AddPlatformRateLimits(this IServiceCollection services, RateLimitOptions options)
    {
        services.AddRateLimiter(limiter =>
        {
            limiter.AddPolicy(RateLimitPolicies.Writes, context =>
            {
                var (caller, rate) = Caller(context, options);
                return context.RequestServices.GetService<SharedTokenBuckets>() is { } shared
                    ? RateLimitPartition.Get(caller, key => new SharedTokenBucketLimiter(
                        RateLimitPolicies.Writes, key, rate, shared, new TokenBucketRateLimiter(BucketOptions(rate))))
                    : RateLimitPartition.GetTokenBucketLimiter(caller, _ => BucketOptions(rate));
            });
            limiter.AddPolicy(RateLimitPolicies.Streams, context =>
            {
                var (caller, rate) = Caller(context, options);
                return RateLimitPartition.GetConcurrencyLimiter(caller, _ => new ConcurrencyLimiterOptions { PermitLimit = rate.ConcurrentStreams, QueueLimit = 0 });
            });
            limiter.OnRejected = (rejected, _) => new ValueTask(Refuse(rejected.HttpContext, rejected.Lease, options));
        });
        return services;
    }

    /// <summary>Whose allowance a call draws from: the API key's, or its address's.</summary>
    private static (string Caller, CallerRate Rate) Caller(HttpContext context, RateLimitOptions options) =>
        context.User.Identity is { IsAuthenticated: true, Name: { } name }
            ? ("key:" + name, options.Authenticated)
            : ("address:" + AddressKey(context.Connection.RemoteIpAddress), options.Anonymous);

    /// <summary>
    /// IPv4 addresses as they are; IPv6 ones by their /64 prefix, the block one subscriber usually holds, so that
    /// cycling through the addresses of one block does not buy more calls.
    /// </summary>
    internal static string AddressKey(IPAddress? address)
    {
        if (address is null)
        {
            return "unknown";
        }

        if (address.IsIPv4MappedToIPv6)
        {
            address = address.MapToIPv4();
        }

        if (address.AddressFamily != AddressFamily.InterNetworkV6)
        {
            return address.ToString();
        }

        Span<byte> bytes = stackalloc byte[16];
        address.TryWriteBytes(bytes, out _);
        bytes[8..].Clear();
        return new IPAddress(bytes).ToString() + "/64";
    }

    private static TokenBucketRateLimiterOptions BucketOptions(CallerRate rate)
    {
        var (period, calls) = rate.Refill;
        return new TokenBucketRateLimiterOptions
        {
            TokenLimit = rate.Burst,
            ReplenishmentPeriod = period,
            TokensPerPeriod = calls,
            QueueLimit = 0,
            // The partitioned limiter refills every bucket from its one timer.
            AutoReplenishment = false,
        };
    }

    private static Task Refuse(HttpContext context, RateLimitLease lease, RateLimitOptions options)
    {
        var (who, rate) = context.User.Identity?.IsAuthenticated == true
            ? ("this API key", options.Authenticated)
            : ("one address without an API key", options.Anonymous);
        if (context.GetEndpoint()?.Metadata.GetMetadata<EnableRateLimitingAttribute>()?.PolicyName == RateLimitPolicies.Streams)
        {
            // A stream frees its place when it ends, not at a time the server can name: no wait to suggest.
            return GrpcAwareRefusal.WriteAsync(
                context,
                StatusCodes.Status429TooManyRequests,
                grpcStatus: 8,
                $"Too many open streams: {who} may hold {rate.ConcurrentStreams} at once (watches, exports, image downloads, health watches); end one first.");
        }

        var wait = lease.TryGetMetadata(MetadataName.RetryAfter, out var retryAfter) ? retryAfter : TimeSpan.Zero;
        var seconds = Math.Max(1, (int)Math.Ceiling(wait.TotalSeconds));
        return GrpcAwareRefusal.WriteAsync(
            context,
            StatusCodes.Status429TooManyRequests,
            grpcStatus: 8,
            $"Too many calls: {who} may make {rate.PerMinute} calls a minute that write or check an edit token (at most {rate.Burst} at once); retry in {seconds} s.",
            retryAfter: TimeSpan.FromSeconds(seconds));
    }
}
