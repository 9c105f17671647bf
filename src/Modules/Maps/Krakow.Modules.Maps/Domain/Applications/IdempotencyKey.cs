using System.Text.RegularExpressions;

namespace Krakow.Modules.Maps.Domain.Applications;

/// <summary>The client's key for one submission attempt: retries with it create nothing new.</summary>
internal static partial class IdempotencyKey
{
    public const string Rule = "must be 8 to 64 characters of A-Z, a-z, 0-9, '_' and '-'";

    public static bool IsValid(string value) => Pattern().IsMatch(value);

    [GeneratedRegex(@"\A[A-Za-z0-9_-]{8,64}\z", RegexOptions.CultureInvariant)]
    private static partial Regex Pattern();
}
