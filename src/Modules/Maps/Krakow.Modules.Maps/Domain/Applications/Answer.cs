using Krakow.Plugins.Sdk;

namespace Krakow.Modules.Maps.Domain.Applications;

/// <summary>Which kind of value an answer holds; each survey field type expects one kind.</summary>
internal enum AnswerKind
{
    Text = 1,
    Number = 2,
    Boolean = 3,
    Choices = 4,
    Point = 5,
    Address = 6,
    Image = 7,
}

/// <summary>
/// One answer to a survey question, as the applicant gave it (before validation) or as it was accepted (after).
/// Exactly the member that matches <see cref="Kind"/> is set.
/// </summary>
internal sealed record Answer
{
    public AnswerKind Kind { get; init; }

    /// <summary>Text, long text, url, e-mail, phone, date ("YYYY-MM-DD") and single choice (the option id).</summary>
    public string? Text { get; init; }

    public double? Number { get; init; }

    public bool? Boolean { get; init; }

    /// <summary>Multiple choice: the chosen option ids.</summary>
    public IReadOnlyList<string>? Choices { get; init; }

    public GeoPosition? Point { get; init; }

    public PostalAddress? Address { get; init; }

    /// <summary>Image: the content address (SHA-256, hex) of an offer image uploaded to the same application.</summary>
    public string? ImageId { get; init; }

    public static Answer OfText(string text) => new() { Kind = AnswerKind.Text, Text = text };

    public static Answer OfNumber(double number) => new() { Kind = AnswerKind.Number, Number = number };

    public static Answer OfBoolean(bool value) => new() { Kind = AnswerKind.Boolean, Boolean = value };

    public static Answer OfChoices(IReadOnlyList<string> optionIds) => new() { Kind = AnswerKind.Choices, Choices = optionIds };

    public static Answer OfPoint(GeoPosition point) => new() { Kind = AnswerKind.Point, Point = point };

    public static Answer OfAddress(PostalAddress address) => new() { Kind = AnswerKind.Address, Address = address };

    public static Answer OfImage(string imageId) => new() { Kind = AnswerKind.Image, ImageId = imageId };

    /// <summary>An answer that says nothing: empty or blank text, no choices, no image. It counts as not given.</summary>
    public bool IsBlank => Kind switch
    {
        AnswerKind.Text => string.IsNullOrWhiteSpace(Text),
        AnswerKind.Choices => Choices is null || Choices.Count == 0,
        AnswerKind.Image => string.IsNullOrEmpty(ImageId),
        AnswerKind.Number => Number is null,
        AnswerKind.Boolean => Boolean is null,
        AnswerKind.Point => Point is null,
        AnswerKind.Address => Address is null,
        _ => true,
    };
}

/// <summary>A postal address in Poland (or nearby).</summary>
internal sealed record PostalAddress(string Street, string BuildingNumber, string PostalCode, string City);
