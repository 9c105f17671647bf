using System.Buffers;
using System.Buffers.Binary;
using System.IO.Pipelines;
using System.Text;
using Grpc.AspNetCore.Server.Internal;
using Grpc.Core;
using Grpc.Net.Protocol;

namespace Grpc.AspNetCore.Web.Internal;

/// <summary>
/// gRPC-Web sends trailers as the body's last frame: flag byte 0x80, a 4-byte length, then HTTP/1 style
/// <c>name: value\r\n</c> lines (doc/PROTOCOL-WEB.md).
/// </summary>
internal static class GrpcWebTrailers
{
    private const byte TrailerFlag = 0x80;

    public static async Task WriteAsync(PipeWriter output, Status status, Metadata? trailers)
    {
        var block = new StringBuilder();
        block.Append(GrpcProtocol.StatusHeader).Append(": ").Append((int)status.StatusCode).Append("\r\n");
        if (status.Detail.Length > 0)
        {
            block.Append(GrpcProtocol.MessageHeader).Append(": ").Append(StatusMessage.Encode(status.Detail)).Append("\r\n");
        }

        foreach (var entry in trailers ?? [])
        {
            block.Append(entry.Key).Append(": ").Append(MetadataHeaders.ToHeaderValue(entry)).Append("\r\n");
        }

        var bytes = Encoding.ASCII.GetBytes(block.ToString());
        var header = output.GetSpan(GrpcProtocol.FrameHeaderSize);
        header[0] = TrailerFlag;
        BinaryPrimitives.WriteUInt32BigEndian(header[1..], (uint)bytes.Length);
        output.Advance(GrpcProtocol.FrameHeaderSize);
        output.Write(bytes);
        await output.FlushAsync().ConfigureAwait(false);
    }
}
