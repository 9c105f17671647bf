using Krakow.Plugins.Sdk;

namespace Krakow.Modules.Maps.Domain.Applications.Survey;

/// <summary>Single choice: the text is one of the field's option ids (a campaign's categories are such options).</summary>
internal sealed class SingleChoiceRule : IAnswerRule
{
    public AnswerKind Expects => AnswerKind.Text;

    public Answer? Check(SurveyField field, Answer answer, string path, AnswerContext context, AnswerViolations violations)
    {
        var id = answer.Text!.Trim();
        if (!field.Options.Any(o => o.Id == id))
        {
            violations.Add(path, $"{ChoiceText.Quote(id)} is not one of the options: {ChoiceText.List(field)}");
            return null;
        }

        return Answer.OfText(id);
    }
}

/// <summary>Multiple choice: distinct option ids of the field, at most its <c>MaxSelections</c>.</summary>
internal sealed class MultipleChoiceRule : IAnswerRule
{
    public AnswerKind Expects => AnswerKind.Choices;

    public Answer? Check(SurveyField field, Answer answer, string path, AnswerContext context, AnswerViolations violations)
    {
        var ids = answer.Choices!.Select(c => c.Trim()).ToList();
        var valid = true;
        var unknown = ids.Where(id => !field.Options.Any(o => o.Id == id)).Distinct().ToList();
        if (unknown.Count > 0)
        {
            violations.Add(path, $"{string.Join(", ", unknown.Take(10).Select(ChoiceText.Quote))} {(unknown.Count == 1 ? "is not one of the options" : "are not among the options")}: {ChoiceText.List(field)}");
            valid = false;
        }

        if (ids.Distinct().Count() != ids.Count)
        {
            violations.Add(path, "chooses an option more than once");
            valid = false;
        }

        if (field.MaxSelections is { } max && ids.Count > max)
        {
            violations.Add(path, $"may choose at most {max} options (it chooses {ids.Count})");
            valid = false;
        }

        return valid ? Answer.OfChoices(ids) : null;
    }
}

internal static class ChoiceText
{
    public static string Quote(string id) => "'" + (id.Length > 64 ? id[..64] + "…" : new string(id.Select(c => char.IsControl(c) ? '?' : c).ToArray())) + "'";

    public static string List(SurveyField field) =>
        field.Options.Count <= 30 ? string.Join(", ", field.Options.Select(o => o.Id)) : string.Join(", ", field.Options.Take(30).Select(o => o.Id)) + ", …";
}
