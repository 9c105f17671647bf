using System.Collections.Frozen;

namespace Grpc.Net.Protocol;

/// <summary>Names and values of the gRPC over HTTP/2 protocol (doc/PROTOCOL-HTTP2.md, doc/PROTOCOL-WEB.md).</summary>
internal static class GrpcProtocol
{
    public const string ContentType = "application/grpc";
    public const string GrpcWebContentType = "application/grpc-web";
    public const string GrpcWebTextContentType = "application/grpc-web-text";

    public const string StatusHeader = "grpc-status";
    public const string MessageHeader = "grpc-message";
    public const string StatusDetailsHeader = "grpc-status-details-bin";
    public const string TimeoutHeader = "grpc-timeout";
    public const string EncodingHeader = "grpc-encoding";
    public const string AcceptEncodingHeader = "grpc-accept-encoding";
    public const string TeHeader = "te";
    public const string UserAgentHeader = "user-agent";

    public const string IdentityEncoding = "identity";

    /// <summary>Compressed-flag byte plus four length bytes.</summary>
    public const int FrameHeaderSize = 5;

    public const int DefaultMaxReceiveMessageSize = 4 * 1024 * 1024;

    /// <summary>Headers that carry the protocol itself and so never show up as call metadata.</summary>
    /// <remarks>
    /// Case-insensitive: HTTP field names are, and Kestrel and HttpClient hand known ones over in their canonical
    /// casing ("Content-Type", "TE", "Host", "Grpc-Timeout"), whatever the casing on the wire.
    /// </remarks>
    public static bool IsReservedHeader(string name) =>
        name.StartsWith(':')
        || ReservedHeaders.Contains(name);

    private static readonly FrozenSet<string> ReservedHeaders = new[]
    {
        "content-type", "content-length", TeHeader, "host", "connection", "transfer-encoding",
        TimeoutHeader, EncodingHeader, AcceptEncodingHeader, StatusHeader, MessageHeader,
    }.ToFrozenSet(StringComparer.OrdinalIgnoreCase);

    /// <summary>Whether an HTTP content type names gRPC, with or without a <c>+proto</c> style suffix.</summary>
    public static bool IsGrpcContentType(string? contentType) => HasBaseType(contentType, ContentType);

    public static bool HasBaseType(string? contentType, string baseType)
    {
        if (contentType is null || !contentType.StartsWith(baseType, StringComparison.OrdinalIgnoreCase))
        {
            return false;
        }

        if (contentType.Length == baseType.Length)
        {
            return true;
        }

        var next = contentType[baseType.Length];
        return next is '+' or ';';
    }
}
