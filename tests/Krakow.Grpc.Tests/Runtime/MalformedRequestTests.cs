using Google.Protobuf;
using System.Net;
using Grpc.Core;
using Krakow.Grpc.Tests.Runtime.Infrastructure;
using Shouldly;

namespace Krakow.Grpc.Tests.Runtime;

/// <summary>Bodies, content types, methods and protocols that are not a well-formed gRPC call.</summary>
public sealed class MalformedRequestTests(RuntimeHostFixture fixture) : IClassFixture<RuntimeHostFixture>
{
    private RuntimeHost Host => fixture.Host;

    [Fact]
    public async Task A_message_cut_short_by_the_end_of_the_body_is_answered_internal()
    {
        var body = GrpcFrames.Concat(GrpcFrames.Header(GrpcFrames.Uncompressed, 100), new byte[10]);

        var response = await Host.Client.UnaryAsync(Methods.Echo, body);

        response.ShouldHaveStatus(StatusCode.Internal, "Incomplete message.");
        await Host.ShouldStillServeAsync();
    }

    [Fact]
    public async Task A_frame_header_cut_short_by_the_end_of_the_body_is_answered_internal()
    {
        var response = await Host.Client.UnaryAsync(Methods.Echo, [0, 0, 0]);

        response.ShouldHaveStatus(StatusCode.Internal, "Incomplete message.");
    }

    [Fact]
    public async Task A_unary_call_with_no_message_at_all_is_answered_internal()
    {
        var response = await Host.Client.UnaryAsync(Methods.Echo, []);

        response.ShouldHaveStatus(StatusCode.Internal, "Incomplete message.");
    }

    [Fact]
    public async Task A_message_cut_short_in_a_client_stream_is_answered_internal()
    {
        var body = GrpcFrames.Concat(GrpcFrames.Frame(new EchoRequest { Text = "whole" }), GrpcFrames.Header(GrpcFrames.Uncompressed, 100), new byte[10]);

        var response = await Host.Client.UnaryAsync(Methods.Concatenate, body);

        response.ShouldHaveStatus(StatusCode.Internal, "Incomplete message.");
    }

    [Fact]
    public async Task Trailing_bytes_after_a_unary_request_message_are_answered_internal()
    {
        var body = GrpcFrames.Concat(GrpcFrames.Frame(new EchoRequest { Text = "x" }), [1, 2, 3]);

        var response = await Host.Client.UnaryAsync(Methods.Echo, body);

        response.ShouldHaveStatus(StatusCode.Internal, "Additional unexpected message.");
    }

    [Fact]
    public async Task A_second_message_on_a_unary_call_is_answered_internal()
    {
        var probe = CallProbes.NewId();
        var body = GrpcFrames.Concat(GrpcFrames.Frame(new EchoRequest { Text = "one" }), GrpcFrames.Frame(new EchoRequest { Text = "two" }));

        var response = await Host.Client.UnaryAsync(Methods.Echo, body, request => request.Headers.Add(CallProbes.Header, probe));

        response.ShouldHaveStatus(StatusCode.Internal, "Additional unexpected message.");
        Host.Probes.HasStarted(probe).ShouldBeFalse("the handler never sees an ambiguous request");
    }

    [Fact]
    public async Task A_second_message_on_a_server_streaming_call_is_answered_internal()
    {
        var body = GrpcFrames.Concat(GrpcFrames.Frame(new CountRequest { Count = 1 }), GrpcFrames.Frame(new CountRequest { Count = 2 }));

        var response = await Host.Client.UnaryAsync(Methods.CountUp, body);

        response.ShouldHaveStatus(StatusCode.Internal, "Additional unexpected message.");
    }

    [Fact]
    public async Task Bytes_that_are_not_protobuf_are_answered_internal()
    {
        // Field 1, length-delimited, declares 5 bytes but carries 1.
        var response = await Host.Client.UnaryAsync(Methods.Echo, GrpcFrames.Frame([0x0A, 0x05, 0x61]));

        response.ShouldHaveStatus(StatusCode.Internal, "Error deserializing message.");
        await Host.ShouldStillServeAsync();
    }

    [Theory]
    [InlineData(2)]
    [InlineData(0x80)]
    [InlineData(0xFF)]
    public async Task A_compressed_flag_other_than_zero_or_one_is_answered_internal(byte flag)
    {
        var response = await Host.Client.UnaryAsync(Methods.Echo, GrpcFrames.Frame(new EchoRequest { Text = "x" }.ToByteArray(), flag));

        response.ShouldHaveStatus(StatusCode.Internal, $"Invalid compressed flag {flag} in message header.");
    }

    [Theory]
    [InlineData("text/plain")]
    [InlineData("application/json")]
    [InlineData("application/grpcx")]
    public async Task A_content_type_that_is_not_grpc_is_answered_415(string contentType)
    {
        var probe = CallProbes.NewId();
        var request = Host.Client.Request(Methods.Echo, GrpcFrames.Frame(new EchoRequest()), contentType);
        request.Headers.Add(CallProbes.Header, probe);

        var response = await Host.Client.SendAsync(request);

        response.HttpStatus.ShouldBe(HttpStatusCode.UnsupportedMediaType, response.Describe());
        response.GrpcStatus.ShouldBe("13");
        response.GrpcMessage.ShouldBe($"Content-Type '{contentType}' is not supported.");
        Host.Probes.HasStarted(probe).ShouldBeFalse();
    }

    [Fact]
    public async Task A_request_without_a_content_type_is_answered_415()
    {
        var response = await Host.Client.SendAsync(Host.Client.Request(Methods.Echo, GrpcFrames.Frame(new EchoRequest()), contentType: null));

        response.HttpStatus.ShouldBe(HttpStatusCode.UnsupportedMediaType, response.Describe());
    }

    /// <summary>
    /// <c>application/grpc+json</c> is a gRPC content type: the suffix names the message format, but the method's
    /// marshaller decides how messages are read, as in grpc-dotnet. So protobuf bytes sent with it are read as
    /// protobuf and the answer is <c>application/grpc</c>.
    /// </summary>
    [Theory]
    [InlineData("application/grpc+proto")]
    [InlineData("application/grpc+json")]
    [InlineData("application/grpc; charset=utf-8")]
    [InlineData("APPLICATION/GRPC")]
    public async Task A_grpc_content_type_with_a_suffix_or_parameters_is_served_with_the_methods_marshaller(string contentType)
    {
        var response = await Host.Client.SendAsync(Host.Client.Request(Methods.Echo, GrpcFrames.Frame(new EchoRequest { Text = "suffixed" }), contentType));

        response.ShouldBeOk();
        response.ContentType.ShouldBe("application/grpc");
        response.SingleMessage(EchoReply.Parser).Text.ShouldBe("suffixed");
    }

    [Fact]
    public async Task A_get_to_a_grpc_method_is_not_handled_as_grpc()
    {
        var probe = CallProbes.NewId();
        var request = Host.Client.Request(Methods.Echo, content: null, method: HttpMethod.Get);
        request.Headers.Add(CallProbes.Header, probe);

        var response = await Host.Client.SendAsync(request);

        response.HttpStatus.ShouldBe(HttpStatusCode.MethodNotAllowed, response.Describe());
        response.GrpcStatus.ShouldBeNull();
        Host.Probes.HasStarted(probe).ShouldBeFalse();
    }

    [Fact]
    public async Task A_grpc_request_over_http_1_1_is_answered_426_upgrade_required()
    {
        var response = await Host.Http1Client.UnaryAsync(Methods.Echo, new EchoRequest());

        response.HttpStatus.ShouldBe(HttpStatusCode.UpgradeRequired, response.Describe());
        response.Header("upgrade").ShouldBe("h2c");
        response.GrpcStatus.ShouldBe("13");
        response.GrpcMessage.ShouldBe("Request protocol 'HTTP/1.1' is not supported.");
        await Host.ShouldStillServeAsync();
    }

    /// <summary>
    /// Kestrel does no h2c upgrade and, without TLS (so without ALPN), speaks HTTP/2 only on an HTTP/2-only
    /// endpoint: prior-knowledge HTTP/2 on the HTTP/1.1+HTTP/2 port is refused. This is why the host listens on two ports.
    /// </summary>
    [Fact]
    public async Task Prior_knowledge_http_2_on_the_mixed_port_is_refused_by_kestrel()
    {
        using var client = new RawGrpcClient(Host.WebPort, HttpVersion.Version20);

        var exception = await Should.ThrowAsync<HttpRequestException>(() => client.UnaryAsync(Methods.Echo, new EchoRequest()));

        exception.Message.ShouldContain("HTTP_1_1_REQUIRED");
        await Host.ShouldStillServeAsync();
    }

    [Fact]
    public async Task An_http_1_1_request_to_the_http_2_only_port_is_answered_400_by_kestrel_and_the_host_keeps_serving()
    {
        using var client = new RawGrpcClient(Host.Port, HttpVersion.Version11);

        var response = await client.UnaryAsync(Methods.Echo, new EchoRequest());

        response.HttpStatus.ShouldBe(HttpStatusCode.BadRequest, response.Describe());
        response.Header("connection").ShouldBe("close");
        response.GrpcStatus.ShouldBeNull();
        System.Text.Encoding.ASCII.GetString(response.Body).ShouldBe("An HTTP/1.x request was sent to an HTTP/2 only endpoint.");
        await Host.ShouldStillServeAsync();
    }

    [Fact]
    public async Task A_metadata_value_over_kestrels_field_limit_is_a_connection_error_and_the_host_keeps_serving()
    {
        await using var connection = await RawHttp2Connection.OpenAsync(Host.Port);

        // 100 KB in one field is more than Kestrel's HPACK decoder takes (16 KB): a connection error, not a response.
        await connection.SendHeadersAsync(Methods.Echo, [.. GrpcHeaders, ("x-huge", new string('h', 100 * 1024))]);
        var outcome = await connection.ReadOutcomeAsync(TimeSpan.FromSeconds(10));

        outcome.Status.ShouldBeNull(outcome.ToString());
        (outcome.GoAwayCode == Http2Outcome.CompressionError || outcome.ConnectionLost).ShouldBeTrue(outcome.ToString());
        await Host.ShouldStillServeAsync();
    }

    [Fact]
    public async Task Metadata_over_kestrels_total_header_limit_is_answered_431_and_the_host_keeps_serving()
    {
        var probe = CallProbes.NewId();
        await using var connection = await RawHttp2Connection.OpenAsync(Host.Port);
        var large = Enumerable.Range(0, 5).Select(i => ($"x-large-{i}", new string('h', 10 * 1024)));

        // Five fields of 10 KB: each is fine, together they pass the 32 KB limit of the whole header list.
        await connection.SendHeadersAsync(Methods.Echo, [.. GrpcHeaders, (CallProbes.Header, probe), .. large]);
        var outcome = await connection.ReadOutcomeAsync(TimeSpan.FromSeconds(10));

        outcome.Status.ShouldBe(431, outcome.ToString());
        Host.Probes.HasStarted(probe).ShouldBeFalse();
        await Host.ShouldStillServeAsync();
    }

    [Fact]
    public async Task The_raw_http2_connection_used_for_header_limits_makes_a_good_call()
    {
        var probe = CallProbes.NewId();
        await using var connection = await RawHttp2Connection.OpenAsync(Host.Port);

        await connection.SendHeadersAsync(Methods.Echo, [.. GrpcHeaders, (CallProbes.Header, probe)]);
        await connection.SendBodyAsync(GrpcFrames.Frame(new EchoRequest()));
        var outcome = await connection.ReadOutcomeAsync(TimeSpan.FromSeconds(10));

        outcome.Status.ShouldBe(200, outcome.ToString());
        await Host.Probes.WhenStarted(probe).WaitAsync(TimeSpan.FromSeconds(10));
    }

    private static (string Name, string Value)[] GrpcHeaders => [("content-type", "application/grpc"), ("te", "trailers")];
}
