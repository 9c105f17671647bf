namespace Grpc.Net.Compression;

/// <summary>A message compression algorithm named by <c>grpc-encoding</c>.</summary>
public interface ICompressionProvider
{
    /// <summary>The name on the wire, for example <c>gzip</c>.</summary>
    string EncodingName { get; }

    /// <summary>A stream that compresses into <paramref name="stream"/>; disposing it flushes.</summary>
    Stream CreateCompressionStream(Stream stream, System.IO.Compression.CompressionLevel? compressionLevel);

    /// <summary>A stream that decompresses from <paramref name="stream"/>.</summary>
    Stream CreateDecompressionStream(Stream stream);
}

public sealed class GzipCompressionProvider(System.IO.Compression.CompressionLevel defaultCompressionLevel = System.IO.Compression.CompressionLevel.Fastest) : ICompressionProvider
{
    public string EncodingName => "gzip";

    public Stream CreateCompressionStream(Stream stream, System.IO.Compression.CompressionLevel? compressionLevel) =>
        new System.IO.Compression.GZipStream(stream, compressionLevel ?? defaultCompressionLevel, leaveOpen: true);

    public Stream CreateDecompressionStream(Stream stream) =>
        new System.IO.Compression.GZipStream(stream, System.IO.Compression.CompressionMode.Decompress, leaveOpen: true);
}

public sealed class DeflateCompressionProvider(System.IO.Compression.CompressionLevel defaultCompressionLevel = System.IO.Compression.CompressionLevel.Fastest) : ICompressionProvider
{
    // gRPC's "deflate" is the zlib format (RFC 1950), not raw deflate.
    public string EncodingName => "deflate";

    public Stream CreateCompressionStream(Stream stream, System.IO.Compression.CompressionLevel? compressionLevel) =>
        new System.IO.Compression.ZLibStream(stream, compressionLevel ?? defaultCompressionLevel, leaveOpen: true);

    public Stream CreateDecompressionStream(Stream stream) =>
        new System.IO.Compression.ZLibStream(stream, System.IO.Compression.CompressionMode.Decompress, leaveOpen: true);
}
