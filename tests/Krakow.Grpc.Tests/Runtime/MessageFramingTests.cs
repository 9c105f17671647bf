using System.Buffers;
using System.Buffers.Binary;
using System.IO.Pipelines;
using Grpc.Core;
using Grpc.Net.Protocol;
using Shouldly;

namespace Krakow.Grpc.Tests.Runtime;

/// <summary>
/// The framing of outgoing messages for serializers that announce their length (as generated code does): small
/// messages are reserved in one span, large ones written through the pipe; a serializer that writes other than
/// it announced is refused and leaves nothing in the pipe.
/// </summary>
public sealed class MessageFramingTests
{
    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(4091)] // header and payload fill exactly one 4 KiB block
    [InlineData(4092)]
    [InlineData(100_000)]
    public async Task A_message_is_framed_as_its_header_and_exactly_its_bytes(int length)
    {
        var payload = Enumerable.Range(0, length).Select(i => (byte)(i * 7)).ToArray();
        var pipe = new Pipe();
        var writer = new MessageWriter(pipe.Writer, maxMessageSize: null, compressor: null);

        writer.WriteMessage(payload, AnnouncingSerializer(announced: length), options: null);
        writer.WriteMessage(payload, AnnouncingSerializer(announced: length), options: null);

        var written = await ReadAllAsync(pipe);
        written.Length.ShouldBe(2 * (5 + length));
        for (var frame = 0; frame < 2; frame++)
        {
            var bytes = written.AsSpan(frame * (5 + length), 5 + length);
            bytes[0].ShouldBe((byte)0);
            BinaryPrimitives.ReadUInt32BigEndian(bytes[1..]).ShouldBe((uint)length);
            bytes[5..].ToArray().ShouldBe(payload);
        }
    }

    [Theory]
    [InlineData(10, 5)]
    [InlineData(3, 5)]
    [InlineData(8000, 7999)]
    [InlineData(8000, 8001)]
    public void A_serializer_writing_other_than_it_announced_is_refused(int announced, int actual)
    {
        var writer = new MessageWriter(new Pipe().Writer, maxMessageSize: null, compressor: null);

        var refused = Should.Throw<RpcException>(() => writer.WriteMessage(new byte[actual], AnnouncingSerializer(announced), options: null));

        refused.StatusCode.ShouldBe(StatusCode.Internal);
        refused.Status.Detail.ShouldBe("Error serializing message.");
    }

    [Fact]
    public async Task A_small_message_shorter_than_announced_leaves_nothing_in_the_pipe()
    {
        var pipe = new Pipe();
        var writer = new MessageWriter(pipe.Writer, maxMessageSize: null, compressor: null);

        Should.Throw<RpcException>(() => writer.WriteMessage(new byte[5], AnnouncingSerializer(announced: 10), options: null));

        // Reserved in one span and never committed: not even the header reaches the pipe.
        (await ReadAllAsync(pipe)).ShouldBeEmpty();
    }

    [Fact]
    public async Task A_serializer_asking_for_a_larger_span_than_is_left_still_gets_its_message_framed()
    {
        var pipe = new Pipe();
        var writer = new MessageWriter(pipe.Writer, maxMessageSize: null, compressor: null);

        writer.WriteMessage(new byte[] { 1, 2, 3 }, (message, context) =>
        {
            context.SetPayloadLength(message.Length);
            var output = context.GetBufferWriter();
            var span = output.GetSpan(8192); // a generous hint, as encoders ask for
            message.CopyTo(span);
            output.Advance(message.Length);
            context.Complete();
        }, options: null);

        (await ReadAllAsync(pipe)).ShouldBe(new byte[] { 0, 0, 0, 0, 3, 1, 2, 3 });
    }

    /// <summary>Announces <paramref name="announced"/> bytes, then writes the message in two pieces through the buffer writer.</summary>
    private static Action<byte[], SerializationContext> AnnouncingSerializer(int announced) => (message, context) =>
    {
        context.SetPayloadLength(announced);
        var output = context.GetBufferWriter();
        var half = message.Length / 2;
        output.Write(message.AsSpan(0, half));
        output.Write(message.AsSpan(half));
        context.Complete();
    };

    private static async Task<byte[]> ReadAllAsync(Pipe pipe)
    {
        await pipe.Writer.CompleteAsync();
        var result = await pipe.Reader.ReadAsync();
        while (!result.IsCompleted)
        {
            pipe.Reader.AdvanceTo(result.Buffer.Start, result.Buffer.End);
            result = await pipe.Reader.ReadAsync();
        }

        var bytes = result.Buffer.ToArray();
        pipe.Reader.AdvanceTo(result.Buffer.End);
        return bytes;
    }
}
