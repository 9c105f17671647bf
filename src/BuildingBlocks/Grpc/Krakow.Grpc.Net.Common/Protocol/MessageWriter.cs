using System.Buffers;
using System.Buffers.Binary;
using System.IO.Compression;
using System.IO.Pipelines;
using Grpc.Core;
using Grpc.Net.Compression;

namespace Grpc.Net.Protocol;

/// <summary>
/// Writes length-prefixed messages to a <see cref="PipeWriter"/>. When the serializer announces the payload's
/// length (generated protobuf code does), an uncompressed message is serialized straight into the pipe; otherwise
/// it goes through one buffer that is reused for every message of the call. The caller flushes.
/// </summary>
internal sealed class MessageWriter(PipeWriter writer, int? maxMessageSize, ICompressionProvider? compressor, CompressionLevel? compressionLevel = null)
    : SerializationContext
{
    private ArrayBufferWriter<byte>? buffer;
    private MemoryStream? compressed;
    private State state;
    private bool compressCurrent;

    private enum State
    {
        Idle,
        Serializing,
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

        WriteHeader(writer, compressed: false, payloadLength);
        state = State.WritingDirect;
    }

    public override IBufferWriter<byte> GetBufferWriter()
    {
        switch (state)
        {
            case State.WritingDirect:
                return writer;
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
            case State.WritingDirect:
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
        var span = output.GetSpan(GrpcProtocol.FrameHeaderSize);
        span[0] = compressed ? (byte)1 : (byte)0;
        BinaryPrimitives.WriteUInt32BigEndian(span[1..], (uint)length);
        output.Advance(GrpcProtocol.FrameHeaderSize);
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
