using Google.Protobuf;
using System.Diagnostics;
using Grpc.Core;
using Krakow.Grpc.Tests.Runtime.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Shouldly;

namespace Krakow.Grpc.Tests.Runtime;

/// <summary>MaxReceiveMessageSize and MaxSendMessageSize, globally and per service.</summary>
public sealed class MessageSizeTests(RuntimeHostFixture fixture) : IClassFixture<RuntimeHostFixture>
{
    private const int FourMiB = 4 * 1024 * 1024;

    private RuntimeHost Host => fixture.Host;

    [Fact]
    public async Task A_request_message_of_exactly_four_mebibytes_is_accepted_by_default()
    {
        var message = new EchoRequest { Text = new string('a', FourMiB - 5) }.ToByteArray();
        message.Length.ShouldBe(FourMiB);

        var response = await Host.Client.UnaryAsync(Methods.Echo, GrpcFrames.Frame(message));

        response.ShouldBeOk();
    }

    [Fact]
    public async Task A_request_message_declaring_one_byte_over_four_mebibytes_is_refused_without_waiting_for_it()
    {
        var probe = CallProbes.NewId();
        using var content = new StreamingContent();
        var request = Host.Client.Request(Methods.Echo, content);
        request.Headers.Add(CallProbes.Header, probe);
        var clock = Stopwatch.StartNew();

        var call = Host.Client.SendAsync(request);
        await content.WriteAsync(GrpcFrames.Concat(GrpcFrames.Header(GrpcFrames.Uncompressed, FourMiB + 1), new byte[100]));

        // The rest of the body is never sent: the server must decide on the declared length alone.
        var response = await call.WaitAsync(TimeSpan.FromSeconds(10));
        response.ShouldHaveStatus(StatusCode.ResourceExhausted, "Received message exceeds the maximum configured message size.");
        response.IsTrailersOnly.ShouldBeTrue(response.Describe());
        clock.Elapsed.ShouldBeLessThan(TimeSpan.FromSeconds(10));
        Host.Probes.HasStarted(probe).ShouldBeFalse();
        await Host.ShouldStillServeAsync();
    }

    [Fact]
    public async Task A_message_length_near_four_gibibytes_is_refused_as_too_large()
    {
        var response = await Host.Client.UnaryAsync(Methods.Echo, GrpcFrames.Header(GrpcFrames.Uncompressed, uint.MaxValue));

        response.ShouldHaveStatus(StatusCode.ResourceExhausted, "Received message exceeds the maximum configured message size.");
    }

    [Fact]
    public async Task A_too_large_message_in_a_client_stream_is_refused_after_the_smaller_ones()
    {
        var body = GrpcFrames.Concat(
            GrpcFrames.Frame(new EchoRequest { Text = "small" }),
            GrpcFrames.Header(GrpcFrames.Uncompressed, FourMiB + 1));

        var response = await Host.Client.UnaryAsync(Methods.Concatenate, body);

        response.ShouldHaveStatus(StatusCode.ResourceExhausted, "Received message exceeds the maximum configured message size.");
    }

    [Fact]
    public async Task A_response_larger_than_max_send_message_size_is_refused_with_resource_exhausted()
    {
        await using var host = await RuntimeHost.StartAsync(o => o.Grpc = grpc => grpc.MaxSendMessageSize = 1024);

        var response = await host.Client.UnaryAsync(Methods.Echo, new EchoRequest { ReplySize = 2048 });

        response.ShouldHaveStatus(StatusCode.ResourceExhausted, "Sending message exceeds the maximum configured message size.");
        response.Body.ShouldBeEmpty("no part of the oversized message is sent");
        await host.ShouldStillServeAsync();
    }

    [Fact]
    public async Task A_response_within_max_send_message_size_is_sent()
    {
        await using var host = await RuntimeHost.StartAsync(o => o.Grpc = grpc => grpc.MaxSendMessageSize = 1024);

        var response = await host.Client.UnaryAsync(Methods.Echo, new EchoRequest { ReplySize = 512 });

        response.ShouldBeOk();
        response.SingleMessage(EchoReply.Parser).Payload.Length.ShouldBe(512);
    }

    [Fact]
    public async Task A_null_max_receive_message_size_accepts_messages_over_four_mebibytes()
    {
        await using var host = await RuntimeHost.StartAsync(o => o.Grpc = grpc => grpc.MaxReceiveMessageSize = null);

        var response = await host.Client.UnaryAsync(Methods.Echo, new EchoRequest { Text = new string('b', FourMiB + 10) });

        response.ShouldBeOk();
    }

    [Fact]
    public async Task Service_options_override_the_global_limit_for_that_service_only()
    {
        await using var host = await RuntimeHost.StartAsync(o =>
        {
            o.Grpc = grpc => grpc.MaxReceiveMessageSize = 100;
            o.GrpcServer = server => server.AddServiceOptions<SecondTestService>(service => service.MaxReceiveMessageSize = 10_000);
        });
        var request = new EchoRequest { Text = new string('c', 1000) };

        var runtimeTest = await host.Client.UnaryAsync(Methods.Echo, request);
        var secondTest = await host.Client.UnaryAsync(Methods.SecondEcho, request);

        runtimeTest.ShouldHaveStatus(StatusCode.ResourceExhausted, "Received message exceeds the maximum configured message size.");
        secondTest.ShouldBeOk();
    }

    [Fact]
    public async Task Service_options_start_from_the_global_options()
    {
        await using var host = await RuntimeHost.StartAsync(o =>
        {
            o.Grpc = grpc =>
            {
                grpc.MaxSendMessageSize = 100;
                grpc.EnableDetailedErrors = true;
            };
            o.GrpcServer = server => server.AddServiceOptions<SecondTestService>(service => service.MaxReceiveMessageSize = 10_000);
        });

        var tooLarge = await host.Client.UnaryAsync(Methods.SecondEcho, new EchoRequest { ReplySize = 200 });
        var thrown = await host.Client.UnaryAsync(Methods.SecondEcho, new EchoRequest { ThrowMessage = "inherited" });

        tooLarge.ShouldHaveStatus(StatusCode.ResourceExhausted, "Sending message exceeds the maximum configured message size.");
        thrown.ShouldHaveStatus(StatusCode.Unknown, "Exception was thrown by handler. InvalidOperationException: inherited");
    }
}
