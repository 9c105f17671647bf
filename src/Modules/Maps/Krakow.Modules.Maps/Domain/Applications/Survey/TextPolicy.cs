using System.Text;
using Krakow.Plugins.Sdk;

namespace Krakow.Modules.Maps.Domain.Applications.Survey;

/// <summary>
/// What the platform accepts as text from the public: no control characters (line breaks and tabs only in long
/// texts) and no bidirectional overrides, which could disguise a text; surrounding spaces trimmed; line breaks
/// normalised to "\n"; Unicode NFC. Every text is capped (the field's limit, at most <see cref="DefaultMaxLength"/>),
/// and texts over <see cref="RefusedLength"/> are refused before anything else is looked at.
/// </summary>
internal static class TextPolicy
{
    /// <summary>The cap of any text answer, and the limit of fields that set none.</summary>
    public const int DefaultMaxLength = 2000;

    /// <summary>Longer texts are refused outright, unread.</summary>
    public const int RefusedLength = 10_000;

    /// <summary>The limit a text field really has: its own, capped by the platform's.</summary>
    public static int MaxLengthOf(SurveyField field) => Math.Min(field.MaxLength ?? DefaultMaxLength, DefaultMaxLength);

    /// <summary>The cleaned text, or null and <paramref name="problem"/> saying why it is not acceptable.</summary>
    public static string? Clean(string raw, bool multiline, int maxLength, out string? problem)
    {
        problem = null;
        if (raw.Length > RefusedLength)
        {
            problem = $"is {raw.Length} characters long; texts over {RefusedLength} characters are refused";
            return null;
        }

        var text = multiline ? raw.Replace("\r\n", "\n", StringComparison.Ordinal).Replace('\r', '\n') : raw;
        if (text.Any(c => IsForbidden(c, multiline)))
        {
            problem = multiline
                ? "must not contain control characters (other than line breaks and tabs)"
                : "must not contain control characters or line breaks";
            return null;
        }

        text = text.Trim();
        if (!text.IsNormalized(NormalizationForm.FormC))
        {
            text = text.Normalize(NormalizationForm.FormC);
        }

        if (text.Length > maxLength)
        {
            problem = $"must be at most {maxLength} characters (it has {text.Length})";
            return null;
        }

        return text;
    }

    /// <summary><see cref="Clean(string, bool, int, out string?)"/>, reporting the problem under <paramref name="path"/>.</summary>
    public static string? Clean(string raw, bool multiline, int maxLength, string path, AnswerViolations violations)
    {
        var text = Clean(raw, multiline, maxLength, out var problem);
        if (problem is not null)
        {
            violations.Add(path, problem);
        }

        return text;
    }

    private static bool IsForbidden(char c, bool multiline) =>
        (char.IsControl(c) && !(multiline && c is '\n' or '\t'))
        || c is >= '\u202A' and <= '\u202E' or >= '\u2066' and <= '\u2069';
}
