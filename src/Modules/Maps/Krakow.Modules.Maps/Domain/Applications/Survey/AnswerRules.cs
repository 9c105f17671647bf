using Krakow.Plugins.Sdk;

namespace Krakow.Modules.Maps.Domain.Applications.Survey;

/// <summary>The rule of each survey field type: the one place that says how a type of question is answered.</summary>
internal static class AnswerRules
{
    private static readonly Dictionary<FieldType, IAnswerRule> Rules = new()
    {
        [FieldType.Text] = new TextRule(multiline: false, TextFormats.Any),
        [FieldType.LongText] = new TextRule(multiline: true, TextFormats.Any),
        [FieldType.Url] = new TextRule(multiline: false, TextFormats.Url),
        [FieldType.Email] = new TextRule(multiline: false, TextFormats.Email),
        [FieldType.Phone] = new TextRule(multiline: false, TextFormats.Phone),
        [FieldType.Date] = new TextRule(multiline: false, TextFormats.Date),
        [FieldType.SingleChoice] = new SingleChoiceRule(),
        [FieldType.MultipleChoice] = new MultipleChoiceRule(),
        [FieldType.Number] = new NumberRule(),
        [FieldType.Boolean] = new BooleanRule(),
        [FieldType.GeoPoint] = new GeoPointRule(),
        [FieldType.Address] = new AddressRule(),
        [FieldType.Image] = new ImageRule(),
    };

    public static IAnswerRule For(FieldType type) =>
        Rules.TryGetValue(type, out var rule) ? rule : throw new ArgumentOutOfRangeException(nameof(type), type, "No rule for this survey field type.");

    /// <summary>The member of the public AnswerValue that carries a kind of answer.</summary>
    public static string Describe(AnswerKind kind) => kind switch
    {
        AnswerKind.Text => "a text answer",
        AnswerKind.Number => "a number answer",
        AnswerKind.Boolean => "a boolean answer",
        AnswerKind.Choices => "a choices answer",
        AnswerKind.Point => "a point answer",
        AnswerKind.Address => "an address answer",
        AnswerKind.Image => "an image_id answer",
        _ => kind.ToString(),
    };
}
