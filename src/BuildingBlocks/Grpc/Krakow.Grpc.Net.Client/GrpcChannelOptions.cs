using Grpc.Core;
using Grpc.Net.Compression;
using Grpc.Net.Protocol;

namespace Grpc.Net.Client;

/// <summary>How a <see cref="GrpcChannel"/> sends its calls.</summary>
public sealed class GrpcChannelOptions
{
    /// <summary>The handler calls go through (for example a <c>GrpcWebHandler</c>); not together with <see cref="HttpClient"/>.</summary>
    public HttpMessageHandler? HttpHandler { get; set; }

    /// <summary>The client calls go through; not together with <see cref="HttpHandler"/>. Its <c>Timeout</c> applies to every call.</summary>
    public HttpClient? HttpClient { get; set; }

    /// <summary>Whether disposing the channel disposes <see cref="HttpClient"/> or <see cref="HttpHandler"/>. A handler the channel creates itself is always disposed.</summary>
    public bool DisposeHttpClient { get; set; }

    /// <summary>The largest response message accepted, in bytes; null means no limit. Default 4 MiB.</summary>
    public int? MaxReceiveMessageSize { get; set; } = GrpcProtocol.DefaultMaxReceiveMessageSize;

    /// <summary>The largest request message sent, in bytes; null (the default) means no limit.</summary>
    public int? MaxSendMessageSize { get; set; }

    /// <summary>The message encodings the channel can use and accepts; null means gzip and deflate.</summary>
    public IList<ICompressionProvider>? CompressionProviders { get; set; }

    /// <summary>
    /// Credentials applied to every call (typically a bearer token), before the call's own
    /// <see cref="CallOptions.Credentials"/>. They are sent on cleartext (http) channels too.
    /// </summary>
    public CallCredentials? Credentials { get; set; }

    /// <summary>
    /// Whether a call cancelled by its cancellation token, or stopped by its deadline on the client, throws
    /// <see cref="OperationCanceledException"/> instead of <see cref="RpcException"/>. The status stays readable.
    /// </summary>
    public bool ThrowOperationCanceledOnCancellation { get; set; }
}
