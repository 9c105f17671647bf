using Krakow.Plugins.Sdk;
using Krakow.Plugins.Shared;

namespace Krakow.Plugins.Gastronomy;

/// <summary>
/// "Gastronomy industry in Kraków" (Branża gastronomiczna w Krakowie): the map of Kraków's catering businesses
/// (restaurants, cafés, confectioneries, bistros…), indefinitely. Every entry also appears on "I'm ACTIVE".
/// </summary>
public sealed class GastronomyCampaign : ICampaignPlugin
{
    public const string CampaignId = "gastronomy";

    /// <summary>The map of all Kraków entrepreneurs: every gastronomy entry is cross-listed there.</summary>
    public const string ImActiveCampaignId = "im-active";

    public CampaignDefinition Describe(PluginContext context)
    {
        // The same categories as the catering ones of "I'm ACTIVE" (CateringCategories), so a cross-listed entry keeps its category.
        CampaignCategory[] categories = [.. CateringCategories.All];

        return new CampaignDefinition
        {
            Id = CampaignId,
            Name = new("Branża gastronomiczna w Krakowie", "Gastronomy industry in Kraków"),
            Description = new(
                "Mapa dla firm z branży gastronomicznej (np. restauracji, kawiarni, cukierni, bistro) działających w Krakowie "
                + "mimo pandemii koronawirusa. Podmioty zgłaszające się na mapę gastronomiczną od razu pojawiają się także na "
                + "mapie „Jestem AKTYWNY”, na której znajdują się krakowscy przedsiębiorcy niezależnie od profilu działalności. "
                + "Zgłoszenia przyjmowane są przez krótką ankietę. Projekt realizowany jest bezterminowo.",
                "The map for companies from the catering industry (e.g. restaurants, cafés, confectioneries, bistros) operating "
                + "in Kraków despite the coronavirus pandemic. Entities applying to the gastronomic map also immediately appear "
                + "on the \"I'm ACTIVE\" map, where Kraków entrepreneurs are located regardless of their business profile. "
                + "Applications are made via a short survey. The project is carried out indefinitely."),
            Window = context.Window,
            Categories = categories,
            Survey = SurveySchema.Create(
                categories,
                acceptsOfferImage: false,
                new SurveyField("cuisine", FieldType.MultipleChoice, new("Kuchnia", "Cuisine"))
                {
                    Options =
                    [
                        new("polish", new("Polska", "Polish")),
                        new("italian", new("Włoska", "Italian")),
                        new("asian", new("Azjatycka", "Asian")),
                        new("middle-eastern", new("Bliskowschodnia", "Middle Eastern")),
                        new("vegetarian", new("Wegetariańska i wegańska", "Vegetarian and vegan")),
                        new("desserts", new("Desery i wypieki", "Desserts and pastries")),
                        new("other", new("Inna", "Other")),
                    ],
                    MaxSelections = 3,
                },
                new SurveyField("takeaway", FieldType.Boolean, new("Jedzenie na wynos", "Takeaway")),
                new SurveyField("menu_url", FieldType.Url, new("Menu online", "Menu online")) { MaxLength = 500 }),
            Eligibility = new(KrakowAreas.CityDescription, [KrakowAreas.City]),
            CrossListings = [new CrossListingRule(ImActiveCampaignId)],
            AcceptsOfferImage = false,
        };
    }
}
