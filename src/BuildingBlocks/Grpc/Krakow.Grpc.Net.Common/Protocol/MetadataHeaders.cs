using Grpc.Core;

namespace Grpc.Net.Protocol;

/// <summary>Converts between call metadata and HTTP header fields; binary values are base64 on the wire.</summary>
internal static class MetadataHeaders
{
    /// <summary>Adds one HTTP header field (possibly several comma-joined values) to <paramref name="metadata"/>.</summary>
    /// <exception cref="FormatException">A <c>-bin</c> value is not base64.</exception>
    public static void AddHeader(Metadata metadata, string name, string value)
    {
        // No ToLowerInvariant copy here: the entry normalizes its key (IsBinaryKey ignores case).
        var key = name;
        if (!Metadata.Entry.IsBinaryKey(key))
        {
            metadata.Add(key, value);
            return;
        }

        foreach (var part in value.Split(',', StringSplitOptions.TrimEntries))
        {
            metadata.Add(key, DecodeBase64(part));
        }
    }

    /// <summary>The value to put on the wire for an entry.</summary>
    public static string ToHeaderValue(Metadata.Entry entry) =>
        entry.IsBinary ? Convert.ToBase64String(entry.ValueBytes) : entry.Value;

    /// <summary>Accepts padded and unpadded base64, as the protocol requires.</summary>
    public static byte[] DecodeBase64(string value)
    {
        var padding = (4 - value.Length % 4) % 4;
        if (padding == 3)
        {
            throw new FormatException("Invalid base64 length.");
        }

        return Convert.FromBase64String(padding == 0 ? value : value + new string('=', padding));
    }
}
