using Krakow.Plugins.Sdk;

namespace Krakow.Modules.Maps.Domain.Applications.Survey;

/// <summary>What answers are checked against beyond the survey: the images uploaded to the application so far.</summary>
internal sealed record AnswerContext(IReadOnlySet<string> UploadedImageIds)
{
    public static AnswerContext NewApplication { get; } = new(new HashSet<string>());
}

/// <summary>
/// The rule of one survey field type. <see cref="SurveyValidator"/> hands it only answers that are given (not blank)
/// and of the <see cref="Expects"/> kind.
/// </summary>
internal interface IAnswerRule
{
    AnswerKind Expects { get; }

    /// <summary>Returns the answer as it is kept (trimmed, normalised), or null after adding the reasons to <paramref name="violations"/>.</summary>
    Answer? Check(SurveyField field, Answer answer, string path, AnswerContext context, AnswerViolations violations);
}
