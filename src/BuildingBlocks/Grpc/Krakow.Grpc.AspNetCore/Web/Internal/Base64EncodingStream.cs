using System.Buffers.Text;

namespace Grpc.AspNetCore.Web.Internal;

/// <summary>
/// Encodes a gRPC-Web text response. Bytes are buffered until a flush, which writes them as one padded base64
/// chunk, so every streamed message reaches the client when the handler flushes it.
/// </summary>
internal sealed class Base64EncodingStream(Stream inner) : Stream
{
    private byte[] pending = new byte[4096];
    private int pendingCount;
    private byte[] encoded = new byte[Base64.GetMaxEncodedToUtf8Length(4096)];

    public override bool CanRead => false;

    public override bool CanSeek => false;

    public override bool CanWrite => true;

    public override long Length => throw new NotSupportedException();

    public override long Position
    {
        get => throw new NotSupportedException();
        set => throw new NotSupportedException();
    }

    public override void Write(byte[] buffer, int offset, int count) => Append(buffer.AsSpan(offset, count));

    public override void Write(ReadOnlySpan<byte> buffer) => Append(buffer);

    public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        Append(buffer.Span);
        return ValueTask.CompletedTask;
    }

    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken)
    {
        Append(buffer.AsSpan(offset, count));
        return Task.CompletedTask;
    }

    public override async Task FlushAsync(CancellationToken cancellationToken)
    {
        if (pendingCount > 0)
        {
            var length = Base64.GetMaxEncodedToUtf8Length(pendingCount);
            if (encoded.Length < length)
            {
                encoded = new byte[length];
            }

            Base64.EncodeToUtf8(pending.AsSpan(0, pendingCount), encoded, out _, out var written);
            pendingCount = 0;
            await inner.WriteAsync(encoded.AsMemory(0, written), cancellationToken).ConfigureAwait(false);
        }

        await inner.FlushAsync(cancellationToken).ConfigureAwait(false);
    }

    public override void Flush() => FlushAsync(CancellationToken.None).GetAwaiter().GetResult();

    public override async ValueTask DisposeAsync()
    {
        await FlushAsync(CancellationToken.None).ConfigureAwait(false);
        await base.DisposeAsync().ConfigureAwait(false);
    }

    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    private void Append(ReadOnlySpan<byte> bytes)
    {
        if (pending.Length - pendingCount < bytes.Length)
        {
            Array.Resize(ref pending, Math.Max(pending.Length * 2, pendingCount + bytes.Length));
        }

        bytes.CopyTo(pending.AsSpan(pendingCount));
        pendingCount += bytes.Length;
    }
}
