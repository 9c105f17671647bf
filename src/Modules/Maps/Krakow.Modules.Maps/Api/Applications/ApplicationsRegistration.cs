using Krakow.Modules.Maps.Api.Campaigns;
using Krakow.Modules.Maps.Api.Images;
using Krakow.Modules.Maps.Api.Moderation;
using Krakow.Modules.Maps.Application.Applications;
using Krakow.Modules.Maps.Application.Images;
using Krakow.Modules.Maps.Application.Moderation;
using Krakow.Modules.Maps.Infrastructure.Images;
using Krakow.Modules.Maps.Infrastructure.Persistence;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Krakow.Modules.Maps.Api.Applications;

/// <summary>
/// Wires campaigns, applications, moderation, listings and offer images: the Campaigns, Applications and Moderation
/// gRPC services and GET /maps/images/{sha256}. Settings are read here, at start-up, so a bad one stops the host
/// naming the key: <c>Maps:TokenKey</c>, <c>Maps:Images:MaxBytes</c>, <c>Maps:Images:MaxPixels</c>, <c>Maps:Images:Directory</c>.
/// </summary>
internal static class ApplicationsRegistration
{
    public static IServiceCollection AddMapsApplications(this IServiceCollection services, IConfiguration configuration)
    {
        var tokenKey = EditTokenKeyStore.ReadConfiguredKey(configuration);
        var imageSettings = ImageStorageSettings.FromConfiguration(configuration);

        services.AddSingleton<IEditTokenKey>(sp => new EditTokenKeyStore(tokenKey, sp.GetRequiredService<IServiceScopeFactory>()));
        services.AddHostedService<TokenKeyPreload>();
        services.AddSingleton<EditTokens>();
        services.AddSingleton(imageSettings.Limits);
        services.AddSingleton<IImageBlobStore>(sp =>
            new FileImageBlobStore(imageSettings.ResolveDirectory(sp.GetRequiredService<IHostEnvironment>().ContentRootPath)));

        services.AddScoped<CampaignListCache>();
        services.AddScoped<CampaignGate>();
        services.AddScoped<ApplicationAccess>();
        services.AddScoped<ListingSync>();
        services.AddScoped<ApplicationSubmission>();
        services.AddScoped<ApplicantDesk>();
        services.AddScoped<ModerationDesk>();
        services.AddScoped<OfferImageUpload>();
        services.AddScoped<ReplacedImages>();
        services.AddScoped<OfferImageLibrary>();
        return services;
    }

    public static IEndpointRouteBuilder MapMapsApplications(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGrpcService<CampaignsService>();
        endpoints.MapGrpcService<ApplicationsService>();
        endpoints.MapGrpcService<ModerationService>();
        endpoints.MapOfferImages();
        return endpoints;
    }
}
