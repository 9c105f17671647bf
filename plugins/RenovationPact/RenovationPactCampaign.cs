using Krakow.Plugins.Sdk;

namespace Krakow.Plugins.RenovationPact;

/// <summary>
/// "Renovation Pact" (Pakt remontowy, seed 001): the city's support for businesses whose turnover falls because a
/// street renovation drags on — access roads and pavements their customers use are closed. The pact is applied
/// first to the renovation of ul. Straszewskiego and ul. Piłsudskiego, so only businesses on those two streets may
/// apply (<see cref="StreetCorridors"/>), and the map shows them for the duration of the works (the season's window
/// in plugin.json).
/// </summary>
public sealed class RenovationPactCampaign : ICampaignPlugin
{
    public const string CampaignId = "renovation-pact";

    public CampaignDefinition Describe(PluginContext context)
    {
        CampaignCategory[] categories =
        [
            new("retail", new("Sklepy i handel", "Shops and retail")),
            new("services", new("Usługi", "Services")),
            new("catering", new("Gastronomia: restauracje, kawiarnie, bary", "Catering: restaurants, cafés, bars"), Catering: true),
            new("crafts", new("Rzemiosło i pracownie", "Crafts and workshops")),
            new("health-beauty", new("Zdrowie i uroda", "Health and beauty")),
            new("culture-tourism", new("Kultura i turystyka", "Culture and tourism")),
            new("other", new("Inna działalność", "Other business")),
        ];

        return new CampaignDefinition
        {
            Id = CampaignId,
            Name = new("Pakt remontowy", "Renovation Pact"),
            Description = new(
                "Pakt remontowy to zestaw działań miasta wspierających przedsiębiorców, których obroty spadają z powodu "
                + "przedłużających się remontów ulic: w czasie robót zamykane są drogi dojazdowe i chodniki, którymi klienci "
                + "docierają do firm. Działania paktu są wdrażane przy remoncie ul. Straszewskiego oraz ul. Piłsudskiego. "
                + "Firmy z tych ulic zgłaszają się przez krótką ankietę, a mapa pokazuje je mieszkańcom przez cały czas "
                + "trwania robót, tylko na obszarze objętym remontem.",
                "The Renovation Pact is the city's set of measures supporting businesses whose turnover falls because street "
                + "renovations drag on: during the works the access roads and pavements customers use to reach them are closed. "
                + "The pact is applied to the renovation of ul. Straszewskiego and ul. Piłsudskiego. Businesses on those streets "
                + "apply through a short survey, and the map shows them to residents for the whole duration of the works, "
                + "within the area under renovation only."),
            Window = context.Window,
            Categories = categories,
            Survey = SurveySchema.Create(
                categories,
                acceptsOfferImage: false,
                new SurveyField("affected_street", FieldType.SingleChoice, new("Ulica objęta remontem", "Street under renovation"))
                {
                    Required = true,
                    Options =
                    [
                        new("straszewskiego", new("ul. Straszewskiego", "ul. Straszewskiego")),
                        new("pilsudskiego", new("ul. Piłsudskiego", "ul. Piłsudskiego")),
                    ],
                },
                new SurveyField("loss_of_revenue_percent", FieldType.Number, new("Spadek obrotów w czasie remontu (%)", "Loss of revenue during the works (%)"))
                {
                    Help = new("W porównaniu z tym samym okresem przed remontem", "Compared with the same period before the works"),
                    Required = true,
                    Min = 0,
                    Max = 100,
                },
                new SurveyField("support_needed", FieldType.MultipleChoice, new("Potrzebne wsparcie", "Support needed"))
                {
                    Options =
                    [
                        new("promotion", new("Promocja firmy na mapie i w kanałach miasta", "Promotion on the map and the city's channels")),
                        new("wayfinding", new("Oznakowanie dojścia do lokalu w czasie robót", "Signs showing the way in during the works")),
                        new("rent-relief", new("Obniżka czynszu za lokal miejski", "Lower rent for municipal premises")),
                        new("outdoor-seating", new("Ulga w opłatach za ogródek gastronomiczny", "Relief from outdoor seating fees")),
                        new("advice", new("Doradztwo Punktu Obsługi Przedsiębiorcy", "Advice from the Entrepreneur Service Point")),
                    ],
                },
                new SurveyField("open_during_works", FieldType.Boolean, new("Lokal jest otwarty w czasie remontu", "Open during the works"))),
            Eligibility = new(
                new(
                    "ul. Straszewskiego i ul. Piłsudskiego w Krakowie (pas ok. 45 m po obu stronach ulicy objętej remontem)",
                    "ul. Straszewskiego and ul. Piłsudskiego in Kraków (a strip of about 45 m either side of the street under renovation)"),
                [StreetCorridors.Straszewskiego, StreetCorridors.Pilsudskiego]),
        };
    }
}
