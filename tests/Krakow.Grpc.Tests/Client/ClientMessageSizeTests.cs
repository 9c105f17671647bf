using Grpc.Core;
using Grpc.Net.Client;
using Krakow.Grpc.Tests.Client.Infrastructure;
using Krakow.Grpc.Tests.Runtime;
using Shouldly;

namespace Krakow.Grpc.Tests.Client;

/// <summary>MaxSendMessageSize and MaxReceiveMessageSize against a real server.</summary>
public sealed class ClientMessageSizeTests(ClientTestHost host) : IClassFixture<ClientTestHost>
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(10);

    [Fact]
    public async Task A_unary_request_over_the_send_limit_fails_resource_exhausted_and_no_byte_of_it_is_sent()
    {
        var wire = new WireRecorder(new SocketsHttpHandler());
        using var channel = GrpcChannel.ForAddress(host.Address, new GrpcChannelOptions { HttpHandler = wire, DisposeHttpClient = true, MaxSendMessageSize = 100 });
        var client = new RuntimeTest.RuntimeTestClient(channel);

        var failure = await Should.ThrowAsync<RpcException>(client.EchoAsync(new EchoRequest { Text = new string('x', 1000) }).ResponseAsync.WaitAsync(Bound));

        failure.StatusCode.ShouldBe(StatusCode.ResourceExhausted, failure.Status.Detail);
        wire.Last.RequestBodyBytes.ShouldBe(0);
        (await client.EchoAsync(new EchoRequest { Text = "small" })).Text.ShouldBe("small", "messages under the limit still go");
        wire.Last.RequestFrames.Single().Length.ShouldBeLessThanOrEqualTo(100u);
    }

    [Fact]
    public async Task A_streamed_request_over_the_send_limit_fails_its_write_and_the_call()
    {
        using var channel = GrpcChannel.ForAddress(host.Address, new GrpcChannelOptions { MaxSendMessageSize = 100 });
        using var call = new RuntimeTest.RuntimeTestClient(channel).Concatenate();
        await call.RequestStream.WriteAsync(new EchoRequest { Text = "fits" });

        var failure = await Should.ThrowAsync<RpcException>(call.RequestStream.WriteAsync(new EchoRequest { Text = new string('x', 1000) }).WaitAsync(Bound));

        failure.StatusCode.ShouldBe(StatusCode.ResourceExhausted, failure.Status.Detail);
        (await Should.ThrowAsync<RpcException>(call.ResponseAsync.WaitAsync(Bound))).StatusCode.ShouldBe(StatusCode.ResourceExhausted);
    }

    [Fact]
    public async Task A_response_over_the_receive_limit_fails_resource_exhausted_and_smaller_ones_pass()
    {
        using var channel = GrpcChannel.ForAddress(host.Address, new GrpcChannelOptions { MaxReceiveMessageSize = 1000 });
        var client = new RuntimeTest.RuntimeTestClient(channel);

        var failure = await Should.ThrowAsync<RpcException>(client.EchoAsync(new EchoRequest { ReplySize = 2000 }).ResponseAsync.WaitAsync(Bound));

        failure.StatusCode.ShouldBe(StatusCode.ResourceExhausted, failure.Status.Detail);
        (await client.EchoAsync(new EchoRequest { ReplySize = 500 })).Payload.Length.ShouldBe(500);
    }

    [Fact]
    public async Task The_default_receive_limit_is_4_MiB_and_null_lifts_it()
    {
        const int FiveMiB = 5 * 1024 * 1024;
        using var limited = GrpcChannel.ForAddress(host.Address);
        using var unlimited = GrpcChannel.ForAddress(host.Address, new GrpcChannelOptions { MaxReceiveMessageSize = null });

        var failure = await Should.ThrowAsync<RpcException>(new RuntimeTest.RuntimeTestClient(limited).EchoAsync(new EchoRequest { ReplySize = FiveMiB }).ResponseAsync.WaitAsync(Bound));
        var reply = await new RuntimeTest.RuntimeTestClient(unlimited).EchoAsync(new EchoRequest { ReplySize = FiveMiB }).ResponseAsync.WaitAsync(Bound);

        failure.StatusCode.ShouldBe(StatusCode.ResourceExhausted, failure.Status.Detail);
        reply.Payload.Length.ShouldBe(FiveMiB);
    }

    [Fact]
    public async Task A_compressed_response_is_held_to_the_receive_limit_by_its_decompressed_size()
    {
        var wire = new WireRecorder(new SocketsHttpHandler());
        using var channel = GrpcChannel.ForAddress(host.Address, new GrpcChannelOptions { HttpHandler = wire, DisposeHttpClient = true, MaxReceiveMessageSize = 10_000 });
        var client = new RuntimeTest.RuntimeTestClient(channel);
        var compress = new Metadata { { "x-compress-replies", "1" } };

        var failure = await Should.ThrowAsync<RpcException>(client.EchoAsync(new EchoRequest { ReplySize = 1_000_000 }, compress).ResponseAsync.WaitAsync(Bound));

        failure.StatusCode.ShouldBe(StatusCode.ResourceExhausted, failure.Status.Detail);
        var frame = wire.Last.ResponseFrames.Single();
        frame.Compressed.ShouldBeTrue(wire.Last.ToString());
        frame.Length.ShouldBeLessThan(10_000u, "on the wire it fits; inflated it does not");
    }

    [Fact]
    public async Task A_streamed_response_over_the_receive_limit_ends_the_stream_after_the_messages_that_fit()
    {
        using var channel = GrpcChannel.ForAddress(host.Address, new GrpcChannelOptions { MaxReceiveMessageSize = 1000 });
        using var call = new RuntimeTest.RuntimeTestClient(channel).Chat();
        await call.RequestStream.WriteAsync(new EchoRequest { Text = "small", ReplySize = 10 });
        (await call.ResponseStream.MoveNext(CancellationToken.None).WaitAsync(Bound)).ShouldBeTrue();
        call.ResponseStream.Current.Payload.Length.ShouldBe(10);

        await call.RequestStream.WriteAsync(new EchoRequest { Text = "big", ReplySize = 5000 });
        var failure = await Should.ThrowAsync<RpcException>(call.ResponseStream.MoveNext(CancellationToken.None).WaitAsync(Bound));

        failure.StatusCode.ShouldBe(StatusCode.ResourceExhausted, failure.Status.Detail);
        call.GetStatus().StatusCode.ShouldBe(StatusCode.ResourceExhausted);
    }

    [Fact]
    public async Task Request_messages_go_gzip_compressed_to_a_real_server_and_arrive_intact()
    {
        var wire = new WireRecorder(new SocketsHttpHandler());
        using var channel = GrpcChannel.ForAddress(host.Address, new GrpcChannelOptions { HttpHandler = wire, DisposeHttpClient = true });
        var text = new string('z', 100_000);

        var reply = await new RuntimeTest.RuntimeTestClient(channel).EchoAsync(new EchoRequest { Text = text }, new Metadata { { "grpc-internal-encoding-request", "gzip" } });

        reply.Text.ShouldBe(text);
        wire.Last.RequestFrames.Single().Compressed.ShouldBeTrue();
        wire.Last.RequestBodyBytes.ShouldBeLessThan(2_000);
    }
}
