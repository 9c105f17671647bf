using System.Net;
using Grpc.Core;

namespace Grpc.Net.Client.Internal;

/// <summary>Synthesizes a status for a failure that brought no <c>grpc-status</c> (doc/http-grpc-status-mapping.md, PROTOCOL-HTTP2.md).</summary>
internal static class StatusMapping
{
    /// <summary>For a response without grpc-status: the code that its HTTP status stands for.</summary>
    public static Status FromHttpStatus(HttpStatusCode httpStatus)
    {
        var code = (int)httpStatus switch
        {
            400 or 431 => StatusCode.Internal,
            401 => StatusCode.Unauthenticated,
            403 => StatusCode.PermissionDenied,
            404 => StatusCode.Unimplemented,
            429 or 502 or 503 or 504 => StatusCode.Unavailable,
            _ => StatusCode.Unknown,
        };
        return new Status(code, $"Bad gRPC response. HTTP status code: {(int)httpStatus}.");
    }

    /// <summary>The status of a call that failed with <paramref name="exception"/> on the client's side.</summary>
    public static Status FromException(Exception exception)
    {
        for (var inner = exception; inner is not null; inner = inner.InnerException)
        {
            switch (inner)
            {
                case RpcException rpc:
                    return rpc.Status;
                case HttpProtocolException protocol:
                    return FromStreamReset(protocol);
            }
        }

        return exception switch
        {
            HttpRequestException or IOException => new Status(StatusCode.Unavailable, $"Error connecting to the server or reading its response. {exception.Message}", exception),
            OperationCanceledException => new Status(StatusCode.Cancelled, "The call was cancelled.", exception),
            _ => new Status(StatusCode.Internal, $"Error in the gRPC call. {exception.GetType().Name}: {exception.Message}", exception),
        };
    }

    /// <summary>RST_STREAM (or GOAWAY) error codes as the HTTP/2 protocol document maps them.</summary>
    private static Status FromStreamReset(HttpProtocolException exception)
    {
        var code = exception.ErrorCode switch
        {
            0x7 => StatusCode.Unavailable, // REFUSED_STREAM: nothing was processed, the call may be retried
            0x8 => StatusCode.Cancelled, // CANCEL
            0xb => StatusCode.ResourceExhausted, // ENHANCE_YOUR_CALM
            0xc => StatusCode.PermissionDenied, // INADEQUATE_SECURITY
            _ => StatusCode.Internal,
        };
        return new Status(code, $"The HTTP/2 stream was reset with error code {exception.ErrorCode}.", exception);
    }
}
