using System.Collections.Concurrent;
using Grpc.Core;
using Grpc.Net.Client.Internal;
using Grpc.Net.Compression;

namespace Grpc.Net.Client;

/// <summary>
/// A connection to a gRPC server over HTTP: <c>GrpcChannel.ForAddress("http://localhost:5000")</c>. HTTP/2 is
/// required (cleartext with prior knowledge, or TLS), unless a <c>GrpcWebHandler</c> turns calls into gRPC-Web.
/// </summary>
public sealed class GrpcChannel : ChannelBase, IDisposable
{
    private readonly ConcurrentDictionary<IMethod, Uri> methodUris = new();
    private readonly bool disposeHttpInvoker;
    private readonly HttpClientCallInvoker callInvoker;
    private volatile bool disposed;

    private GrpcChannel(Uri address, GrpcChannelOptions options)
        : base(address.Authority)
    {
        Address = address;
        (HttpInvoker, disposeHttpInvoker) = CreateHttpInvoker(options);
        MaxReceiveMessageSize = options.MaxReceiveMessageSize;
        MaxSendMessageSize = options.MaxSendMessageSize;
        Credentials = options.Credentials;
        ThrowOperationCanceledOnCancellation = options.ThrowOperationCanceledOnCancellation;
        var providers = options.CompressionProviders ?? [new GzipCompressionProvider(), new DeflateCompressionProvider()];
        CompressionProviders = providers.ToDictionary(p => p.EncodingName, StringComparer.Ordinal);
        AcceptEncoding = string.Join(',', providers.Select(p => p.EncodingName).Prepend(Protocol.GrpcProtocol.IdentityEncoding));
        callInvoker = new HttpClientCallInvoker(this);
    }

    internal Uri Address { get; }

    internal HttpMessageInvoker HttpInvoker { get; }

    internal int? MaxReceiveMessageSize { get; }

    internal int? MaxSendMessageSize { get; }

    internal IReadOnlyDictionary<string, ICompressionProvider> CompressionProviders { get; }

    /// <summary>The value of <c>grpc-accept-encoding</c>, computed once.</summary>
    internal string AcceptEncoding { get; }

    internal CallCredentials? Credentials { get; }

    internal bool ThrowOperationCanceledOnCancellation { get; }

    public static GrpcChannel ForAddress(string address, GrpcChannelOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(address);
        return ForAddress(new Uri(address, UriKind.Absolute), options);
    }

    public static GrpcChannel ForAddress(Uri address, GrpcChannelOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(address);
        if (!address.IsAbsoluteUri || (address.Scheme != Uri.UriSchemeHttp && address.Scheme != Uri.UriSchemeHttps))
        {
            throw new ArgumentException($"Address '{address}' must be an absolute http or https URI.", nameof(address));
        }

        options ??= new GrpcChannelOptions();
        if (options.HttpClient is not null && options.HttpHandler is not null)
        {
            throw new ArgumentException("GrpcChannelOptions.HttpClient and HttpHandler are exclusive; set one.", nameof(options));
        }

        return new GrpcChannel(address, options);
    }

    public override CallInvoker CreateCallInvoker()
    {
        ObjectDisposedException.ThrowIf(disposed, this);
        return callInvoker;
    }

    public void Dispose()
    {
        if (disposed)
        {
            return;
        }

        disposed = true;
        if (disposeHttpInvoker)
        {
            HttpInvoker.Dispose();
        }
    }

    protected override Task ShutdownAsyncCore()
    {
        Dispose();
        return Task.CompletedTask;
    }

    /// <summary>Sends a call's request and returns once the response headers are in; the body is then streamed.</summary>
    internal Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken) =>
        HttpInvoker is HttpClient client
            // HttpClient.SendAsync would otherwise buffer the whole response before returning.
            ? client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken)
            : HttpInvoker.SendAsync(request, cancellationToken);

    internal void ThrowIfDisposed() => ObjectDisposedException.ThrowIf(disposed, this);

    /// <summary>The request URI of a method; cached, since generated code keeps one method object per method.</summary>
    internal Uri GetRequestUri(IMethod method) =>
        methodUris.GetOrAdd(method, static (m, address) => new Uri(address, m.FullName), Address);

    private static (HttpMessageInvoker Invoker, bool Dispose) CreateHttpInvoker(GrpcChannelOptions options)
    {
        if (options.HttpClient is { } client)
        {
            return (client, options.DisposeHttpClient);
        }

        if (options.HttpHandler is { } handler)
        {
            // HttpMessageInvoker rather than HttpClient: no HttpClient.Timeout cutting long calls and streams.
            return (new HttpMessageInvoker(handler, options.DisposeHttpClient), true);
        }

        var ownHandler = new SocketsHttpHandler
        {
            // One HTTP/2 connection allows ~100 concurrent streams; open more rather than queue calls.
            EnableMultipleHttp2Connections = true,
        };
        return (new HttpMessageInvoker(ownHandler, disposeHandler: true), true);
    }
}
