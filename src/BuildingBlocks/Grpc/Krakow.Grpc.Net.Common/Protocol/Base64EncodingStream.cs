using System.Buffers;
using System.Buffers.Text;

namespace Grpc.Net.Protocol;

/// <summary>
/// Base64-encodes what is written to it into <paramref name="inner"/>. Up to two bytes wait for the next write;
/// a flush sends them padded, so each flushed chunk (one per message: the client's request, the server's response)
/// is whole base64 that the peer can decode at once (PROTOCOL-WEB.md allows padding between chunks).
/// </summary>
internal sealed class Base64EncodingStream(Stream inner) : Stream
{
    private const int InputChunk = 3 * 1024;

    private readonly byte[] pending = new byte[3];
    private int pendingLength;

    public override bool CanRead => false;

    public override bool CanSeek => false;

    public override bool CanWrite => true;

    public override long Length => throw new NotSupportedException();

    public override long Position
    {
        get => throw new NotSupportedException();
        set => throw new NotSupportedException();
    }

    public override async ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        if (pendingLength > 0)
        {
            var take = Math.Min(3 - pendingLength, buffer.Length);
            buffer[..take].CopyTo(pending.AsMemory(pendingLength));
            pendingLength += take;
            buffer = buffer[take..];
            if (pendingLength < 3)
            {
                return;
            }

            await EncodeAsync(pending, isFinalBlock: false, cancellationToken).ConfigureAwait(false);
            pendingLength = 0;
        }

        var whole = buffer.Length - (buffer.Length % 3);
        for (var offset = 0; offset < whole; offset += InputChunk)
        {
            await EncodeAsync(buffer.Slice(offset, Math.Min(InputChunk, whole - offset)), isFinalBlock: false, cancellationToken).ConfigureAwait(false);
        }

        buffer[whole..].CopyTo(pending);
        pendingLength = buffer.Length - whole;
    }

    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override void Write(byte[] buffer, int offset, int count) => WriteAsync(buffer, offset, count).GetAwaiter().GetResult();

    public override async Task FlushAsync(CancellationToken cancellationToken)
    {
        if (pendingLength > 0)
        {
            await EncodeAsync(pending.AsMemory(0, pendingLength), isFinalBlock: true, cancellationToken).ConfigureAwait(false);
            pendingLength = 0;
        }

        await inner.FlushAsync(cancellationToken).ConfigureAwait(false);
    }

    public override void Flush() => FlushAsync(CancellationToken.None).GetAwaiter().GetResult();

    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    private async ValueTask EncodeAsync(ReadOnlyMemory<byte> data, bool isFinalBlock, CancellationToken cancellationToken)
    {
        var output = ArrayPool<byte>.Shared.Rent(Base64.GetMaxEncodedToUtf8Length(data.Length));
        try
        {
            Base64.EncodeToUtf8(data.Span, output, out _, out var written, isFinalBlock);
            await inner.WriteAsync(output.AsMemory(0, written), cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(output);
        }
    }
}
