using System.Buffers;
using System.Buffers.Binary;
using System.Diagnostics.CodeAnalysis;
using System.IO.Pipelines;
using Grpc.Core;
using Grpc.Net.Compression;

namespace Grpc.Net.Protocol;

/// <summary>
/// Reads length-prefixed messages from a <see cref="PipeReader"/>. An uncompressed message is deserialized
/// straight from the pipe's buffer, with no copy; every protocol violation ends as an <see cref="RpcException"/>.
/// </summary>
/// <remarks>The reader is also the deserializer's context (as <see cref="MessageWriter"/> is the serializer's): one object per call, not two.</remarks>
internal sealed class MessageReader(PipeReader reader, int? maxMessageSize, ICompressionProvider? decompressor) : DeserializationContext
{
    private ReadOnlySequence<byte> payload;
    private bool endedAfterMessage;

    public override int PayloadLength => (int)payload.Length;

    public override byte[] PayloadAsNewBuffer() => payload.ToArray();

    public override ReadOnlySequence<byte> PayloadAsReadOnlySequence() => payload;

    /// <summary>The next message, or null at a clean end of the stream.</summary>
    public async ValueTask<T?> ReadMessageAsync<T>(Func<DeserializationContext, T> deserializer, CancellationToken cancellationToken)
        where T : class
    {
        while (true)
        {
            var result = await reader.ReadAsync(cancellationToken).ConfigureAwait(false);
            var buffer = result.Buffer;
            if (result.IsCanceled)
            {
                reader.AdvanceTo(buffer.Start);
                throw new RpcException(new Status(StatusCode.Cancelled, "The read was cancelled."));
            }

            bool hasHeader;
            bool compressed;
            int length;
            try
            {
                hasHeader = TryReadHeader(buffer, out compressed, out length);
            }
            catch
            {
                // Leave the pipe consistent for whoever completes it.
                reader.AdvanceTo(buffer.Start);
                throw;
            }

            if (hasHeader)
            {
                if (buffer.Length >= GrpcProtocol.FrameHeaderSize + length)
                {
                    var message = buffer.Slice(GrpcProtocol.FrameHeaderSize, length);
                    try
                    {
                        return Deserialize(message, compressed, deserializer);
                    }
                    finally
                    {
                        reader.AdvanceTo(message.End);

                        // The stream ended right after this message, so nothing can follow it.
                        endedAfterMessage = result.IsCompleted && buffer.Length == GrpcProtocol.FrameHeaderSize + length;
                    }
                }
            }

            if (result.IsCompleted)
            {
                reader.AdvanceTo(buffer.End);
                if (buffer.IsEmpty)
                {
                    return null;
                }

                throw new RpcException(new Status(StatusCode.Internal, "Incomplete message."));
            }

            reader.AdvanceTo(buffer.Start, buffer.End);
        }
    }

    /// <summary>
    /// Reads the single message of a stream that has already arrived whole and ended, without waiting; false, with
    /// nothing consumed, when it has not (or is not well-formed: <see cref="ReadSingleMessageAsync"/> then reads it
    /// again and says what is wrong).
    /// </summary>
    public bool TryReadWholeSingleMessage<T>(Func<DeserializationContext, T> deserializer, [NotNullWhen(true)] out T? message)
        where T : class
    {
        message = null;
        if (!reader.TryRead(out var result))
        {
            return false;
        }

        var buffer = result.Buffer;
        bool framed;
        bool compressed = false;
        var length = 0;
        try
        {
            framed = TryReadHeader(buffer, out compressed, out length);
        }
        catch (RpcException)
        {
            framed = false;
        }

        if (!framed || result.IsCanceled || !result.IsCompleted || buffer.Length != GrpcProtocol.FrameHeaderSize + length)
        {
            reader.AdvanceTo(buffer.Start);
            return false;
        }

        try
        {
            message = Deserialize(buffer.Slice(GrpcProtocol.FrameHeaderSize, length), compressed, deserializer);
        }
        finally
        {
            reader.AdvanceTo(buffer.End);
            endedAfterMessage = true;
        }

        return true;
    }

    /// <summary>Reads a message that must be the only one in the stream (unary and server-streaming requests).</summary>
    public async ValueTask<T> ReadSingleMessageAsync<T>(Func<DeserializationContext, T> deserializer, CancellationToken cancellationToken)
        where T : class
    {
        var message = await ReadMessageAsync(deserializer, cancellationToken).ConfigureAwait(false)
            ?? throw new RpcException(new Status(StatusCode.Internal, "Incomplete message."));
        await EnsureEndAsync(cancellationToken).ConfigureAwait(false);
        return message;
    }

    /// <summary>Fails when anything follows the single expected message.</summary>
    public async ValueTask EnsureEndAsync(CancellationToken cancellationToken)
    {
        if (endedAfterMessage)
        {
            // Already seen: no need to read the pipe once more (a unary request usually arrives whole).
            return;
        }

        while (true)
        {
            var result = await reader.ReadAsync(cancellationToken).ConfigureAwait(false);
            var empty = result.Buffer.IsEmpty;
            reader.AdvanceTo(result.Buffer.Start, result.Buffer.End);
            if (!empty)
            {
                throw new RpcException(new Status(StatusCode.Internal, "Additional unexpected message."));
            }

            if (result.IsCompleted)
            {
                return;
            }
        }
    }

    private bool TryReadHeader(ReadOnlySequence<byte> buffer, out bool compressed, out int length)
    {
        compressed = false;
        length = 0;
        if (buffer.Length < GrpcProtocol.FrameHeaderSize)
        {
            return false;
        }

        Span<byte> header = stackalloc byte[GrpcProtocol.FrameHeaderSize];
        buffer.Slice(0, GrpcProtocol.FrameHeaderSize).CopyTo(header);
        compressed = header[0] switch
        {
            0 => false,
            1 => true,
            _ => throw new RpcException(new Status(StatusCode.Internal, $"Invalid compressed flag {header[0]} in message header.")),
        };
        var declared = BinaryPrimitives.ReadUInt32BigEndian(header[1..]);
        if (declared > (uint)(maxMessageSize ?? int.MaxValue - GrpcProtocol.FrameHeaderSize))
        {
            throw new RpcException(new Status(StatusCode.ResourceExhausted, "Received message exceeds the maximum configured message size."));
        }

        length = (int)declared;
        return true;
    }

    private T Deserialize<T>(ReadOnlySequence<byte> message, bool compressed, Func<DeserializationContext, T> deserializer)
    {
        if (compressed)
        {
            if (decompressor is null)
            {
                throw new RpcException(new Status(StatusCode.Internal, "Message has the compressed flag set but the call's grpc-encoding is identity."));
            }

            message = Decompress(message, decompressor);
        }

        payload = message;
        try
        {
            return deserializer(this);
        }
        catch (Exception ex) when (ex is not RpcException)
        {
            throw new RpcException(new Status(StatusCode.Internal, "Error deserializing message.", ex));
        }
        finally
        {
            payload = default;
        }
    }

    private ReadOnlySequence<byte> Decompress(ReadOnlySequence<byte> compressedPayload, ICompressionProvider provider)
    {
        var limit = maxMessageSize ?? int.MaxValue;
        using var output = new MemoryStream();
        try
        {
            using var source = provider.CreateDecompressionStream(new ReadOnlySequenceStream(compressedPayload));
            var chunk = ArrayPool<byte>.Shared.Rent(16 * 1024);
            try
            {
                int read;
                while ((read = source.Read(chunk, 0, chunk.Length)) > 0)
                {
                    if (output.Length + read > limit)
                    {
                        // Checked while inflating, so a small compression bomb cannot allocate its full size.
                        throw new RpcException(new Status(StatusCode.ResourceExhausted, "Received message exceeds the maximum configured message size."));
                    }

                    output.Write(chunk, 0, read);
                }
            }
            finally
            {
                ArrayPool<byte>.Shared.Return(chunk);
            }
        }
        catch (InvalidDataException ex)
        {
            throw new RpcException(new Status(StatusCode.Internal, "Could not decompress message.", ex));
        }

        return new ReadOnlySequence<byte>(output.GetBuffer(), 0, (int)output.Length);
    }

}
