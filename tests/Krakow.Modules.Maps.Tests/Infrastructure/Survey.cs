using Krakow.Maps.V1;

namespace Krakow.Modules.Maps.Tests.Infrastructure;

/// <summary>Answers and submissions as an applicant's client builds them.</summary>
internal static class Survey
{
    /// <summary>Rynek Główny, the heart of Kraków: inside every test area.</summary>
    public static readonly (double Latitude, double Longitude) MainSquare = (50.0617, 19.9373);

    /// <summary>Warsaw: outside every Kraków area.</summary>
    public static readonly (double Latitude, double Longitude) Warsaw = (52.2297, 21.0122);

    public static AnswerValue Text(string text) => new() { Text = text };

    public static AnswerValue Number(double number) => new() { Number = number };

    public static AnswerValue Flag(bool value) => new() { Boolean = value };

    public static AnswerValue Choices(params string[] optionIds) => new() { Choices = new ChoiceList { OptionIds = { optionIds } } };

    public static AnswerValue Point(double latitude, double longitude) => new() { Point = new GeoPoint { Latitude = latitude, Longitude = longitude } };

    public static AnswerValue Place(string street, string building, string postalCode, string city) =>
        new() { Address = new Address { Street = street, BuildingNumber = building, PostalCode = postalCode, City = city } };

    public static AnswerValue Image(string imageId) => new() { ImageId = imageId };

    public static string NewKey() => "key-" + Guid.NewGuid().ToString("N");

    /// <summary>A complete, valid submission to <paramref name="campaignId"/> in category <paramref name="category"/>.</summary>
    public static SubmitApplicationRequest Submission(string campaignId, string category, string name = "Pracownia Smaku", string? key = null)
    {
        var request = new SubmitApplicationRequest { CampaignId = campaignId, IdempotencyKey = key ?? NewKey() };
        request.Answers.Add(StandardAnswers(category, name));
        return request;
    }

    public static Dictionary<string, AnswerValue> StandardAnswers(string category, string name = "Pracownia Smaku") => new()
    {
        ["business_name"] = Text(name),
        ["category"] = Text(category),
        ["location"] = Point(MainSquare.Latitude, MainSquare.Longitude),
        ["address"] = Place("Rynek Główny", "1", "31-042", "Kraków"),
        ["description"] = Text("Pierogi, barszcz i makowiec.\nZamówienia telefoniczne."),
        ["website"] = Text("https://pracownia-smaku.example.pl/"),
        ["phone"] = Text("+48 12 616 12 34"),
        ["email"] = Text("biuro@pracownia-smaku.example.pl"),
        ["orders_online"] = Flag(true),
        ["delivers"] = Flag(false),
    };
}
