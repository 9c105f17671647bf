using Google.Rpc;
using Grpc.Core;
using Krakow.Host.Tests.Hosting;
using Krakow.Host.Tests.Infrastructure;
using Krakow.Host.Tests.Probe;
using Krakow.Tests.Shared;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Shouldly;

namespace Krakow.Host.Tests.Security;

/// <summary>
/// With Redis configured, instances behind one load balancer share each caller's allowance of the "writes" methods:
/// two instances allow what one does. While Redis is down every instance counts on its own, and calls go on.
/// </summary>
public sealed class SharedRateLimitTests
{
    [Fact]
    public async Task Two_instances_sharing_a_redis_allow_an_address_its_burst_once_between_them()
    {
        await using var redis = await RedisServer.StartAsync();
        await using var a = await StartAsync(redis.Configuration);
        await using var b = await StartAsync(redis.Configuration);

        await WriteAsync(a);
        await WriteAsync(b);
        await WriteAsync(a);
        var refusedByB = await Should.ThrowAsync<RpcException>(() => WriteAsync(b));
        var refusedByA = await Should.ThrowAsync<RpcException>(() => WriteAsync(a));

        foreach (var refused in new[] { refusedByA, refusedByB })
        {
            refused.StatusCode.ShouldBe(StatusCode.ResourceExhausted);
            refused.Status.Detail.ShouldStartWith("Too many calls: one address without an API key may make 1 calls a minute that write or check an edit token (at most 3 at once); retry in ");
            var wait = refused.GetRpcStatus()?.GetDetail<RetryInfo>()?.RetryDelay.ToTimeSpan();
            wait.ShouldNotBeNull();
            wait.Value.ShouldBeInRange(TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(60), "one token comes back a minute after the burst");
        }
    }

    [Fact]
    public async Task An_api_key_draws_from_its_own_shared_bucket_not_from_its_address()
    {
        await using var redis = await RedisServer.StartAsync();
        await using var a = await StartAsync(redis.Configuration);
        await using var b = await StartAsync(redis.Configuration);
        var asKrakow = TestApiKeys.As(TestApiKeys.Krakow);

        for (var i = 0; i < 3; i++)
        {
            await WriteAsync(i % 2 == 0 ? a : b);
        }

        await WriteAsync(a, asKrakow);
        await WriteAsync(b, asKrakow);
        (await Should.ThrowAsync<RpcException>(() => WriteAsync(b, asKrakow))).Status.Detail
            .ShouldStartWith("Too many calls: this API key may make 1 calls a minute that write or check an edit token (at most 2 at once)");
        (await Should.ThrowAsync<RpcException>(() => WriteAsync(a))).StatusCode.ShouldBe(StatusCode.ResourceExhausted);
    }

    [Fact]
    public async Task While_redis_is_down_each_instance_limits_on_its_own_and_shares_again_once_it_is_back()
    {
        var redis = RedisServer.NotStarted();
        await using var _ = redis;
        await using var a = await StartAsync(redis.Configuration);
        await using var b = await StartAsync(redis.Configuration);

        // Nothing to share: each instance grants the burst of its own bucket, and refuses past it.
        for (var i = 0; i < 3; i++)
        {
            await WriteAsync(a);
            await WriteAsync(b);
        }

        (await Should.ThrowAsync<RpcException>(() => WriteAsync(a))).StatusCode.ShouldBe(StatusCode.ResourceExhausted);
        (await Should.ThrowAsync<RpcException>(() => WriteAsync(b))).StatusCode.ShouldBe(StatusCode.ResourceExhausted);

        // Redis back: once each instance's cool-down has passed and it has reconnected, the bucket is Redis's again,
        // a fresh one whatever the local ones hold: three calls between the two instances, then a refusal.
        await redis.StartAgainAsync();
        await Eventually(() => TryWriteAsync(a));
        await Eventually(() => TryWriteAsync(b));
        await WriteAsync(a);
        (await Should.ThrowAsync<RpcException>(() => WriteAsync(b))).StatusCode.ShouldBe(StatusCode.ResourceExhausted);
    }

    private static Task<PlatformHost> StartAsync(string redisConfiguration) => PlatformHost.StartAsync(
        settings: new Dictionary<string, string?>
        {
            ["Redis:Configuration"] = redisConfiguration,
            ["Redis:RetryCooldown"] = "00:00:00.5",
            ["RateLimits:Anonymous:PerMinute"] = "1",
            ["RateLimits:Anonymous:Burst"] = "3",
            ["RateLimits:Authenticated:PerMinute"] = "1",
            ["RateLimits:Authenticated:Burst"] = "2",
        },
        configure: builder => builder.Services.AddSingleton<HostProbeSignals>(),
        configureApp: app => app.MapGrpcService<HostProbeService>());

    private static async Task WriteAsync(PlatformHost host, CallOptions options = default) =>
        await new HostProbe.HostProbeClient(host.Channel).WriteAsync(new WriteRequest(), options.WithDeadline(DateTime.UtcNow.AddSeconds(30)));

    private static async Task<bool> TryWriteAsync(PlatformHost host)
    {
        try
        {
            await WriteAsync(host);
            return true;
        }
        catch (RpcException e) when (e.StatusCode == StatusCode.ResourceExhausted)
        {
            return false;
        }
    }

    private static async Task Eventually(Func<Task<bool>> condition)
    {
        var until = DateTime.UtcNow.AddSeconds(20);
        while (!await condition())
        {
            DateTime.UtcNow.ShouldBeLessThan(until, "Redis was back, but the instances did not share their limits again");
            await Task.Delay(100);
        }
    }
}
