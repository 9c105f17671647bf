using System.Buffers;
using System.Buffers.Text;

namespace Grpc.AspNetCore.Web.Internal;

/// <summary>
/// Decodes a gRPC-Web text request body as it arrives. The body may be several base64 chunks, each padded
/// (a client may encode every message on its own), so padding can appear in the middle.
/// </summary>
internal sealed class Base64DecodingStream(Stream inner) : Stream
{
    private readonly byte[] input = new byte[4096];
    private readonly byte[] decoded = new byte[3072];
    private int inputCount;
    private int decodedOffset;
    private int decodedCount;

    public override bool CanRead => true;

    public override bool CanSeek => false;

    public override bool CanWrite => false;

    public override long Length => throw new NotSupportedException();

    public override long Position
    {
        get => throw new NotSupportedException();
        set => throw new NotSupportedException();
    }

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        while (decodedCount == 0)
        {
            var read = await inner.ReadAsync(input.AsMemory(inputCount), cancellationToken).ConfigureAwait(false);
            if (read == 0)
            {
                if (inputCount != 0)
                {
                    throw new InvalidDataException("The gRPC-Web text body ends inside a base64 quantum.");
                }

                return 0;
            }

            inputCount += read;
            DecodeAvailable();
        }

        var count = Math.Min(buffer.Length, decodedCount);
        decoded.AsSpan(decodedOffset, count).CopyTo(buffer.Span);
        decodedOffset += count;
        decodedCount -= count;
        return count;
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override int Read(byte[] buffer, int offset, int count) => ReadAsync(buffer, offset, count, CancellationToken.None).GetAwaiter().GetResult();

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    /// <summary>Decodes every whole 4-character quantum in the input; a partial one waits for more.</summary>
    private void DecodeAvailable()
    {
        var offset = 0;
        decodedOffset = 0;
        decodedCount = 0;
        while (inputCount - offset >= 4)
        {
            var whole = (inputCount - offset) / 4 * 4;
            var status = Base64.DecodeFromUtf8(input.AsSpan(offset, whole), decoded.AsSpan(decodedCount), out var consumed, out var written, isFinalBlock: false);
            offset += consumed;
            decodedCount += written;
            if (status == OperationStatus.Done && consumed == whole)
            {
                continue;
            }

            // A padded quantum ends one chunk; it decodes only as a final block.
            status = Base64.DecodeFromUtf8(input.AsSpan(offset, 4), decoded.AsSpan(decodedCount), out consumed, out written, isFinalBlock: true);
            if (status != OperationStatus.Done)
            {
                throw new InvalidDataException("The gRPC-Web text body is not valid base64.");
            }

            offset += consumed;
            decodedCount += written;
        }

        input.AsSpan(offset, inputCount - offset).CopyTo(input);
        inputCount -= offset;
    }
}
