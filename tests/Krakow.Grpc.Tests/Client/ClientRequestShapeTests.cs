using System.Globalization;
using System.IO.Compression;
using System.Net;
using System.Text.RegularExpressions;
using Google.Protobuf;
using Grpc.Core;
using Grpc.Net.Client;
using Grpc.Testing;
using Krakow.Grpc.Tests.Client.Infrastructure;
using Shouldly;

namespace Krakow.Grpc.Tests.Client;

/// <summary>The exact HTTP request the client sends: method, path, version, headers, metadata, deadline, framing, compression.</summary>
public sealed partial class ClientRequestShapeTests
{
    private static readonly SimpleResponse Reply = new() { Username = "fake" };

    private readonly FakeServer fake = new((_, _) => Task.FromResult(FakeServer.Response(Frames.Message(Reply), Frames.Ok)));

    [Fact]
    public async Task A_unary_request_is_a_post_over_http2_with_the_grpc_headers_and_one_uncompressed_frame()
    {
        var request = new SimpleRequest { ResponseSize = 3, Payload = new Payload { Body = ByteString.CopyFromUtf8("hello") } };

        await fake.Client().UnaryCallAsync(request, new Metadata { { "x-a", "b" }, { "x-bin", new byte[] { 1, 2, 255 } } });

        var (sent, body) = fake.LastRequest;
        sent.Method.ShouldBe(HttpMethod.Post);
        sent.RequestUri.ShouldBe(new Uri("http://fake.test/grpc.testing.TestService/UnaryCall"));
        sent.Version.ShouldBe(HttpVersion.Version20);
        sent.VersionPolicy.ShouldBe(HttpVersionPolicy.RequestVersionExact);
        Header(sent, "content-type").ShouldBe("application/grpc");
        Header(sent, "te").ShouldBe("trailers");
        Header(sent, "grpc-accept-encoding").ShouldBe("identity,gzip,deflate");
        Header(sent, "user-agent").ShouldStartWith("grpc-dotnet-krakow/");
        Header(sent, "x-a").ShouldBe("b");
        Header(sent, "x-bin").ShouldBe(Convert.ToBase64String(new byte[] { 1, 2, 255 }));
        Header(sent, "grpc-timeout").ShouldBeNull("no deadline, no grpc-timeout");
        Header(sent, "grpc-encoding").ShouldBeNull("nothing is compressed");
        body.ShouldBe(Frames.Message(request));
    }

    [Fact]
    public async Task Every_call_type_posts_to_its_method_path()
    {
        var client = new FakeServer((request, _) => Task.FromResult(FakeServer.Response(
            request.RequestUri!.AbsolutePath.EndsWith("StreamingInputCall", StringComparison.Ordinal) ? Frames.Message(new StreamingInputCallResponse()) : [],
            Frames.Ok)));
        var testClient = client.Client();

        using (var serverStreaming = testClient.StreamingOutputCall(new StreamingOutputCallRequest()))
        {
            (await serverStreaming.ResponseStream.MoveNext(CancellationToken.None)).ShouldBeFalse();
        }

        using (var clientStreaming = testClient.StreamingInputCall())
        {
            await clientStreaming.RequestStream.CompleteAsync();
            await clientStreaming;
        }

        using (var duplex = testClient.FullDuplexCall())
        {
            await duplex.RequestStream.CompleteAsync();
            (await duplex.ResponseStream.MoveNext(CancellationToken.None)).ShouldBeFalse();
        }

        client.Requests.Select(r => r.Request.RequestUri!.AbsolutePath).ShouldBe(
            ["/grpc.testing.TestService/StreamingOutputCall", "/grpc.testing.TestService/StreamingInputCall", "/grpc.testing.TestService/FullDuplexCall"]);
    }

    [Fact]
    public async Task A_client_stream_sends_one_frame_per_write_in_order()
    {
        var server = new FakeServer((_, _) => Task.FromResult(FakeServer.Response(Frames.Message(new StreamingInputCallResponse { AggregatedPayloadSize = 7 }), Frames.Ok)));
        var messages = new[] { 1, 0, 300 }.Select(n => new StreamingInputCallRequest { Payload = new Payload { Body = ByteString.CopyFrom(new byte[n]) } }).ToArray();

        using var call = server.Client().StreamingInputCall();
        foreach (var message in messages)
        {
            await call.RequestStream.WriteAsync(message);
        }

        await call.RequestStream.CompleteAsync();

        (await call).AggregatedPayloadSize.ShouldBe(7);
        server.LastRequest.Body.ShouldBe(messages.SelectMany(m => Frames.Message(m)).ToArray());
    }

    [Fact]
    public async Task A_deadline_is_sent_as_a_grpc_timeout_in_the_protocols_grammar_no_longer_than_the_time_left()
    {
        var before = DateTime.UtcNow;

        await fake.Client().UnaryCallAsync(new SimpleRequest(), deadline: before.AddSeconds(10));

        var value = Header(fake.LastRequest.Request, "grpc-timeout").ShouldNotBeNull();
        var match = TimeoutGrammar().Match(value);
        match.Success.ShouldBeTrue($"'{value}' is at most eight digits and a unit");
        var timeout = ToTimeSpan(long.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture), match.Groups[2].Value[0]);
        timeout.ShouldBeLessThanOrEqualTo(TimeSpan.FromSeconds(10));
        timeout.ShouldBeGreaterThan(TimeSpan.FromSeconds(5));
    }

    [Fact]
    public async Task A_local_time_deadline_is_converted_to_utc()
    {
        await fake.Client().UnaryCallAsync(new SimpleRequest(), deadline: DateTime.Now.AddMinutes(2));

        var value = Header(fake.LastRequest.Request, "grpc-timeout").ShouldNotBeNull();
        var match = TimeoutGrammar().Match(value);
        match.Success.ShouldBeTrue(value);
        var timeout = ToTimeSpan(long.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture), match.Groups[2].Value[0]);
        timeout.ShouldBeInRange(TimeSpan.FromSeconds(100), TimeSpan.FromMinutes(2));
    }

    [Fact]
    public async Task A_deadline_of_datetime_max_value_means_none()
    {
        await fake.Client().UnaryCallAsync(new SimpleRequest(), deadline: DateTime.MaxValue);

        Header(fake.LastRequest.Request, "grpc-timeout").ShouldBeNull();
    }

    [Fact]
    public async Task A_deadline_already_past_fails_deadline_exceeded_without_sending_anything()
    {
        using var call = fake.Client().UnaryCallAsync(new SimpleRequest(), deadline: DateTime.UtcNow.AddSeconds(-1));

        var failure = await Should.ThrowAsync<RpcException>(async () => await call);

        failure.StatusCode.ShouldBe(StatusCode.DeadlineExceeded);
        fake.Requests.ShouldBeEmpty();
    }

    [Fact]
    public async Task Reserved_headers_in_the_apps_metadata_are_not_sent_but_its_user_agent_replaces_the_default()
    {
        var metadata = new Metadata
        {
            { "content-type", "text/plain" },
            { "te", "gzip" },
            { "grpc-timeout", "1S" },
            { "grpc-encoding", "gzip" },
            { "grpc-accept-encoding", "br" },
            { "grpc-status", "3" },
            { "grpc-message", "nope" },
            { "user-agent", "my-app/2.0" },
            { "x-kept", "yes" },
        };

        await fake.Client().UnaryCallAsync(new SimpleRequest(), metadata);

        var sent = fake.LastRequest.Request;
        Header(sent, "content-type").ShouldBe("application/grpc");
        Header(sent, "te").ShouldBe("trailers");
        Header(sent, "grpc-timeout").ShouldBeNull();
        Header(sent, "grpc-encoding").ShouldBeNull();
        Header(sent, "grpc-accept-encoding").ShouldBe("identity,gzip,deflate");
        Header(sent, "grpc-status").ShouldBeNull();
        Header(sent, "grpc-message").ShouldBeNull();
        Header(sent, "user-agent").ShouldBe("my-app/2.0");
        Header(sent, "x-kept").ShouldBe("yes");
        fake.LastRequest.Body[0].ShouldBe((byte)0, "the message is not compressed");
    }

    [Theory]
    [InlineData("gzip")]
    [InlineData("deflate")]
    public async Task The_request_encoding_call_header_compresses_the_message_and_is_not_sent_itself(string encoding)
    {
        var request = new SimpleRequest { Payload = new Payload { Body = ByteString.CopyFrom(new byte[10_000]) } };

        await fake.Client().UnaryCallAsync(request, new Metadata { { "grpc-internal-encoding-request", encoding } });

        var (sent, body) = fake.LastRequest;
        Header(sent, "grpc-encoding").ShouldBe(encoding);
        Header(sent, "grpc-internal-encoding-request").ShouldBeNull();
        body[0].ShouldBe((byte)1, "the compressed flag");
        body.Length.ShouldBeLessThan(1000);
        Decompress(encoding, body[5..]).ShouldBe(request.ToByteArray());
    }

    [Fact]
    public async Task NoCompress_write_options_send_the_message_uncompressed_under_a_grpc_encoding()
    {
        var request = new SimpleRequest { Payload = new Payload { Body = ByteString.CopyFrom(new byte[1000]) } };

        await fake.Client().UnaryCallAsync(request, new CallOptions(
            headers: new Metadata { { "grpc-internal-encoding-request", "gzip" } },
            writeOptions: new WriteOptions(WriteFlags.NoCompress)));

        Header(fake.LastRequest.Request, "grpc-encoding").ShouldBe("gzip");
        fake.LastRequest.Body.ShouldBe(Frames.Message(request));
    }

    [Fact]
    public async Task A_request_encoding_the_channel_has_no_provider_for_fails_the_call_before_sending()
    {
        await Should.ThrowAsync<InvalidOperationException>(async () =>
            await fake.Client().UnaryCallAsync(new SimpleRequest(), new Metadata { { "grpc-internal-encoding-request", "snappy" } }));

        fake.Requests.ShouldBeEmpty();
    }

    [Fact]
    public async Task Channel_credentials_then_call_credentials_add_their_metadata_with_the_auth_context_of_the_call()
    {
        var contexts = new List<(string ServiceUrl, string MethodName)>();
        var channelCredentials = CallCredentials.FromInterceptor((context, metadata) =>
        {
            contexts.Add((context.ServiceUrl, context.MethodName));
            metadata.Add("authorization", "Bearer channel-token");
            return Task.CompletedTask;
        });
        var callCredentials = CallCredentials.FromInterceptor(async (context, metadata) =>
        {
            await Task.Yield();
            metadata.Add("x-call-credential", "call");
        });
        var client = fake.Client(new GrpcChannelOptions { Credentials = channelCredentials });

        await client.UnaryCallAsync(new SimpleRequest(), new CallOptions(credentials: callCredentials));

        contexts.ShouldBe([("http://fake.test/grpc.testing.TestService", "UnaryCall")]);
        Header(fake.LastRequest.Request, "authorization").ShouldBe("Bearer channel-token");
        Header(fake.LastRequest.Request, "x-call-credential").ShouldBe("call");
    }

    [Fact]
    public async Task Credentials_that_fail_end_the_call_with_their_status_and_nothing_is_sent()
    {
        var credentials = CallCredentials.FromInterceptor((_, _) => throw new RpcException(new Status(StatusCode.Unauthenticated, "no token")));

        var failure = await Should.ThrowAsync<RpcException>(async () =>
            await fake.Client().UnaryCallAsync(new SimpleRequest(), new CallOptions(credentials: credentials)));

        failure.Status.ShouldBe(new Status(StatusCode.Unauthenticated, "no token"));
        fake.Requests.ShouldBeEmpty();
    }

    [Fact]
    public void A_disposed_channel_starts_no_calls()
    {
        var channel = fake.Channel();
        var client = new TestService.TestServiceClient(channel);
        channel.Dispose();

        Should.Throw<ObjectDisposedException>(() => client.UnaryCallAsync(new SimpleRequest()));
        fake.Requests.ShouldBeEmpty();
    }

    [Theory]
    [InlineData("ftp://example.com")]
    [InlineData("/relative")]
    public void A_channel_needs_an_absolute_http_or_https_address(string address) =>
        Should.Throw<ArgumentException>(() => GrpcChannel.ForAddress(address));

    [Fact]
    public void HttpClient_and_HttpHandler_are_exclusive()
    {
        using var http = new HttpClient();
        Should.Throw<ArgumentException>(() => GrpcChannel.ForAddress("http://localhost", new GrpcChannelOptions { HttpClient = http, HttpHandler = fake }));
    }

    private static string? Header(HttpRequestMessage request, string name)
    {
        if (request.Headers.NonValidated.TryGetValues(name, out var values) || (request.Content is not null && request.Content.Headers.NonValidated.TryGetValues(name, out values)))
        {
            return values.ToString();
        }

        return null;
    }

    private static TimeSpan ToTimeSpan(long amount, char unit) => unit switch
    {
        'H' => TimeSpan.FromHours(amount),
        'M' => TimeSpan.FromMinutes(amount),
        'S' => TimeSpan.FromSeconds(amount),
        'm' => TimeSpan.FromMilliseconds(amount),
        'u' => TimeSpan.FromMicroseconds(amount),
        _ => TimeSpan.FromTicks(amount / 100),
    };

    private static byte[] Decompress(string encoding, byte[] data)
    {
        using var input = new MemoryStream(data);
        using Stream decompressor = encoding == "gzip"
            ? new GZipStream(input, CompressionMode.Decompress)
            : new ZLibStream(input, CompressionMode.Decompress);
        using var output = new MemoryStream();
        decompressor.CopyTo(output);
        return output.ToArray();
    }

    [GeneratedRegex("^([0-9]{1,8})([HMSmun])$")]
    private static partial Regex TimeoutGrammar();
}
