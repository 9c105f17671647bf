using Grpc.Core;

namespace Grpc.Net.Protocol;

/// <summary>Converts between call metadata and HTTP header fields; binary values are base64 on the wire.</summary>
internal static class MetadataHeaders
{
    /// <summary>Adds the entries one HTTP header field stands for: one, or for a <c>-bin</c> key one per comma-joined value.</summary>
    /// <exception cref="FormatException">A <c>-bin</c> value is not base64.</exception>
    /// <exception cref="ArgumentException">The name is not a valid key, or a value is not printable ASCII.</exception>
    public static void AddEntries(ICollection<Metadata.Entry> entries, string name, string value)
    {
        // No ToLowerInvariant copy here: the entry normalizes its key (IsBinaryKey ignores case).
        if (!Metadata.Entry.IsBinaryKey(name))
        {
            entries.Add(new Metadata.Entry(name, value));
            return;
        }

        foreach (var part in value.Split(',', StringSplitOptions.TrimEntries))
        {
            entries.Add(new Metadata.Entry(name, DecodeBase64(part)));
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
