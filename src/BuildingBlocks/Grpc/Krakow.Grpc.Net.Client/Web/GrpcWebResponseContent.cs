using System.Net;
using System.Net.Http.Headers;
using Grpc.Net.Protocol;

namespace Grpc.Net.Client.Web;

/// <summary>A gRPC-Web response body presented as a gRPC one: base64 undone, trailer frame moved to the trailers.</summary>
internal sealed class GrpcWebResponseContent(HttpContent inner, bool text, HttpResponseHeaders trailers) : HttpContent
{
    protected override async Task<Stream> CreateContentReadStreamAsync(CancellationToken cancellationToken) =>
        Wrap(await inner.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false));

    protected override Task<Stream> CreateContentReadStreamAsync() => CreateContentReadStreamAsync(CancellationToken.None);

    protected override Task SerializeToStreamAsync(Stream stream, TransportContext? context) =>
        SerializeToStreamAsync(stream, context, CancellationToken.None);

    protected override async Task SerializeToStreamAsync(Stream stream, TransportContext? context, CancellationToken cancellationToken)
    {
        await using var body = await CreateContentReadStreamAsync(cancellationToken).ConfigureAwait(false);
        await body.CopyToAsync(stream, cancellationToken).ConfigureAwait(false);
    }

    protected override bool TryComputeLength(out long length)
    {
        length = 0;
        return false;
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            inner.Dispose();
        }

        base.Dispose(disposing);
    }

    private GrpcWebResponseStream Wrap(Stream body) => new(text ? new Base64DecodingStream(body) : body, trailers);
}
