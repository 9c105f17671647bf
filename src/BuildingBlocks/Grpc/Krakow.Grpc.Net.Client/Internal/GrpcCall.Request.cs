using System.IO.Pipelines;
using System.Net;
using System.Net.Http.Headers;
using Grpc.Core;
using Grpc.Net.Compression;
using Grpc.Net.Protocol;

namespace Grpc.Net.Client.Internal;

/// <content>The request: headers, and a body of one message or of the messages the app writes.</content>
internal sealed partial class GrpcCall<TRequest, TResponse>
{
    /// <summary>grpc-dotnet's convention: this request header names the encoding to compress request messages with.</summary>
    internal const string RequestEncodingHeader = "grpc-internal-encoding-request";

    private const string UserAgent = "grpc-dotnet-krakow/1.0";

    private readonly ICompressionProvider? requestCompressor;

    /// <summary>Completes with the body's pipe once HttpClient asks for the body (streaming requests only).</summary>
    private TaskCompletionSource<PipeWriter>? requestPipeTcs;

    /// <summary>Completes when the app completes the request stream; cancelled to abort the body.</summary>
    private TaskCompletionSource? requestCompleteTcs;
    private TaskCompletionSource? requestBodyEndedTcs;
    private MessageWriter? requestWriter;
    private bool writePending;
    private bool requestCompleted;

    public async Task WriteMessageAsync(TRequest message, WriteOptions? writeOptions, CancellationToken cancellationToken)
    {
        lock (gate)
        {
            if (requestCompleted)
            {
                throw new InvalidOperationException("Can't write the message because the request stream is complete.");
            }

            if (writePending)
            {
                throw new InvalidOperationException("Can't write the message because the previous write is in progress.");
            }

            writePending = true;
        }

        try
        {
            using var registration = RegisterCancellation(cancellationToken);
            var pipe = await requestPipeTcs!.Task.ConfigureAwait(false);
            requestWriter!.WriteMessage(message, method.RequestMarshaller.ContextualSerializer, writeOptions ?? options.WriteOptions);
            await pipe.FlushAsync(callCts.Token).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            if (ex is RpcException)
            {
                // Serialization failed or the message is too large: perhaps half a message is in the body, so the call ends.
                Fail(ex);
            }
            else if (responseTcs is not null)
            {
                // The body was closed under us (the server answered early, the stream was reset, the connection
                // dropped). The response, which the call itself is reading, ends too and knows the real status.
                await startTask.ConfigureAwait(false);
            }

            throw WriteFailure(ex);
        }
        finally
        {
            lock (gate)
            {
                writePending = false;
            }
        }
    }

    public Task CompleteRequestAsync()
    {
        lock (gate)
        {
            if (writePending)
            {
                return Task.FromException(new InvalidOperationException("Can't complete the request stream while a write is in progress."));
            }

            requestCompleted = true;
        }

        if (IsFailed)
        {
            return Task.FromException(CreateException());
        }

        requestCompleteTcs!.TrySetResult();

        // Completes once the body has ended, so an app that disposes the call right after does not reset the
        // stream before the server has seen the end of the request.
        return requestBodyEndedTcs!.Task;
    }

    /// <summary>What a failed write throws: the call's outcome when known, else the write's own error.</summary>
    private Exception WriteFailure(Exception writeError)
    {
        Status? outcome;
        lock (gate)
        {
            outcome = status;
        }

        return outcome switch
        {
            null => new RpcException(StatusMapping.FromException(writeError)), // duplex: the response stream tells the call's status
            { StatusCode: StatusCode.OK } => new InvalidOperationException("Can't write the message because the call is complete.", writeError),
            _ => CreateException(),
        };
    }

    private static ICompressionProvider? ResolveRequestCompressor(GrpcChannel channel, Metadata? headers)
    {
        if (headers?.GetValue(RequestEncodingHeader) is not { } name || name == GrpcProtocol.IdentityEncoding)
        {
            return null;
        }

        return channel.CompressionProviders.TryGetValue(name, out var provider)
            ? provider
            : throw new InvalidOperationException($"Could not find a compression provider for '{name}' to compress the request. Add one to GrpcChannelOptions.CompressionProviders.");
    }

    private void StartStreamingRequest()
    {
        requestPipeTcs = new TaskCompletionSource<PipeWriter>(TaskCreationOptions.RunContinuationsAsynchronously);
        requestCompleteTcs = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        requestBodyEndedTcs = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        Start(new PushContent(StreamRequestBodyAsync));
    }

    /// <summary>Ends a streaming request body that is still open; waiting writers get <paramref name="writeError"/>.</summary>
    private void EndRequest(Exception writeError)
    {
        if (requestPipeTcs is null)
        {
            return;
        }

        requestPipeTcs.TrySetException(writeError);
        _ = requestPipeTcs.Task.Exception;

        // Aborting resets the HTTP/2 stream. After an OK status the server is done with the call anyway.
        requestCompleteTcs!.TrySetCanceled();
        requestBodyEndedTcs!.TrySetResult();
    }

    private async ValueTask<HttpRequestMessage> CreateRequestAsync(HttpContent content)
    {
        content.Headers.TryAddWithoutValidation("content-type", GrpcProtocol.ContentType);
        var request = new HttpRequestMessage(HttpMethod.Post, channel.GetRequestUri(method))
        {
            Version = HttpVersion.Version20,
            VersionPolicy = HttpVersionPolicy.RequestVersionExact,
            Content = content,
        };

        var headers = request.Headers;
        if (deadline is { } due)
        {
            // Sent first after the pseudo-headers, as the protocol suggests.
            headers.TryAddWithoutValidation(GrpcProtocol.TimeoutHeader, GrpcTimeout.Format(due - DateTime.UtcNow));
        }

        headers.TryAddWithoutValidation(GrpcProtocol.TeHeader, "trailers");
        headers.TryAddWithoutValidation(GrpcProtocol.AcceptEncodingHeader, channel.AcceptEncoding);
        if (requestCompressor is not null)
        {
            headers.TryAddWithoutValidation(GrpcProtocol.EncodingHeader, requestCompressor.EncodingName);
        }

        if (options.Headers is { } metadata)
        {
            AddMetadata(headers, metadata);
        }

        if (channel.Credentials is not null || options.Credentials is not null)
        {
            AddMetadata(headers, await GetCredentialsMetadataAsync().ConfigureAwait(false));
        }

        if (!headers.NonValidated.Contains(GrpcProtocol.UserAgentHeader))
        {
            headers.TryAddWithoutValidation(GrpcProtocol.UserAgentHeader, UserAgent);
        }

        return request;
    }

    private static void AddMetadata(HttpRequestHeaders headers, Metadata metadata)
    {
        foreach (var entry in metadata)
        {
            // Protocol headers are the runtime's to set; the app's user-agent replaces the default one.
            if (entry.Key == RequestEncodingHeader || GrpcProtocol.IsReservedHeader(entry.Key))
            {
                continue;
            }

            headers.TryAddWithoutValidation(entry.Key, MetadataHeaders.ToHeaderValue(entry));
        }
    }

    private async Task<Metadata> GetCredentialsMetadataAsync()
    {
        // The service URL of the gRPC auth convention: scheme, authority and service, no method.
        var serviceUrl = $"{channel.Address.Scheme}://{channel.Address.Authority}/{method.ServiceName}";
        var context = new AuthInterceptorContext(serviceUrl, method.Name, callCts.Token);
        var metadata = new Metadata();
        if (channel.Credentials is { } channelCredentials)
        {
            await channelCredentials.ApplyAsync(context, metadata).ConfigureAwait(false);
        }

        if (options.Credentials is { } callCredentials)
        {
            await callCredentials.ApplyAsync(context, metadata).ConfigureAwait(false);
        }

        return metadata;
    }

    /// <summary>The body of unary and server-streaming calls: one message.</summary>
    private async Task WriteSingleMessageAsync(Stream stream, TRequest message, CancellationToken cancellationToken)
    {
        var pipe = PipeWriter.Create(stream, new StreamPipeWriterOptions(leaveOpen: true));
        Exception? error = null;
        try
        {
            new MessageWriter(pipe, channel.MaxSendMessageSize, requestCompressor)
                .WriteMessage(message, method.RequestMarshaller.ContextualSerializer, options.WriteOptions);
            await pipe.FlushAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            error = ex;
            if (ex is RpcException)
            {
                // Record the real cause (say, a message over MaxSendMessageSize) before HttpClient wraps it. Other
                // errors are left to the response: HttpClient also stops the body when the server answers early.
                Fail(ex);
            }

            throw;
        }
        finally
        {
            // With an error nothing buffered is flushed, so no half message goes out.
            await pipe.CompleteAsync(error).ConfigureAwait(false);
        }
    }

    /// <summary>The body of client-streaming and duplex calls: open until the app completes it.</summary>
    private async Task StreamRequestBodyAsync(Stream stream, CancellationToken cancellationToken)
    {
        var pipe = PipeWriter.Create(stream, new StreamPipeWriterOptions(leaveOpen: true));
        Exception? error = null;
        try
        {
            // Sends the request headers now: a server may answer before the app writes anything.
            await stream.FlushAsync(cancellationToken).ConfigureAwait(false);
            requestWriter = new MessageWriter(pipe, channel.MaxSendMessageSize, requestCompressor);
            requestPipeTcs!.TrySetResult(pipe);
            await requestCompleteTcs!.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            error = ex;
            throw;
        }
        finally
        {
            await pipe.CompleteAsync(error).ConfigureAwait(false);
            requestBodyEndedTcs!.TrySetResult();
        }
    }
}
