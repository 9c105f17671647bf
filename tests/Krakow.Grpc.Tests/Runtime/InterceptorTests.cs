using Grpc.Core;
using Krakow.Grpc.Tests.Runtime.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Shouldly;

namespace Krakow.Grpc.Tests.Runtime;

/// <summary>Server interceptors, global and per service: who sees a call, in which order, and stopping it early.</summary>
public sealed class InterceptorTests : IAsyncLifetime
{
    private const string EchoMethod = Methods.Echo;

    private RuntimeHost host = null!;

    public async Task InitializeAsync() => host = await RuntimeHost.StartAsync(o =>
    {
        o.Grpc = grpc =>
        {
            grpc.Interceptors.Add<RecordingInterceptor>("outer");
            grpc.Interceptors.Add<RecordingInterceptor>("inner");
        };
        o.GrpcServer = server => server.AddServiceOptions<RuntimeTestService>(service => service.Interceptors.Add<RecordingInterceptor>("service"));
    });

    public async Task DisposeAsync() => await host.DisposeAsync();

    [Fact]
    public async Task Global_interceptors_then_service_interceptors_see_the_call_first_registered_outermost()
    {
        var probe = CallProbes.NewId();

        var response = await host.Client.UnaryAsync(Methods.Echo, new EchoRequest { Text = "through" }, request => request.Headers.Add(CallProbes.Header, probe));

        response.ShouldBeOk();
        response.SingleMessage(EchoReply.Parser).Text.ShouldBe("through");
        host.Interceptions.For(probe).ShouldBe([$"outer:{EchoMethod}", $"inner:{EchoMethod}", $"service:{EchoMethod}"]);
    }

    [Fact]
    public async Task A_service_interceptor_does_not_see_calls_to_other_services()
    {
        var probe = CallProbes.NewId();

        var response = await host.Client.UnaryAsync(Methods.SecondEcho, new EchoRequest(), request => request.Headers.Add(CallProbes.Header, probe));

        response.ShouldBeOk();
        host.Interceptions.For(probe).ShouldBe(["outer:/krakow.tests.runtime.v1.SecondTest/Echo", "inner:/krakow.tests.runtime.v1.SecondTest/Echo"]);
    }

    [Theory]
    [InlineData(Methods.CountUp)]
    [InlineData(Methods.Concatenate)]
    [InlineData(Methods.Chat)]
    public async Task Interceptors_see_streaming_calls_of_every_kind(string path)
    {
        var probe = CallProbes.NewId();
        var body = path == Methods.CountUp ? GrpcFrames.Frame(new CountRequest { Count = 1 }) : GrpcFrames.Frame(new EchoRequest { Text = "x" });

        var response = await host.Client.UnaryAsync(path, body, request => request.Headers.Add(CallProbes.Header, probe));

        response.ShouldBeOk();
        host.Interceptions.For(probe).ShouldBe([$"outer:{path}", $"inner:{path}", $"service:{path}"]);
    }

    [Fact]
    public async Task An_interceptor_that_throws_stops_the_call_before_inner_interceptors_and_the_handler()
    {
        var probe = CallProbes.NewId();

        var response = await host.Client.UnaryAsync(Methods.Echo, new EchoRequest(), request =>
        {
            request.Headers.Add(CallProbes.Header, probe);
            request.Headers.Add("x-deny", "inner");
        });

        response.ShouldHaveStatus(StatusCode.PermissionDenied, "Denied by inner.");
        response.IsTrailersOnly.ShouldBeTrue(response.Describe());
        host.Interceptions.For(probe).ShouldBe([$"outer:{EchoMethod}", $"inner:{EchoMethod}"]);
        host.Probes.HasStarted(probe).ShouldBeFalse();
    }

    [Fact]
    public async Task An_interceptor_can_answer_a_call_without_the_handler()
    {
        var probe = CallProbes.NewId();

        var response = await host.Client.UnaryAsync(Methods.Echo, new EchoRequest { Text = "ignored" }, request =>
        {
            request.Headers.Add(CallProbes.Header, probe);
            request.Headers.Add("x-answer", "outer");
        });

        response.ShouldBeOk();
        response.SingleMessage(EchoReply.Parser).Text.ShouldBe("answered by outer");
        host.Interceptions.For(probe).ShouldBe([$"outer:{EchoMethod}"]);
        host.Probes.HasStarted(probe).ShouldBeFalse();
    }
}
