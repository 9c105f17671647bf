using System.Diagnostics;
using Grpc.Core;
using Krakow.Grpc.Tests.Runtime.Infrastructure;
using Microsoft.Extensions.Logging;
using Shouldly;

namespace Krakow.Grpc.Tests.Runtime;

/// <summary>The <c>grpc-timeout</c> header: deadlines that fire, and values that break its grammar.</summary>
public sealed class DeadlineTests(RuntimeHostFixture fixture) : IClassFixture<RuntimeHostFixture>
{
    private static readonly TimeSpan Generous = TimeSpan.FromSeconds(10);

    private RuntimeHost Host => fixture.Host;

    [Fact]
    public async Task A_handler_slower_than_the_deadline_is_answered_deadline_exceeded_promptly()
    {
        var probe = CallProbes.NewId();
        var clock = Stopwatch.StartNew();

        var response = await Host.Client.UnaryAsync(Methods.Echo, new EchoRequest { DelayMs = 60_000 }, request =>
        {
            request.Headers.Add("grpc-timeout", "100m");
            request.Headers.Add(CallProbes.Header, probe);
        });

        response.ShouldHaveStatus(StatusCode.DeadlineExceeded, "Deadline Exceeded");
        response.IsTrailersOnly.ShouldBeTrue(response.Describe());
        clock.Elapsed.ShouldBeLessThan(Generous, "the handler waits a minute; the deadline must not");
        await Host.Probes.WhenCancelled(probe).WaitAsync(Generous);
        await Host.ShouldStillServeAsync();
    }

    [Fact]
    public async Task A_deadline_in_the_middle_of_a_server_stream_ends_it_with_deadline_exceeded_in_the_trailers()
    {
        var probe = CallProbes.NewId();

        var response = await Host.Client.UnaryAsync(Methods.CountUp, new CountRequest { Count = 2, HoldOpen = true }, request =>
        {
            request.Headers.Add("grpc-timeout", "200m");
            request.Headers.Add(CallProbes.Header, probe);
        });

        response.ShouldHaveStatus(StatusCode.DeadlineExceeded, "Deadline Exceeded");
        response.Frames.Count.ShouldBe(2);
        response.Trailer("grpc-status").ShouldBe("4");
        await Host.Probes.WhenCancelled(probe).WaitAsync(Generous);
    }

    [Fact]
    public async Task A_deadline_that_fires_while_the_handler_is_writing_ends_the_stream_cleanly()
    {
        // A million messages cannot go out in 30 ms: the deadline lands among the handler's writes.
        var response = await Host.Client.UnaryAsync(Methods.CountUp, new CountRequest { Count = 1_000_000 }, request =>
            request.Headers.Add("grpc-timeout", "30m"));

        response.ShouldHaveStatus(StatusCode.DeadlineExceeded, "Deadline Exceeded");
        response.Frames.ShouldAllBe(f => f.Flag == GrpcFrames.Uncompressed, "every frame is whole");
        Host.Logs.Entries.ShouldNotContain(e => e.Level >= LogLevel.Error, "the handler's failed write is not an application error");
        await Host.ShouldStillServeAsync();
    }

    [Theory]
    [InlineData("")]
    [InlineData("abc")]
    [InlineData("123456789S")]
    [InlineData("10X")]
    [InlineData("-1S")]
    [InlineData("S")]
    [InlineData("1.5S")]
    public async Task A_malformed_grpc_timeout_is_answered_internal(string value)
    {
        var probe = CallProbes.NewId();

        var response = await Host.Client.UnaryAsync(Methods.Echo, new EchoRequest(), request =>
        {
            request.Headers.TryAddWithoutValidation("grpc-timeout", value);
            request.Headers.Add(CallProbes.Header, probe);
        });

        response.ShouldHaveStatus(StatusCode.Internal);
        response.GrpcMessage.ShouldBe($"Malformed grpc-timeout header '{value}'.");
        response.IsTrailersOnly.ShouldBeTrue(response.Describe());
        Host.Probes.HasStarted(probe).ShouldBeFalse("the handler never runs");
    }

    [Theory]
    [InlineData("99999999H")]
    [InlineData("99999999u")]
    [InlineData("1M")]
    [InlineData("30000000u")]
    [InlineData("00000010S")]
    public async Task A_valid_grpc_timeout_longer_than_the_call_lets_it_succeed(string value)
    {
        var response = await Host.Client.UnaryAsync(Methods.Echo, new EchoRequest { Text = value }, request => request.Headers.Add("grpc-timeout", value));

        response.ShouldBeOk();
        response.SingleMessage(EchoReply.Parser).Text.ShouldBe(value);
    }

    [Theory]
    [InlineData("0n")]
    [InlineData("0H")]
    public async Task A_zero_grpc_timeout_is_exceeded_before_the_handler_runs(string value)
    {
        var probe = CallProbes.NewId();

        var response = await Host.Client.UnaryAsync(Methods.Echo, new EchoRequest(), request =>
        {
            request.Headers.Add("grpc-timeout", value);
            request.Headers.Add(CallProbes.Header, probe);
        });

        response.ShouldHaveStatus(StatusCode.DeadlineExceeded, "Deadline Exceeded");
        response.IsTrailersOnly.ShouldBeTrue(response.Describe());
        Host.Probes.HasStarted(probe).ShouldBeFalse();
    }
}
