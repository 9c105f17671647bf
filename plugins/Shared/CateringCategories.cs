using Krakow.Plugins.Sdk;

namespace Krakow.Plugins.Shared;

/// <summary>
/// The catering categories "I'm ACTIVE" and "Gastronomy industry in Kraków" both offer. Cross-listing keeps an
/// entry's category, so the two maps must use the very same ids: they come from here. Source-linked into each
/// plugin, like <see cref="KrakowAreas"/>.
/// </summary>
internal static class CateringCategories
{
    public static IReadOnlyList<CampaignCategory> All { get; } =
    [
        new("restaurant", new("Restauracja", "Restaurant"), Catering: true),
        new("cafe", new("Kawiarnia", "Café"), Catering: true),
        new("confectionery", new("Cukiernia", "Confectionery"), Catering: true),
        new("bistro", new("Bistro i bar", "Bistro and bar"), Catering: true),
        new("food-truck", new("Food truck", "Food truck"), Catering: true),
        new("catering-service", new("Catering", "Catering service"), Catering: true),
    ];
}
