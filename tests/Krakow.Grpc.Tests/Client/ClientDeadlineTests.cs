using System.Diagnostics;
using Grpc.Core;
using Grpc.Net.Client;
using Krakow.Grpc.Tests.Client.Infrastructure;
using Krakow.Grpc.Tests.Runtime;
using Shouldly;

namespace Krakow.Grpc.Tests.Client;

/// <summary>Deadlines against a real server: sent as grpc-timeout, and enforced by the client even when nobody else does.</summary>
public sealed class ClientDeadlineTests(ClientTestHost host) : IClassFixture<ClientTestHost>
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(10);

    [Fact]
    public async Task The_client_ends_the_call_at_its_deadline_when_the_server_never_hears_of_it_and_ignores_cancellation()
    {
        var id = ServerObservations.NewCallId();
        var observed = host.Observations[id];
        var wire = new WireRecorder(new SocketsHttpHandler()) { OnRequest = request => request.Headers.Remove("grpc-timeout") };
        using var channel = GrpcChannel.ForAddress(host.Address, new GrpcChannelOptions { HttpHandler = wire, DisposeHttpClient = true });
        var client = await WarmAsync(channel);
        try
        {
            var clock = Stopwatch.StartNew();
            using var call = client.EchoAsync(new EchoRequest { Text = "never answered in time" }, ServerObservations.Headers(id, ("x-ignore-cancellation", "1")), deadline: DateTime.UtcNow.AddMilliseconds(500));

            var failure = await Should.ThrowAsync<RpcException>(call.ResponseAsync.WaitAsync(Bound));

            failure.StatusCode.ShouldBe(StatusCode.DeadlineExceeded, failure.Status.Detail);
            call.GetStatus().StatusCode.ShouldBe(StatusCode.DeadlineExceeded);
            clock.Elapsed.ShouldBeLessThan(Bound);
            await observed.Started.WaitAsync(Bound);
            observed.Deadline.ShouldBe(DateTime.MaxValue, "the grpc-timeout header was stripped on the way");
            wire.Last.RequestHeader("grpc-timeout").ShouldBeNull();

            // The client reset the stream, so the server's token fires even though the handler never looks at it.
            await observed.Cancelled.WaitAsync(Bound);
            (await Should.ThrowAsync<RpcException>(() => call.ResponseHeadersAsync)).StatusCode.ShouldBe(StatusCode.DeadlineExceeded);
        }
        finally
        {
            observed.Release();
        }
    }

    [Fact]
    public async Task A_deadline_ends_a_server_stream_between_messages()
    {
        var id = ServerObservations.NewCallId();
        var wire = new WireRecorder(new SocketsHttpHandler()) { OnRequest = request => request.Headers.Remove("grpc-timeout") };
        using var channel = GrpcChannel.ForAddress(host.Address, new GrpcChannelOptions { HttpHandler = wire, DisposeHttpClient = true });
        var client = await WarmAsync(channel);
        using var call = client.CountUp(new CountRequest { Count = 1 }, ServerObservations.Headers(id, ("x-hold-open", "1")), deadline: DateTime.UtcNow.AddSeconds(1));

        (await call.ResponseStream.MoveNext(CancellationToken.None).WaitAsync(Bound)).ShouldBeTrue();
        call.ResponseStream.Current.Text.ShouldBe("1");
        var failure = await Should.ThrowAsync<RpcException>(call.ResponseStream.MoveNext(CancellationToken.None).WaitAsync(Bound));

        failure.StatusCode.ShouldBe(StatusCode.DeadlineExceeded, failure.Status.Detail);
        await host.Observations[id].Cancelled.WaitAsync(Bound);
    }

    [Fact]
    public async Task A_deadline_ends_a_duplex_call_and_later_writes_report_it()
    {
        using var channel = GrpcChannel.ForAddress(host.Address);
        var client = await WarmAsync(channel);
        using var call = client.Chat(deadline: DateTime.UtcNow.AddSeconds(1));
        await call.RequestStream.WriteAsync(new EchoRequest { Text = "a" });
        (await call.ResponseStream.MoveNext(CancellationToken.None).WaitAsync(Bound)).ShouldBeTrue();

        var failure = await Should.ThrowAsync<RpcException>(call.ResponseStream.MoveNext(CancellationToken.None).WaitAsync(Bound));

        failure.StatusCode.ShouldBe(StatusCode.DeadlineExceeded);
        (await Should.ThrowAsync<RpcException>(call.RequestStream.WriteAsync(new EchoRequest { Text = "b" }))).StatusCode.ShouldBe(StatusCode.DeadlineExceeded);
    }

    [Fact]
    public async Task The_server_receives_the_deadline_as_its_context_deadline()
    {
        var id = ServerObservations.NewCallId();
        using var channel = GrpcChannel.ForAddress(host.Address);
        var deadline = DateTime.UtcNow.AddSeconds(30);

        await new RuntimeTest.RuntimeTestClient(channel).EchoAsync(new EchoRequest { Text = "x" }, ServerObservations.Headers(id), deadline: deadline);

        host.Observations[id].Deadline.ShouldBeInRange(deadline.AddSeconds(-5), deadline.AddSeconds(1));
    }

    [Fact]
    public async Task A_call_that_completes_before_its_deadline_stays_ok_after_the_deadline_passes()
    {
        using var channel = GrpcChannel.ForAddress(host.Address);
        var client = await WarmAsync(channel);
        using var call = client.EchoAsync(new EchoRequest { Text = "quick" }, deadline: DateTime.UtcNow.AddMilliseconds(300));

        (await call.ResponseAsync.WaitAsync(Bound)).Text.ShouldBe("quick");
        await Task.Delay(500);

        call.GetStatus().StatusCode.ShouldBe(StatusCode.OK);
    }

    /// <summary>A client whose connection is open and whose code paths have run once, so a short deadline measures the call alone.</summary>
    private static async Task<RuntimeTest.RuntimeTestClient> WarmAsync(GrpcChannel channel)
    {
        var client = new RuntimeTest.RuntimeTestClient(channel);
        await client.EchoAsync(new EchoRequest { Text = "warm-up" }).ResponseAsync.WaitAsync(Bound);
        return client;
    }
}
