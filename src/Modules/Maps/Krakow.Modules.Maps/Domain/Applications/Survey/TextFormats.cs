using System.Globalization;
using System.Text.RegularExpressions;

namespace Krakow.Modules.Maps.Domain.Applications.Survey;

/// <summary>
/// The formats a text answer can be required to have. Each returns null when the (cleaned) text has the format,
/// or what is wrong with it.
/// </summary>
internal static partial class TextFormats
{
    public static string? Any(string text) => null;

    /// <summary>An absolute http or https address with a host.</summary>
    public static string? Url(string text) =>
        Uri.TryCreate(text, UriKind.Absolute, out var uri)
        && (uri.Scheme == Uri.UriSchemeHttp || uri.Scheme == Uri.UriSchemeHttps)
        && uri.Host.Length > 0
        && !text.Any(char.IsWhiteSpace)
            ? null
            : "must be an absolute http:// or https:// address";

    /// <summary>local@domain.tld: an ASCII local part of at most 64 characters and a domain of DNS labels.</summary>
    public static string? Email(string text)
    {
        var at = text.LastIndexOf('@');
        var local = at > 0 ? text[..at] : string.Empty;
        return EmailPattern().IsMatch(text) && !local.StartsWith('.') && !local.EndsWith('.') && !local.Contains("..", StringComparison.Ordinal)
            ? null
            : "must be an e-mail address such as biuro@example.pl";
    }

    /// <summary>Polish or international numbers: digits, spaces and hyphens, optionally a leading +; 9 to 15 digits.</summary>
    public static string? Phone(string text)
    {
        var digits = text.Count(char.IsAsciiDigit);
        return PhonePattern().IsMatch(text) && digits is >= 9 and <= 15
            ? null
            : "must be a phone number of 9 to 15 digits (digits, spaces, '-' and a leading '+'), such as +48 12 616 12 34";
    }

    /// <summary>A real calendar date written YYYY-MM-DD.</summary>
    public static string? Date(string text) =>
        DatePattern().IsMatch(text) && DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out _)
            ? null
            : "must be a real date written YYYY-MM-DD";

    [GeneratedRegex(@"\A[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]{1,64}@(?=.{1,253}\z)[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)+\z", RegexOptions.CultureInvariant)]
    private static partial Regex EmailPattern();

    [GeneratedRegex(@"\A\+?[0-9](?:[0-9 -]*[0-9])?\z", RegexOptions.CultureInvariant)]
    private static partial Regex PhonePattern();

    [GeneratedRegex(@"\A[0-9]{4}-[0-9]{2}-[0-9]{2}\z", RegexOptions.CultureInvariant)]
    private static partial Regex DatePattern();
}
