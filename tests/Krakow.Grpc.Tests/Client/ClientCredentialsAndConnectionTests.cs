using Grpc.Core;
using Grpc.Net.Client;
using Krakow.Grpc.Tests.Client.Infrastructure;
using Krakow.Grpc.Tests.Infrastructure;
using Krakow.Grpc.Tests.Runtime;
using Shouldly;

namespace Krakow.Grpc.Tests.Client;

/// <summary>Credentials and headers as a real server receives them; connection failures; HttpClient as the transport.</summary>
public sealed class ClientCredentialsAndConnectionTests(ClientTestHost host) : IClassFixture<ClientTestHost>
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(10);

    [Fact]
    public async Task Channel_credentials_reach_the_server_as_a_bearer_token_computed_per_call()
    {
        var issued = 0;
        var credentials = CallCredentials.FromInterceptor((_, metadata) =>
        {
            metadata.Add("authorization", $"Bearer token-{Interlocked.Increment(ref issued)}");
            return Task.CompletedTask;
        });
        using var channel = GrpcChannel.ForAddress(host.Address, new GrpcChannelOptions { Credentials = credentials });
        var client = new RuntimeTest.RuntimeTestClient(channel);
        var replyWithAuthorization = new Metadata { { "x-reply-with-header", "authorization" } };

        (await client.EchoAsync(new EchoRequest(), replyWithAuthorization)).Text.ShouldBe("Bearer token-1");
        (await client.EchoAsync(new EchoRequest(), replyWithAuthorization)).Text.ShouldBe("Bearer token-2");
    }

    [Fact]
    public async Task Call_credentials_reach_the_server_alongside_the_channels()
    {
        var id = ServerObservations.NewCallId();
        var channelCredentials = CallCredentials.FromInterceptor((_, metadata) =>
        {
            metadata.Add("authorization", "Bearer channel");
            return Task.CompletedTask;
        });
        var callCredentials = CallCredentials.FromInterceptor((context, metadata) =>
        {
            metadata.Add("x-api-key", $"key-for-{context.MethodName}");
            return Task.CompletedTask;
        });
        using var channel = GrpcChannel.ForAddress(host.Address, new GrpcChannelOptions { Credentials = channelCredentials });

        await new RuntimeTest.RuntimeTestClient(channel).EchoAsync(new EchoRequest(), new CallOptions(headers: ServerObservations.Headers(id), credentials: callCredentials));

        var seen = host.Observations[id].RequestHeaders;
        seen.GetValue("authorization").ShouldBe("Bearer channel");
        seen.GetValue("x-api-key").ShouldBe("key-for-Echo");
    }

    [Fact]
    public async Task Metadata_and_the_user_agent_reach_the_server()
    {
        var id = ServerObservations.NewCallId();
        using var channel = GrpcChannel.ForAddress(host.Address);
        var headers = ServerObservations.Headers(id, ("x-text", "hello"));
        headers.Add("x-data-bin", new byte[] { 0, 1, 254, 255 });

        await new RuntimeTest.RuntimeTestClient(channel).EchoAsync(new EchoRequest(), headers);

        var seen = host.Observations[id].RequestHeaders;
        seen.GetValue("x-text").ShouldBe("hello");
        seen.GetValueBytes("x-data-bin").ShouldBe(new byte[] { 0, 1, 254, 255 });
        seen.GetValue("user-agent").ShouldNotBeNull().ShouldStartWith("grpc-dotnet-krakow/");
    }

    [Fact]
    public async Task Every_call_type_fails_unavailable_when_the_connection_is_refused()
    {
        using var channel = GrpcChannel.ForAddress($"http://127.0.0.1:{FreePort.Next()}");
        var client = new RuntimeTest.RuntimeTestClient(channel);

        (await Should.ThrowAsync<RpcException>(client.EchoAsync(new EchoRequest()).ResponseAsync.WaitAsync(Bound))).StatusCode.ShouldBe(StatusCode.Unavailable);

        using var serverStreaming = client.CountUp(new CountRequest { Count = 1 });
        (await Should.ThrowAsync<RpcException>(serverStreaming.ResponseStream.MoveNext(CancellationToken.None).WaitAsync(Bound))).StatusCode.ShouldBe(StatusCode.Unavailable);

        using var clientStreaming = client.Concatenate();
        (await Should.ThrowAsync<RpcException>(clientStreaming.ResponseAsync.WaitAsync(Bound))).StatusCode.ShouldBe(StatusCode.Unavailable);
        (await Should.ThrowAsync<RpcException>(clientStreaming.RequestStream.WriteAsync(new EchoRequest()).WaitAsync(Bound))).StatusCode.ShouldBe(StatusCode.Unavailable);

        using var duplex = client.Chat();
        (await Should.ThrowAsync<RpcException>(duplex.ResponseStream.MoveNext(CancellationToken.None).WaitAsync(Bound))).StatusCode.ShouldBe(StatusCode.Unavailable);
        (await Should.ThrowAsync<RpcException>(duplex.ResponseHeadersAsync.WaitAsync(Bound))).StatusCode.ShouldBe(StatusCode.Unavailable);
        duplex.GetStatus().DebugException.ShouldNotBeNull();
    }

    [Fact]
    public async Task Calls_work_over_tls_with_alpn_h2_and_the_server_certificate_is_checked()
    {
        var handler = new SocketsHttpHandler();
        handler.SslOptions.RemoteCertificateValidationCallback = (_, certificate, _, _) =>
            certificate is not null && certificate.GetCertHashString() == host.Certificate.GetCertHashString();
        using var channel = GrpcChannel.ForAddress(host.TlsAddress, new GrpcChannelOptions { HttpHandler = handler, DisposeHttpClient = true });
        var client = new RuntimeTest.RuntimeTestClient(channel);

        (await client.EchoAsync(new EchoRequest { Text = "secure", ReplySize = 100_000 }).ResponseAsync.WaitAsync(Bound)).Payload.Length.ShouldBe(100_000);
        using var call = client.Chat();
        await call.RequestStream.WriteAsync(new EchoRequest { Text = "duplex" });
        (await call.ResponseStream.MoveNext(CancellationToken.None).WaitAsync(Bound)).ShouldBeTrue();
        call.ResponseStream.Current.Text.ShouldBe("duplex");
        await call.RequestStream.CompleteAsync();
        (await call.ResponseStream.MoveNext(CancellationToken.None).WaitAsync(Bound)).ShouldBeFalse();
    }

    [Fact]
    public async Task An_untrusted_server_certificate_fails_the_call_unavailable()
    {
        using var channel = GrpcChannel.ForAddress(host.TlsAddress);

        var failure = await Should.ThrowAsync<RpcException>(new RuntimeTest.RuntimeTestClient(channel).EchoAsync(new EchoRequest()).ResponseAsync.WaitAsync(Bound));

        failure.StatusCode.ShouldBe(StatusCode.Unavailable, failure.Status.Detail);
    }

    [Fact]
    public async Task An_HttpClient_transport_streams_responses_without_buffering_them()
    {
        using var http = new HttpClient();
        using var channel = GrpcChannel.ForAddress(host.Address, new GrpcChannelOptions { HttpClient = http });
        using var call = new RuntimeTest.RuntimeTestClient(channel).Chat();

        await call.RequestStream.WriteAsync(new EchoRequest { Text = "first" });
        (await call.ResponseStream.MoveNext(CancellationToken.None).WaitAsync(Bound)).ShouldBeTrue("the reply arrives while the request is still open");
        call.ResponseStream.Current.Text.ShouldBe("first");
        await call.RequestStream.CompleteAsync();

        (await call.ResponseStream.MoveNext(CancellationToken.None).WaitAsync(Bound)).ShouldBeFalse();
        call.GetStatus().StatusCode.ShouldBe(StatusCode.OK);
    }

    [Fact]
    public async Task Many_concurrent_calls_share_one_channel()
    {
        using var channel = GrpcChannel.ForAddress(host.Address);
        var client = new RuntimeTest.RuntimeTestClient(channel);

        var unary = Enumerable.Range(0, 200).Select(async i => (await client.EchoAsync(new EchoRequest { Text = $"{i}", ReplySize = i })).Payload.Length == i);
        var streams = Enumerable.Range(0, 20).Select(async i =>
        {
            using var call = client.CountUp(new CountRequest { Count = 3 });
            var texts = new List<string>();
            while (await call.ResponseStream.MoveNext(CancellationToken.None))
            {
                texts.Add(call.ResponseStream.Current.Text);
            }

            return texts.SequenceEqual(["1", "2", "3"]);
        });
        var results = await Task.WhenAll(unary.Concat(streams)).WaitAsync(TimeSpan.FromSeconds(20));

        results.ShouldAllBe(ok => ok);
    }
}
