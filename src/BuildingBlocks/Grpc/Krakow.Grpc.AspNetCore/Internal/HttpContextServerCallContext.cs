using System.Net;
using Grpc.AspNetCore.Web.Internal;
using Grpc.Core;
using Grpc.Net.Compression;
using Grpc.Net.Protocol;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Server.Kestrel.Core.Features;
using Microsoft.Extensions.Logging;

namespace Grpc.AspNetCore.Server.Internal;

/// <summary>
/// One server call over one HTTP request: its deadline, headers, trailers and status, and the writing of the
/// response. When the call has a deadline, every write to the response goes through <see cref="callLock"/>,
/// because the deadline may end the call from a timer thread while the handler is still writing; without one,
/// writes that need no flush and the end of the call run synchronously.
/// </summary>
internal sealed class HttpContextServerCallContext : ServerCallContext, IDisposable
{
    private const string InternalEncodingRequestHeader = "grpc-internal-encoding-request";

    private readonly HttpContext httpContext;
    private readonly MethodOptions options;
    private readonly ILogger logger;
    private SemaphoreSlim? callLock;
    private readonly GrpcWebFeature? grpcWeb;
    private Metadata? requestHeaders;
    private Metadata? responseTrailers;
    private CancellationTokenSource? deadlineSource;
    private CancellationTokenSource? callSource;
    private ITimer? deadlineTimer;
    private ICompressionProvider? requestDecompressor;
    private ICompressionProvider? responseCompressor;
    private MessageReader? reader;
    private MessageWriter? writer;
    private bool responseStarted;
    private bool completed;
    private bool writePending;
    private DateTime deadline = DateTime.MaxValue;
    private CancellationToken cancellationToken;

    public HttpContextServerCallContext(HttpContext httpContext, MethodOptions options, ILogger logger)
    {
        this.httpContext = httpContext;
        this.options = options;
        this.logger = logger;
        grpcWeb = httpContext.Features.Get<GrpcWebFeature>();
        cancellationToken = httpContext.RequestAborted;
    }

    public HttpContext HttpContext => httpContext;

    public MethodOptions Options => options;

    protected override string MethodCore => options.Method.FullName;

    protected override string HostCore => httpContext.Request.Host.Value ?? string.Empty;

    protected override string PeerCore => FormatPeer(httpContext.Connection.RemoteIpAddress, httpContext.Connection.RemotePort);

    protected override DateTime DeadlineCore => deadline;

    protected override Metadata RequestHeadersCore => requestHeaders ??= new Metadata(new RequestMetadataSource(httpContext.Request.Headers, logger));

    protected override CancellationToken CancellationTokenCore => cancellationToken;

    protected override Metadata ResponseTrailersCore => responseTrailers ??= [];

    protected override Status StatusCore { get; set; } = Status.DefaultSuccess;

    protected override WriteOptions? WriteOptionsCore { get; set; }

    protected override AuthContext AuthContextCore => GrpcAuthContext.From(httpContext);

    /// <summary>
    /// Checks the request's protocol, content type, encoding and timeout; on failure answers it (Trailers-Only) and
    /// returns false. Synchronous: the deadline timer, the only other writer, starts at the very end.
    /// </summary>
    public bool Initialize()
    {
        var request = httpContext.Request;
        if (grpcWeb is null && !HttpProtocol.IsHttp2(request.Protocol) && !HttpProtocol.IsHttp3(request.Protocol))
        {
            httpContext.Response.StatusCode = StatusCodes.Status426UpgradeRequired;
            httpContext.Response.Headers.Upgrade = "h2c";
            WriteTrailersOnly(new Status(StatusCode.Internal, $"Request protocol '{request.Protocol}' is not supported."));
            return false;
        }

        if (!GrpcProtocol.IsGrpcContentType(request.ContentType))
        {
            httpContext.Response.StatusCode = StatusCodes.Status415UnsupportedMediaType;
            WriteTrailersOnly(new Status(StatusCode.Internal, $"Content-Type '{request.ContentType}' is not supported."));
            return false;
        }

        var encoding = request.Headers.GrpcEncoding.ToString();
        if (encoding.Length > 0 && encoding != GrpcProtocol.IdentityEncoding)
        {
            if (!options.CompressionProviders.TryGetValue(encoding, out requestDecompressor))
            {
                WriteTrailersOnly(new Status(StatusCode.Unimplemented, $"Unsupported grpc-encoding value '{encoding}'. Supported encodings: {options.AcceptEncoding}"));
                return false;
            }
        }

        var timeoutHeader = request.Headers.GrpcTimeout;
        if (timeoutHeader.Count > 0)
        {
            if (!GrpcTimeout.TryParse(timeoutHeader.ToString(), out var timeout))
            {
                WriteTrailersOnly(new Status(StatusCode.Internal, $"Malformed grpc-timeout header '{timeoutHeader}'."));
                return false;
            }

            if (timeout <= TimeSpan.Zero)
            {
                WriteTrailersOnly(new Status(StatusCode.DeadlineExceeded, "Deadline Exceeded"));
                return false;
            }

            StartDeadline(timeout);
        }

        responseCompressor = SelectResponseCompressor(request.Headers.GrpcAcceptEncoding.ToString());
        LiftRequestBodyLimits();
        return true;
    }

    /// <summary>Reads the next request message, or null at the end of the request stream.</summary>
    public ValueTask<T?> ReadMessageAsync<T>(Func<DeserializationContext, T> deserializer, bool single, CancellationToken token)
        where T : class
    {
        reader ??= new MessageReader(httpContext.Request.BodyReader, options.MaxReceiveMessageSize, requestDecompressor);
        try
        {
            // A unary request usually arrives whole, its stream already ended: no async machinery for it.
            if (single && reader.TryReadWholeSingleMessage(deserializer, out var message))
            {
                return new ValueTask<T?>(message);
            }
        }
        catch (Exception ex)
        {
            return ValueTask.FromException<T?>(AsReadFailure(ex) ?? ex);
        }

        return ReadMessageSlowAsync(deserializer, single, token);
    }

    private async ValueTask<T?> ReadMessageSlowAsync<T>(Func<DeserializationContext, T> deserializer, bool single, CancellationToken token)
        where T : class
    {
        try
        {
            return single
                ? await reader!.ReadSingleMessageAsync(deserializer, token).ConfigureAwait(false)
                : await reader!.ReadMessageAsync(deserializer, token).ConfigureAwait(false);
        }
        catch (Exception ex) when (AsReadFailure(ex) is { } failure)
        {
            throw failure;
        }
    }

    /// <summary>What reading the request body threw, as the status the client gets; null for anything else.</summary>
    private static RpcException? AsReadFailure(Exception exception) => exception switch
    {
        // A gRPC-Web text body that is not base64: the client's mistake, not the handler's.
        InvalidDataException => new RpcException(new Status(StatusCode.Internal, exception.Message, exception)),

        // A malformed or too slow request body: Kestrel's verdict on what the client sent.
        BadHttpRequestException => new RpcException(new Status(StatusCode.Internal, exception.Message, exception)),

        // Kestrel reports a stream reset by the client as an IOException from the body.
        IOException => new RpcException(new Status(StatusCode.Cancelled, "The client reset the request stream.", exception)),
        _ => null,
    };

    /// <summary>Writes one response message; flushes when asked (streaming), else leaves it for the end of the call.</summary>
    public Task WriteMessageAsync<TResponse>(TResponse message, Action<TResponse, SerializationContext> serializer, bool flush, CancellationToken cancellationToken)
    {
        if (callLock is null && !flush)
        {
            // Nothing to wait for: no deadline timer to race, nothing to flush.
            try
            {
                CheckNoWritePending();
                WriteMessageCore(message, serializer);
                return Task.CompletedTask;
            }
            catch (Exception ex)
            {
                return Task.FromException(ex);
            }
        }

        return WriteMessageSlowAsync(message, serializer, flush, cancellationToken);
    }

    private async Task WriteMessageSlowAsync<TResponse>(TResponse message, Action<TResponse, SerializationContext> serializer, bool flush, CancellationToken cancellationToken)
    {
        CheckNoWritePending();
        writePending = true;
        await EnterAsync().ConfigureAwait(false);
        try
        {
            WriteMessageCore(message, serializer);
            if (flush)
            {
                await httpContext.Response.BodyWriter.FlushAsync(cancellationToken).ConfigureAwait(false);
            }
        }
        finally
        {
            Exit();
            writePending = false;
        }
    }

    private void CheckNoWritePending()
    {
        if (writePending)
        {
            throw new InvalidOperationException("Can't write the message because the previous write is in progress.");
        }
    }

    /// <summary>Frames the message into the response; the caller holds the call's lock when there is one.</summary>
    private void WriteMessageCore<TResponse>(TResponse message, Action<TResponse, SerializationContext> serializer)
    {
        if (completed)
        {
            throw new InvalidOperationException("Can't write the message because the call is complete.");
        }

        CancellationToken.ThrowIfCancellationRequested();
        StartResponse();
        writer ??= new MessageWriter(httpContext.Response.BodyWriter, options.MaxSendMessageSize, responseCompressor, options.ResponseCompressionLevel);
        writer.WriteMessage(message, serializer, WriteOptions);
    }

    /// <summary>Ends the call with <see cref="ServerCallContext.Status"/> and the trailers.</summary>
    public Task EndCallAsync()
    {
        if (callLock is null && grpcWeb is null)
        {
            // The status goes into the trailers (or Trailers-Only headers): nothing to wait for.
            try
            {
                EndCallCore();
                return Task.CompletedTask;
            }
            catch (Exception ex)
            {
                return Task.FromException(ex);
            }
        }

        return EndCallSlowAsync();
    }

    private async Task EndCallSlowAsync()
    {
        await EnterAsync().ConfigureAwait(false);
        try
        {
            if (grpcWeb is not null && responseStarted && !completed)
            {
                // gRPC-Web trailers travel in the body.
                completed = true;
                await GrpcWebTrailers.WriteAsync(httpContext.Response.BodyWriter, StatusCore, responseTrailers).ConfigureAwait(false);
                return;
            }

            EndCallCore();
        }
        finally
        {
            Exit();
        }
    }

    private void EndCallCore()
    {
        if (completed)
        {
            return;
        }

        completed = true;
        if (!responseStarted)
        {
            WriteTrailersOnlyCore(StatusCore);
            return;
        }

        AppendStatus(WritableResponseTrailers(), StatusCore, responseTrailers);
    }

    /// <summary>Turns what a handler threw into the call's status, then ends the call.</summary>
    public Task ProcessHandlerErrorAsync(Exception exception)
    {
        if (completed)
        {
            // The deadline already answered the client; what the handler threw afterwards is its wind-down.
            logger.LogDebug(exception, "Call {Method} failed after its status was sent.", MethodCore);
            return Task.CompletedTask;
        }

        if (deadlineSource?.IsCancellationRequested == true)
        {
            StatusCore = new Status(StatusCode.DeadlineExceeded, "Deadline Exceeded");
        }
        else if (httpContext.RequestAborted.IsCancellationRequested)
        {
            // The client is gone: nothing we write reaches it.
            logger.LogDebug("Call {Method} was cancelled by the client.", MethodCore);
            StatusCore = new Status(StatusCode.Cancelled, "Call canceled by the client.");
        }
        else if (exception is RpcException rpc)
        {
            StatusCore = new Status(rpc.StatusCode, rpc.Status.Detail);
            foreach (var entry in rpc.Trailers)
            {
                ResponseTrailersCore.Add(entry);
            }
        }
        else
        {
            logger.LogError(exception, "Error when executing service method '{Method}'.", options.Method.Name);
            StatusCore = new Status(
                StatusCode.Unknown,
                options.EnableDetailedErrors ? $"Exception was thrown by handler. {exception.GetType().Name}: {exception.Message}" : "Exception was thrown by handler.");
        }

        return EndCallAsync();
    }

    public void Dispose()
    {
        deadlineTimer?.Dispose();
        callSource?.Dispose();
        deadlineSource?.Dispose();
    }

    protected override async Task WriteResponseHeadersAsyncCore(Metadata responseHeaders)
    {
        await EnterAsync().ConfigureAwait(false);
        try
        {
            if (responseStarted || completed)
            {
                throw new InvalidOperationException("Response headers can only be sent once per call.");
            }

            foreach (var entry in responseHeaders)
            {
                if (entry.Key == InternalEncodingRequestHeader)
                {
                    // grpc-dotnet's convention for a handler to ask for a compressed response.
                    options.CompressionProviders.TryGetValue(entry.Value, out responseCompressor);
                    continue;
                }

                httpContext.Response.Headers.Append(entry.Key, MetadataHeaders.ToHeaderValue(entry));
            }

            StartResponse();
            await httpContext.Response.BodyWriter.FlushAsync(CancellationToken).ConfigureAwait(false);
        }
        finally
        {
            Exit();
        }
    }

    protected override ContextPropagationToken CreatePropagationTokenCore(ContextPropagationOptions? propagationOptions) =>
        new ServerCallPropagationToken(this, propagationOptions ?? ContextPropagationOptions.Default);

    /// <summary>
    /// Kestrel's request body limits suit request/response HTTP, not gRPC streams: the body is bounded per message
    /// (MaxReceiveMessageSize), and a streaming client may pause as long as it likes (as in grpc-dotnet).
    /// </summary>
    private void LiftRequestBodyLimits()
    {
        if (httpContext.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } maxBodySize)
        {
            maxBodySize.MaxRequestBodySize = null;
        }

        if (options.Method.Type is MethodType.ClientStreaming or MethodType.DuplexStreaming
            && httpContext.Features.Get<IHttpMinRequestBodyDataRateFeature>() is { } minDataRate)
        {
            minDataRate.MinDataRate = null;
        }
    }

    private void StartDeadline(TimeSpan timeout)
    {
        var now = DateTime.UtcNow;
        deadline = timeout >= DateTime.MaxValue - now ? DateTime.MaxValue : now + timeout;

        // Timers cannot wait longer than about 49 days; a deadline further away never fires in practice.
        if (timeout > TimeSpan.FromDays(30))
        {
            return;
        }

        // The deadline timer is the only writer besides the handler, so only a call with one needs the lock.
        callLock = new SemaphoreSlim(1, 1);
        deadlineSource = new CancellationTokenSource();
        callSource = CancellationTokenSource.CreateLinkedTokenSource(httpContext.RequestAborted, deadlineSource.Token);
        cancellationToken = callSource.Token;
        deadlineTimer = TimeProvider.System.CreateTimer(_ => _ = DeadlineExceededAsync(), null, timeout, Timeout.InfiniteTimeSpan);
    }

    private async Task DeadlineExceededAsync()
    {
        try
        {
            await EnterAsync().ConfigureAwait(false);
            try
            {
                if (completed)
                {
                    return;
                }

                completed = true;
                var status = new Status(StatusCode.DeadlineExceeded, "Deadline Exceeded");
                if (!responseStarted)
                {
                    WriteTrailersOnlyCore(status);
                }
                else if (grpcWeb is not null)
                {
                    await GrpcWebTrailers.WriteAsync(httpContext.Response.BodyWriter, status, responseTrailers).ConfigureAwait(false);
                }
                else
                {
                    AppendStatus(WritableResponseTrailers(), status, responseTrailers);
                }

                // Answer now, while the handler winds down on its cancelled token.
                await httpContext.Response.CompleteAsync().ConfigureAwait(false);
            }
            finally
            {
                Exit();
                deadlineSource!.Cancel();
            }
        }
        catch (Exception ex)
        {
            logger.LogDebug(ex, "Could not answer DEADLINE_EXCEEDED for {Method}.", MethodCore);
        }
    }

    private Task EnterAsync() => callLock?.WaitAsync(CancellationToken.None) ?? Task.CompletedTask;

    private void Exit() => callLock?.Release();

    private void StartResponse()
    {
        if (responseStarted)
        {
            return;
        }

        responseStarted = true;
        var headers = httpContext.Response.Headers;
        httpContext.Response.ContentType = grpcWeb?.ResponseContentType ?? GrpcProtocol.ContentType;
        if (responseCompressor is not null)
        {
            headers.GrpcEncoding = responseCompressor.EncodingName;
        }

        headers.GrpcAcceptEncoding = options.AcceptEncoding;
    }

    /// <summary>Answers with only a status, before any response was started and with no deadline timer running.</summary>
    private void WriteTrailersOnly(Status status)
    {
        completed = true;
        WriteTrailersOnlyCore(status);
    }

    private void WriteTrailersOnlyCore(Status status)
    {
        // Trailers-Only: one HEADERS frame with the status and any trailers, and no body.
        var response = httpContext.Response;
        response.ContentType = grpcWeb?.ResponseContentType ?? GrpcProtocol.ContentType;
        response.Headers.GrpcAcceptEncoding = options.AcceptEncoding;
        AppendStatus(response.Headers, status, responseTrailers);
        responseStarted = true;
    }

    /// <summary>What <c>HttpResponse.AppendTrailer</c> writes to, without a delegate per call.</summary>
    private IHeaderDictionary WritableResponseTrailers() =>
        httpContext.Features.Get<IHttpResponseTrailersFeature>()?.Trailers is { IsReadOnly: false } trailers
            ? trailers
            : throw new InvalidOperationException("Trailers are not supported for this response.");

    private static void AppendStatus(IHeaderDictionary target, Status status, Metadata? trailers)
    {
        // The typed properties are Kestrel's known-header slots: no look-up by name.
        target.GrpcStatus = ((int)status.StatusCode).ToString(System.Globalization.CultureInfo.InvariantCulture);
        if (status.Detail.Length > 0)
        {
            target.GrpcMessage = StatusMessage.Encode(status.Detail);
        }

        if (trailers is null)
        {
            return;
        }

        foreach (var entry in trailers)
        {
            target.Append(entry.Key, MetadataHeaders.ToHeaderValue(entry));
        }
    }

    private ICompressionProvider? SelectResponseCompressor(string acceptEncoding)
    {
        var algorithm = options.ResponseCompressionAlgorithm;
        if (algorithm is null || acceptEncoding.Length == 0)
        {
            return null;
        }

        foreach (var range in acceptEncoding.Split(',', StringSplitOptions.TrimEntries))
        {
            if (range == algorithm)
            {
                return options.CompressionProviders[algorithm];
            }
        }

        return null;
    }

    private static string FormatPeer(IPAddress? address, int port) => address switch
    {
        null => "unknown",
        { AddressFamily: System.Net.Sockets.AddressFamily.InterNetworkV6 } => $"ipv6:[{address}]:{port}",
        _ => $"ipv4:{address}:{port}",
    };

    private sealed class ServerCallPropagationToken(HttpContextServerCallContext call, ContextPropagationOptions propagation) : ContextPropagationToken
    {
        public DateTime? Deadline => propagation.IsPropagateDeadline ? call.DeadlineCore : null;

        public CancellationToken CancellationToken => propagation.IsPropagateCancellation ? call.CancellationTokenCore : CancellationToken.None;
    }
}
