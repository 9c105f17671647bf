using Krakow.Modules.Maps.Application.Watch;
using Krakow.Modules.Maps.Infrastructure;
using Krakow.Modules.Maps.Infrastructure.Persistence;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Routing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Krakow.Modules.Maps.Api.Watch;

/// <summary>
/// Wires campaign watches: the feed follower (a hosted service) and its nudge on every Maps save, the resume
/// tokens, and the krakow.maps.v1.CampaignWatch gRPC service. Settings (<c>Maps:Watch:*</c>, see
/// <see cref="WatchOptions"/>) are read here, at start-up, so a bad one stops the host naming the key.
/// </summary>
internal static class WatchRegistration
{
    public static IServiceCollection AddCampaignWatch(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddSingleton(WatchOptions.FromConfiguration(configuration));
        services.AddSingleton<WatchTokens>();
        services.AddSingleton<ListingFeedFollower>();
        services.AddHostedService(sp => sp.GetRequiredService<ListingFeedFollower>());
        ListingFeedNudger.AddListener<ListingFeedFollower>(services);
        services.AddScoped<CampaignWatcher>();
        return services;
    }

    public static IEndpointRouteBuilder MapCampaignWatch(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGrpcService<CampaignWatchService>();
        return endpoints;
    }
}
