using Grpc.Core;
using Krakow.Grpc.Tests.Runtime.Infrastructure;
using Microsoft.Extensions.Logging;
using Shouldly;

namespace Krakow.Grpc.Tests.Runtime;

/// <summary>How a call that fails tells the client: Trailers-Only, grpc-message encoding, exceptions, error details.</summary>
public sealed class ErrorStatusTests(RuntimeHostFixture fixture) : IClassFixture<RuntimeHostFixture>
{
    private RuntimeHost Host => fixture.Host;

    [Fact]
    public async Task An_error_before_any_message_is_answered_trailers_only()
    {
        var response = await Host.Client.UnaryAsync(Methods.Echo, new EchoRequest { FailCode = (int)StatusCode.NotFound, FailDetail = "No such thing." });

        response.ShouldHaveStatus(StatusCode.NotFound, "No such thing.");
        response.IsTrailersOnly.ShouldBeTrue(response.Describe());
        response.ContentType.ShouldBe("application/grpc");
    }

    [Fact]
    public async Task An_error_after_messages_were_sent_comes_in_the_trailers()
    {
        using var content = new StreamingContent();
        var responseTask = Host.Client.SendAsync(Host.Client.Request(Methods.Chat, content));
        await content.WriteAsync(GrpcFrames.Frame(new EchoRequest { Text = "fine" }));
        await content.WriteAsync(GrpcFrames.Frame(new EchoRequest { FailCode = (int)StatusCode.Aborted, FailDetail = "Second one failed." }));

        var response = await responseTask.WaitAsync(TimeSpan.FromSeconds(10));

        response.ShouldHaveStatus(StatusCode.Aborted, "Second one failed.");
        response.Header("grpc-status").ShouldBeNull();
        response.Frames.Count.ShouldBe(1);
    }

    [Fact]
    public async Task Grpc_message_is_percent_encoded_so_any_unicode_text_survives()
    {
        const string detail = "Zażółć gęślą jaźń — 100% done\nsecond line 🐉";

        var response = await Host.Client.UnaryAsync(Methods.Echo, new EchoRequest { FailCode = (int)StatusCode.InvalidArgument, FailDetail = detail });

        response.ShouldHaveStatus(StatusCode.InvalidArgument, detail);
        var raw = response.RawGrpcMessage!;
        raw.ShouldAllBe(c => c >= ' ' && c <= '~', "the header value is printable ASCII");
        raw.ShouldStartWith("Za%C5%BC%C3%B3%C5%82%C4%87 g");
        raw.ShouldContain("100%25 done%0Asecond line %F0%9F%90%89");
    }

    [Fact]
    public async Task A_detail_past_1024_characters_is_cut_there_whole_characters_only()
    {
        var detail = new string('x', 1022) + "🐉" + new string('y', 100_000);

        var response = await Host.Client.UnaryAsync(Methods.Echo, new EchoRequest { FailCode = (int)StatusCode.InvalidArgument, FailDetail = detail });

        response.ShouldHaveStatus(StatusCode.InvalidArgument, new string('x', 1022) + "…");
    }

    [Fact]
    public async Task Grpc_message_of_plain_ascii_is_sent_as_it_is()
    {
        var response = await Host.Client.UnaryAsync(Methods.Echo, new EchoRequest { FailCode = (int)StatusCode.InvalidArgument, FailDetail = "Plain (ASCII) text: ok?" });

        response.RawGrpcMessage.ShouldBe("Plain (ASCII) text: ok?");
    }

    [Fact]
    public async Task A_handler_exception_becomes_unknown_without_leaking_its_message()
    {
        var response = await Host.Client.UnaryAsync(Methods.Echo, new EchoRequest { ThrowMessage = "secret connection string" });

        response.ShouldHaveStatus(StatusCode.Unknown, "Exception was thrown by handler.");
        response.Describe().ShouldNotContain("secret");
        response.Describe().ShouldNotContain("InvalidOperationException");
        Host.Logs.Entries.ShouldContain(e => e.Level == LogLevel.Error && e.Exception is InvalidOperationException && e.Exception.Message == "secret connection string");
        await Host.ShouldStillServeAsync();
    }

    [Fact]
    public async Task A_handler_exception_in_a_stream_after_messages_becomes_unknown_in_the_trailers()
    {
        var body = GrpcFrames.Concat(
            GrpcFrames.Frame(new EchoRequest { Text = "one" }),
            GrpcFrames.Frame(new EchoRequest { ThrowMessage = "secret" }));

        var response = await Host.Client.UnaryAsync(Methods.Chat, body);

        response.ShouldHaveStatus(StatusCode.Unknown, "Exception was thrown by handler.");
        response.Frames.Count.ShouldBe(1);
    }

    [Fact]
    public async Task An_rpc_exception_sends_its_status_and_its_trailers_including_status_details()
    {
        var request = new EchoRequest { FailCode = (int)StatusCode.FailedPrecondition, FailDetail = "Not ready.", FailWithDetails = true };

        var response = await Host.Client.UnaryAsync(Methods.Echo, request);

        response.ShouldHaveStatus(StatusCode.FailedPrecondition, "Not ready.");
        response.Header("x-error-info").ShouldBe("more about it");
        var details = ErrorStatus.Parser.ParseFrom(Convert.FromBase64String(response.Header("grpc-status-details-bin")!));
        details.ShouldBe(RuntimeTestService.ErrorDetails(request));
        details.Details.Single().Unpack<EchoReply>().Text.ShouldBe("detail");
    }

    [Fact]
    public async Task Trailers_set_before_an_rpc_exception_are_kept()
    {
        var response = await Host.Client.UnaryAsync(Methods.Echo, new EchoRequest { FailCode = (int)StatusCode.Internal, FailDetail = "Broke." }, request =>
            request.Headers.Add("x-echo-trailing", "set before the failure"));

        response.ShouldHaveStatus(StatusCode.Internal, "Broke.");
        response.Header("x-echo-trailing").ShouldBe("set before the failure");
    }

    [Fact]
    public async Task With_detailed_errors_enabled_the_exception_message_is_sent()
    {
        await using var host = await RuntimeHost.StartAsync(o => o.Grpc = grpc => grpc.EnableDetailedErrors = true);

        var response = await host.Client.UnaryAsync(Methods.Echo, new EchoRequest { ThrowMessage = "the details" });

        response.ShouldHaveStatus(StatusCode.Unknown, "Exception was thrown by handler. InvalidOperationException: the details");
    }
}
