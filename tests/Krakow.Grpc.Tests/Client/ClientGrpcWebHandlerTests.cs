using System.Net;
using System.Text;
using Google.Protobuf;
using Grpc.Core;
using Grpc.Net.Client;
using Grpc.Net.Client.Web;
using Grpc.Testing;
using Krakow.Grpc.Tests.Client.Infrastructure;
using Shouldly;

namespace Krakow.Grpc.Tests.Client;

/// <summary>
/// <see cref="GrpcWebHandler"/> against a fake gRPC-Web server: how requests are rewritten, and how bodies in either
/// mode (the text one in separately padded base64 chunks, delivered a byte at a time) come back as gRPC.
/// </summary>
public sealed class ClientGrpcWebHandlerTests
{
    private static readonly SimpleResponse Reply = new() { Username = "web" };

    [Theory]
    [InlineData(GrpcWebMode.GrpcWeb, "application/grpc-web")]
    [InlineData(GrpcWebMode.GrpcWebText, "application/grpc-web-text")]
    public async Task A_request_is_rewritten_to_grpc_web_over_http11_by_default(GrpcWebMode mode, string contentType)
    {
        var request = new SimpleRequest { ResponseSize = 3, Payload = new Payload { Body = ByteString.CopyFrom(1, 2, 3, 4) } };
        byte[] response = [.. Frames.Message(Reply), .. Frames.WebTrailers("grpc-status: 0\r\n")];
        var fake = new FakeServer(() => WebResponse(contentType, mode == GrpcWebMode.GrpcWebText ? Encoding.ASCII.GetBytes(Convert.ToBase64String(response)) : response));

        var reply = await fake.WebClient(mode).UnaryCallAsync(request, new Metadata { { "x-a", "b" } });

        reply.Username.ShouldBe("web");
        var (sent, body) = fake.LastRequest;
        sent.Version.ShouldBe(HttpVersion.Version11);
        sent.VersionPolicy.ShouldBe(HttpVersionPolicy.RequestVersionOrHigher);
        sent.Content!.Headers.GetValues("content-type").Single().ShouldBe(contentType);
        sent.Headers.GetValues("x-grpc-web").Single().ShouldBe("1");
        sent.Headers.GetValues("accept").Single().ShouldBe(contentType);
        sent.Headers.GetValues("x-a").Single().ShouldBe("b");
        sent.Headers.Contains("te").ShouldBeFalse("te: trailers is HTTP/2 gRPC only");
        var frame = mode == GrpcWebMode.GrpcWebText ? Convert.FromBase64String(Encoding.ASCII.GetString(body)) : body;
        frame.ShouldBe(Frames.Message(request));
    }

    [Fact]
    public async Task HttpVersion_sets_the_exact_version_of_grpc_web_requests()
    {
        var fake = new FakeServer(() => WebResponse("application/grpc-web", [.. Frames.Message(Reply), .. Frames.WebTrailers("grpc-status: 0\r\n")]));
        var handler = new GrpcWebHandler(GrpcWebMode.GrpcWeb, fake) { HttpVersion = HttpVersion.Version20 };
        var client = new TestService.TestServiceClient(GrpcChannel.ForAddress(FakeServer.Address, new GrpcChannelOptions { HttpHandler = handler }));

        await client.UnaryCallAsync(new SimpleRequest());

        fake.LastRequest.Request.Version.ShouldBe(HttpVersion.Version20);
        fake.LastRequest.Request.VersionPolicy.ShouldBe(HttpVersionPolicy.RequestVersionExact);
    }

    [Fact]
    public async Task The_trailer_frame_becomes_the_calls_trailers_with_binary_values_and_names_lower_cased()
    {
        var fake = new FakeServer(() => WebResponse(
            "application/grpc-web+proto",
            [.. Frames.Message(Reply), .. Frames.WebTrailers("Grpc-Status: 0\r\nx-Trailer-Bin: AQID\r\nx-text:  spaced \r\n")],
            headers: [("x-initial", "i")]));
        using var call = fake.WebClient(GrpcWebMode.GrpcWeb).UnaryCallAsync(new SimpleRequest());

        (await call).Username.ShouldBe("web");

        (await call.ResponseHeadersAsync).GetValue("x-initial").ShouldBe("i");
        call.GetStatus().StatusCode.ShouldBe(StatusCode.OK);
        call.GetTrailers().GetValueBytes("x-trailer-bin").ShouldBe(new byte[] { 1, 2, 3 });
        call.GetTrailers().GetValue("x-text").ShouldBe("spaced");
    }

    [Theory]
    [InlineData(GrpcWebMode.GrpcWeb)]
    [InlineData(GrpcWebMode.GrpcWebText)]
    public async Task A_server_stream_delivered_a_byte_at_a_time_gives_every_message_then_the_decoded_error(GrpcWebMode mode)
    {
        var first = Frames.Message(Streamed(1));
        var second = Frames.Message(Streamed(2));
        var third = Frames.Message(Streamed(4000));
        var trailers = Frames.WebTrailers("grpc-status: 3\r\ngrpc-message: bad%20arg%20%E2%98%BA\r\n");
        byte[] body = mode == GrpcWebMode.GrpcWebText
            // Each frame is its own base64 chunk, padded (1- and 2-byte payloads make 6- and 7-byte frames).
            ? Encoding.ASCII.GetBytes(string.Concat(new[] { first, second, third, trailers }.Select(Convert.ToBase64String)))
            : [.. first, .. second, .. third, .. trailers];
        if (mode == GrpcWebMode.GrpcWebText)
        {
            Encoding.ASCII.GetString(body).TrimEnd('=').ShouldContain("=", customMessage: "the body has padding between chunks");
        }

        var trickle = new TrickleStream(body);
        var contentType = mode == GrpcWebMode.GrpcWebText ? "application/grpc-web-text" : "application/grpc-web";
        var fake = new FakeServer(() => WebResponse(contentType, bodyStream: trickle));
        using var call = fake.WebClient(mode).StreamingOutputCall(new StreamingOutputCallRequest());

        var sizes = new List<int>();
        var failure = await Should.ThrowAsync<RpcException>(async () =>
        {
            while (await call.ResponseStream.MoveNext(CancellationToken.None))
            {
                sizes.Add(call.ResponseStream.Current.Payload.Body.Length);
            }
        });

        sizes.ShouldBe([1, 2, 4000]);
        failure.Status.ShouldBe(new Status(StatusCode.InvalidArgument, "bad arg ☺"));
        trickle.Reads.ShouldBeGreaterThanOrEqualTo(body.Length, "every byte came in its own read");
    }

    [Fact]
    public async Task A_text_mode_client_stream_sends_each_message_as_its_own_padded_base64_chunk()
    {
        var fake = new FakeServer(() => WebResponse(
            "application/grpc-web-text+proto",
            Encoding.ASCII.GetBytes(Convert.ToBase64String([.. Frames.Message(new StreamingInputCallResponse { AggregatedPayloadSize = 2 }), .. Frames.WebTrailers("grpc-status:0\r\n")]))));
        var message = new StreamingInputCallRequest { Payload = new Payload { Body = ByteString.CopyFrom(new byte[1]) } };
        Frames.Message(message).Length.ShouldBe(10, "a frame whose base64 needs padding");

        using var call = fake.WebClient(GrpcWebMode.GrpcWebText).StreamingInputCall();
        await call.RequestStream.WriteAsync(message);
        await call.RequestStream.WriteAsync(message);
        await call.RequestStream.CompleteAsync();

        (await call).AggregatedPayloadSize.ShouldBe(2);
        var chunk = Convert.ToBase64String(Frames.Message(message));
        chunk.ShouldEndWith("=");
        Encoding.ASCII.GetString(fake.LastRequest.Body).ShouldBe(chunk + chunk);
    }

    [Fact]
    public async Task A_status_in_the_response_headers_is_a_trailers_only_response()
    {
        var fake = new FakeServer(() => WebResponse("application/grpc-web", [], headers: [("grpc-status", "12"), ("grpc-message", "not%20here")]));

        var failure = await Should.ThrowAsync<RpcException>(async () => await fake.WebClient(GrpcWebMode.GrpcWeb).UnaryCallAsync(new SimpleRequest()));

        failure.Status.ShouldBe(new Status(StatusCode.Unimplemented, "not here"));
    }

    [Fact]
    public async Task A_body_without_a_trailer_frame_is_unknown()
    {
        var fake = new FakeServer(() => WebResponse("application/grpc-web", Frames.Message(Reply)));

        var failure = await Should.ThrowAsync<RpcException>(async () => await fake.WebClient(GrpcWebMode.GrpcWeb).UnaryCallAsync(new SimpleRequest()));

        failure.StatusCode.ShouldBe(StatusCode.Unknown, failure.Status.Detail);
    }

    [Fact]
    public async Task Bytes_after_the_trailer_frame_are_ignored()
    {
        var fake = new FakeServer(() => WebResponse("application/grpc-web", [.. Frames.Message(Reply), .. Frames.WebTrailers("grpc-status: 0\r\n"), .. Frames.Message(Reply)]));

        var reply = await fake.WebClient(GrpcWebMode.GrpcWeb).UnaryCallAsync(new SimpleRequest());

        reply.Username.ShouldBe("web");
    }

    [Theory]
    [InlineData("!!!!")]
    [InlineData("AAAAAAA")]
    public async Task A_text_body_that_is_not_whole_base64_is_internal(string text)
    {
        var fake = new FakeServer(() => WebResponse("application/grpc-web-text", Encoding.ASCII.GetBytes(text)));

        var failure = await Should.ThrowAsync<RpcException>(async () => await fake.WebClient(GrpcWebMode.GrpcWebText).UnaryCallAsync(new SimpleRequest()));

        failure.StatusCode.ShouldBe(StatusCode.Internal, failure.Status.Detail);
    }

    [Theory]
    [InlineData("grpc-status 0\r\n")]
    [InlineData(": 0\r\n")]
    public async Task A_malformed_trailer_line_is_internal(string block)
    {
        var fake = new FakeServer(() => WebResponse("application/grpc-web", [.. Frames.Message(Reply), .. Frames.WebTrailers(block)]));

        var failure = await Should.ThrowAsync<RpcException>(async () => await fake.WebClient(GrpcWebMode.GrpcWeb).UnaryCallAsync(new SimpleRequest()));

        failure.StatusCode.ShouldBe(StatusCode.Internal, failure.Status.Detail);
    }

    [Fact]
    public async Task A_compressed_trailer_frame_is_internal()
    {
        var trailers = Frames.WebTrailers("grpc-status: 0\r\n");
        trailers[0] = 0x81;
        var fake = new FakeServer(() => WebResponse("application/grpc-web", [.. Frames.Message(Reply), .. trailers]));

        var failure = await Should.ThrowAsync<RpcException>(async () => await fake.WebClient(GrpcWebMode.GrpcWeb).UnaryCallAsync(new SimpleRequest()));

        failure.StatusCode.ShouldBe(StatusCode.Internal, failure.Status.Detail);
    }

    [Fact]
    public async Task A_body_cut_inside_the_trailer_frame_is_internal()
    {
        var fake = new FakeServer(() => WebResponse("application/grpc-web", [.. Frames.Message(Reply), .. Frames.WebTrailers("grpc-status: 0\r\n")[..^3]]));

        var failure = await Should.ThrowAsync<RpcException>(async () => await fake.WebClient(GrpcWebMode.GrpcWeb).UnaryCallAsync(new SimpleRequest()));

        failure.StatusCode.ShouldBe(StatusCode.Internal, failure.Status.Detail);
    }

    [Fact]
    public async Task A_response_that_is_not_grpc_web_is_judged_by_its_http_status()
    {
        var fake = new FakeServer(() => FakeServer.Response(Encoding.ASCII.GetBytes("<html>busy</html>"), status: HttpStatusCode.ServiceUnavailable, contentType: "text/html"));

        var failure = await Should.ThrowAsync<RpcException>(async () => await fake.WebClient(GrpcWebMode.GrpcWebText).UnaryCallAsync(new SimpleRequest()));

        failure.StatusCode.ShouldBe(StatusCode.Unavailable, failure.Status.Detail);
    }

    private static StreamingOutputCallResponse Streamed(int size) => new() { Payload = new Payload { Body = ByteString.CopyFrom(new byte[size]) } };

    private static HttpResponseMessage WebResponse(string contentType, byte[]? body = null, (string, string)[]? headers = null, Stream? bodyStream = null)
    {
        var response = FakeServer.Response(body ?? [], headers: headers, contentType: contentType, bodyStream: bodyStream);
        response.Version = HttpVersion.Version11;
        return response;
    }
}
