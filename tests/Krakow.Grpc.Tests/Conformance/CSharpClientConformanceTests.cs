using System.Net;
using Grpc.Net.Client;
using Grpc.Net.Client.Web;
using Krakow.Grpc.Tests.Client.Infrastructure;
using Krakow.Grpc.Tests.Infrastructure;
using Shouldly;

namespace Krakow.Grpc.Tests.Conformance;

/// <summary>
/// Our own client (<see cref="GrpcChannel"/> with the generated grpc.testing client) runs the interop cases of
/// grpc/grpc doc/interop-test-descriptions.md against the interop server: all eighteen over cleartext HTTP/2, and
/// the gRPC-Web subset in both gRPC-Web modes over HTTP/1.1 and over HTTP/2. The cases are in
/// <see cref="CSharpInteropCases"/>.
/// </summary>
[Collection(InteropServerCollection.Name)]
public sealed class CSharpClientConformanceTests(InteropServerFixture server)
{
    private static readonly TimeSpan CaseTimeout = TimeSpan.FromSeconds(20);

    public static TheoryData<string> AllCases { get; } = [.. CSharpInteropCases.All];

    public static TheoryData<string, GrpcWebMode, string> GrpcWebCases { get; } = BuildGrpcWebCases();

    [Theory]
    [MemberData(nameof(AllCases))]
    public async Task Interop_case_passes_over_h2c(string testCase)
    {
        var wire = new WireRecorder(new SocketsHttpHandler());
        using var channel = GrpcChannel.ForAddress($"http://127.0.0.1:{server.Port}", new GrpcChannelOptions { HttpHandler = wire, DisposeHttpClient = true });

        await new CSharpInteropCases(channel, wire, grpcWeb: false).RunAsync(testCase).WaitAsync(CaseTimeout);

        wire.Calls.ShouldNotBeEmpty();
        foreach (var call in wire.Calls)
        {
            call.RequestVersion.ShouldBe(HttpVersion.Version20, call.ToString());
            call.RequestHeader("content-type").ShouldBe("application/grpc", call.ToString());
            call.RequestHeader("te").ShouldBe("trailers", call.ToString());
            if (call.ResponseVersion is { } version)
            {
                version.ShouldBe(HttpVersion.Version20, call.ToString());
            }
        }
    }

    [Theory]
    [MemberData(nameof(GrpcWebCases))]
    public async Task Interop_case_passes_over_grpc_web(string testCase, GrpcWebMode mode, string httpVersion)
    {
        // Cleartext HTTP/2 is served on the HTTP/2-only port (prior knowledge); HTTP/1.1 on the gRPC-Web port.
        var http2 = httpVersion == "2";
        var wire = new WireRecorder(new SocketsHttpHandler(), sniffFrames: false);
        var handler = new GrpcWebHandler(mode, wire) { HttpVersion = http2 ? HttpVersion.Version20 : null };
        var port = http2 ? server.Port : server.GrpcWebPort;
        using var channel = GrpcChannel.ForAddress($"http://127.0.0.1:{port}", new GrpcChannelOptions { HttpHandler = handler, DisposeHttpClient = true });

        await new CSharpInteropCases(channel, wire, grpcWeb: true).RunAsync(testCase).WaitAsync(CaseTimeout);

        // The calls really went as gRPC-Web, in the mode and over the HTTP version under test.
        var expectedContentType = mode == GrpcWebMode.GrpcWebText ? "application/grpc-web-text" : "application/grpc-web";
        var expectedVersion = http2 ? HttpVersion.Version20 : HttpVersion.Version11;
        wire.Calls.ShouldNotBeEmpty();
        foreach (var call in wire.Calls)
        {
            call.RequestHeader("content-type").ShouldBe(expectedContentType, call.ToString());
            call.RequestHeader("x-grpc-web").ShouldBe("1", call.ToString());
            call.RequestHeader("te").ShouldBeNull(call.ToString());
            call.ResponseVersion.ShouldBe(expectedVersion, call.ToString());
            call.ResponseHeader("content-type").ShouldNotBeNull(call.ToString()).ShouldStartWith(expectedContentType, Case.Insensitive, call.ToString());
        }
    }

    private static TheoryData<string, GrpcWebMode, string> BuildGrpcWebCases()
    {
        var data = new TheoryData<string, GrpcWebMode, string>();
        foreach (var mode in new[] { GrpcWebMode.GrpcWeb, GrpcWebMode.GrpcWebText })
        {
            foreach (var httpVersion in new[] { "1.1", "2" })
            {
                foreach (var testCase in CSharpInteropCases.GrpcWebSubset)
                {
                    data.Add(testCase, mode, httpVersion);
                }
            }
        }

        return data;
    }
}
