namespace Krakow.Modules.Maps.Domain.Applications.Survey;

/// <summary>One problem with one answer: the request field it concerns (e.g. <c>answers.address.postal_code</c>) and why.</summary>
internal sealed record AnswerViolation(string Field, string Description);

/// <summary>Collects every problem with a set of answers, so the applicant learns all of them at once.</summary>
internal sealed class AnswerViolations
{
    private readonly List<AnswerViolation> items = [];

    public IReadOnlyList<AnswerViolation> Items => items;

    public bool IsEmpty => items.Count == 0;

    public void Add(string field, string description) => items.Add(new AnswerViolation(field, description));
}
