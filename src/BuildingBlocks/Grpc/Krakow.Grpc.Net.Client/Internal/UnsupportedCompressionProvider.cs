using System.IO.Compression;
using Grpc.Core;
using Grpc.Net.Compression;

namespace Grpc.Net.Client.Internal;

/// <summary>
/// Stands for a response grpc-encoding the channel has no provider for. Only a message that is actually
/// compressed fails (INTERNAL); uncompressed messages of such a response are still read.
/// </summary>
internal sealed class UnsupportedCompressionProvider(string encodingName) : ICompressionProvider
{
    public string EncodingName => encodingName;

    public Stream CreateCompressionStream(Stream stream, CompressionLevel? compressionLevel) => throw new NotSupportedException();

    public Stream CreateDecompressionStream(Stream stream) =>
        throw new RpcException(new Status(StatusCode.Internal, $"The response is compressed with grpc-encoding '{encodingName}', which this channel does not support."));
}
