using System.Buffers;

namespace Grpc.Net.Protocol;

/// <summary>A read-only, forward-only stream over a <see cref="ReadOnlySequence{T}"/> (input to decompression).</summary>
internal sealed class ReadOnlySequenceStream(ReadOnlySequence<byte> sequence) : ReadOnlyStream
{
    private ReadOnlySequence<byte> remaining = sequence;

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        var count = (int)Math.Min(buffer.Length, remaining.Length);
        remaining.Slice(0, count).CopyTo(buffer);
        remaining = remaining.Slice(count);
        return count;
    }
}
