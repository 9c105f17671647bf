using Krakow.BuildingBlocks.Security;
using Krakow.Modules.Maps.Application.Images;
using Krakow.Modules.Maps.Domain.Images;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Routing;
using Microsoft.Net.Http.Headers;

namespace Krakow.Modules.Maps.Api.Images;

/// <summary>
/// <c>GET /maps/images/{sha256}</c>: offer images for browsers, over plain HTTP on the web port. The id is the
/// content's hash, so a response never changes: cached for a year as immutable, with the id as ETag (a matching
/// If-None-Match gets 304). The content type is the one recognised from the bytes at upload, and nosniff keeps
/// browsers from guessing another. 400 for a malformed id, 404 for an unknown one.
/// </summary>
internal static class OfferImageEndpoint
{
    public const string PathPrefix = "/maps/images/";

    public const string Route = PathPrefix + "{imageId}";

    /// <summary>Where browsers fetch an image.</summary>
    public static string PathOf(string imageId) => PathPrefix + imageId;

    public static IEndpointConventionBuilder MapOfferImages(this IEndpointRouteBuilder endpoints) =>
        endpoints.MapMethods(Route, [HttpMethods.Get, HttpMethods.Head], ServeAsync)
            .WithDisplayName("Maps offer image")
            .RequireRateLimiting(RateLimitPolicies.Streams);

    private static async Task<IResult> ServeAsync(string imageId, HttpContext http, [FromServices] OfferImageLibrary images, CancellationToken cancellationToken)
    {
        if (!ImageId.IsValid(imageId))
        {
            return Results.Text("An image id is a SHA-256 in lower-case hex (64 characters).", "text/plain; charset=utf-8", statusCode: StatusCodes.Status400BadRequest);
        }

        if (await images.TryOpenAsync(imageId, cancellationToken) is not { } opened)
        {
            return Results.NotFound();
        }

        var headers = http.Response.Headers;
        headers.CacheControl = "public, max-age=31536000, immutable";
        headers.XContentTypeOptions = "nosniff";
        return Results.Stream(opened.Content, opened.Image.ContentType, entityTag: new EntityTagHeaderValue($"\"{imageId}\""));
    }
}
