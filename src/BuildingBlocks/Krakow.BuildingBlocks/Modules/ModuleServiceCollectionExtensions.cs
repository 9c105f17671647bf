using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Krakow.BuildingBlocks.Modules;

public static class ModuleServiceCollectionExtensions
{
    /// <summary>Registers the services of every enabled module in <paramref name="catalog"/>.</summary>
    public static IServiceCollection AddPlatformModules(this IServiceCollection services, ModuleCatalog catalog, IConfiguration configuration)
    {
        services.AddSingleton(catalog);
        foreach (var module in catalog.Enabled)
        {
            module.ConfigureServices(services, configuration);
        }

        return services;
    }

    /// <summary>Maps the endpoints of every enabled module; a disabled module's gRPC services answer UNIMPLEMENTED.</summary>
    public static IEndpointRouteBuilder MapPlatformModules(this IEndpointRouteBuilder endpoints)
    {
        foreach (var module in endpoints.ServiceProvider.GetRequiredService<ModuleCatalog>().Enabled)
        {
            module.MapEndpoints(endpoints);
        }

        return endpoints;
    }
}
