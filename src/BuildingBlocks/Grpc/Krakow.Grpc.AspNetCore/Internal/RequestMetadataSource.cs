using Grpc.Core;
using Grpc.Net.Protocol;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Primitives;

namespace Grpc.AspNetCore.Server.Internal;

/// <summary>
/// A call's request metadata, read from the request's HTTP headers only as the handler asks: looking up one key
/// costs one header look-up and builds nothing else, so the common handler that reads a key or two never pays for
/// the whole list. The protocol's own headers are not metadata; a header that is not valid gRPC metadata (bad
/// base64, not printable ASCII) is left out with a debug log, the call goes on.
/// </summary>
internal sealed class RequestMetadataSource(IHeaderDictionary headers, ILogger logger) : Metadata.IMetadataSource
{
    private const string GrpcWebHeader = "x-grpc-web";

    public List<Metadata.Entry> All()
    {
        var entries = new List<Metadata.Entry>();
        foreach (var header in headers)
        {
            if (IsMetadata(header.Key))
            {
                Collect(header.Key, header.Value, entries);
            }
        }

        return entries;
    }

    public Metadata.Entry? Find(string normalizedKey)
    {
        if (!IsMetadata(normalizedKey) || !headers.TryGetValue(normalizedKey, out var values))
        {
            return null;
        }

        var entries = new List<Metadata.Entry>(values.Count);
        Collect(normalizedKey, values, entries);
        return entries.Count > 0 ? entries[^1] : null;
    }

    private static bool IsMetadata(string name) =>
        !GrpcProtocol.IsReservedHeader(name) && !string.Equals(name, GrpcWebHeader, StringComparison.OrdinalIgnoreCase);

    /// <summary>The entries of every value of one header (a <c>-bin</c> value may hold several, comma-joined).</summary>
    private void Collect(string name, StringValues values, List<Metadata.Entry> entries)
    {
        foreach (var value in values)
        {
            try
            {
                MetadataHeaders.AddEntries(entries, name, value ?? string.Empty);
            }
            catch (Exception ex) when (ex is FormatException or ArgumentException)
            {
                logger.LogDebug("Ignored request header '{Header}': {Reason}", name, ex.Message);
            }
        }
    }
}
