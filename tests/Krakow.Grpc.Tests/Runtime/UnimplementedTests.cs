using System.Net;
using Grpc.Core;
using Krakow.Grpc.Tests.Runtime.Infrastructure;
using Shouldly;

namespace Krakow.Grpc.Tests.Runtime;

/// <summary>Calls to services and methods the host does not serve.</summary>
public sealed class UnimplementedTests(RuntimeHostFixture fixture) : IClassFixture<RuntimeHostFixture>
{
    private RuntimeHost Host => fixture.Host;

    [Fact]
    public async Task A_call_to_an_unknown_service_is_answered_unimplemented_trailers_only()
    {
        var response = await Host.Client.UnaryAsync("/krakow.tests.runtime.v1.NoSuchService/Echo", new EchoRequest());

        response.ShouldHaveStatus(StatusCode.Unimplemented, "Service is unimplemented.");
        response.IsTrailersOnly.ShouldBeTrue(response.Describe());
        response.ContentType.ShouldBe("application/grpc");
        await Host.ShouldStillServeAsync();
    }

    [Fact]
    public async Task A_call_to_an_unknown_method_of_a_known_service_is_answered_unimplemented_trailers_only()
    {
        var response = await Host.Client.UnaryAsync("/krakow.tests.runtime.v1.RuntimeTest/NoSuchMethod", new EchoRequest());

        response.ShouldHaveStatus(StatusCode.Unimplemented, "Method is unimplemented.");
        response.IsTrailersOnly.ShouldBeTrue(response.Describe());
    }

    /// <summary>
    /// gRPC paths are case-sensitive on the wire, but the runtime maps methods as ASP.NET Core endpoints and
    /// routing matches without regard to case, as grpc-dotnet does. Pinned so that a change is a decision.
    /// </summary>
    [Fact]
    public async Task Method_paths_match_without_regard_to_case_as_aspnet_core_routing_does()
    {
        var response = await Host.Client.UnaryAsync("/KRAKOW.tests.runtime.v1.RuntimeTest/echo", new EchoRequest { Text = "any case" });

        response.ShouldBeOk();
        response.SingleMessage(EchoReply.Parser).Text.ShouldBe("any case");
    }

    [Fact]
    public async Task A_plain_post_to_an_unknown_path_gets_a_plain_404()
    {
        var response = await Host.Client.SendAsync(Host.Client.Request("/some/page", "{}"u8.ToArray(), "application/json"));

        response.HttpStatus.ShouldBe(HttpStatusCode.NotFound, response.Describe());
        response.GrpcStatus.ShouldBeNull();
    }

    [Fact]
    public async Task A_plain_post_to_an_unknown_method_of_a_known_service_gets_a_plain_404()
    {
        var response = await Host.Client.SendAsync(Host.Client.Request("/krakow.tests.runtime.v1.RuntimeTest/NoSuchMethod", "{}"u8.ToArray(), "application/json"));

        response.HttpStatus.ShouldBe(HttpStatusCode.NotFound, response.Describe());
        response.GrpcStatus.ShouldBeNull();
    }

    [Fact]
    public async Task A_grpc_call_to_a_path_of_one_segment_gets_a_plain_404()
    {
        var response = await Host.Client.UnaryAsync("/NotAService", new EchoRequest());

        response.HttpStatus.ShouldBe(HttpStatusCode.NotFound, response.Describe());
    }

    [Fact]
    public async Task With_ignore_unknown_services_a_call_to_an_unknown_service_falls_through_to_a_plain_404()
    {
        await using var host = await RuntimeHost.StartAsync(o => o.Grpc = grpc => grpc.IgnoreUnknownServices = true);

        var unknownService = await host.Client.UnaryAsync("/krakow.tests.runtime.v1.NoSuchService/Echo", new EchoRequest());
        var unknownMethod = await host.Client.UnaryAsync("/krakow.tests.runtime.v1.RuntimeTest/NoSuchMethod", new EchoRequest());

        unknownService.HttpStatus.ShouldBe(HttpStatusCode.NotFound, unknownService.Describe());
        unknownService.GrpcStatus.ShouldBeNull();
        unknownMethod.ShouldHaveStatus(StatusCode.Unimplemented, "Method is unimplemented.");
    }
}
