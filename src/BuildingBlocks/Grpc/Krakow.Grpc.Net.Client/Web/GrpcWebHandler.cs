using System.Net;
using Grpc.Net.Protocol;

namespace Grpc.Net.Client.Web;

/// <summary>
/// Turns the gRPC calls of a channel into gRPC-Web (doc/PROTOCOL-WEB.md), for servers or proxies that speak
/// HTTP/1.1 or only gRPC-Web: <c>GrpcChannel.ForAddress(url, new GrpcChannelOptions { HttpHandler = new
/// GrpcWebHandler(GrpcWebMode.GrpcWebText, new SocketsHttpHandler()) })</c>. The response comes back as
/// gRPC, with the trailer frame moved into the response's trailing headers, so the channel reads both alike.
/// </summary>
public sealed class GrpcWebHandler : DelegatingHandler
{
    private const string GrpcWebHeader = "x-grpc-web";

    public GrpcWebHandler()
    {
    }

    public GrpcWebHandler(HttpMessageHandler innerHandler)
        : base(innerHandler)
    {
    }

    public GrpcWebHandler(GrpcWebMode mode)
    {
        GrpcWebMode = mode;
    }

    public GrpcWebHandler(GrpcWebMode mode, HttpMessageHandler innerHandler)
        : base(innerHandler)
    {
        GrpcWebMode = mode;
    }

    public GrpcWebMode GrpcWebMode { get; set; }

    /// <summary>
    /// The HTTP version of gRPC-Web requests, used exactly. When null, requests ask for HTTP/1.1 or higher:
    /// HTTP/1.1 over cleartext, and whatever TLS negotiates otherwise.
    /// </summary>
    public Version? HttpVersion { get; set; }

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        if (request.Content is null || !GrpcProtocol.IsGrpcContentType(ContentTypeOf(request.Content)))
        {
            return await base.SendAsync(request, cancellationToken).ConfigureAwait(false);
        }

        RewriteRequest(request);
        var response = await base.SendAsync(request, cancellationToken).ConfigureAwait(false);
        RewriteResponse(response);
        return response;
    }

    protected override HttpResponseMessage Send(HttpRequestMessage request, CancellationToken cancellationToken) =>
        throw new NotSupportedException("gRPC-Web calls are asynchronous only.");

    private void RewriteRequest(HttpRequestMessage request)
    {
        var content = request.Content!;
        var text = GrpcWebMode == GrpcWebMode.GrpcWebText;
        var webContentType = (text ? GrpcProtocol.GrpcWebTextContentType : GrpcProtocol.GrpcWebContentType)
            + ContentTypeOf(content)![GrpcProtocol.ContentType.Length..]; // keeps a "+proto" style suffix
        if (text)
        {
            content = new Base64RequestContent(content);
            request.Content = content;
        }

        content.Headers.Remove("content-type");
        content.Headers.TryAddWithoutValidation("content-type", webContentType);
        request.Headers.TryAddWithoutValidation(GrpcWebHeader, "1");
        request.Headers.TryAddWithoutValidation("accept", text ? GrpcProtocol.GrpcWebTextContentType : GrpcProtocol.GrpcWebContentType);

        // "te: trailers" is an HTTP/2 gRPC signal; gRPC-Web has no HTTP trailers and browsers never send it.
        request.Headers.Remove(GrpcProtocol.TeHeader);
        if (HttpVersion is { } version)
        {
            request.Version = version;
            request.VersionPolicy = HttpVersionPolicy.RequestVersionExact;
        }
        else
        {
            request.Version = System.Net.HttpVersion.Version11;
            request.VersionPolicy = HttpVersionPolicy.RequestVersionOrHigher;
        }
    }

    private static void RewriteResponse(HttpResponseMessage response)
    {
        var contentType = ContentTypeOf(response.Content);
        bool text;
        if (GrpcProtocol.HasBaseType(contentType, GrpcProtocol.GrpcWebTextContentType))
        {
            text = true;
        }
        else if (GrpcProtocol.HasBaseType(contentType, GrpcProtocol.GrpcWebContentType))
        {
            text = false;
        }
        else
        {
            // Not gRPC-Web (an HTTP error page, say): the channel judges it as it is.
            return;
        }

        var baseLength = text ? GrpcProtocol.GrpcWebTextContentType.Length : GrpcProtocol.GrpcWebContentType.Length;
        var grpcContent = new GrpcWebResponseContent(response.Content, text, response.TrailingHeaders);
        grpcContent.Headers.TryAddWithoutValidation("content-type", GrpcProtocol.ContentType + contentType![baseLength..]);
        response.Content = grpcContent;
    }

    private static string? ContentTypeOf(HttpContent content) =>
        content.Headers.NonValidated.TryGetValues("content-type", out var values) ? values.ToString() : null;
}
