using Krakow.Plugins.Sdk;

namespace Krakow.Modules.Maps.Domain.Applications.Survey;

/// <summary>The answers as accepted (normalised), or every reason they are not.</summary>
internal sealed record SurveyResult(IReadOnlyDictionary<string, Answer> Answers, IReadOnlyList<AnswerViolation> Violations)
{
    public bool IsValid => Violations.Count == 0;
}

/// <summary>
/// Checks answers against a campaign's survey in one pass over the schema: questions the survey does not ask,
/// required questions left blank, answers of the wrong kind for the field's type, then the field type's own rule
/// (<see cref="AnswerRules"/>). Every problem is reported, under <c>answers.&lt;field id&gt;</c>.
/// </summary>
internal static class SurveyValidator
{
    public const string AnswersField = "answers";

    /// <summary>How many unknown questions are named one by one; the rest are counted.</summary>
    private const int MaxUnknownReported = 20;

    public static SurveyResult Validate(SurveySchema schema, IReadOnlyDictionary<string, Answer?> answers, AnswerContext context)
    {
        var violations = new AnswerViolations();
        ReportUnknownQuestions(schema, answers, violations);

        var accepted = new Dictionary<string, Answer>(StringComparer.Ordinal);
        foreach (var field in schema.Fields)
        {
            var path = AnswersField + "." + field.Id;
            var answer = answers.GetValueOrDefault(field.Id);
            if (answer is null || answer.IsBlank)
            {
                if (field.Required)
                {
                    violations.Add(path, "is required");
                }

                continue;
            }

            var rule = AnswerRules.For(field.Type);
            if (answer.Kind != rule.Expects)
            {
                violations.Add(path, $"expects {AnswerRules.Describe(rule.Expects)}");
                continue;
            }

            if (rule.Check(field, answer, path, context, violations) is { } kept)
            {
                accepted[field.Id] = kept;
            }
        }

        return new SurveyResult(accepted, violations.Items);
    }

    private static void ReportUnknownQuestions(SurveySchema schema, IReadOnlyDictionary<string, Answer?> answers, AnswerViolations violations)
    {
        var known = schema.Fields.Select(f => f.Id).ToHashSet(StringComparer.Ordinal);
        var unknown = answers.Keys.Where(id => !known.Contains(id)).Order(StringComparer.Ordinal).ToList();
        foreach (var id in unknown.Take(MaxUnknownReported))
        {
            violations.Add(AnswersField + "." + Printable(id), "is not a question of this campaign's survey");
        }

        if (unknown.Count > MaxUnknownReported)
        {
            violations.Add(AnswersField, $"names {unknown.Count - MaxUnknownReported} more questions this campaign's survey does not ask");
        }
    }

    /// <summary>An unknown id as it can be echoed back: at most 64 characters, control characters replaced.</summary>
    private static string Printable(string id)
    {
        var shown = id.Length > 64 ? id[..64] + "…" : id;
        return new string(shown.Select(c => char.IsControl(c) ? '?' : c).ToArray());
    }
}
