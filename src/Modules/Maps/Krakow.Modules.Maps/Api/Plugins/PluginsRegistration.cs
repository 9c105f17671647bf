using Krakow.Modules.Maps.Infrastructure.Plugins;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace Krakow.Modules.Maps.Api.Plugins;

/// <summary>The campaign plugins on the host's endpoints: their own gRPC services, and PluginAdministration.</summary>
internal static class PluginsRegistration
{
    /// <summary>
    /// Hands the host's endpoints to the plugin registry, which maps each loaded plugin's gRPC services (gRPC and
    /// gRPC-Web, listed by reflection) while the plugin is loaded and unmaps them when it goes; and maps
    /// krakow.maps.v1.PluginAdministration.
    /// </summary>
    public static IEndpointRouteBuilder MapCampaignPlugins(this IEndpointRouteBuilder endpoints)
    {
        endpoints.ServiceProvider.GetRequiredService<PluginRegistry>().PublishServicesTo(endpoints);
        endpoints.MapGrpcService<PluginAdministrationService>();
        return endpoints;
    }
}
