using Google.Protobuf;
using Grpc.Core;
using Krakow.Grpc.Tests.Runtime.Infrastructure;
using Shouldly;

namespace Krakow.Grpc.Tests.Runtime;

/// <summary>Message compression: <c>grpc-encoding</c>, the compressed flag, and what the server does with bad input.</summary>
public sealed class CompressionTests(RuntimeHostFixture fixture) : IClassFixture<RuntimeHostFixture>
{
    private RuntimeHost Host => fixture.Host;

    [Fact]
    public async Task A_gzip_compressed_request_message_is_decompressed()
    {
        var payload = GrpcFrames.Gzip(new EchoRequest { Text = "squeezed" }.ToByteArray());

        var response = await Host.Client.UnaryAsync(Methods.Echo, GrpcFrames.Frame(payload, GrpcFrames.Compressed), request =>
            request.Headers.Add("grpc-encoding", "gzip"));

        response.ShouldBeOk();
        response.SingleMessage(EchoReply.Parser).Text.ShouldBe("squeezed");
    }

    [Fact]
    public async Task Uncompressed_messages_are_accepted_on_a_call_whose_encoding_is_gzip()
    {
        var body = GrpcFrames.Concat(
            GrpcFrames.Frame(GrpcFrames.Gzip(new EchoRequest { Text = "a" }.ToByteArray()), GrpcFrames.Compressed),
            GrpcFrames.Frame(new EchoRequest { Text = "b" }));

        var response = await Host.Client.UnaryAsync(Methods.Concatenate, body, request => request.Headers.Add("grpc-encoding", "gzip"));

        response.ShouldBeOk();
        response.SingleMessage(EchoReply.Parser).Text.ShouldBe("ab");
    }

    [Fact]
    public async Task An_unsupported_grpc_encoding_is_answered_unimplemented_listing_the_supported_ones()
    {
        var response = await Host.Client.UnaryAsync(Methods.Echo, new EchoRequest(), request => request.Headers.Add("grpc-encoding", "snappy"));

        response.ShouldHaveStatus(StatusCode.Unimplemented);
        response.GrpcMessage.ShouldBe("Unsupported grpc-encoding value 'snappy'. Supported encodings: identity,gzip,deflate");
        response.Header("grpc-accept-encoding").ShouldBe("identity,gzip,deflate");
        response.IsTrailersOnly.ShouldBeTrue(response.Describe());
        await Host.ShouldStillServeAsync();
    }

    [Fact]
    public async Task A_compressed_flag_without_a_grpc_encoding_is_answered_internal()
    {
        var payload = GrpcFrames.Gzip(new EchoRequest { Text = "x" }.ToByteArray());

        var response = await Host.Client.UnaryAsync(Methods.Echo, GrpcFrames.Frame(payload, GrpcFrames.Compressed));

        response.ShouldHaveStatus(StatusCode.Internal, "Message has the compressed flag set but the call's grpc-encoding is identity.");
    }

    [Fact]
    public async Task A_corrupt_gzip_payload_is_answered_internal()
    {
        byte[] notGzip = [0x1f, 0x8b, 0x08, 0x00, 0xde, 0xad, 0xbe, 0xef, 0x00, 0x03, 0xff, 0xff, 0xff, 0xff, 0xff];

        var response = await Host.Client.UnaryAsync(Methods.Echo, GrpcFrames.Frame(notGzip, GrpcFrames.Compressed), request =>
            request.Headers.Add("grpc-encoding", "gzip"));

        response.ShouldHaveStatus(StatusCode.Internal, "Could not decompress message.");
        await Host.ShouldStillServeAsync();
    }

    [Fact]
    public async Task A_payload_that_is_not_gzip_at_all_is_answered_internal()
    {
        var response = await Host.Client.UnaryAsync(Methods.Echo, GrpcFrames.Frame("plain text"u8.ToArray(), GrpcFrames.Compressed), request =>
            request.Headers.Add("grpc-encoding", "gzip"));

        response.ShouldHaveStatus(StatusCode.Internal, "Could not decompress message.");
    }

    [Fact]
    public async Task A_gzip_bomb_is_refused_with_resource_exhausted()
    {
        // 5 MiB of zeros compresses to a few kilobytes, inside a message that declares only those few kilobytes.
        var bomb = GrpcFrames.Gzip(new byte[5 * 1024 * 1024]);
        bomb.Length.ShouldBeLessThan(64 * 1024);

        var response = await Host.Client.UnaryAsync(Methods.Echo, GrpcFrames.Frame(bomb, GrpcFrames.Compressed), request =>
            request.Headers.Add("grpc-encoding", "gzip"));

        response.ShouldHaveStatus(StatusCode.ResourceExhausted, "Received message exceeds the maximum configured message size.");
        await Host.ShouldStillServeAsync();
    }

    [Fact]
    public async Task Without_a_response_compression_algorithm_the_response_is_not_compressed()
    {
        var response = await Host.Client.UnaryAsync(Methods.Echo, new EchoRequest { Text = "plain" }, request =>
            request.Headers.Add("grpc-accept-encoding", "gzip"));

        response.ShouldBeOk();
        response.Header("grpc-encoding").ShouldBeNull();
        response.SingleMessage(EchoReply.Parser).Text.ShouldBe("plain");
    }

    [Fact]
    public async Task With_a_response_compression_algorithm_the_response_is_gzip_when_the_client_accepts_it()
    {
        await using var host = await RuntimeHost.StartAsync(o => o.Grpc = grpc => grpc.ResponseCompressionAlgorithm = "gzip");

        var response = await host.Client.UnaryAsync(Methods.Echo, new EchoRequest { Text = "packed", ReplySize = 1000 }, request =>
            request.Headers.Add("grpc-accept-encoding", "identity, gzip"));

        response.ShouldBeOk();
        response.Header("grpc-encoding").ShouldBe("gzip");
        var frame = response.Frames.ShouldHaveSingleItem();
        frame.Flag.ShouldBe(GrpcFrames.Compressed);
        frame.Payload.Length.ShouldBeLessThan(1000);
        EchoReply.Parser.ParseFrom(GrpcFrames.Gunzip(frame.Payload)).Text.ShouldBe("packed");
    }

    [Fact]
    public async Task With_a_response_compression_algorithm_every_streamed_message_is_compressed()
    {
        await using var host = await RuntimeHost.StartAsync(o => o.Grpc = grpc => grpc.ResponseCompressionAlgorithm = "gzip");

        var response = await host.Client.UnaryAsync(Methods.CountUp, new CountRequest { Count = 3 }, request =>
            request.Headers.Add("grpc-accept-encoding", "gzip"));

        response.ShouldBeOk();
        response.Header("grpc-encoding").ShouldBe("gzip");
        response.Frames.ShouldAllBe(f => f.Flag == GrpcFrames.Compressed);
        response.Frames.Select(f => EchoReply.Parser.ParseFrom(GrpcFrames.Gunzip(f.Payload)).Text).ShouldBe(["1", "2", "3"]);
    }

    [Fact]
    public async Task With_a_response_compression_algorithm_a_client_that_does_not_accept_it_gets_plain_messages()
    {
        await using var host = await RuntimeHost.StartAsync(o => o.Grpc = grpc => grpc.ResponseCompressionAlgorithm = "gzip");

        var response = await host.Client.UnaryAsync(Methods.Echo, new EchoRequest { Text = "plain" }, request =>
            request.Headers.Add("grpc-accept-encoding", "identity,deflate"));

        response.ShouldBeOk();
        response.Header("grpc-encoding").ShouldBeNull();
        response.SingleMessage(EchoReply.Parser).Text.ShouldBe("plain");
    }
}
