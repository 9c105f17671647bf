using System.Security.Cryptography;
using System.Text;
using Krakow.BuildingBlocks.Security;
using Krakow.Modules.Maps.Infrastructure.Search;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Net.Http.Headers;

namespace Krakow.Modules.Maps.Api.Listings;

internal static class ListingsRegistration
{
    /// <summary>The GeoJSON download of a campaign's live map, on the web port.</summary>
    public const string GeoJsonRoute = "/maps/campaigns/{campaignId}/listings.geojson";

    /// <summary>
    /// Search and export: the listing index and its services (<see cref="SearchServiceCollectionExtensions.AddListingSearch"/>)
    /// and the gRPC service, one instance for every call (it holds no per-call state).
    /// </summary>
    public static IServiceCollection AddListings(this IServiceCollection services)
    {
        services.AddListingSearch();
        services.AddSingleton<ListingsService>();
        return services;
    }

    /// <summary>The Listings gRPC service and the GeoJSON download.</summary>
    public static IEndpointRouteBuilder MapListings(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGrpcService<ListingsService>();
        endpoints.MapGet(GeoJsonRoute, DownloadGeoJsonAsync).RequireRateLimiting(RateLimitPolicies.Streams);
        return endpoints;
    }

    /// <summary>
    /// <c>application/geo+json</c>, streamed; 404 for an unknown campaign; an ETag (the export's cache key) answers
    /// a matching If-None-Match with 304; 503 while the index is first built.
    /// </summary>
    private static async Task DownloadGeoJsonAsync(HttpContext http)
    {
        var campaignId = http.Request.RouteValues["campaignId"] as string ?? string.Empty;
        var export = http.RequestServices.GetRequiredService<CampaignGeoJsonExport>();
        ExportPlan? plan;
        try
        {
            plan = await export.PrepareAsync(campaignId, http.RequestAborted);
        }
        catch (TimeoutException)
        {
            http.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
            await http.Response.WriteAsync("The listing index is still being built from the database; retry shortly.\n", http.RequestAborted);
            return;
        }

        if (plan is null)
        {
            http.Response.StatusCode = StatusCodes.Status404NotFound;
            http.Response.ContentType = "text/plain; charset=utf-8";
            await http.Response.WriteAsync($"No campaign with id '{campaignId}'.\n", http.RequestAborted);
            return;
        }

        http.Response.Headers.CacheControl = "no-cache";
        if (plan.CacheKey is { } key)
        {
            var etag = "\"" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(key))[..12]) + "\"";
            http.Response.Headers.ETag = etag;
            if (http.Request.Headers.IfNoneMatch.Any(value => value is not null && value.Split(',').Any(tag => tag.Trim() == etag)))
            {
                http.Response.StatusCode = StatusCodes.Status304NotModified;
                return;
            }
        }

        http.Response.ContentType = CampaignGeoJsonExport.MediaType;
        http.Response.Headers[HeaderNames.ContentDisposition] = $"inline; filename=\"{campaignId}-listings.geojson\"";
        await export.WriteAsync(plan, (chunk, ct) => http.Response.Body.WriteAsync(chunk, ct), http.RequestAborted);
    }
}
