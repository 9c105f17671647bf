using Krakow.Grpc.Tests.Infrastructure;
using Krakow.Tests.Shared;
using Shouldly;

namespace Krakow.Grpc.Tests.Conformance;

/// <summary>
/// The interop cases of grpc/grpc doc/interop-test-descriptions.md, run by clients nobody here wrote against our
/// server: the gRPC C-core (python3-grpcio), Node's @grpc/grpc-js, and connect's gRPC-Web transport.
/// </summary>
[Collection(InteropServerCollection.Name)]
public sealed class ExternalClientConformanceTests(InteropServerFixture server)
{
    private static readonly TimeSpan CaseTimeout = TimeSpan.FromSeconds(90);

    public static TheoryData<string> AllCases { get; } =
    [
        "empty_unary", "large_unary", "client_compressed_unary", "server_compressed_unary", "client_streaming",
        "client_compressed_streaming", "server_streaming", "server_compressed_streaming", "ping_pong", "empty_stream",
        "custom_metadata", "status_code_and_message", "special_status_message", "unimplemented_method",
        "unimplemented_service", "cancel_after_begin", "cancel_after_first_response", "timeout_on_sleeping_server",
    ];

    public static TheoryData<string, string, string> GrpcWebCases { get; } = BuildGrpcWebCases();

    [Theory]
    [MemberData(nameof(AllCases))]
    public async Task Grpc_c_core_client_passes(string testCase)
    {
        var (exitCode, output) = await ExternalProcess.RunAsync(
            "/usr/bin/python3",
            ["interop_client.py", "--server_port", server.Port.ToString(System.Globalization.CultureInfo.InvariantCulture), "--test_case", testCase],
            Path.Combine(RepositoryPaths.InteropClients, "python"),
            CaseTimeout);

        exitCode.ShouldBe(0, output);
    }

    [Theory]
    [MemberData(nameof(AllCases))]
    public async Task Grpc_js_client_passes(string testCase)
    {
        var (exitCode, output) = await RunNodeAsync(testCase, "grpc", server.Port, "2");
        exitCode.ShouldBe(0, output);
    }

    [Theory]
    [MemberData(nameof(GrpcWebCases))]
    public async Task Grpc_web_client_passes(string testCase, string transport, string httpVersion)
    {
        // Cleartext HTTP/2 is served only on the HTTP/2-only port (no ALPN without TLS); HTTP/1.1 on the other.
        var port = httpVersion == "2" ? server.Port : server.GrpcWebPort;
        var (exitCode, output) = await RunNodeAsync(testCase, transport, port, httpVersion);
        exitCode.ShouldBe(0, output);
    }

    private static Task<(int ExitCode, string Output)> RunNodeAsync(string testCase, string transport, int port, string httpVersion) =>
        ExternalProcess.RunAsync(
            "node",
            [
                "interop_client.js", "--server_port", port.ToString(System.Globalization.CultureInfo.InvariantCulture),
                "--test_case", testCase, "--transport", transport, "--http_version", httpVersion,
            ],
            Path.Combine(RepositoryPaths.InteropClients, "node"),
            CaseTimeout);

    private static TheoryData<string, string, string> BuildGrpcWebCases()
    {
        string[] cases = ["empty_unary", "large_unary", "server_streaming", "custom_metadata", "status_code_and_message", "special_status_message", "unimplemented_method", "unimplemented_service"];
        var data = new TheoryData<string, string, string>();
        // The text-mode client (protobuf-ts over Node's fetch) speaks HTTP/1.1 only.
        (string Transport, string HttpVersion)[] transports = [("grpc-web", "1.1"), ("grpc-web", "2"), ("grpc-web-text", "1.1")];
        foreach (var (transport, httpVersion) in transports)
        {
            foreach (var testCase in cases)
            {
                data.Add(testCase, transport, httpVersion);
            }
        }

        return data;
    }
}
