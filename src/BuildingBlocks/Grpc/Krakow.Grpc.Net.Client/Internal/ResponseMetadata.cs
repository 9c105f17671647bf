using System.Globalization;
using System.Net.Http.Headers;
using Grpc.Core;
using Grpc.Net.Protocol;

namespace Grpc.Net.Client.Internal;

/// <summary>Reads call metadata and the gRPC status out of response headers or trailers.</summary>
internal static class ResponseMetadata
{
    /// <summary>The custom metadata among <paramref name="headers"/>; protocol headers are left out.</summary>
    public static Metadata ToMetadata(HttpHeaders headers)
    {
        var metadata = new Metadata();
        foreach (var (name, values) in headers.NonValidated)
        {
            if (GrpcProtocol.IsReservedHeader(name))
            {
                continue;
            }

            foreach (var value in values)
            {
                try
                {
                    MetadataHeaders.AddEntries(metadata, name, value);
                }
                catch (Exception ex) when (ex is ArgumentException or FormatException)
                {
                    // The protocol forbids failing a call over a header HTTP accepts (a non-ASCII value, bad
                    // base64 in a -bin header, a name outside the metadata grammar): such an entry is dropped.
                }
            }
        }

        return metadata;
    }

    /// <summary>The status in <c>grpc-status</c> and <c>grpc-message</c>, when <c>grpc-status</c> is there.</summary>
    public static bool TryGetStatus(HttpHeaders headers, out Status status)
    {
        if (!headers.NonValidated.TryGetValues(GrpcProtocol.StatusHeader, out var statusValues))
        {
            status = default;
            return false;
        }

        var message = headers.NonValidated.TryGetValues(GrpcProtocol.MessageHeader, out var messageValues)
            ? PercentEncoding.Decode(messageValues.ToString())
            : string.Empty;
        var raw = statusValues.ToString();
        status = int.TryParse(raw, NumberStyles.None, CultureInfo.InvariantCulture, out var code) && Enum.IsDefined((StatusCode)code)
            ? new Status((StatusCode)code, message)
            : new Status(StatusCode.Unknown, $"Unexpected grpc-status value '{raw}'. {message}".TrimEnd());
        return true;
    }
}
