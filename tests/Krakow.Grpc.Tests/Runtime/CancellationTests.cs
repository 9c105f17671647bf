using Krakow.Grpc.Tests.Runtime.Infrastructure;
using Shouldly;

namespace Krakow.Grpc.Tests.Runtime;

/// <summary>A client that resets its stream: the handler's CancellationToken fires and the host carries on.</summary>
public sealed class CancellationTests(RuntimeHostFixture fixture) : IClassFixture<RuntimeHostFixture>
{
    private static readonly TimeSpan Generous = TimeSpan.FromSeconds(10);

    private RuntimeHost Host => fixture.Host;

    [Fact]
    public async Task Resetting_the_stream_in_the_middle_of_a_server_stream_cancels_the_handler()
    {
        var probe = CallProbes.NewId();
        var request = Host.Client.Request(Methods.CountUp, GrpcFrames.Frame(new CountRequest { Count = 1, HoldOpen = true }));
        request.Headers.Add(CallProbes.Header, probe);

        using (var response = await Host.Client.StartAsync(request))
        {
            await using var body = await response.Content.ReadAsStreamAsync();
            var first = await GrpcFrames.ReadFrameAsync(body).WaitAsync(Generous);
            EchoReply.Parser.ParseFrom(first!.Payload).Text.ShouldBe("1");

            // Disposing the response before its end sends RST_STREAM(CANCEL).
        }

        await Host.Probes.WhenCancelled(probe).WaitAsync(Generous);
        await Host.ShouldStillServeAsync();
    }

    [Fact]
    public async Task Cancelling_a_unary_call_while_the_handler_works_cancels_the_handler()
    {
        var probe = CallProbes.NewId();
        var request = Host.Client.Request(Methods.Echo, GrpcFrames.Frame(new EchoRequest { DelayMs = 60_000 }));
        request.Headers.Add(CallProbes.Header, probe);
        using var cancel = new CancellationTokenSource();

        var call = Host.Client.SendAsync(request, cancel.Token);
        await Host.Probes.WhenStarted(probe).WaitAsync(Generous);
        await cancel.CancelAsync();

        await Should.ThrowAsync<OperationCanceledException>(call);
        await Host.Probes.WhenCancelled(probe).WaitAsync(Generous);
        await Host.ShouldStillServeAsync();
    }

    [Fact]
    public async Task Resetting_a_client_stream_while_the_handler_reads_cancels_the_handler()
    {
        var probe = CallProbes.NewId();
        using var content = new StreamingContent();
        var request = Host.Client.Request(Methods.Concatenate, content);
        request.Headers.Add(CallProbes.Header, probe);
        using var cancel = new CancellationTokenSource();

        var call = Host.Client.SendAsync(request, cancel.Token);
        await content.WriteAsync(GrpcFrames.Frame(new EchoRequest { Text = "partial" }));
        await Host.Probes.WhenStarted(probe).WaitAsync(Generous);
        await cancel.CancelAsync();

        await Should.ThrowAsync<OperationCanceledException>(call);
        await Host.Probes.WhenCancelled(probe).WaitAsync(Generous);
        await Host.ShouldStillServeAsync();
    }
}
