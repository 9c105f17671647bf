using System.Buffers;
using System.Buffers.Binary;
using System.IO.Compression;
using System.IO.Pipelines;
using Grpc.Core;
using Grpc.Net.Compression;

namespace Grpc.Net.Protocol;

/// <summary>
/// Writes length-prefixed messages to a <see cref="PipeWriter"/>. When the serializer announces the payload's
/// length (generated protobuf code does), an uncompressed message is serialized straight into the pipe, through
/// this writer, which holds the serializer to the length it announced: a small message into a single span
/// reserved for header and payload together (one GetMemory and one Advance on the pipe, whose every call takes a
/// lock in Kestrel's HTTP/2 output), a larger one through the pipe's own spans. Otherwise it goes through one
/// buffer that is reused for every message of the call. The caller flushes.
/// </summary>
internal sealed class MessageWriter(PipeWriter writer, int? maxMessageSize, ICompressionProvider? compressor, CompressionLevel? compressionLevel = null)
    : SerializationContext, IBufferWriter<byte>
{
    /// <summary>Framed messages up to this size are reserved in one piece: Kestrel's memory pool blocks are 4 KiB.</summary>
    private const int SingleSpanLimit = 4096;

    private ArrayBufferWriter<byte>? buffer;
    private MemoryStream? compressed;
    private State state;
    private bool compressCurrent;

    // The message being written straight into the pipe: its announced length, what is written so far, and for a
    // small one the span reserved for it (header excluded).
    private int announced;
    private int written;
    private Memory<byte> reserved;

    private enum State
    {
        Idle,
        Serializing,
        WritingReserved,
        WritingDirect,
        WritingBuffered,
        Completed,
    }

    /// <summary>Serializes and frames one message into the pipe.</summary>
    public void WriteMessage<T>(T message, Action<T, SerializationContext> serializer, WriteOptions? options)
    {
        compressCurrent = compressor is not null && (options?.Flags & WriteFlags.NoCompress) != WriteFlags.NoCompress;
        state = State.Serializing;
        try
        {
            serializer(message, this);
        }
        catch (Exception ex) when (ex is not RpcException)
        {
            throw new RpcException(new Status(StatusCode.Internal, "Error serializing message.", ex));
        }
        finally
        {
            reserved = default;
        }

        if (state != State.Completed)
        {
            throw new InvalidOperationException("The message serializer did not complete the message.");
        }

        state = State.Idle;
    }

    public override void SetPayloadLength(int payloadLength)
    {
        EnsureState(State.Serializing);
        CheckSize(payloadLength);
        if (compressCurrent)
        {
            return;
        }

        (announced, written) = (payloadLength, 0);
        if (GrpcProtocol.FrameHeaderSize + payloadLength <= SingleSpanLimit)
        {
            var frame = writer.GetMemory(GrpcProtocol.FrameHeaderSize + payloadLength);
            WriteHeader(frame.Span, compressed: false, payloadLength);
            reserved = frame.Slice(GrpcProtocol.FrameHeaderSize, payloadLength);
            state = State.WritingReserved;
            return;
        }

        WriteHeader(writer, compressed: false, payloadLength);
        state = State.WritingDirect;
    }

    public override IBufferWriter<byte> GetBufferWriter()
    {
        switch (state)
        {
            case State.WritingReserved or State.WritingDirect:
                return this;
            case State.Serializing:
                buffer ??= new ArrayBufferWriter<byte>();
                buffer.ResetWrittenCount();
                state = State.WritingBuffered;
                return buffer;
            case State.WritingBuffered:
                return buffer!;
            default:
                throw new InvalidOperationException("GetBufferWriter was called outside serialization.");
        }
    }

    public override void Complete()
    {
        switch (state)
        {
            case State.WritingReserved or State.WritingDirect:
                if (written != announced)
                {
                    throw new InvalidOperationException($"The serializer announced {announced} bytes and wrote {written}.");
                }

                if (state == State.WritingReserved)
                {
                    writer.Advance(GrpcProtocol.FrameHeaderSize + written);
                }

                break;
            case State.WritingBuffered:
                WritePayload(buffer!.WrittenSpan);
                break;
            default:
                throw new InvalidOperationException("Complete was called before anything was written.");
        }

        state = State.Completed;
    }

    public override void Complete(byte[] payload)
    {
        EnsureState(State.Serializing);
        WritePayload(payload);
        state = State.Completed;
    }

    /// <summary>Writes the 5-byte frame header.</summary>
    public static void WriteHeader(IBufferWriter<byte> output, bool compressed, int length)
    {
        WriteHeader(output.GetSpan(GrpcProtocol.FrameHeaderSize), compressed, length);
        output.Advance(GrpcProtocol.FrameHeaderSize);
    }

    void IBufferWriter<byte>.Advance(int count)
    {
        EnsureWritingAnnounced();
        if (count < 0 || count > announced - written)
        {
            throw new InvalidOperationException($"The serializer wrote more than the {announced} bytes it announced.");
        }

        if (state == State.WritingDirect)
        {
            writer.Advance(count);
        }

        written += count;
    }

    Memory<byte> IBufferWriter<byte>.GetMemory(int sizeHint)
    {
        EnsureWritingAnnounced();
        return state == State.WritingReserved ? Reserved(sizeHint) : writer.GetMemory(sizeHint);
    }

    Span<byte> IBufferWriter<byte>.GetSpan(int sizeHint)
    {
        EnsureWritingAnnounced();
        return state == State.WritingReserved ? Reserved(sizeHint).Span : writer.GetSpan(sizeHint);
    }

    private static void WriteHeader(Span<byte> span, bool compressed, int length)
    {
        span[0] = compressed ? (byte)1 : (byte)0;
        BinaryPrimitives.WriteUInt32BigEndian(span[1..], (uint)length);
    }

    /// <summary>
    /// The rest of the reserved span. A request it cannot meet (a size hint larger than what is left, or anything
    /// once it is full) hands what is written so far to the pipe and goes on with the pipe's own spans.
    /// </summary>
    private Memory<byte> Reserved(int sizeHint)
    {
        var remaining = reserved[written..];
        if (remaining.Length > 0 && sizeHint <= remaining.Length)
        {
            return remaining;
        }

        writer.Advance(GrpcProtocol.FrameHeaderSize + written);
        reserved = default;
        state = State.WritingDirect;
        return writer.GetMemory(sizeHint);
    }

    private void EnsureWritingAnnounced()
    {
        if (state is not (State.WritingReserved or State.WritingDirect))
        {
            throw new InvalidOperationException("The buffer writer was used outside serialization.");
        }
    }

    private void WritePayload(ReadOnlySpan<byte> payload)
    {
        CheckSize(payload.Length);
        if (!compressCurrent)
        {
            WriteHeader(writer, compressed: false, payload.Length);
            writer.Write(payload);
            return;
        }

        compressed ??= new MemoryStream();
        compressed.SetLength(0);
        using (var compression = compressor!.CreateCompressionStream(compressed, compressionLevel))
        {
            compression.Write(payload);
        }

        WriteHeader(writer, compressed: true, (int)compressed.Length);
        writer.Write(compressed.GetBuffer().AsSpan(0, (int)compressed.Length));
    }

    private void CheckSize(int length)
    {
        if (length > (maxMessageSize ?? int.MaxValue))
        {
            throw new RpcException(new Status(StatusCode.ResourceExhausted, "Sending message exceeds the maximum configured message size."));
        }
    }

    private void EnsureState(State expected)
    {
        if (state != expected)
        {
            throw new InvalidOperationException($"Serialization context used out of order ({state}).");
        }
    }
}
