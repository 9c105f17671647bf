using System.Buffers;

namespace Grpc.Core;

/// <summary>Turns messages into bytes and back. Either the simple (byte[]) or the contextual form is supplied.</summary>
public class Marshaller<T>
{
    public Marshaller(Func<T, byte[]> serializer, Func<byte[], T> deserializer)
    {
        Serializer = serializer ?? throw new ArgumentNullException(nameof(serializer));
        Deserializer = deserializer ?? throw new ArgumentNullException(nameof(deserializer));
        ContextualSerializer = (message, context) => context.Complete(serializer(message));
        ContextualDeserializer = context => deserializer(context.PayloadAsNewBuffer());
    }

    public Marshaller(Action<T, SerializationContext> serializer, Func<DeserializationContext, T> deserializer)
    {
        ContextualSerializer = serializer ?? throw new ArgumentNullException(nameof(serializer));
        ContextualDeserializer = deserializer ?? throw new ArgumentNullException(nameof(deserializer));
        Serializer = message =>
        {
            var context = new ArraySerializationContext();
            serializer(message, context);
            return context.Result;
        };
        Deserializer = bytes => deserializer(new ArrayDeserializationContext(bytes));
    }

    public Func<T, byte[]> Serializer { get; }

    public Func<byte[], T> Deserializer { get; }

    public Action<T, SerializationContext> ContextualSerializer { get; }

    public Func<DeserializationContext, T> ContextualDeserializer { get; }

    private sealed class ArraySerializationContext : SerializationContext
    {
        private ArrayBufferWriter<byte>? writer;
        private byte[]? result;

        public byte[] Result => result ?? throw new InvalidOperationException("The serializer did not call Complete.");

        public override void Complete(byte[] payload) => result = payload;

        public override IBufferWriter<byte> GetBufferWriter() => writer ??= new ArrayBufferWriter<byte>();

        public override void Complete() => result = (writer ?? new ArrayBufferWriter<byte>()).WrittenSpan.ToArray();
    }

    private sealed class ArrayDeserializationContext(byte[] payload) : DeserializationContext
    {
        public override int PayloadLength => payload.Length;

        public override byte[] PayloadAsNewBuffer() => (byte[])payload.Clone();

        public override ReadOnlySequence<byte> PayloadAsReadOnlySequence() => new(payload);
    }
}

/// <summary>Factory methods for <see cref="Marshaller{T}"/>.</summary>
public static class Marshallers
{
    public static Marshaller<T> Create<T>(Func<T, byte[]> serializer, Func<byte[], T> deserializer) => new(serializer, deserializer);

    public static Marshaller<T> Create<T>(Action<T, SerializationContext> serializer, Func<DeserializationContext, T> deserializer) => new(serializer, deserializer);

    public static Marshaller<string> StringMarshaller { get; } = new(System.Text.Encoding.UTF8.GetBytes, System.Text.Encoding.UTF8.GetString);
}

/// <summary>Where a serializer writes one message.</summary>
public abstract class SerializationContext
{
    /// <summary>Completes with the whole payload in one array.</summary>
    public virtual void Complete(byte[] payload) => throw new NotSupportedException();

    /// <summary>A writer for the payload; call <see cref="Complete()"/> when done.</summary>
    public virtual IBufferWriter<byte> GetBufferWriter() => throw new NotSupportedException();

    /// <summary>Announces the payload's length before it is written (an optimisation hint).</summary>
    public virtual void SetPayloadLength(int payloadLength)
    {
    }

    public virtual void Complete() => throw new NotSupportedException();
}

/// <summary>Where a deserializer reads one message from.</summary>
public abstract class DeserializationContext
{
    public abstract int PayloadLength { get; }

    public virtual byte[] PayloadAsNewBuffer() => PayloadAsReadOnlySequence().ToArray();

    public virtual ReadOnlySequence<byte> PayloadAsReadOnlySequence() => throw new NotSupportedException();
}
