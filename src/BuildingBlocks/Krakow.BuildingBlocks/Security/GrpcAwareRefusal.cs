using Microsoft.AspNetCore.Http;

namespace Krakow.BuildingBlocks.Security;

/// <summary>Refuses a request: a gRPC or gRPC-Web call gets a Trailers-Only gRPC status, anything else the HTTP status.</summary>
internal static class GrpcAwareRefusal
{
    public static Task WriteAsync(HttpContext context, int httpStatus, int grpcStatus, string message)
    {
        var contentType = context.Request.ContentType ?? string.Empty;
        if (!contentType.StartsWith("application/grpc", StringComparison.OrdinalIgnoreCase))
        {
            context.Response.StatusCode = httpStatus;
            return Task.CompletedTask;
        }

        context.Response.StatusCode = StatusCodes.Status200OK;
        context.Response.ContentType = contentType.StartsWith("application/grpc-web", StringComparison.OrdinalIgnoreCase)
            ? contentType
            : "application/grpc";
        context.Response.Headers["grpc-status"] = grpcStatus.ToString(System.Globalization.CultureInfo.InvariantCulture);
        context.Response.Headers["grpc-message"] = message;
        return Task.CompletedTask;
    }
}
