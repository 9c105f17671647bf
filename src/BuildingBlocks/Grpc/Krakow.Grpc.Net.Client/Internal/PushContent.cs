using System.Net;

namespace Grpc.Net.Client.Internal;

/// <summary>
/// A request body of unknown length that a call writes itself when the handler asks for it: HttpClient passes
/// the request stream to <paramref name="writeBody"/>, and the body ends when the returned task does.
/// </summary>
internal sealed class PushContent(Func<Stream, CancellationToken, Task> writeBody) : HttpContent
{
    protected override Task SerializeToStreamAsync(Stream stream, TransportContext? context) =>
        writeBody(stream, CancellationToken.None);

    protected override Task SerializeToStreamAsync(Stream stream, TransportContext? context, CancellationToken cancellationToken) =>
        writeBody(stream, cancellationToken);

    protected override bool TryComputeLength(out long length)
    {
        length = 0;
        return false;
    }
}
