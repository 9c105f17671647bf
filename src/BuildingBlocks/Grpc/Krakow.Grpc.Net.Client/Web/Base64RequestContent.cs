using System.Net;
using Grpc.Net.Protocol;

namespace Grpc.Net.Client.Web;

/// <summary>A request body sent base64-encoded (<c>application/grpc-web-text</c>), streamed as the inner body is written.</summary>
internal sealed class Base64RequestContent(HttpContent inner) : HttpContent
{
    protected override Task SerializeToStreamAsync(Stream stream, TransportContext? context) =>
        SerializeToStreamAsync(stream, context, CancellationToken.None);

    protected override async Task SerializeToStreamAsync(Stream stream, TransportContext? context, CancellationToken cancellationToken)
    {
        var encoder = new Base64EncodingStream(stream);
        await inner.CopyToAsync(encoder, context, cancellationToken).ConfigureAwait(false);

        // The last bytes, padded.
        await encoder.FlushAsync(cancellationToken).ConfigureAwait(false);
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
}
