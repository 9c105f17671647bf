using System.Text.RegularExpressions;

namespace Krakow.Modules.Maps.Domain.Images;

/// <summary>An image's content address: the SHA-256 of its bytes in lower-case hex (64 characters).</summary>
internal static partial class ImageId
{
    public static bool IsValid(string? value) => value is not null && Pattern().IsMatch(value);

    public static string FromHash(ReadOnlySpan<byte> sha256) => Convert.ToHexStringLower(sha256);

    [GeneratedRegex(@"\A[0-9a-f]{64}\z", RegexOptions.CultureInvariant)]
    private static partial Regex Pattern();
}
