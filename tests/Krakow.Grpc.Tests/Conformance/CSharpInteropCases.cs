using Google.Protobuf;
using Grpc.Core;
using Grpc.Net.Client;
using Grpc.Testing;
using Krakow.Grpc.Tests.Client.Infrastructure;
using Shouldly;

namespace Krakow.Grpc.Tests.Conformance;

/// <summary>
/// The interop cases of grpc/grpc doc/interop-test-descriptions.md ("Client"), written from the spec for our
/// client: each runs its procedure through the generated <c>TestService.TestServiceClient</c> and checks every
/// "Client asserts" item. Where the spec looks at message flags (compression), <paramref name="wire"/> shows the
/// frames as they crossed the wire. With <paramref name="grpcWeb"/>, the FullDuplexCall steps of custom_metadata and
/// status_code_and_message run over StreamingOutputCall instead, as gRPC-Web has no client streaming.
/// </summary>
internal sealed class CSharpInteropCases(GrpcChannel channel, WireRecorder wire, bool grpcWeb)
{
    public const int LargeRequestSize = 271828;
    public const int LargeResponseSize = 314159;

    private const string EchoInitialKey = "x-grpc-test-echo-initial";
    private const string EchoInitialValue = "test_initial_metadata_value";
    private const string EchoTrailingKey = "x-grpc-test-echo-trailing-bin";
    private const string StatusMessage = "test status message";
    private const string SpecialStatusMessage = "\t\ntest with whitespace\r\nand Unicode BMP ☺ and non-BMP 😈\t\n";

    /// <summary>The client's convention for compressing request messages: this call header names the encoding.</summary>
    private const string RequestEncodingHeader = "grpc-internal-encoding-request";

    private static readonly byte[] EchoTrailingValue = [0xab, 0xab, 0xab];

    private readonly TestService.TestServiceClient client = new(channel);
    private readonly UnimplementedService.UnimplementedServiceClient unimplementedService = new(channel);

    public static IReadOnlyList<string> All { get; } =
    [
        "empty_unary", "large_unary", "client_compressed_unary", "server_compressed_unary", "client_streaming",
        "client_compressed_streaming", "server_streaming", "server_compressed_streaming", "ping_pong", "empty_stream",
        "custom_metadata", "status_code_and_message", "special_status_message", "unimplemented_method",
        "unimplemented_service", "cancel_after_begin", "cancel_after_first_response", "timeout_on_sleeping_server",
    ];

    /// <summary>The cases gRPC-Web can run: no client or bidi streaming, no per-message request compression.</summary>
    public static IReadOnlyList<string> GrpcWebSubset { get; } =
    [
        "empty_unary", "large_unary", "server_streaming", "custom_metadata", "status_code_and_message",
        "special_status_message", "unimplemented_method", "unimplemented_service",
    ];

    /// <summary>Whether frames are visible on the wire (plain gRPC; gRPC-Web bodies are not sniffed).</summary>
    private bool SeesFrames => !grpcWeb;

    public Task RunAsync(string testCase) => testCase switch
    {
        "empty_unary" => EmptyUnaryAsync(),
        "large_unary" => LargeUnaryAsync(),
        "client_compressed_unary" => ClientCompressedUnaryAsync(),
        "server_compressed_unary" => ServerCompressedUnaryAsync(),
        "client_streaming" => ClientStreamingAsync(),
        "client_compressed_streaming" => ClientCompressedStreamingAsync(),
        "server_streaming" => ServerStreamingAsync(),
        "server_compressed_streaming" => ServerCompressedStreamingAsync(),
        "ping_pong" => PingPongAsync(),
        "empty_stream" => EmptyStreamAsync(),
        "custom_metadata" => CustomMetadataAsync(),
        "status_code_and_message" => StatusCodeAndMessageAsync(),
        "special_status_message" => SpecialStatusMessageAsync(),
        "unimplemented_method" => UnimplementedMethodAsync(),
        "unimplemented_service" => UnimplementedServiceAsync(),
        "cancel_after_begin" => CancelAfterBeginAsync(),
        "cancel_after_first_response" => CancelAfterFirstResponseAsync(),
        "timeout_on_sleeping_server" => TimeoutOnSleepingServerAsync(),
        _ => throw new ArgumentOutOfRangeException(nameof(testCase), testCase, "Not an interop case."),
    };

    private async Task EmptyUnaryAsync()
    {
        using var call = client.EmptyCallAsync(new Empty());
        var response = await call;

        response.ShouldNotBeNull();
        call.GetStatus().StatusCode.ShouldBe(StatusCode.OK);
        if (SeesFrames)
        {
            // What the spec calls ideal: both messages serialized to zero bytes.
            wire.Last.RequestFrames.ShouldBe([new WireFrame(0, 0)], wire.Last.ToString());
            wire.Last.ResponseFrames.ShouldBe([new WireFrame(0, 0)], wire.Last.ToString());
        }
    }

    private async Task LargeUnaryAsync()
    {
        var response = await client.UnaryCallAsync(LargeRequest());

        ShouldBeLargeResponse(response);
    }

    private async Task ClientCompressedUnaryAsync()
    {
        // 1. The feature probe: expect_compressed, but sent uncompressed.
        var probe = LargeRequest();
        probe.ExpectCompressed = new BoolValue { Value = true };
        await ShouldFailAsync(StatusCode.InvalidArgument, async () => await client.UnaryCallAsync(probe));
        wire.Last.RequestFrames.Single().Compressed.ShouldBeFalse(wire.Last.ToString());

        // 2. The same request, compressed.
        var compressed = await client.UnaryCallAsync(probe, GzipRequests());
        ShouldBeLargeResponse(compressed);
        wire.Last.RequestHeader("grpc-encoding").ShouldBe("gzip", wire.Last.ToString());
        wire.Last.RequestHeader(RequestEncodingHeader).ShouldBeNull(wire.Last.ToString());
        wire.Last.RequestFrames.Single().Compressed.ShouldBeTrue(wire.Last.ToString());

        // 3. expect_compressed false, uncompressed.
        var plain = LargeRequest();
        plain.ExpectCompressed = new BoolValue { Value = false };
        ShouldBeLargeResponse(await client.UnaryCallAsync(plain));
        wire.Last.RequestFrames.Single().Compressed.ShouldBeFalse(wire.Last.ToString());
    }

    private async Task ServerCompressedUnaryAsync()
    {
        foreach (var compressed in new[] { true, false })
        {
            var request = LargeRequest();
            request.ResponseCompressed = new BoolValue { Value = compressed };

            var response = await client.UnaryCallAsync(request);

            ShouldBeLargeResponse(response);
            wire.Last.ResponseFrames.Single().Compressed.ShouldBe(compressed, $"response_compressed={compressed}: {wire.Last}");
        }
    }

    private async Task ClientStreamingAsync()
    {
        using var call = client.StreamingInputCall();
        foreach (var size in new[] { 27182, 8, 1828, 45904 })
        {
            await call.RequestStream.WriteAsync(new StreamingInputCallRequest { Payload = Zeros(size) });
        }

        await call.RequestStream.CompleteAsync();
        var response = await call;

        response.AggregatedPayloadSize.ShouldBe(74922);
        call.GetStatus().StatusCode.ShouldBe(StatusCode.OK);
        wire.Last.RequestFrames.Count.ShouldBe(4, wire.Last.ToString());
    }

    private async Task ClientCompressedStreamingAsync()
    {
        // 1. The feature probe: one uncompressed message that expects compression; the call must fail.
        using (var probe = client.StreamingInputCall())
        {
            await TolerateEndedCallAsync(StatusCode.InvalidArgument, () => probe.RequestStream.WriteAsync(
                new StreamingInputCallRequest { ExpectCompressed = new BoolValue { Value = true }, Payload = Zeros(27182) }));
            await TolerateEndedCallAsync(StatusCode.InvalidArgument, () => probe.RequestStream.CompleteAsync());
            await ShouldFailAsync(StatusCode.InvalidArgument, async () => await probe);
            wire.Last.RequestFrames.ShouldAllBe(f => !f.Compressed, wire.Last.ToString());
        }

        // 2. A compressed message, then (3.) one with compression turned off for it alone, then half-close.
        using var call = client.StreamingInputCall(GzipRequests());
        await call.RequestStream.WriteAsync(new StreamingInputCallRequest { ExpectCompressed = new BoolValue { Value = true }, Payload = Zeros(27182) });
        call.RequestStream.WriteOptions = new WriteOptions(WriteFlags.NoCompress);
        await call.RequestStream.WriteAsync(new StreamingInputCallRequest { ExpectCompressed = new BoolValue { Value = false }, Payload = Zeros(45904) });
        await call.RequestStream.CompleteAsync();
        var response = await call;

        response.AggregatedPayloadSize.ShouldBe(73086);
        wire.Last.RequestHeader("grpc-encoding").ShouldBe("gzip", wire.Last.ToString());
        wire.Last.RequestFrames.Select(f => f.Compressed).ShouldBe([true, false], wire.Last.ToString());
    }

    private async Task ServerStreamingAsync()
    {
        int[] sizes = [31415, 9, 2653, 58979];
        var request = new StreamingOutputCallRequest();
        request.ResponseParameters.AddRange(sizes.Select(size => new ResponseParameters { Size = size }));

        using var call = client.StreamingOutputCall(request);
        var responses = await ReadAllAsync(call.ResponseStream);

        responses.Select(r => r.Payload.Body.Length).ShouldBe(sizes);
        responses.ShouldAllBe(r => IsZeros(r.Payload));
        call.GetStatus().StatusCode.ShouldBe(StatusCode.OK);
    }

    private async Task ServerCompressedStreamingAsync()
    {
        var request = new StreamingOutputCallRequest
        {
            ResponseParameters =
            {
                new ResponseParameters { Size = 31415, Compressed = new BoolValue { Value = true } },
                new ResponseParameters { Size = 92653, Compressed = new BoolValue { Value = false } },
            },
        };

        using var call = client.StreamingOutputCall(request);
        var responses = await ReadAllAsync(call.ResponseStream);

        responses.Select(r => r.Payload.Body.Length).ShouldBe([31415, 92653]);
        responses.ShouldAllBe(r => IsZeros(r.Payload));
        call.GetStatus().StatusCode.ShouldBe(StatusCode.OK);
        wire.Last.ResponseFrames.Select(f => f.Compressed).ShouldBe([true, false], wire.Last.ToString());
    }

    private async Task PingPongAsync()
    {
        (int Request, int Response)[] rounds = [(27182, 31415), (8, 9), (1828, 2653), (45904, 58979)];
        using var call = client.FullDuplexCall();
        var received = new List<int>();
        foreach (var (requestSize, responseSize) in rounds)
        {
            await call.RequestStream.WriteAsync(new StreamingOutputCallRequest
            {
                ResponseParameters = { new ResponseParameters { Size = responseSize } },
                Payload = Zeros(requestSize),
            });
            (await call.ResponseStream.MoveNext(CancellationToken.None)).ShouldBeTrue($"a reply to the {requestSize}-byte ping");
            received.Add(call.ResponseStream.Current.Payload.Body.Length);
            IsZeros(call.ResponseStream.Current.Payload).ShouldBeTrue();
        }

        await call.RequestStream.CompleteAsync();

        (await call.ResponseStream.MoveNext(CancellationToken.None)).ShouldBeFalse("exactly four responses");
        received.ShouldBe(rounds.Select(r => r.Response));
        call.GetStatus().StatusCode.ShouldBe(StatusCode.OK);
    }

    private async Task EmptyStreamAsync()
    {
        using var call = client.FullDuplexCall();
        await call.RequestStream.CompleteAsync();

        var responses = await ReadAllAsync(call.ResponseStream);

        responses.ShouldBeEmpty();
        call.GetStatus().StatusCode.ShouldBe(StatusCode.OK);
    }

    private async Task CustomMetadataAsync()
    {
        // 1. UnaryCall.
        using (var unary = client.UnaryCallAsync(LargeRequest(), EchoMetadata()))
        {
            ShouldBeLargeResponse(await unary);
            ShouldHaveEchoedMetadata(await unary.ResponseHeadersAsync, unary.GetTrailers(), "UnaryCall");
        }

        // 2. FullDuplexCall, half-closed after one request (gRPC-Web: the same request as a StreamingOutputCall).
        var request = new StreamingOutputCallRequest
        {
            ResponseParameters = { new ResponseParameters { Size = LargeResponseSize } },
            Payload = Zeros(LargeRequestSize),
        };
        if (grpcWeb)
        {
            using var stream = client.StreamingOutputCall(request, EchoMetadata());
            var responses = await ReadAllAsync(stream.ResponseStream);
            responses.Select(r => r.Payload.Body.Length).ShouldBe([LargeResponseSize]);
            ShouldHaveEchoedMetadata(await stream.ResponseHeadersAsync, stream.GetTrailers(), "StreamingOutputCall");
        }
        else
        {
            using var duplex = client.FullDuplexCall(EchoMetadata());
            await duplex.RequestStream.WriteAsync(request);
            await duplex.RequestStream.CompleteAsync();
            var responses = await ReadAllAsync(duplex.ResponseStream);
            responses.Select(r => r.Payload.Body.Length).ShouldBe([LargeResponseSize]);
            ShouldHaveEchoedMetadata(await duplex.ResponseHeadersAsync, duplex.GetTrailers(), "FullDuplexCall");
        }
    }

    private async Task StatusCodeAndMessageAsync()
    {
        var echo = new EchoStatus { Code = (int)StatusCode.Unknown, Message = StatusMessage };

        // 1. UnaryCall.
        var unary = await ShouldFailAsync(StatusCode.Unknown, async () => await client.UnaryCallAsync(new SimpleRequest { ResponseStatus = echo }));
        unary.Status.Detail.ShouldBe(StatusMessage);

        // 2. FullDuplexCall, then half-close (gRPC-Web: StreamingOutputCall).
        if (grpcWeb)
        {
            using var stream = client.StreamingOutputCall(new StreamingOutputCallRequest { ResponseStatus = echo });
            var streamed = await ShouldFailAsync(StatusCode.Unknown, () => ReadAllAsync(stream.ResponseStream));
            streamed.Status.Detail.ShouldBe(StatusMessage);
            stream.GetStatus().ShouldBe(new Status(StatusCode.Unknown, StatusMessage));
        }
        else
        {
            using var duplex = client.FullDuplexCall();
            await duplex.RequestStream.WriteAsync(new StreamingOutputCallRequest { ResponseStatus = echo });
            await TolerateEndedCallAsync(StatusCode.Unknown, () => duplex.RequestStream.CompleteAsync());
            var streamed = await ShouldFailAsync(StatusCode.Unknown, () => ReadAllAsync(duplex.ResponseStream));
            streamed.Status.Detail.ShouldBe(StatusMessage);
            duplex.GetStatus().ShouldBe(new Status(StatusCode.Unknown, StatusMessage));
        }
    }

    private async Task SpecialStatusMessageAsync()
    {
        var request = new SimpleRequest { ResponseStatus = new EchoStatus { Code = (int)StatusCode.Unknown, Message = SpecialStatusMessage } };

        var failure = await ShouldFailAsync(StatusCode.Unknown, async () => await client.UnaryCallAsync(request));

        failure.Status.Detail.ShouldBe(SpecialStatusMessage, "every whitespace character and both Unicode characters intact");
    }

    private async Task UnimplementedMethodAsync() =>
        await ShouldFailAsync(StatusCode.Unimplemented, async () => await client.UnimplementedCallAsync(new Empty()));

    private async Task UnimplementedServiceAsync() =>
        await ShouldFailAsync(StatusCode.Unimplemented, async () => await unimplementedService.UnimplementedCallAsync(new Empty()));

    private async Task CancelAfterBeginAsync()
    {
        using var cancellation = new CancellationTokenSource();
        using var call = client.StreamingInputCall(cancellationToken: cancellation.Token);

        await cancellation.CancelAsync();

        await ShouldFailAsync(StatusCode.Cancelled, async () => await call);
        call.GetStatus().StatusCode.ShouldBe(StatusCode.Cancelled);
    }

    private async Task CancelAfterFirstResponseAsync()
    {
        using var cancellation = new CancellationTokenSource();
        using var call = client.FullDuplexCall(cancellationToken: cancellation.Token);
        await call.RequestStream.WriteAsync(new StreamingOutputCallRequest
        {
            ResponseParameters = { new ResponseParameters { Size = 31415 } },
            Payload = Zeros(27182),
        });
        (await call.ResponseStream.MoveNext(CancellationToken.None)).ShouldBeTrue("the first response");
        call.ResponseStream.Current.Payload.Body.Length.ShouldBe(31415);

        await cancellation.CancelAsync();

        await ShouldFailAsync(StatusCode.Cancelled, () => call.ResponseStream.MoveNext(CancellationToken.None));
        call.GetStatus().StatusCode.ShouldBe(StatusCode.Cancelled);
    }

    private async Task TimeoutOnSleepingServerAsync()
    {
        using var call = client.FullDuplexCall(deadline: DateTime.UtcNow.AddMilliseconds(1));

        // The deadline may pass before the message is even written; then the write reports it.
        await TolerateEndedCallAsync(StatusCode.DeadlineExceeded, () => call.RequestStream.WriteAsync(new StreamingOutputCallRequest { Payload = Zeros(27182) }));

        await ShouldFailAsync(StatusCode.DeadlineExceeded, () => call.ResponseStream.MoveNext(CancellationToken.None));
        call.GetStatus().StatusCode.ShouldBe(StatusCode.DeadlineExceeded);
    }

    private static SimpleRequest LargeRequest() => new() { ResponseSize = LargeResponseSize, Payload = Zeros(LargeRequestSize) };

    private static void ShouldBeLargeResponse(SimpleResponse response)
    {
        response.Payload.Body.Length.ShouldBe(LargeResponseSize);
        IsZeros(response.Payload).ShouldBeTrue("the payload is all zeros");
        response.Equals(new SimpleResponse { Payload = Zeros(LargeResponseSize) }).ShouldBeTrue("the response is the golden one");
    }

    private static Metadata GzipRequests() => new() { { RequestEncodingHeader, "gzip" } };

    private static Metadata EchoMetadata() => new()
    {
        { EchoInitialKey, EchoInitialValue },
        { EchoTrailingKey, EchoTrailingValue },
    };

    private static void ShouldHaveEchoedMetadata(Metadata headers, Metadata trailers, string what)
    {
        headers.GetValue(EchoInitialKey).ShouldBe(EchoInitialValue, $"{what}: initial metadata [{string.Join(", ", headers)}]");
        trailers.GetValueBytes(EchoTrailingKey).ShouldBe(EchoTrailingValue, $"{what}: trailing metadata [{string.Join(", ", trailers)}]");
    }

    private static Payload Zeros(int size) => new() { Body = ByteString.CopyFrom(new byte[size]) };

    private static bool IsZeros(Payload payload) => !payload.Body.Span.ContainsAnyExcept((byte)0);

    private static async Task<List<T>> ReadAllAsync<T>(IAsyncStreamReader<T> stream)
    {
        var messages = new List<T>();
        while (await stream.MoveNext(CancellationToken.None))
        {
            messages.Add(stream.Current);
        }

        return messages;
    }

    private static async Task<RpcException> ShouldFailAsync(StatusCode expected, Func<Task> action)
    {
        var failure = await Should.ThrowAsync<RpcException>(action);
        failure.StatusCode.ShouldBe(expected, failure.Status.Detail);
        return failure;
    }

    /// <summary>
    /// A write or half-close of a call the server may already have ended: it either succeeds or reports that
    /// very outcome. The status the spec asserts is checked on the call afterwards.
    /// </summary>
    private static async Task TolerateEndedCallAsync(StatusCode outcome, Func<Task> action)
    {
        try
        {
            await action();
        }
        catch (RpcException ex) when (ex.StatusCode == outcome)
        {
        }
    }
}
