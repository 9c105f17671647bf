using Krakow.Grpc.Tests.Runtime.Infrastructure;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Shouldly;

namespace Krakow.Grpc.Tests.Runtime;

/// <summary>
/// Kestrel's per-request body limits are made for request/response HTTP, not for long-lived gRPC streams: a gRPC
/// request body is bounded per message (MaxReceiveMessageSize), and a streaming client may pause as long as it likes.
/// grpc-dotnet lifts both limits for gRPC requests; so must this runtime.
/// </summary>
public sealed class KestrelLimitTests
{
    [Fact]
    public async Task A_client_stream_may_send_more_in_total_than_kestrels_max_request_body_size()
    {
        await using var host = await RuntimeHost.StartAsync(o => o.Kestrel = kestrel => kestrel.Limits.MaxRequestBodySize = 100_000);
        var message = GrpcFrames.Frame(new EchoRequest { Text = new string('x', 40_000) });

        var response = await host.Client.UnaryAsync(Methods.Concatenate, GrpcFrames.Concat(message, message, message, message));

        response.ShouldBeOk();
        response.SingleMessage(EchoReply.Parser).Text.Length.ShouldBe(160_000);
    }

    [Fact]
    public async Task A_duplex_stream_may_stay_idle_longer_than_kestrels_minimum_request_data_rate_allows()
    {
        await using var host = await RuntimeHost.StartAsync(o => o.Kestrel = kestrel =>
            kestrel.Limits.MinRequestBodyDataRate = new MinDataRate(bytesPerSecond: 1000, gracePeriod: TimeSpan.FromSeconds(1.5)));
        using var content = new StreamingContent();
        var responseTask = host.Client.StartAsync(host.Client.Request(Methods.Chat, content));
        await content.WriteAsync(GrpcFrames.Frame(new EchoRequest { Text = "before the pause" }));
        using var response = await responseTask.WaitAsync(TimeSpan.FromSeconds(10));
        await using var body = await response.Content.ReadAsStreamAsync();
        (await GrpcFrames.ReadFrameAsync(body).WaitAsync(TimeSpan.FromSeconds(10))).ShouldNotBeNull();

        // A chat client thinking: the handler waits in MoveNext while nothing arrives, well past the grace period.
        await Task.Delay(TimeSpan.FromSeconds(4));
        await content.WriteAsync(GrpcFrames.Frame(new EchoRequest { Text = "after the pause" }));

        var frame = await GrpcFrames.ReadFrameAsync(body).WaitAsync(TimeSpan.FromSeconds(10));
        EchoReply.Parser.ParseFrom(frame!.Payload).Text.ShouldBe("after the pause");
        content.Complete();
        (await GrpcFrames.ReadFrameAsync(body).WaitAsync(TimeSpan.FromSeconds(10))).ShouldBeNull();
        response.TrailingHeaders.GetValues("grpc-status").ShouldBe(["0"]);
    }
}
