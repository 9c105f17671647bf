using Grpc.Net.Protocol;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;

namespace Grpc.AspNetCore.Web.Internal;

/// <summary>
/// Turns a gRPC-Web request into the gRPC request the call handlers expect: the content type becomes
/// application/grpc, a text-mode body is base64-decoded on the way in and encoded on the way out, and a
/// <see cref="GrpcWebFeature"/> tells the call to send its trailers as the body's last frame.
/// </summary>
internal sealed class GrpcWebMiddleware(RequestDelegate next, GrpcWebOptions options)
{
    public async Task InvokeAsync(HttpContext context)
    {
        var mode = GetMode(context.Request.ContentType);
        if (mode is null || !HttpMethods.IsPost(context.Request.Method) || !IsEnabled(context))
        {
            await next(context).ConfigureAwait(false);
            return;
        }

        var contentType = context.Request.ContentType!;
        var baseType = mode == GrpcWebMode.GrpcWebText ? GrpcProtocol.GrpcWebTextContentType : GrpcProtocol.GrpcWebContentType;
        var suffix = contentType[baseType.Length..];
        context.Features.Set(new GrpcWebFeature(mode.Value, baseType + (suffix.StartsWith('+') ? suffix : "+proto")));
        context.Request.ContentType = GrpcProtocol.ContentType + suffix;
        if (mode != GrpcWebMode.GrpcWebText)
        {
            await next(context).ConfigureAwait(false);
            return;
        }

        var originalBody = context.Features.GetRequiredFeature<IHttpResponseBodyFeature>();
        await using var encoding = new Base64EncodingStream(originalBody.Stream);
        var textBody = new StreamResponseBodyFeature(encoding, originalBody);
        context.Request.Body = new Base64DecodingStream(context.Request.Body);
        context.Features.Set<IHttpResponseBodyFeature>(textBody);
        try
        {
            await next(context).ConfigureAwait(false);
            await textBody.CompleteAsync().ConfigureAwait(false);
        }
        finally
        {
            context.Features.Set(originalBody);
        }
    }

    private bool IsEnabled(HttpContext context) =>
        context.GetEndpoint()?.Metadata.GetMetadata<IGrpcWebEnabledMetadata>()?.GrpcWebEnabled ?? options.DefaultEnabled;

    private static GrpcWebMode? GetMode(string? contentType) =>
        GrpcProtocol.HasBaseType(contentType, GrpcProtocol.GrpcWebTextContentType) ? GrpcWebMode.GrpcWebText
        : GrpcProtocol.HasBaseType(contentType, GrpcProtocol.GrpcWebContentType) ? GrpcWebMode.GrpcWeb
        : null;
}
