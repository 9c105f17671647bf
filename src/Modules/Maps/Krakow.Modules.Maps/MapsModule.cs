using Krakow.BuildingBlocks.Modules;
using Krakow.BuildingBlocks.Persistence;
using Krakow.Modules.Maps.Api.Applications;
using Krakow.Modules.Maps.Api.Listings;
using Krakow.Modules.Maps.Infrastructure;
using Krakow.Modules.Maps.Infrastructure.Plugins;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Krakow.Modules.Maps;

/// <summary>The Maps context (domain.md §1): campaigns from plugins, applications, moderation, listings, search.</summary>
public sealed class MapsModule : IModule
{
    public string Name => "Maps";

    public void ConfigureServices(IServiceCollection services, IConfiguration configuration)
    {
        services.AddModuleDatabase<MapsDbContext>();

        // Campaign plugins: loaded at start-up from Maps:PluginsDirectory into ICampaignCatalog; readiness check "plugins"
        // (Infrastructure/Plugins/PluginServiceCollectionExtensions.cs).
        services.AddCampaignPlugins(configuration);

        // Search: the listing index (follows the listing feed), SearchNearby/SearchViewport/GetListing/ExportCampaign
        // (Api/Listings/ListingsRegistration.cs).
        services.AddListings();

        // Campaigns, applications, moderation, listings and offer images (Api/Applications/ApplicationsRegistration.cs).
        services.AddMapsApplications(configuration);

        // ---- Seasons and watch (Api/Seasons/SeasonsRegistration.cs, Api/Watch/WatchRegistration.cs). Seasons decorate
        // the ICampaignCatalog registered above, so they come after the plugins. ----
        Api.Seasons.SeasonsRegistration.AddCampaignSeasons(services, configuration);
        Api.Watch.WatchRegistration.AddCampaignWatch(services, configuration);
        // ---- end seasons and watch ----
    }

    public void MapEndpoints(IEndpointRouteBuilder endpoints)
    {
        // ---- Campaign plugins (hot reload): each loaded plugin's own gRPC services, mapped and unmapped as plugins
        // come and go, and krakow.maps.v1.PluginAdministration (Api/Plugins/PluginsRegistration.cs). ----
        Api.Plugins.PluginsRegistration.MapCampaignPlugins(endpoints);
        // ---- end campaign plugins ----

        // Search: the Listings gRPC service and GET /maps/campaigns/{id}/listings.geojson.
        endpoints.MapListings();

        // Campaigns, Applications and Moderation gRPC services; GET /maps/images/{sha256}.
        endpoints.MapMapsApplications();

        // ---- Seasons and watch: the Seasons and CampaignWatch gRPC services. ----
        Api.Seasons.SeasonsRegistration.MapCampaignSeasons(endpoints);
        Api.Watch.WatchRegistration.MapCampaignWatch(endpoints);
        // ---- end seasons and watch ----
    }
}
