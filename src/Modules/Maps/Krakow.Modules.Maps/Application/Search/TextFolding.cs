using System.Globalization;
using System.Text;

namespace Krakow.Modules.Maps.Application.Search;

/// <summary>
/// Folds text for case- and accent-insensitive matching: lower case, diacritics removed ("Złota" → "zlota",
/// "Łódź" → "lodz", "Straße" → "strasse"), and every character that is neither a letter nor a digit becomes a
/// space. Listings are folded once, when indexed; a query is folded once per request.
/// </summary>
internal static class TextFolding
{
    /// <summary>Letters that carry their "accent" in the base letter, so canonical decomposition keeps them.</summary>
    private static readonly Dictionary<char, string> Special = new()
    {
        ['ł'] = "l", ['đ'] = "d", ['ð'] = "d", ['ø'] = "o", ['ħ'] = "h", ['ı'] = "i", ['ŀ'] = "l", ['ŧ'] = "t",
        ['ß'] = "ss", ['æ'] = "ae", ['œ'] = "oe", ['þ'] = "th", ['ĸ'] = "k", ['ŉ'] = "n", ['ſ'] = "s",
    };

    // Characters below this are folded through a table built once (Latin, Greek, Cyrillic and Latin Extended
    // Additional); above it, by char.ToLowerInvariant.
    private const int TableSize = 0x2000;
    private static readonly string[] Table = BuildTable();

    /// <summary>The folded text; runs of separators are kept (callers match substrings, not positions).</summary>
    public static string Fold(string text)
    {
        var builder = new StringBuilder(text.Length);
        Append(builder, text);
        return builder.ToString();
    }

    /// <summary>Folds <paramref name="text"/> onto the end of <paramref name="builder"/>.</summary>
    public static void Append(StringBuilder builder, string text)
    {
        foreach (var c in text)
        {
            if (c < 0x80)
            {
                builder.Append(char.IsAsciiLetterOrDigit(c) ? char.ToLowerInvariant(c) : ' ');
            }
            else if (c < TableSize)
            {
                builder.Append(Table[c]);
            }
            else
            {
                builder.Append(char.IsLetterOrDigit(c) || char.IsSurrogate(c) ? char.ToLowerInvariant(c) : ' ');
            }
        }
    }

    /// <summary>The distinct folded words of a query, longest first (the rarest tend to be the longest).</summary>
    public static string[] Words(string text) =>
        [.. Fold(text).Split(' ', StringSplitOptions.RemoveEmptyEntries).Distinct(StringComparer.Ordinal).OrderByDescending(w => w.Length).ThenBy(w => w, StringComparer.Ordinal)];

    private static string[] BuildTable()
    {
        var table = new string[TableSize];
        for (var i = 0; i < TableSize; i++)
        {
            var c = (char)i;
            if (char.IsSurrogate(c) || !char.IsLetterOrDigit(c))
            {
                table[i] = " ";
                continue;
            }

            var lower = char.ToLowerInvariant(c);
            if (Special.TryGetValue(lower, out var replacement))
            {
                table[i] = replacement;
                continue;
            }

            var folded = new StringBuilder();
            foreach (var part in lower.ToString().Normalize(NormalizationForm.FormKD))
            {
                var category = CharUnicodeInfo.GetUnicodeCategory(part);
                if (category is UnicodeCategory.NonSpacingMark or UnicodeCategory.SpacingCombiningMark or UnicodeCategory.EnclosingMark)
                {
                    continue;
                }

                var partLower = char.ToLowerInvariant(part);
                folded.Append(Special.TryGetValue(partLower, out var r) ? r : char.IsLetterOrDigit(partLower) ? partLower.ToString() : " ");
            }

            table[i] = folded.Length == 0 ? " " : folded.ToString();
        }

        return table;
    }
}
