using System.Net;
using System.Net.Http.Headers;
using Google.Protobuf;

namespace Krakow.Grpc.Tests.Runtime.Infrastructure;

/// <summary>
/// gRPC by hand over <see cref="HttpClient"/>: the test writes every byte of the body and every header, and reads
/// the status from the headers (Trailers-Only) or the trailers. HTTP/2 requests use prior knowledge (h2c).
/// </summary>
public sealed class RawGrpcClient : IDisposable
{
    public const string GrpcContentType = "application/grpc";

    private readonly HttpClient http;
    private readonly Version version;

    public RawGrpcClient(int port, Version version)
    {
        this.version = version;
        http = new HttpClient(new SocketsHttpHandler { AutomaticDecompression = DecompressionMethods.None, UseCookies = false })
        {
            BaseAddress = new Uri($"http://127.0.0.1:{port}"),
            Timeout = TimeSpan.FromSeconds(30),
        };
    }

    /// <summary>A request with exactly the headers a gRPC client sends, which the test may then change.</summary>
    public HttpRequestMessage Request(string path, HttpContent? content, string? contentType = GrpcContentType, HttpMethod? method = null)
    {
        var request = new HttpRequestMessage(method ?? HttpMethod.Post, path)
        {
            Version = version,
            VersionPolicy = HttpVersionPolicy.RequestVersionExact,
            Content = content,
        };
        if (content is not null && contentType is not null)
        {
            content.Headers.TryAddWithoutValidation("Content-Type", contentType);
        }

        request.Headers.TE.Add(new TransferCodingWithQualityHeaderValue("trailers"));
        return request;
    }

    public HttpRequestMessage Request(string path, byte[] body, string? contentType = GrpcContentType) =>
        Request(path, new ByteArrayContent(body), contentType);

    /// <summary>Sends, reads the whole response body and its trailers.</summary>
    public async Task<RawGrpcResponse> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken = default)
    {
        using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
        var body = await response.Content.ReadAsByteArrayAsync(cancellationToken);
        return new RawGrpcResponse(response, body);
    }

    /// <summary>Sends and returns as soon as the response headers arrive, for reading a stream frame by frame.</summary>
    public Task<HttpResponseMessage> StartAsync(HttpRequestMessage request, CancellationToken cancellationToken = default) =>
        http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken);

    /// <summary>One framed message as the whole body.</summary>
    public Task<RawGrpcResponse> UnaryAsync(string path, IMessage message, Action<HttpRequestMessage>? configure = null) =>
        UnaryAsync(path, GrpcFrames.Frame(message), configure);

    public Task<RawGrpcResponse> UnaryAsync(string path, byte[] body, Action<HttpRequestMessage>? configure = null)
    {
        var request = Request(path, body);
        configure?.Invoke(request);
        return SendAsync(request);
    }

    public void Dispose() => http.Dispose();
}

/// <summary>A request body the test writes to while the call runs (client and duplex streaming).</summary>
public sealed class StreamingContent : HttpContent
{
    private readonly TaskCompletionSource<Stream> stream = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource completed = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Writes and flushes, so the bytes go out in a DATA frame now.</summary>
    public async Task WriteAsync(byte[] bytes)
    {
        var output = await stream.Task.WaitAsync(TimeSpan.FromSeconds(10));
        await output.WriteAsync(bytes);
        await output.FlushAsync();
    }

    /// <summary>Ends the request body (END_STREAM).</summary>
    public void Complete() => completed.TrySetResult();

    protected override Task SerializeToStreamAsync(Stream output, TransportContext? context) =>
        SerializeToStreamAsync(output, context, CancellationToken.None);

    protected override async Task SerializeToStreamAsync(Stream output, TransportContext? context, CancellationToken cancellationToken)
    {
        stream.TrySetResult(output);
        await completed.Task.WaitAsync(cancellationToken);
    }

    protected override bool TryComputeLength(out long length)
    {
        length = -1;
        return false;
    }

    protected override void Dispose(bool disposing)
    {
        completed.TrySetResult();
        base.Dispose(disposing);
    }
}
