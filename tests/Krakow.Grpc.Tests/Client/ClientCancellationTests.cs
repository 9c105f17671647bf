using Grpc.Core;
using Grpc.Net.Client;
using Krakow.Grpc.Tests.Client.Infrastructure;
using Krakow.Grpc.Tests.Runtime;
using Shouldly;

namespace Krakow.Grpc.Tests.Client;

/// <summary>Cancellation by token, by a read's token and by Dispose, each seen by a real server's handler.</summary>
public sealed class ClientCancellationTests(ClientTestHost host) : IClassFixture<ClientTestHost>
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(10);

    [Fact]
    public async Task Cancelling_a_unary_calls_token_ends_it_cancelled_and_the_server_sees_it()
    {
        var id = ServerObservations.NewCallId();
        var observed = host.Observations[id];
        using var channel = GrpcChannel.ForAddress(host.Address);
        using var cancellation = new CancellationTokenSource();
        using var call = new RuntimeTest.RuntimeTestClient(channel).EchoAsync(new EchoRequest { DelayMs = 60_000 }, ServerObservations.Headers(id), cancellationToken: cancellation.Token);
        await observed.Started.WaitAsync(Bound);

        await cancellation.CancelAsync();

        var failure = await Should.ThrowAsync<RpcException>(call.ResponseAsync.WaitAsync(Bound));
        failure.StatusCode.ShouldBe(StatusCode.Cancelled, failure.Status.Detail);
        call.GetStatus().StatusCode.ShouldBe(StatusCode.Cancelled);
        await observed.Cancelled.WaitAsync(Bound);
    }

    [Fact]
    public async Task Cancelling_a_server_stream_mid_stream_ends_it_cancelled_and_the_server_sees_it()
    {
        var id = ServerObservations.NewCallId();
        using var channel = GrpcChannel.ForAddress(host.Address);
        using var cancellation = new CancellationTokenSource();
        using var call = new RuntimeTest.RuntimeTestClient(channel).CountUp(new CountRequest { Count = 2 }, ServerObservations.Headers(id, ("x-hold-open", "1")), cancellationToken: cancellation.Token);
        (await call.ResponseStream.MoveNext(CancellationToken.None).WaitAsync(Bound)).ShouldBeTrue();

        await cancellation.CancelAsync();

        // A message already received may still be handed out; the stream then ends cancelled.
        var failure = await Should.ThrowAsync<RpcException>(ReadToEndAsync(call.ResponseStream).WaitAsync(Bound));
        failure.StatusCode.ShouldBe(StatusCode.Cancelled, failure.Status.Detail);
        await host.Observations[id].Cancelled.WaitAsync(Bound);
    }

    [Fact]
    public async Task Cancelling_the_token_of_a_read_cancels_the_whole_call()
    {
        var id = ServerObservations.NewCallId();
        using var channel = GrpcChannel.ForAddress(host.Address);
        using var call = new RuntimeTest.RuntimeTestClient(channel).CountUp(new CountRequest { Count = 0 }, ServerObservations.Headers(id, ("x-hold-open", "1")));
        await host.Observations[id].Started.WaitAsync(Bound);
        using var readCancellation = new CancellationTokenSource();

        var read = call.ResponseStream.MoveNext(readCancellation.Token);
        await readCancellation.CancelAsync();

        (await Should.ThrowAsync<RpcException>(read.WaitAsync(Bound))).StatusCode.ShouldBe(StatusCode.Cancelled);
        call.GetStatus().StatusCode.ShouldBe(StatusCode.Cancelled);
        await host.Observations[id].Cancelled.WaitAsync(Bound);
    }

    [Fact]
    public async Task Disposing_a_duplex_call_cancels_it_and_the_server_sees_it()
    {
        var id = ServerObservations.NewCallId();
        using var channel = GrpcChannel.ForAddress(host.Address);
        var call = new RuntimeTest.RuntimeTestClient(channel).Chat(ServerObservations.Headers(id));
        await call.RequestStream.WriteAsync(new EchoRequest { Text = "ping" });
        (await call.ResponseStream.MoveNext(CancellationToken.None).WaitAsync(Bound)).ShouldBeTrue();
        call.ResponseStream.Current.Text.ShouldBe("ping");

        call.Dispose();

        await host.Observations[id].Cancelled.WaitAsync(Bound);
        call.GetStatus().StatusCode.ShouldBe(StatusCode.Cancelled);
        (await Should.ThrowAsync<RpcException>(call.ResponseStream.MoveNext(CancellationToken.None))).StatusCode.ShouldBe(StatusCode.Cancelled);
        (await Should.ThrowAsync<RpcException>(call.RequestStream.WriteAsync(new EchoRequest()))).StatusCode.ShouldBe(StatusCode.Cancelled);
    }

    [Fact]
    public async Task Disposing_a_unary_call_in_flight_cancels_it_and_the_server_sees_it()
    {
        var id = ServerObservations.NewCallId();
        using var channel = GrpcChannel.ForAddress(host.Address);
        var call = new RuntimeTest.RuntimeTestClient(channel).EchoAsync(new EchoRequest { DelayMs = 60_000 }, ServerObservations.Headers(id));
        await host.Observations[id].Started.WaitAsync(Bound);

        call.Dispose();

        (await Should.ThrowAsync<RpcException>(call.ResponseAsync.WaitAsync(Bound))).StatusCode.ShouldBe(StatusCode.Cancelled);
        await host.Observations[id].Cancelled.WaitAsync(Bound);
    }

    [Fact]
    public async Task Disposing_a_client_stream_before_completing_it_cancels_it_and_the_server_sees_it()
    {
        var id = ServerObservations.NewCallId();
        using var channel = GrpcChannel.ForAddress(host.Address);
        var call = new RuntimeTest.RuntimeTestClient(channel).Concatenate(ServerObservations.Headers(id));
        await call.RequestStream.WriteAsync(new EchoRequest { Text = "a" });
        await host.Observations[id].Started.WaitAsync(Bound);

        call.Dispose();

        (await Should.ThrowAsync<RpcException>(call.ResponseAsync.WaitAsync(Bound))).StatusCode.ShouldBe(StatusCode.Cancelled);
        await host.Observations[id].Cancelled.WaitAsync(Bound);
    }

    [Fact]
    public async Task A_token_cancelled_before_the_call_starts_fails_it_cancelled()
    {
        using var channel = GrpcChannel.ForAddress(host.Address);

        var failure = await Should.ThrowAsync<RpcException>(async () =>
            await new RuntimeTest.RuntimeTestClient(channel).EchoAsync(new EchoRequest(), cancellationToken: new CancellationToken(canceled: true)));

        failure.StatusCode.ShouldBe(StatusCode.Cancelled);
    }

    [Fact]
    public async Task ThrowOperationCanceledOnCancellation_throws_OperationCanceledException_for_the_token_and_keeps_the_status_readable()
    {
        var id = ServerObservations.NewCallId();
        using var channel = GrpcChannel.ForAddress(host.Address, new GrpcChannelOptions { ThrowOperationCanceledOnCancellation = true });
        using var cancellation = new CancellationTokenSource();
        using var call = new RuntimeTest.RuntimeTestClient(channel).EchoAsync(new EchoRequest { DelayMs = 60_000 }, ServerObservations.Headers(id), cancellationToken: cancellation.Token);
        await host.Observations[id].Started.WaitAsync(Bound);

        await cancellation.CancelAsync();

        var failure = await Should.ThrowAsync<OperationCanceledException>(call.ResponseAsync.WaitAsync(Bound));
        failure.CancellationToken.ShouldBe(cancellation.Token);
        call.GetStatus().StatusCode.ShouldBe(StatusCode.Cancelled);
        await host.Observations[id].Cancelled.WaitAsync(Bound);
    }

    [Fact]
    public async Task ThrowOperationCanceledOnCancellation_throws_OperationCanceledException_for_a_client_side_deadline()
    {
        using var channel = GrpcChannel.ForAddress(host.Address, new GrpcChannelOptions { ThrowOperationCanceledOnCancellation = true });
        using var call = new RuntimeTest.RuntimeTestClient(channel).CountUp(new CountRequest(), ServerObservations.Headers(ServerObservations.NewCallId(), ("x-hold-open", "1")), deadline: DateTime.UtcNow.AddMilliseconds(200));

        await Should.ThrowAsync<OperationCanceledException>(call.ResponseStream.MoveNext(CancellationToken.None).WaitAsync(Bound));

        call.GetStatus().StatusCode.ShouldBe(StatusCode.DeadlineExceeded);
    }

    [Fact]
    public async Task ThrowOperationCanceledOnCancellation_leaves_errors_from_the_server_as_RpcException()
    {
        using var channel = GrpcChannel.ForAddress(host.Address, new GrpcChannelOptions { ThrowOperationCanceledOnCancellation = true });

        var failure = await Should.ThrowAsync<RpcException>(async () =>
            await new RuntimeTest.RuntimeTestClient(channel).EchoAsync(new EchoRequest { ThrowMessage = "refused" }));

        failure.Status.ShouldBe(new Status(StatusCode.FailedPrecondition, "refused"));
    }

    private static async Task ReadToEndAsync<T>(IAsyncStreamReader<T> stream)
    {
        while (await stream.MoveNext(CancellationToken.None))
        {
        }
    }
}
