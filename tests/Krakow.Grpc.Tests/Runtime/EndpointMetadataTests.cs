using System.Net;
using Grpc.Core;
using Krakow.Grpc.Tests.Runtime.Infrastructure;
using Shouldly;

namespace Krakow.Grpc.Tests.Runtime;

/// <summary>
/// Each gRPC method is an ASP.NET Core endpoint, so attributes on the implementation ([Authorize]) and endpoint
/// middleware (authorization, CORS) apply per method.
/// </summary>
public sealed class EndpointMetadataTests(RuntimeHostFixture fixture) : IClassFixture<RuntimeHostFixture>
{
    private RuntimeHost Host => fixture.Host;

    /// <summary>
    /// The authorization middleware challenges before the call handler runs, so the answer is plain HTTP 401 with no
    /// grpc-status, as with grpc-dotnet. gRPC clients map HTTP 401 to UNAUTHENTICATED.
    /// </summary>
    [Fact]
    public async Task An_anonymous_call_to_a_method_marked_authorize_is_answered_http_401_without_a_grpc_status()
    {
        var response = await Host.Client.UnaryAsync(Methods.WhoAmI, new EchoRequest());

        response.HttpStatus.ShouldBe(HttpStatusCode.Unauthorized, response.Describe());
        response.GrpcStatus.ShouldBeNull();
        response.Body.ShouldBeEmpty();
        await Host.ShouldStillServeAsync();
    }

    [Fact]
    public async Task An_authenticated_call_to_a_method_marked_authorize_runs_as_that_user()
    {
        var response = await Host.Client.UnaryAsync(Methods.WhoAmI, new EchoRequest(), request =>
            request.Headers.TryAddWithoutValidation("authorization", "Test alice"));

        response.ShouldBeOk();
        response.SingleMessage(EchoReply.Parser).Text.ShouldBe("alice");
    }

    [Fact]
    public async Task Other_methods_of_the_same_service_need_no_user()
    {
        var response = await Host.Client.UnaryAsync(Methods.SecondEcho, new EchoRequest { Text = "open" });

        response.ShouldBeOk();
        response.SingleMessage(EchoReply.Parser).Text.ShouldBe("open");
    }

    [Fact]
    public async Task A_cors_preflight_for_a_grpc_web_method_is_answered_with_the_allow_headers()
    {
        var request = new HttpRequestMessage(HttpMethod.Options, Methods.Echo) { Version = HttpVersion.Version11 };
        request.Headers.Add("Origin", RuntimeHost.AllowedOrigin);
        request.Headers.Add("Access-Control-Request-Method", "POST");
        request.Headers.Add("Access-Control-Request-Headers", "content-type,x-grpc-web,x-user-agent,grpc-timeout");

        var response = await Host.Http1Client.SendAsync(request);

        response.HttpStatus.ShouldBe(HttpStatusCode.NoContent, response.Describe());
        response.Header("access-control-allow-origin").ShouldBe(RuntimeHost.AllowedOrigin);
        response.Header("access-control-allow-methods").ShouldBe("POST");
        response.Header("access-control-allow-headers").ShouldBe("content-type,x-grpc-web,x-user-agent,grpc-timeout");
        response.GrpcStatus.ShouldBeNull();
    }

    [Fact]
    public async Task A_cors_preflight_from_an_origin_not_allowed_gets_no_allow_headers()
    {
        var request = new HttpRequestMessage(HttpMethod.Options, Methods.Echo) { Version = HttpVersion.Version11 };
        request.Headers.Add("Origin", "https://elsewhere.example");
        request.Headers.Add("Access-Control-Request-Method", "POST");

        var response = await Host.Http1Client.SendAsync(request);

        response.HttpStatus.ShouldBe(HttpStatusCode.NoContent, response.Describe());
        response.Header("access-control-allow-origin").ShouldBeNull();
    }

    [Fact]
    public async Task A_cross_origin_grpc_web_call_exposes_the_grpc_headers_to_the_browser()
    {
        var request = Host.Http1Client.Request(Methods.Echo, GrpcFrames.Frame(new EchoRequest { Text = "cors" }), "application/grpc-web+proto");
        request.Headers.Add("Origin", RuntimeHost.AllowedOrigin);
        request.Headers.Add("x-grpc-web", "1");

        var response = await Host.Http1Client.SendAsync(request);

        response.HttpStatus.ShouldBe(HttpStatusCode.OK, response.Describe());
        response.Header("access-control-allow-origin").ShouldBe(RuntimeHost.AllowedOrigin);
        response.Header("access-control-expose-headers")!.Split(',', StringSplitOptions.TrimEntries)
            .ShouldBe(["grpc-status", "grpc-message", "grpc-status-details-bin", "grpc-encoding", "grpc-accept-encoding"], ignoreOrder: true);
        GrpcFrames.ParseWebTrailers(response.Frames[^1])["grpc-status"].ShouldBe(((int)StatusCode.OK).ToString(System.Globalization.CultureInfo.InvariantCulture));
    }
}
