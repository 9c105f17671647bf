using Krakow.Plugins.Sdk;

namespace Krakow.Modules.Maps.Domain.Applications.Survey;

/// <summary>Yes/no questions: any boolean.</summary>
internal sealed class BooleanRule : IAnswerRule
{
    public AnswerKind Expects => AnswerKind.Boolean;

    public Answer? Check(SurveyField field, Answer answer, string path, AnswerContext context, AnswerViolations violations) => answer;
}
