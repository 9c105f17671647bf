using Google.Protobuf;
using Google.Protobuf.WellKnownTypes;
using Google.Rpc;
using Microsoft.AspNetCore.Http;

namespace Krakow.BuildingBlocks.Security;

/// <summary>
/// Refuses a request: a gRPC or gRPC-Web call gets a Trailers-Only gRPC status, anything else the HTTP status with
/// the message as plain text.
/// </summary>
internal static class GrpcAwareRefusal
{
    /// <summary>
    /// <paramref name="retryAfter"/>, when given, is said the ways clients look for it: <c>Retry-After</c> over plain
    /// HTTP; <c>grpc-retry-pushback-ms</c> (gRPC retry policies) and a google.rpc.RetryInfo detail over gRPC.
    /// </summary>
    public static Task WriteAsync(HttpContext context, int httpStatus, int grpcStatus, string message, TimeSpan? retryAfter = null)
    {
        var contentType = context.Request.ContentType ?? string.Empty;
        if (!contentType.StartsWith("application/grpc", StringComparison.OrdinalIgnoreCase))
        {
            context.Response.StatusCode = httpStatus;
            if (retryAfter is { } wait)
            {
                context.Response.Headers.RetryAfter = ((int)Math.Ceiling(wait.TotalSeconds)).ToString(System.Globalization.CultureInfo.InvariantCulture);
            }

            context.Response.ContentType = "text/plain; charset=utf-8";
            return context.Response.WriteAsync(message, context.RequestAborted);
        }

        context.Response.StatusCode = StatusCodes.Status200OK;
        context.Response.ContentType = contentType.StartsWith("application/grpc-web", StringComparison.OrdinalIgnoreCase)
            ? contentType
            : "application/grpc";
        context.Response.Headers["grpc-status"] = grpcStatus.ToString(System.Globalization.CultureInfo.InvariantCulture);
        context.Response.Headers["grpc-message"] = message;
        if (retryAfter is { } delay)
        {
            context.Response.Headers["grpc-retry-pushback-ms"] = ((long)delay.TotalMilliseconds).ToString(System.Globalization.CultureInfo.InvariantCulture);
            var status = new Google.Rpc.Status { Code = grpcStatus, Message = message, Details = { Any.Pack(new RetryInfo { RetryDelay = Duration.FromTimeSpan(delay) }) } };
            context.Response.Headers["grpc-status-details-bin"] = Convert.ToBase64String(status.ToByteArray());
        }

        return Task.CompletedTask;
    }
}
