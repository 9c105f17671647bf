using System.Net;
using System.Text.Json;
using Grpc.Core;
using Grpc.Health.V1;
using Grpc.Reflection.V1;
using Krakow.Host.Tests.Infrastructure;
using Krakow.Host.Tests.Probe;
using Krakow.Metropolis.V1;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Shouldly;

namespace Krakow.Host.Tests.Hosting;

/// <summary>What operators and integrators rely on: health, discovery, module switches, graceful shutdown.</summary>
public sealed class HostBehaviourTests
{
    [Fact]
    public async Task Liveness_and_readiness_pages_report_database_and_cache()
    {
        await using var host = await PlatformHost.StartAsync();

        var live = await host.Web.GetAsync("/healthz");
        var ready = await host.Web.GetAsync("/readyz");
        using var report = JsonDocument.Parse(await ready.Content.ReadAsStringAsync());

        live.StatusCode.ShouldBe(HttpStatusCode.OK);
        ready.StatusCode.ShouldBe(HttpStatusCode.OK);
        report.RootElement.GetProperty("status").GetString().ShouldBe("Healthy");
        var checks = report.RootElement.GetProperty("checks");
        checks.GetProperty("cache").GetProperty("status").GetString().ShouldBe("Healthy");
        checks.GetProperty("database").GetProperty("status").GetString().ShouldBe("Healthy");
    }

    [Fact]
    public async Task With_redis_unreachable_the_host_serves_from_the_database_and_says_so_in_readyz()
    {
        await using var host = await PlatformHost.StartAsync(settings: new Dictionary<string, string?>
        {
            ["Redis:Configuration"] = "127.0.0.1:1,connectTimeout=200",
        });

        var members = await new MembersRegistry.MembersRegistryClient(host.Channel).ListMembersAsync(new ListMembersRequest());
        var ready = await host.Web.GetAsync("/readyz");
        var body = await ready.Content.ReadAsStringAsync();
        using var report = JsonDocument.Parse(body);

        members.Members.ShouldNotBeEmpty();
        ready.StatusCode.ShouldBe(HttpStatusCode.OK);
        var cache = report.RootElement.GetProperty("checks").GetProperty("cache");
        cache.GetProperty("status").GetString().ShouldBe("Degraded");
        cache.GetProperty("description").GetString().ShouldNotBeNull().ShouldContain("Redis", Case.Sensitive, "the kind of failure is named");
        body.ShouldNotContain("127.0.0.1:1", Case.Sensitive, "/readyz is anonymous: no server addresses in it");
    }

    [Fact]
    public async Task Grpc_health_serves_and_reflection_lists_the_module_services()
    {
        await using var host = await PlatformHost.StartAsync();

        var health = await new Grpc.Health.V1.Health.HealthClient(host.Channel).CheckAsync(new HealthCheckRequest());
        using var reflection = new ServerReflection.ServerReflectionClient(host.Channel).ServerReflectionInfo();
        await reflection.RequestStream.WriteAsync(new ServerReflectionRequest { ListServices = "" });
        await reflection.RequestStream.CompleteAsync();
        (await reflection.ResponseStream.MoveNext(CancellationToken.None)).ShouldBeTrue();

        health.Status.ShouldBe(HealthCheckResponse.Types.ServingStatus.Serving);
        var services = reflection.ResponseStream.Current.ListServicesResponse.Service.Select(s => s.Name).ToList();
        new[] { "krakow.metropolis.v1.MembersRegistry", "krakow.metropolis.v1.Declarations", "grpc.health.v1.Health" }.ShouldBeSubsetOf(services);
    }

    [Fact]
    public async Task A_disabled_module_answers_unimplemented_and_the_rest_keeps_serving()
    {
        await using var host = await PlatformHost.StartAsync(settings: new Dictionary<string, string?> { ["Modules:Metropolis:Enabled"] = "false" });

        var error = await Should.ThrowAsync<RpcException>(() => new MembersRegistry.MembersRegistryClient(host.Channel).ListMembersAsync(new ListMembersRequest()).ResponseAsync);
        var health = await new Grpc.Health.V1.Health.HealthClient(host.Channel).CheckAsync(new HealthCheckRequest());

        error.StatusCode.ShouldBe(StatusCode.Unimplemented);
        health.Status.ShouldBe(HealthCheckResponse.Types.ServingStatus.Serving);
        (await host.Web.GetAsync("/readyz")).StatusCode.ShouldBe(HttpStatusCode.OK);
    }

    [Fact]
    public async Task Grpc_web_from_a_browser_origin_reaches_a_module()
    {
        await using var host = await PlatformHost.StartAsync();
        using var preflight = new HttpRequestMessage(HttpMethod.Options, "/krakow.metropolis.v1.MembersRegistry/ListMembers");
        preflight.Headers.Add("Origin", "https://dlabiznesu.krakow.pl");
        preflight.Headers.Add("Access-Control-Request-Method", "POST");
        preflight.Headers.Add("Access-Control-Request-Headers", "content-type,x-grpc-web");
        using var call = new HttpRequestMessage(HttpMethod.Post, "/krakow.metropolis.v1.MembersRegistry/ListMembers")
        {
            Content = new ByteArrayContent([0, 0, 0, 0, 0]),
        };
        call.Content.Headers.ContentType = new("application/grpc-web+proto");
        call.Headers.Add("Origin", "https://dlabiznesu.krakow.pl");

        var preflightResponse = await host.Web.SendAsync(preflight);
        var callResponse = await host.Web.SendAsync(call);
        var body = await callResponse.Content.ReadAsByteArrayAsync();

        preflightResponse.Headers.GetValues("Access-Control-Allow-Origin").ShouldContain("*");
        callResponse.Content.Headers.ContentType!.MediaType.ShouldBe("application/grpc-web+proto");
        callResponse.Headers.GetValues("Access-Control-Expose-Headers").Single().ShouldContain("grpc-status");
        System.Text.Encoding.ASCII.GetString(body).ShouldContain("grpc-status: 0");
    }

    [Fact]
    public async Task Shutdown_lets_a_call_in_flight_finish()
    {
        var signals = new HostProbeSignals();
        var host = await PlatformHost.StartAsync(
            configure: builder => builder.Services.AddSingleton(signals),
            configureApp: app => app.MapGrpcService<HostProbeService>());
        await using var _ = host;
        var client = new HostProbe.HostProbeClient(host.Channel);

        var inFlight = client.SlowAsync(new SlowRequest { DelayMs = 1500 }).ResponseAsync;
        await signals.SlowCallStarted.Task.WaitAsync(TimeSpan.FromSeconds(30));
        var stopping = host.StopAsync();
        var reply = await inFlight;
        await stopping;

        reply.Completed.ShouldBeTrue();
    }
}
