using Krakow.Plugins.Sdk;
using Krakow.Plugins.Shared;

namespace Krakow.Plugins.ChristmasOnline;

/// <summary>
/// "This Christmas I order online!" (Święta zamawiam online!): the Christmas map for entrepreneurs, craftsmen,
/// handicraftsmen and everyone offering Christmas products and services in Kraków and the surrounding area. The
/// season's dates come from plugin.json; applicants may upload a graphic offer. The plugin also serves gift ideas
/// by category and price over gRPC (<see cref="GiftSearchService"/>, Protos/gift_search.proto).
/// </summary>
public sealed class ChristmasOnlineCampaign : ICampaignPlugin
{
    public const string CampaignId = "christmas-online";

    /// <summary>The campaign's categories; the gift ideas of <see cref="GiftCatalogue"/> are filed under them.</summary>
    public static IReadOnlyList<CampaignCategory> Categories { get; } =
    [
        new("handicrafts", new("Rękodzieło i rzemiosło", "Handicrafts and crafts")),
        new("decorations", new("Ozdoby świąteczne", "Christmas decorations")),
        new("christmas-trees", new("Choinki", "Christmas trees")),
        new("delicacies", new("Świąteczne przysmaki i wypieki", "Christmas delicacies and baking"), Catering: true),
        new("holiday-catering", new("Catering i menu świąteczne", "Holiday catering and menus"), Catering: true),
        new("gifts", new("Upominki i prezenty", "Gifts")),
        new("vouchers-services", new("Vouchery i usługi na prezent", "Vouchers and services as gifts")),
        new("fashion-cosmetics", new("Moda i kosmetyki", "Fashion and cosmetics")),
        new("books-toys", new("Książki i zabawki", "Books and toys")),
        new("other", new("Inne produkty i usługi świąteczne", "Other Christmas products and services")),
    ];

    /// <summary>The survey's gift price bands (option id, bounds in PLN: from inclusive, to exclusive; null for none).</summary>
    public static IReadOnlyList<(string Id, LocalizedText Name, int From, int? To)> PriceBands { get; } =
    [
        ("up-to-50", new("Do 50 zł", "Up to PLN 50"), 0, 50),
        ("50-150", new("50–150 zł", "PLN 50–150"), 50, 150),
        ("150-500", new("150–500 zł", "PLN 150–500"), 150, 500),
        ("over-500", new("Powyżej 500 zł", "Over PLN 500"), 500, null),
    ];

    /// <summary>krakow.plugins.christmas.v1.GiftSearch, served while the plugin is loaded.</summary>
    public IReadOnlyList<PluginGrpcService> GrpcServices(PluginContext context)
    {
        var catalogue = new GiftCatalogue(Categories, PriceBands.Select(b => (b.Id, b.From, b.To)).ToArray());
        var service = new GiftSearchService(catalogue);
        return [new PluginGrpcService(typeof(GiftSearchService), () => service)];
    }

    public CampaignDefinition Describe(PluginContext context)
    {
        var categories = Categories;
        return new CampaignDefinition
        {
            Id = CampaignId,
            Name = new("Święta zamawiam online!", "This Christmas I order online!"),
            Description = new(
                "Świąteczna mapa stworzona dla mieszkańców Krakowa i okolic oraz dla przedsiębiorców, rzemieślników, rękodzielników "
                + "i innych osób oferujących świąteczne produkty i usługi. Zgłoszenia przyjmowane są przez krótką ankietę, w której "
                + "należy podać podstawowe informacje o prowadzonej działalności. Na mapę można przesłać plik graficzny z ofertą, "
                + "np. kolaż produktów, menu świąteczne czy przykładowe vouchery (głównie w przypadku usług).",
                "The Christmas map created for the residents of Kraków and the surrounding area, and for entrepreneurs, craftsmen, "
                + "handicraftsmen and other people offering Christmas products and services. Applications are made through a short "
                + "survey giving basic information about the business. The map allows uploading a graphic file with an offer, "
                + "e.g. a collage of various products, a holiday menu or examples of vouchers (mainly for services)."),
            Window = context.Window,
            Categories = categories,
            Survey = SurveySchema.Create(
                categories,
                acceptsOfferImage: true,
                new SurveyField("gift_price_range", FieldType.SingleChoice, new("Przedział cen prezentów", "Gift price range"))
                {
                    Options = [.. PriceBands.Select(b => new ChoiceOption(b.Id, b.Name))],
                },
                new SurveyField("ships_nationwide", FieldType.Boolean, new("Wysyłka na terenie całej Polski", "Ships nationwide")),
                new SurveyField("last_order_date", FieldType.Date, new("Ostatni dzień zamówień przed świętami", "Last day to order before Christmas"))),
            Eligibility = new(KrakowAreas.MetropolitanDescription, [KrakowAreas.Metropolitan]),
            AcceptsOfferImage = true,
        };
    }
}
