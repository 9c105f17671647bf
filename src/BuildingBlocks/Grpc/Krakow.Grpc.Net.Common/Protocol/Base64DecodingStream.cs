using System.Buffers.Text;

namespace Grpc.Net.Protocol;

/// <summary>
/// Decodes a gRPC-Web text body (<c>application/grpc-web-text</c>, a request on the server, a response on the
/// client) as it arrives. The body may be several
/// base64 chunks, each padded (PROTOCOL-WEB.md), so decoding goes one 4-character quantum boundary at a time
/// and a padded quantum ends a chunk; the next chunk starts fresh after it.
/// </summary>
internal sealed class Base64DecodingStream(Stream inner) : ReadOnlyStream
{
    private readonly byte[] input = new byte[4096];
    private readonly byte[] spill = new byte[3];
    private int inputStart;
    private int inputEnd;
    private int spillStart;
    private int spillEnd;

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        if (buffer.IsEmpty)
        {
            return 0;
        }

        while (true)
        {
            if (spillStart < spillEnd)
            {
                return ReadSpill(buffer.Span);
            }

            if (inputEnd - inputStart >= 4)
            {
                return Decode(buffer.Span);
            }

            // Fewer than four characters left: move them to the front and read more.
            var left = inputEnd - inputStart;
            input.AsSpan(inputStart, left).CopyTo(input);
            (inputStart, inputEnd) = (0, left);
            var read = await inner.ReadAsync(input.AsMemory(inputEnd), cancellationToken).ConfigureAwait(false);
            if (read == 0)
            {
                return left == 0 ? 0 : throw new InvalidDataException("The gRPC-Web text body ends inside a base64 quantum.");
            }

            inputEnd += read;
        }
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override int Read(byte[] buffer, int offset, int count) => ReadAsync(buffer, offset, count).GetAwaiter().GetResult();

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            inner.Dispose();
        }

        base.Dispose(disposing);
    }

    /// <summary>Decodes whole quanta, up to and including the first padded one, into <paramref name="destination"/>.</summary>
    private int Decode(Span<byte> destination)
    {
        var available = input.AsSpan(inputStart, inputEnd - inputStart);
        var quanta = available[..(available.Length - (available.Length % 4))];
        var padding = quanta.IndexOf((byte)'=');
        if (padding >= 0)
        {
            quanta = quanta[..((padding / 4 + 1) * 4)];
        }

        // A destination too small for a quantum's three bytes gets one quantum decoded aside, handed out in pieces.
        var aside = destination.Length < 3;
        quanta = quanta[..(aside ? 4 : Math.Min(quanta.Length, destination.Length / 3 * 4))];
        if (Base64.DecodeFromUtf8(quanta, aside ? spill : destination, out var consumed, out var written, isFinalBlock: true) != System.Buffers.OperationStatus.Done)
        {
            throw new InvalidDataException("The gRPC-Web text body is not valid base64.");
        }

        inputStart += consumed;
        if (aside)
        {
            (spillStart, spillEnd) = (0, written);
            return ReadSpill(destination);
        }

        return written;
    }

    private int ReadSpill(Span<byte> destination)
    {
        var count = Math.Min(destination.Length, spillEnd - spillStart);
        spill.AsSpan(spillStart, count).CopyTo(destination);
        spillStart += count;
        return count;
    }
}
