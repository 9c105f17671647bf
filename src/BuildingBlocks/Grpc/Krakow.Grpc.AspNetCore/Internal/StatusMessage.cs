using Grpc.Net.Protocol;

namespace Grpc.AspNetCore.Server.Internal;

/// <summary>
/// A status detail as it goes on the wire in <c>grpc-message</c>: cut at <see cref="MaxLength"/> characters, then
/// percent-encoded. A detail may quote what the caller sent, and clients refuse trailers past a few KiB (the C-core's
/// default is 8 KiB), which would turn a precise refusal into a transport error.
/// </summary>
internal static class StatusMessage
{
    public const int MaxLength = 1024;

    public static string Encode(string detail)
    {
        if (detail.Length > MaxLength)
        {
            // Never split a surrogate pair: half a character is not UTF-8.
            var cut = char.IsHighSurrogate(detail[MaxLength - 2]) ? MaxLength - 2 : MaxLength - 1;
            detail = string.Concat(detail.AsSpan(0, cut), "…");
        }

        return PercentEncoding.Encode(detail);
    }
}
