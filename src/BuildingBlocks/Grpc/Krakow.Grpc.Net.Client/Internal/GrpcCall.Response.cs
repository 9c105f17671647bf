using System.IO.Pipelines;
using System.Net;
using Grpc.Core;
using Grpc.Net.Compression;
using Grpc.Net.Protocol;

namespace Grpc.Net.Client.Internal;

/// <content>The response: headers or Trailers-Only, messages, then the status in the trailers.</content>
internal sealed partial class GrpcCall<TRequest, TResponse>
{
    private PipeReader? responsePipe;
    private MessageReader? messageReader;
    private bool responseEnded;

    private bool IsFailed
    {
        get
        {
            lock (gate)
            {
                return status is { StatusCode: not StatusCode.OK };
            }
        }
    }

    /// <summary>The next message of a response stream, or null at its end with an OK status; throws for any other status.</summary>
    public async Task<TResponse?> ReadNextMessageAsync(CancellationToken cancellationToken)
    {
        // Registered first: the token must also cancel a call still waiting for its response headers.
        using var registration = RegisterCancellation(cancellationToken);
        await startTask.ConfigureAwait(false);
        if (messageReader is not null && !responseEnded)
        {
            try
            {
                var message = await messageReader.ReadMessageAsync(method.ResponseMarshaller.ContextualDeserializer, callCts.Token).ConfigureAwait(false);
                if (message is not null)
                {
                    return message;
                }

                EndResponse();
                Finish(ReadTrailingStatus(out var finalTrailers), finalTrailers);
            }
            catch (Exception ex)
            {
                EndResponse();
                Fail(ex);
            }
        }

        return IsFailed ? throw CreateException() : null;
    }

    private async Task ReceiveAsync(HttpResponseMessage response)
    {
        if (EndsAtHeaders(response))
        {
            return;
        }

        headersTcs.TrySetResult(ResponseMetadata.ToMetadata(response.Headers));
        var stream = await response.Content.ReadAsStreamAsync(callCts.Token).ConfigureAwait(false);
        responsePipe = PipeReader.Create(stream);
        messageReader = new MessageReader(responsePipe, channel.MaxReceiveMessageSize, GetDecompressor(response));
        if (responseTcs is not null)
        {
            await ReadSingleResponseAsync(messageReader).ConfigureAwait(false);
        }
    }

    /// <summary>Ends the call when the response headers already decide it: Trailers-Only, an HTTP error, not gRPC.</summary>
    private bool EndsAtHeaders(HttpResponseMessage response)
    {
        // grpc-status in the headers is a Trailers-Only response; it wins over the HTTP status when both are there.
        if (ResponseMetadata.TryGetStatus(response.Headers, out var trailersOnlyStatus))
        {
            var metadata = ResponseMetadata.ToMetadata(response.Headers);
            if (trailersOnlyStatus.StatusCode == StatusCode.OK)
            {
                headersTcs.TrySetResult(metadata);
            }

            FinishWithResponse(trailersOnlyStatus, metadata, default);
            return true;
        }

        if (response.StatusCode != HttpStatusCode.OK)
        {
            Finish(StatusMapping.FromHttpStatus(response.StatusCode), Metadata.Empty);
            return true;
        }

        var contentType = response.Content.Headers.NonValidated.TryGetValues("content-type", out var values) ? values.ToString() : null;
        if (!GrpcProtocol.IsGrpcContentType(contentType))
        {
            // No grpc-status on a 200 response: UNKNOWN, as doc/http-grpc-status-mapping.md has it.
            Finish(new Status(StatusCode.Unknown, $"Bad gRPC response. Invalid content-type value: {contentType ?? "(none)"}."), Metadata.Empty);
            return true;
        }

        return false;
    }

    private async Task ReadSingleResponseAsync(MessageReader reader)
    {
        TResponse? message;
        try
        {
            message = await reader.ReadMessageAsync(method.ResponseMarshaller.ContextualDeserializer, callCts.Token).ConfigureAwait(false);
            if (message is not null)
            {
                await reader.EnsureEndAsync(callCts.Token).ConfigureAwait(false);
            }
        }
        finally
        {
            EndResponse();
        }

        FinishWithResponse(ReadTrailingStatus(out var finalTrailers), finalTrailers, message);
    }

    /// <summary>Ends the call; a unary or client-streaming call must have exactly one message with an OK status.</summary>
    private void FinishWithResponse(Status finalStatus, Metadata finalTrailers, TResponse? message)
    {
        if (responseTcs is not null && finalStatus.StatusCode == StatusCode.OK && message is null)
        {
            finalStatus = new Status(StatusCode.Internal, "Failed to deserialize response message. The response has no message.");
        }

        if (Finish(finalStatus, finalTrailers) && finalStatus.StatusCode == StatusCode.OK)
        {
            responseTcs?.TrySetResult(message!);
        }
    }

    /// <summary>The status in the trailers, read once the body has ended (HttpClient fills TrailingHeaders then).</summary>
    private Status ReadTrailingStatus(out Metadata finalTrailers)
    {
        var trailingHeaders = httpResponse!.TrailingHeaders;
        finalTrailers = ResponseMetadata.ToMetadata(trailingHeaders);

        // A response that ends without grpc-status: UNKNOWN, like a 200 without it (doc/http-grpc-status-mapping.md).
        return ResponseMetadata.TryGetStatus(trailingHeaders, out var trailingStatus)
            ? trailingStatus
            : new Status(StatusCode.Unknown, "No grpc-status found on response.");
    }

    /// <summary>Releases the response pipe's buffers; called only by the one reading, never concurrently with a read.</summary>
    private void EndResponse()
    {
        responseEnded = true;
        responsePipe?.Complete();
    }

    private ICompressionProvider? GetDecompressor(HttpResponseMessage response)
    {
        if (!response.Headers.NonValidated.TryGetValues(GrpcProtocol.EncodingHeader, out var values))
        {
            return null;
        }

        var name = values.ToString();
        if (name == GrpcProtocol.IdentityEncoding)
        {
            return null;
        }

        return channel.CompressionProviders.TryGetValue(name, out var provider) ? provider : new UnsupportedCompressionProvider(name);
    }
}
