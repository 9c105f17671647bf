using Krakow.Modules.Maps.Application.Campaigns;
using Krakow.Modules.Maps.Application.Seasons;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Krakow.Modules.Maps.Api.Seasons;

/// <summary>
/// Wires seasons: the <see cref="SeasonalCampaignCatalog"/> decorates the <see cref="ICampaignCatalog"/> registered
/// before it (the plugins' catalogue) and takes its place, so everything that reads the catalogue — campaigns,
/// applications, search, export, watch — sees seasons; its refresher; the season and re-confirmation use cases;
/// and the krakow.maps.v1.Seasons gRPC service. Must come after the plugins' registration.
/// </summary>
internal static class SeasonsRegistration
{
    public static IServiceCollection AddCampaignSeasons(this IServiceCollection services, IConfiguration configuration)
    {
        var inner = services.LastOrDefault(d => d.ServiceType == typeof(ICampaignCatalog) && !d.IsKeyedService)
            ?? throw new InvalidOperationException("Register the campaign plugins (ICampaignCatalog) before the seasons that decorate them.");

        services.AddSingleton(SeasonOptions.FromConfiguration(configuration));
        services.AddSingleton(sp => new SeasonalCampaignCatalog((ICampaignCatalog)Resolve(sp, inner), sp.GetRequiredService<IServiceScopeFactory>()));
        services.Replace(ServiceDescriptor.Singleton<ICampaignCatalog>(sp => sp.GetRequiredService<SeasonalCampaignCatalog>()));
        services.AddSingleton<SeasonRefresher>();
        services.AddHostedService(sp => sp.GetRequiredService<SeasonRefresher>());
        services.AddScoped<SeasonDesk>();
        services.AddScoped<ReconfirmationDesk>();
        return services;
    }

    public static IEndpointRouteBuilder MapCampaignSeasons(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGrpcService<SeasonsService>();
        return endpoints;
    }

    private static object Resolve(IServiceProvider services, ServiceDescriptor descriptor) =>
        descriptor.ImplementationInstance
        ?? descriptor.ImplementationFactory?.Invoke(services)
        ?? ActivatorUtilities.GetServiceOrCreateInstance(services, descriptor.ImplementationType!);
}
