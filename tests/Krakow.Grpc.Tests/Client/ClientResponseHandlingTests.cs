using System.Net;
using Grpc.Core;
using Grpc.Testing;
using Krakow.Grpc.Tests.Client.Infrastructure;
using Shouldly;

namespace Krakow.Grpc.Tests.Client;

/// <summary>
/// How the client judges responses, including ones no well-behaved server sends: HTTP errors, wrong content types,
/// Trailers-Only, the wrong number of unary messages, missing or invalid status, cut frames, unknown encodings and
/// bad metadata. A <see cref="FakeServer"/> answers with exactly the bytes each case needs.
/// </summary>
public sealed class ClientResponseHandlingTests
{
    private static readonly SimpleResponse Reply = new() { Username = "fake" };

    [Theory]
    [InlineData(HttpStatusCode.BadRequest, StatusCode.Internal)]
    [InlineData(HttpStatusCode.Unauthorized, StatusCode.Unauthenticated)]
    [InlineData(HttpStatusCode.Forbidden, StatusCode.PermissionDenied)]
    [InlineData(HttpStatusCode.NotFound, StatusCode.Unimplemented)]
    [InlineData(HttpStatusCode.TooManyRequests, StatusCode.Unavailable)]
    [InlineData(HttpStatusCode.RequestHeaderFieldsTooLarge, StatusCode.Internal)]
    [InlineData(HttpStatusCode.BadGateway, StatusCode.Unavailable)]
    [InlineData(HttpStatusCode.ServiceUnavailable, StatusCode.Unavailable)]
    [InlineData(HttpStatusCode.GatewayTimeout, StatusCode.Unavailable)]
    [InlineData(HttpStatusCode.InternalServerError, StatusCode.Unknown)]
    [InlineData(HttpStatusCode.Conflict, StatusCode.Unknown)]
    public async Task An_http_error_without_grpc_status_maps_to_the_code_of_the_http_grpc_status_mapping(HttpStatusCode http, StatusCode expected)
    {
        var fake = new FakeServer(() => FakeServer.Response([], status: http, contentType: "text/html"));
        using var call = fake.Client().UnaryCallAsync(new SimpleRequest());

        var failure = await Should.ThrowAsync<RpcException>(async () => await call);

        failure.StatusCode.ShouldBe(expected, failure.Status.Detail);
        failure.Status.Detail.ShouldContain(((int)http).ToString(System.Globalization.CultureInfo.InvariantCulture));
        call.GetStatus().StatusCode.ShouldBe(expected);
        await Should.ThrowAsync<RpcException>(() => call.ResponseHeadersAsync);
    }

    [Fact]
    public async Task A_grpc_status_on_a_non_200_response_wins_over_the_http_status()
    {
        var fake = new FakeServer(() => FakeServer.Response([], headers: [("grpc-status", "10"), ("grpc-message", "stop")], status: HttpStatusCode.BadGateway));

        var failure = await Should.ThrowAsync<RpcException>(async () => await fake.Client().UnaryCallAsync(new SimpleRequest()));

        failure.Status.ShouldBe(new Status(StatusCode.Aborted, "stop"));
    }

    [Theory]
    [InlineData("text/html")]
    [InlineData("application/json")]
    [InlineData("application/grpcx")]
    [InlineData(null)]
    public async Task A_200_response_that_is_not_grpc_is_unknown(string? contentType)
    {
        var fake = new FakeServer(() => FakeServer.Response(Frames.Message(Reply), Frames.Ok, contentType: contentType));

        var failure = await Should.ThrowAsync<RpcException>(async () => await fake.Client().UnaryCallAsync(new SimpleRequest()));

        failure.StatusCode.ShouldBe(StatusCode.Unknown, failure.Status.Detail);
        failure.Status.Detail.ShouldContain("content-type");
    }

    [Theory]
    [InlineData("application/grpc")]
    [InlineData("application/grpc+proto")]
    [InlineData("application/grpc; charset=utf-8")]
    [InlineData("Application/GRPC")]
    public async Task Grpc_content_types_with_a_suffix_or_parameters_are_accepted(string contentType)
    {
        var fake = new FakeServer(() => FakeServer.Response(Frames.Message(Reply), Frames.Ok, contentType: contentType));

        var reply = await fake.Client().UnaryCallAsync(new SimpleRequest());

        reply.Username.ShouldBe("fake");
    }

    [Fact]
    public async Task A_trailers_only_error_gives_its_decoded_message_and_its_headers_as_trailers()
    {
        var fake = new FakeServer(() => FakeServer.TrailersOnly(("grpc-status", "7"), ("grpc-message", "go%20away"), ("x-extra", "1")));
        using var call = fake.Client().UnaryCallAsync(new SimpleRequest());

        var failure = await Should.ThrowAsync<RpcException>(async () => await call);

        failure.Status.ShouldBe(new Status(StatusCode.PermissionDenied, "go away"));
        failure.Trailers.GetValue("x-extra").ShouldBe("1");
        call.GetTrailers().GetValue("x-extra").ShouldBe("1");
        call.GetTrailers().Get("grpc-status").ShouldBeNull("protocol headers are not metadata");
        (await Should.ThrowAsync<RpcException>(() => call.ResponseHeadersAsync)).StatusCode.ShouldBe(StatusCode.PermissionDenied);
    }

    [Fact]
    public async Task A_trailers_only_ok_ends_a_server_stream_empty()
    {
        var fake = new FakeServer(() => FakeServer.TrailersOnly(("grpc-status", "0"), ("x-extra", "1")));
        using var call = fake.Client().StreamingOutputCall(new StreamingOutputCallRequest());

        (await call.ResponseStream.MoveNext(CancellationToken.None)).ShouldBeFalse();

        call.GetStatus().StatusCode.ShouldBe(StatusCode.OK);
        (await call.ResponseHeadersAsync).GetValue("x-extra").ShouldBe("1");
    }

    [Fact]
    public async Task A_trailers_only_ok_to_a_unary_call_is_internal_for_want_of_a_message()
    {
        var fake = new FakeServer(() => FakeServer.TrailersOnly(("grpc-status", "0")));

        var failure = await Should.ThrowAsync<RpcException>(async () => await fake.Client().UnaryCallAsync(new SimpleRequest()));

        failure.StatusCode.ShouldBe(StatusCode.Internal, failure.Status.Detail);
    }

    [Fact]
    public async Task A_unary_response_with_no_message_and_ok_is_internal()
    {
        var fake = new FakeServer(() => FakeServer.Response([], Frames.Ok));

        var failure = await Should.ThrowAsync<RpcException>(async () => await fake.Client().UnaryCallAsync(new SimpleRequest()));

        failure.StatusCode.ShouldBe(StatusCode.Internal, failure.Status.Detail);
    }

    [Fact]
    public async Task A_unary_response_with_two_messages_is_internal()
    {
        var fake = new FakeServer(() => FakeServer.Response([.. Frames.Message(Reply), .. Frames.Message(Reply)], Frames.Ok));

        var failure = await Should.ThrowAsync<RpcException>(async () => await fake.Client().UnaryCallAsync(new SimpleRequest()));

        failure.StatusCode.ShouldBe(StatusCode.Internal, failure.Status.Detail);
    }

    [Fact]
    public async Task A_unary_response_with_no_message_keeps_the_servers_error_status()
    {
        var fake = new FakeServer(() => FakeServer.Response([], [("grpc-status", "5"), ("grpc-message", "nope")]));

        var failure = await Should.ThrowAsync<RpcException>(async () => await fake.Client().UnaryCallAsync(new SimpleRequest()));

        failure.Status.ShouldBe(new Status(StatusCode.NotFound, "nope"));
    }

    [Fact]
    public async Task A_server_stream_reads_every_message_then_the_status()
    {
        var fake = new FakeServer(() => FakeServer.Response(
            [.. Frames.Message(new StreamingOutputCallResponse()), .. Frames.Message(new StreamingOutputCallResponse()), .. Frames.Message(new StreamingOutputCallResponse())],
            [("grpc-status", "0"), ("x-trailer", "t")]));
        using var call = fake.Client().StreamingOutputCall(new StreamingOutputCallRequest());

        var count = 0;
        while (await call.ResponseStream.MoveNext(CancellationToken.None))
        {
            count++;
        }

        count.ShouldBe(3);
        call.GetStatus().StatusCode.ShouldBe(StatusCode.OK);
        call.GetTrailers().GetValue("x-trailer").ShouldBe("t");
    }

    [Fact]
    public async Task A_response_without_grpc_status_is_unknown()
    {
        var fake = new FakeServer(() => FakeServer.Response(Frames.Message(Reply)));
        using var call = fake.Client().UnaryCallAsync(new SimpleRequest());

        var failure = await Should.ThrowAsync<RpcException>(async () => await call);

        failure.StatusCode.ShouldBe(StatusCode.Unknown, failure.Status.Detail);
        call.GetStatus().StatusCode.ShouldBe(StatusCode.Unknown);
    }

    [Fact]
    public async Task A_server_stream_without_grpc_status_is_unknown_after_its_messages()
    {
        var fake = new FakeServer(() => FakeServer.Response(Frames.Message(new StreamingOutputCallResponse())));
        using var call = fake.Client().StreamingOutputCall(new StreamingOutputCallRequest());

        (await call.ResponseStream.MoveNext(CancellationToken.None)).ShouldBeTrue();
        var failure = await Should.ThrowAsync<RpcException>(() => call.ResponseStream.MoveNext(CancellationToken.None));

        failure.StatusCode.ShouldBe(StatusCode.Unknown, failure.Status.Detail);
    }

    [Theory]
    [InlineData("abc")]
    [InlineData("17")]
    [InlineData("-1")]
    [InlineData("1.0")]
    [InlineData("99999999999")]
    public async Task An_invalid_grpc_status_is_unknown(string value)
    {
        var fake = new FakeServer(() => FakeServer.Response(Frames.Message(Reply), [("grpc-status", value), ("grpc-message", "why")]));

        var failure = await Should.ThrowAsync<RpcException>(async () => await fake.Client().UnaryCallAsync(new SimpleRequest()));

        failure.StatusCode.ShouldBe(StatusCode.Unknown, failure.Status.Detail);
        failure.Status.Detail.ShouldContain(value);
    }

    [Theory]
    [InlineData("a%zzb%41", "a%zzbA")]
    [InlineData("100%", "100%")]
    [InlineData("50%4", "50%4")]
    [InlineData("%%41", "%A")]
    [InlineData("caf%C3%A9 %E2%98%BA", "café ☺")]
    [InlineData("plain text", "plain text")]
    public async Task Grpc_message_is_percent_decoded_and_a_malformed_escape_is_kept_as_it_is(string wire, string expected)
    {
        var fake = new FakeServer(() => FakeServer.Response([], [("grpc-status", "13"), ("grpc-message", wire)]));

        var failure = await Should.ThrowAsync<RpcException>(async () => await fake.Client().UnaryCallAsync(new SimpleRequest()));

        failure.Status.ShouldBe(new Status(StatusCode.Internal, expected));
    }

    [Fact]
    public async Task A_message_cut_short_is_internal_even_with_an_ok_status()
    {
        var fake = new FakeServer(() => FakeServer.Response(Frames.Message(Reply)[..^1], Frames.Ok));

        var failure = await Should.ThrowAsync<RpcException>(async () => await fake.Client().UnaryCallAsync(new SimpleRequest()));

        failure.StatusCode.ShouldBe(StatusCode.Internal, failure.Status.Detail);
    }

    [Fact]
    public async Task A_frame_header_cut_short_is_internal_even_with_an_ok_status()
    {
        var fake = new FakeServer(() => FakeServer.Response(Frames.Message(Reply)[..3], Frames.Ok));

        var failure = await Should.ThrowAsync<RpcException>(async () => await fake.Client().UnaryCallAsync(new SimpleRequest()));

        failure.StatusCode.ShouldBe(StatusCode.Internal, failure.Status.Detail);
    }

    [Fact]
    public async Task A_server_stream_cut_inside_its_second_message_delivers_the_first_then_fails_internal()
    {
        var message = Frames.Message(new StreamingOutputCallResponse { Payload = new Payload { Body = Google.Protobuf.ByteString.CopyFrom(new byte[10]) } });
        var fake = new FakeServer(() => FakeServer.Response([.. message, .. message[..8]], Frames.Ok));
        using var call = fake.Client().StreamingOutputCall(new StreamingOutputCallRequest());

        (await call.ResponseStream.MoveNext(CancellationToken.None)).ShouldBeTrue();
        var failure = await Should.ThrowAsync<RpcException>(() => call.ResponseStream.MoveNext(CancellationToken.None));

        failure.StatusCode.ShouldBe(StatusCode.Internal, failure.Status.Detail);
    }

    [Fact]
    public async Task An_invalid_frame_flag_is_internal()
    {
        var fake = new FakeServer(() => FakeServer.Response(Frames.Message(Reply, flag: 2), Frames.Ok));

        var failure = await Should.ThrowAsync<RpcException>(async () => await fake.Client().UnaryCallAsync(new SimpleRequest()));

        failure.StatusCode.ShouldBe(StatusCode.Internal, failure.Status.Detail);
    }

    [Fact]
    public async Task A_message_that_does_not_parse_is_internal()
    {
        var fake = new FakeServer(() => FakeServer.Response(Frames.Frame([0xff, 0xff, 0xff]), Frames.Ok));

        var failure = await Should.ThrowAsync<RpcException>(async () => await fake.Client().UnaryCallAsync(new SimpleRequest()));

        failure.StatusCode.ShouldBe(StatusCode.Internal, failure.Status.Detail);
    }

    [Fact]
    public async Task A_compressed_flag_without_grpc_encoding_is_internal()
    {
        var fake = new FakeServer(() => FakeServer.Response(Frames.Message(Reply, flag: 1), Frames.Ok));

        var failure = await Should.ThrowAsync<RpcException>(async () => await fake.Client().UnaryCallAsync(new SimpleRequest()));

        failure.StatusCode.ShouldBe(StatusCode.Internal, failure.Status.Detail);
    }

    [Fact]
    public async Task An_unknown_grpc_encoding_still_reads_uncompressed_messages()
    {
        var fake = new FakeServer(() => FakeServer.Response(Frames.Message(Reply), Frames.Ok, headers: [("grpc-encoding", "snappy")]));

        var reply = await fake.Client().UnaryCallAsync(new SimpleRequest());

        reply.Username.ShouldBe("fake");
    }

    [Fact]
    public async Task A_message_compressed_with_an_unknown_grpc_encoding_is_internal()
    {
        var fake = new FakeServer(() => FakeServer.Response(Frames.Message(Reply, flag: 1), Frames.Ok, headers: [("grpc-encoding", "snappy")]));

        var failure = await Should.ThrowAsync<RpcException>(async () => await fake.Client().UnaryCallAsync(new SimpleRequest()));

        failure.StatusCode.ShouldBe(StatusCode.Internal, failure.Status.Detail);
        failure.Status.Detail.ShouldContain("snappy");
    }

    [Fact]
    public async Task A_gzip_message_is_decompressed()
    {
        var fake = new FakeServer(() => FakeServer.Response(Frames.Frame(Gzip(Google.Protobuf.MessageExtensions.ToByteArray(Reply)), flag: 1), Frames.Ok, headers: [("grpc-encoding", "gzip")]));

        var reply = await fake.Client().UnaryCallAsync(new SimpleRequest());

        reply.Username.ShouldBe("fake");
    }

    [Fact]
    public async Task A_corrupt_gzip_message_is_internal()
    {
        var fake = new FakeServer(() => FakeServer.Response(Frames.Frame([1, 2, 3, 4, 5, 6, 7, 8], flag: 1), Frames.Ok, headers: [("grpc-encoding", "gzip")]));

        var failure = await Should.ThrowAsync<RpcException>(async () => await fake.Client().UnaryCallAsync(new SimpleRequest()));

        failure.StatusCode.ShouldBe(StatusCode.Internal, failure.Status.Detail);
    }

    [Fact]
    public async Task Metadata_that_breaks_its_rules_is_dropped_and_the_call_goes_on()
    {
        var fake = new FakeServer(() => FakeServer.Response(
            Frames.Message(Reply),
            [("grpc-status", "0"), ("bad-bin", "!!!"), ("Good", "x"), ("good-bin", "AQI")],
            headers: [("x-h", "ok"), ("x-latin", "caf\u00e9"), ("x-h-bin", "/w==")]));
        using var call = fake.Client().UnaryCallAsync(new SimpleRequest());

        (await call).Username.ShouldBe("fake");

        var headers = await call.ResponseHeadersAsync;
        headers.GetValue("x-h").ShouldBe("ok");
        headers.GetValueBytes("x-h-bin").ShouldBe(new byte[] { 0xff });
        headers.Get("x-latin").ShouldBeNull("a non-ASCII value is not metadata");
        headers.Get("content-type").ShouldBeNull("protocol headers are not metadata");
        var trailers = call.GetTrailers();
        trailers.GetValue("good").ShouldBe("x", "names are lower-cased");
        trailers.GetValueBytes("good-bin").ShouldBe(new byte[] { 1, 2 }, "unpadded base64 is accepted");
        trailers.Get("bad-bin").ShouldBeNull("invalid base64 is dropped");
        trailers.Get("grpc-status").ShouldBeNull();
    }

    [Fact]
    public async Task Status_and_trailers_are_not_available_before_the_call_ends()
    {
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var fake = new FakeServer(async (_, _) =>
        {
            await release.Task;
            return FakeServer.Response(Frames.Message(Reply), Frames.Ok);
        });
        using var call = fake.Client().UnaryCallAsync(new SimpleRequest());

        Should.Throw<InvalidOperationException>(() => call.GetStatus());
        Should.Throw<InvalidOperationException>(() => call.GetTrailers());
        release.SetResult();
        await call;

        call.GetStatus().StatusCode.ShouldBe(StatusCode.OK);
        call.GetTrailers().Count.ShouldBe(0);
    }

    [Fact]
    public async Task A_handler_that_throws_makes_the_call_unavailable()
    {
        var fake = new FakeServer((_, _) => throw new HttpRequestException("connection reset"));

        var failure = await Should.ThrowAsync<RpcException>(async () => await fake.Client().UnaryCallAsync(new SimpleRequest()));

        failure.StatusCode.ShouldBe(StatusCode.Unavailable, failure.Status.Detail);
        failure.Status.DebugException.ShouldBeOfType<HttpRequestException>();
    }

    [Theory]
    [InlineData(0x7, StatusCode.Unavailable)]
    [InlineData(0x8, StatusCode.Cancelled)]
    [InlineData(0xb, StatusCode.ResourceExhausted)]
    [InlineData(0xc, StatusCode.PermissionDenied)]
    [InlineData(0x2, StatusCode.Internal)]
    public async Task A_stream_reset_by_the_server_maps_to_the_code_of_its_http2_error(long errorCode, StatusCode expected)
    {
        var fake = new FakeServer((_, _) => Task.FromResult(FakeServer.Response([], bodyStream: new ResetStream(errorCode))));
        using var call = fake.Client().StreamingOutputCall(new StreamingOutputCallRequest());

        var failure = await Should.ThrowAsync<RpcException>(() => call.ResponseStream.MoveNext(CancellationToken.None));

        failure.StatusCode.ShouldBe(expected, failure.Status.Detail);
    }

    private static byte[] Gzip(byte[] data)
    {
        using var output = new MemoryStream();
        using (var gzip = new System.IO.Compression.GZipStream(output, System.IO.Compression.CompressionLevel.Fastest, leaveOpen: true))
        {
            gzip.Write(data);
        }

        return output.ToArray();
    }

    /// <summary>A response body whose first read fails as an HTTP/2 RST_STREAM with <paramref name="errorCode"/> does.</summary>
    private sealed class ResetStream(long errorCode) : Stream
    {
        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => throw new NotSupportedException();

        public override long Position
        {
            get => throw new NotSupportedException();
            set => throw new NotSupportedException();
        }

        public override int Read(byte[] buffer, int offset, int count) => throw Reset();

        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
            ValueTask.FromException<int>(Reset());

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        // What SocketsHttpHandler throws from a response body when the server sends RST_STREAM.
        private HttpProtocolException Reset() => new(errorCode, "The HTTP/2 server reset the stream.", null);
    }
}
