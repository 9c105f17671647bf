using Krakow.Plugins.Sdk;

namespace Krakow.Modules.Maps.Tests.Infrastructure;

/// <summary>
/// Campaigns for the test catalogue: the three real ones as their plugins describe them (ids, catering categories,
/// cross-listing rules, areas, windows), and "survey-lab", whose survey has a question of every field type.
/// </summary>
internal static class TestCampaigns
{
    public const string ImActive = "im-active";
    public const string Gastronomy = "gastronomy";
    public const string Christmas = "christmas-online";
    public const string SurveyLab = "survey-lab";

    public static readonly DateTimeOffset ChristmasOpens = new(2026, 11, 1, 0, 0, 0, TimeSpan.FromHours(1));
    public static readonly DateTimeOffset ChristmasCloses = new(2027, 1, 6, 23, 59, 59, TimeSpan.FromHours(1));

    /// <summary>The centre of Kraków and a radius that stays inside the city limits.</summary>
    public static readonly GeoArea City = new CircleArea(new GeoPosition(50.0614, 19.9366), 9_000);

    public static readonly GeoArea Metropolitan = new CircleArea(new GeoPosition(50.0614, 19.9366), 35_000);

    public static IReadOnlyList<CampaignDefinition> All() => [ImActiveCampaign(), GastronomyCampaign(), ChristmasCampaign(), SurveyLabCampaign()];

    public static CampaignDefinition ImActiveCampaign(string nameEn = "I'm ACTIVE")
    {
        CampaignCategory[] categories =
        [
            new("restaurant", new("Restauracja", "Restaurant"), Catering: true),
            new("cafe", new("Kawiarnia", "Café"), Catering: true),
            new("retail", new("Handel i sklepy", "Retail and shops")),
            new("crafts", new("Rzemiosło i rękodzieło", "Crafts and handicrafts")),
            new("services", new("Usługi dla mieszkańców", "Services for residents")),
        ];
        return new CampaignDefinition
        {
            Id = ImActive,
            Name = new("Jestem AKTYWNY", nameEn),
            Description = new("Mapa krakowskich przedsiębiorców", "The map of Kraków entrepreneurs"),
            Window = CampaignWindow.Indefinite(new DateTimeOffset(2020, 4, 1, 0, 0, 0, TimeSpan.FromHours(2))),
            Categories = categories,
            Survey = SurveySchema.Create(
                categories,
                acceptsOfferImage: false,
                new SurveyField("opening_hours", FieldType.Text, new("Godziny otwarcia", "Opening hours")) { MaxLength = 200 }),
            Eligibility = new(new("Kraków (w granicach miasta)", "Kraków (within the city limits)"), [City]),
            CrossListings = [new CrossListingRule(Gastronomy, OnlyCatering: true)],
        };
    }

    public static CampaignDefinition GastronomyCampaign()
    {
        CampaignCategory[] categories =
        [
            new("restaurant", new("Restauracja", "Restaurant"), Catering: true),
            new("cafe", new("Kawiarnia", "Café"), Catering: true),
            new("confectionery", new("Cukiernia", "Confectionery"), Catering: true),
        ];
        return new CampaignDefinition
        {
            Id = Gastronomy,
            Name = new("Branża gastronomiczna w Krakowie", "Gastronomy industry in Kraków"),
            Description = new("Mapa krakowskiej gastronomii", "The map of Kraków's gastronomy"),
            Window = CampaignWindow.Indefinite(new DateTimeOffset(2020, 4, 1, 0, 0, 0, TimeSpan.FromHours(2))),
            Categories = categories,
            Survey = SurveySchema.Create(
                categories,
                acceptsOfferImage: false,
                new SurveyField("cuisine", FieldType.MultipleChoice, new("Kuchnia", "Cuisine"))
                {
                    Options = [new("polish", new("Polska", "Polish")), new("italian", new("Włoska", "Italian")), new("asian", new("Azjatycka", "Asian")), new("other", new("Inna", "Other"))],
                    MaxSelections = 3,
                },
                new SurveyField("menu_url", FieldType.Url, new("Menu online", "Menu online")) { MaxLength = 500 }),
            Eligibility = new(new("Kraków (w granicach miasta)", "Kraków (within the city limits)"), [City]),
            CrossListings = [new CrossListingRule(ImActive)],
        };
    }

    public static CampaignDefinition ChristmasCampaign()
    {
        CampaignCategory[] categories =
        [
            new("handicrafts", new("Rękodzieło i rzemiosło", "Handicrafts and crafts")),
            new("gifts", new("Upominki i prezenty", "Gifts")),
            new("delicacies", new("Świąteczne przysmaki", "Christmas delicacies"), Catering: true),
        ];
        return new CampaignDefinition
        {
            Id = Christmas,
            Name = new("Święta zamawiam online!", "This Christmas I order online!"),
            Description = new("Świąteczna mapa", "The Christmas map"),
            Window = new CampaignWindow(ChristmasOpens, ChristmasCloses),
            Categories = categories,
            Survey = SurveySchema.Create(
                categories,
                acceptsOfferImage: true,
                new SurveyField("last_order_date", FieldType.Date, new("Ostatni dzień zamówień", "Last day to order"))),
            Eligibility = new(new("Kraków i okolice", "Kraków and the surrounding area (the metropolitan municipalities)"), [Metropolitan]),
            AcceptsOfferImage = true,
        };
    }

    /// <summary>Every field type, with limits: the survey validator's test bench. Open from 2020, anywhere.</summary>
    public static CampaignDefinition SurveyLabCampaign()
    {
        CampaignCategory[] categories = [new("lab", new("Laboratorium", "Laboratory"))];
        return new CampaignDefinition
        {
            Id = SurveyLab,
            Name = new("Laboratorium ankiet", "Survey lab"),
            Description = new("Kampania testowa", "A test campaign"),
            Window = CampaignWindow.Indefinite(new DateTimeOffset(2020, 1, 1, 0, 0, 0, TimeSpan.Zero)),
            Categories = categories,
            Survey = SurveySchema.Create(
                categories,
                acceptsOfferImage: true,
                new SurveyField("employees", FieldType.Number, new("Liczba pracowników", "Employees")) { Min = 0, Max = 10_000 },
                new SurveyField("founded", FieldType.Date, new("Data założenia", "Founded")),
                new SurveyField("services", FieldType.MultipleChoice, new("Usługi", "Services"))
                {
                    Options = [new("repair", new("Naprawy", "Repairs")), new("delivery", new("Dostawa", "Delivery")), new("consulting", new("Doradztwo", "Consulting"))],
                    MaxSelections = 2,
                },
                new SurveyField("size", FieldType.SingleChoice, new("Wielkość", "Size"))
                {
                    Options = [new("micro", new("Mikro", "Micro")), new("small", new("Mała", "Small"))],
                },
                new SurveyField("motto", FieldType.Text, new("Motto", "Motto")) { MaxLength = 50 },
                new SurveyField("history", FieldType.LongText, new("Historia", "History")) { MaxLength = 50_000 }),
            Eligibility = new(new("Wszędzie", "Anywhere"), []),
        };
    }
}
