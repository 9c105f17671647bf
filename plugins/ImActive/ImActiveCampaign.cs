using Krakow.Plugins.Sdk;
using Krakow.Plugins.Shared;

namespace Krakow.Plugins.ImActive;

/// <summary>
/// "I'm ACTIVE" (Jestem AKTYWNY): the map of Kraków entrepreneurs, for every company or person running a business
/// in Kraków, indefinitely. Entries whose category is a catering one also appear on the gastronomy map.
/// </summary>
public sealed class ImActiveCampaign : ICampaignPlugin
{
    public const string CampaignId = "im-active";

    /// <summary>The gastronomy campaign's id: catering entries are cross-listed there.</summary>
    public const string GastronomyCampaignId = "gastronomy";

    public CampaignDefinition Describe(PluginContext context)
    {
        // The catering categories are the gastronomy map's own (CateringCategories), so a cross-listed entry keeps its category.
        CampaignCategory[] categories =
        [
            .. CateringCategories.All,
            new("retail", new("Handel i sklepy", "Retail and shops")),
            new("crafts", new("Rzemiosło i rękodzieło", "Crafts and handicrafts")),
            new("services", new("Usługi dla mieszkańców", "Services for residents")),
            new("health-beauty", new("Zdrowie i uroda", "Health and beauty")),
            new("culture-leisure", new("Kultura, sport i rekreacja", "Culture, sport and leisure")),
            new("education", new("Edukacja i szkolenia", "Education and training")),
            new("tourism", new("Turystyka i noclegi", "Tourism and accommodation")),
            new("business-services", new("Usługi dla firm", "Business services")),
            new("other", new("Inna działalność", "Other business")),
        ];

        return new CampaignDefinition
        {
            Id = CampaignId,
            Name = new("Jestem AKTYWNY", "I'm ACTIVE"),
            Description = new(
                "Mapa krakowskich przedsiębiorców, skierowana do każdej firmy i osoby prowadzącej działalność gospodarczą "
                + "w Krakowie. Jej celem jest dotarcie do mieszkańców z ofertą lokalnych przedsiębiorców, szczególnie dotkniętych "
                + "skutkami ograniczeń wprowadzonych w związku z pandemią. Zgłoszenia przyjmowane są przez krótką ankietę. "
                + "Podmioty z branży gastronomicznej automatycznie pojawiają się także na drugiej, specjalnej mapie krakowskiej "
                + "gastronomii. Projekt realizowany jest bezterminowo.",
                "The map of Kraków entrepreneurs, addressed to every company or person running a business in Kraków. Its aim "
                + "is to reach residents with the offer of local entrepreneurs, who are particularly acutely affected by the "
                + "restrictions introduced in connection with the pandemic. Applications are made through a short survey. "
                + "Entities from the catering industry automatically appear on the second, special map dedicated to Kraków's "
                + "gastronomy. The project is carried out indefinitely."),
            Window = context.Window,
            Categories = categories,
            Survey = SurveySchema.Create(
                categories,
                acceptsOfferImage: false,
                new SurveyField("opening_hours", FieldType.Text, new("Godziny otwarcia", "Opening hours"))
                {
                    Help = new("Np. pn–pt 9–17, sob 10–14", "E.g. Mon–Fri 9–17, Sat 10–14"),
                    MaxLength = 200,
                },
                new SurveyField("sells_vouchers", FieldType.Boolean, new("Sprzedaję vouchery na później", "I sell vouchers to use later"))
                {
                    Help = new("Bony podarunkowe lub usługi opłacone teraz, zrealizowane później", "Gift vouchers or services paid now and used later"),
                }),
            Eligibility = new(KrakowAreas.CityDescription, [KrakowAreas.City]),
            CrossListings = [new CrossListingRule(GastronomyCampaignId, OnlyCatering: true)],
            AcceptsOfferImage = false,
        };
    }
}
