using Krakow.Plugins.Sdk;

namespace Krakow.Modules.Maps.Domain.Applications.Survey;

/// <summary>Text-like questions (text, long text, url, e-mail, phone, date): the text policy, then the field's format.</summary>
internal sealed class TextRule(bool multiline, Func<string, string?> format) : IAnswerRule
{
    public AnswerKind Expects => AnswerKind.Text;

    public Answer? Check(SurveyField field, Answer answer, string path, AnswerContext context, AnswerViolations violations)
    {
        var text = TextPolicy.Clean(answer.Text!, multiline, TextPolicy.MaxLengthOf(field), path, violations);
        if (text is null)
        {
            return null;
        }

        if (format(text) is { } problem)
        {
            violations.Add(path, problem);
            return null;
        }

        return Answer.OfText(text);
    }
}
