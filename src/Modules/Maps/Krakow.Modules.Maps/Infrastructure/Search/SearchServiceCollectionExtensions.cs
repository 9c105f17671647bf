using Krakow.Modules.Maps.Application.Search;
using Krakow.Modules.Maps.Infrastructure.Persistence;
using Microsoft.Extensions.DependencyInjection;

namespace Krakow.Modules.Maps.Infrastructure.Search;

internal static class SearchServiceCollectionExtensions
{
    /// <summary>
    /// The listing index (built at start-up, following the feed), the searches, the GeoJSON export, the nudge on
    /// every Maps save, and the "maps-search-index" readiness check. Page tokens are signed under the module's key
    /// (<c>IEditTokenKey</c>, registered with the applications), which every instance on the database shares.
    /// </summary>
    public static IServiceCollection AddListingSearch(this IServiceCollection services)
    {
        services.AddSingleton<PageTokens>();
        services.AddSingleton(new SearchIndexOptions());
        services.AddSingleton<ListingIndexUpdater>();
        services.AddSingleton<IListingIndex>(sp => sp.GetRequiredService<ListingIndexUpdater>());
        services.AddHostedService(sp => sp.GetRequiredService<ListingIndexUpdater>());
        // Stateless over singletons (index, catalogue, clock, cache): one instance serves every call.
        services.AddSingleton<ListingSearch>();
        services.AddSingleton<CampaignGeoJsonExport>();
        ListingFeedNudger.AddListener<ListingIndexUpdater>(services);
        services.AddHealthChecks().AddCheck<SearchIndexHealthCheck>("maps-search-index", tags: ["ready"]);
        return services;
    }
}
