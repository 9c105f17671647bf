using System.Globalization;
using Krakow.Plugins.Sdk;

namespace Krakow.Modules.Maps.Domain.Applications.Survey;

/// <summary>Numbers: finite (no NaN or infinity), within the field's inclusive bounds.</summary>
internal sealed class NumberRule : IAnswerRule
{
    public AnswerKind Expects => AnswerKind.Number;

    public Answer? Check(SurveyField field, Answer answer, string path, AnswerContext context, AnswerViolations violations)
    {
        var number = answer.Number!.Value;
        if (!double.IsFinite(number))
        {
            violations.Add(path, "must be a finite number (not NaN or infinity)");
            return null;
        }

        if (field.Min is { } min && number < min)
        {
            violations.Add(path, $"must be at least {min.ToString(CultureInfo.InvariantCulture)}");
            return null;
        }

        if (field.Max is { } max && number > max)
        {
            violations.Add(path, $"must be at most {max.ToString(CultureInfo.InvariantCulture)}");
            return null;
        }

        return answer;
    }
}
