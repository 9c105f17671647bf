using System.Text;

namespace Grpc.Net.Protocol;

/// <summary>The percent-encoding of <c>grpc-message</c>: UTF-8 bytes outside printable ASCII, and '%', as %XX.</summary>
internal static class PercentEncoding
{
    public static string Encode(string message)
    {
        if (!NeedsEncoding(message))
        {
            return message;
        }

        var builder = new StringBuilder(message.Length * 2);
        Span<byte> utf8 = stackalloc byte[4];
        for (var i = 0; i < message.Length; i++)
        {
            var c = message[i];
            if (c is >= ' ' and <= '~' and not '%')
            {
                builder.Append(c);
                continue;
            }

            var length = char.IsHighSurrogate(c) && i + 1 < message.Length && char.IsLowSurrogate(message[i + 1])
                ? Encoding.UTF8.GetBytes(message.AsSpan(i++, 2), utf8)
                : Encoding.UTF8.GetBytes(message.AsSpan(i, 1), utf8);
            foreach (var b in utf8[..length])
            {
                builder.Append('%').Append(b.ToString("X2", System.Globalization.CultureInfo.InvariantCulture));
            }
        }

        return builder.ToString();
    }

    /// <summary>Decodes; a malformed escape is kept as it is, as the protocol asks.</summary>
    public static string Decode(string value)
    {
        if (!value.Contains('%'))
        {
            return value;
        }

        var bytes = new List<byte>(value.Length);
        for (var i = 0; i < value.Length; i++)
        {
            if (value[i] == '%' && i + 2 < value.Length && IsHex(value[i + 1]) && IsHex(value[i + 2]))
            {
                bytes.Add(Convert.ToByte(value.Substring(i + 1, 2), 16));
                i += 2;
            }
            else
            {
                bytes.AddRange(Encoding.UTF8.GetBytes(value[i].ToString()));
            }
        }

        return Encoding.UTF8.GetString(bytes.ToArray());
    }

    private static bool NeedsEncoding(string message)
    {
        foreach (var c in message)
        {
            if (c is < ' ' or > '~' or '%')
            {
                return true;
            }
        }

        return false;
    }

    private static bool IsHex(char c) => char.IsAsciiHexDigit(c);
}
