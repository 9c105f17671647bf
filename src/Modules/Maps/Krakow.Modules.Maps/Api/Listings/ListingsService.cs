using Google.Protobuf;
using Grpc.Core;
using Krakow.BuildingBlocks.Security;
using Krakow.BuildingBlocks.Validation;
using Krakow.Maps.V1;
using Krakow.Modules.Maps.Application.Campaigns;
using Krakow.Modules.Maps.Application.Search;
using Krakow.Modules.Maps.Infrastructure.Search;
using Microsoft.AspNetCore.RateLimiting;
using ListingsGrpc = Krakow.Maps.V1.Listings;
using ProtoListing = Krakow.Maps.V1.Listing;

namespace Krakow.Modules.Maps.Api.Listings;

/// <summary>
/// krakow.maps.v1.Listings: the live maps, public and anonymous. Searches run on this instance's in-memory index
/// (see <see cref="ListingSearch"/>); pages are stable (see <see cref="SearchNearby"/>); hits carry the listing in the
/// view the request asks for (basic by default, AIP-157), GetListing the full one; the export streams GeoJSON.
/// </summary>
internal sealed class ListingsService(ListingSearch search, ICampaignCatalog catalog, PageTokens tokens, CampaignGeoJsonExport export)
    : ListingsGrpc.ListingsBase
{
    /// <summary>
    /// Nearest first within the radius, ties by listing id. Each page continues strictly after the last
    /// (distance, id) of the previous page (the distance as its exact sort key), carried in the signed page token; hence: a listing present and unchanged
    /// throughout the paging appears exactly once; a listing added between pages appears on a later page if and
    /// only if it sorts after that cursor (nearer ones are not inserted into pages already served, and nothing
    /// already served repeats or is skipped); a listing removed (or whose campaign closes) disappears from later
    /// pages; a listing that moves between pages is placed by its new distance, so it may show twice or not at all.
    /// </summary>
    public override async Task<SearchListingsResponse> SearchNearby(SearchNearbyRequest request, ServerCallContext context)
    {
        var violations = new FieldViolations();
        ListingsRequests.RequirePoint(request.Center, "center", violations);
        ListingsRequests.RequireRadius(request.RadiusMeters, violations);
        var pageSize = ListingsRequests.PageSize(request.PageSize, violations);
        var view = ListingsRequests.View(request.View, violations);
        var filter = ListingsRequests.Filter(request.Filter, catalog, violations);
        var fingerprint = new Lazy<byte[]>(() => PageTokens.Fingerprint(ListingsRequests.Canonical(request, filter)), LazyThreadSafetyMode.None);
        var signer = await tokens.SignerAsync(context.CancellationToken);
        var cursor = ListingsRequests.Cursor(signer, request.PageToken, PageTokenKind.Nearby, fingerprint, violations);
        violations.ThrowIfAny();

        NearbyCursor? after = cursor is { } c ? new NearbyCursor(c.Key, c.Id) : null;
        var hits = await WhenIndexReady(search.NearbyAsync(
            request.Center.Latitude, request.Center.Longitude, request.RadiusMeters, filter, after, pageSize + 1, context.CancellationToken));
        return ListingsMapping.ToResponse(hits, pageSize, view, last => signer.Issue(PageTokenKind.Nearby, fingerprint.Value, new PageCursor(last.SortKey, last.Listing.Id)));
    }

    /// <summary>Everything in the viewport (edges included), in listing id order (ordinal), paged after the last id.</summary>
    public override async Task<SearchListingsResponse> SearchViewport(SearchViewportRequest request, ServerCallContext context)
    {
        var violations = new FieldViolations();
        ListingsRequests.RequireViewport(request.Viewport, violations);
        var pageSize = ListingsRequests.PageSize(request.PageSize, violations);
        var view = ListingsRequests.View(request.View, violations);
        var filter = ListingsRequests.Filter(request.Filter, catalog, violations);
        var fingerprint = new Lazy<byte[]>(() => PageTokens.Fingerprint(ListingsRequests.Canonical(request, filter)), LazyThreadSafetyMode.None);
        var signer = await tokens.SignerAsync(context.CancellationToken);
        var cursor = ListingsRequests.Cursor(signer, request.PageToken, PageTokenKind.Viewport, fingerprint, violations);
        violations.ThrowIfAny();

        var box = request.Viewport;
        var hits = await WhenIndexReady(search.ViewportAsync(
            box.SouthWest.Latitude, box.SouthWest.Longitude, box.NorthEast.Latitude, box.NorthEast.Longitude, filter, cursor?.Id, pageSize + 1, context.CancellationToken));
        return ListingsMapping.ToResponse(hits, pageSize, view, last => signer.Issue(PageTokenKind.Viewport, fingerprint.Value, new PageCursor(0, last.Listing.Id)));
    }

    /// <summary>A listing on a live map; NOT_FOUND for an unknown id and for a listing off the live map (the message says which).</summary>
    public override async Task<ProtoListing> GetListing(GetListingRequest request, ServerCallContext context)
    {
        var violations = new FieldViolations();
        violations.Require(request.ListingId.Length is > 0 and <= 512, "listing_id", "is required (at most 512 characters)");
        violations.ThrowIfAny();

        var (listing, notLive) = await WhenIndexReady(search.FindLiveAsync(request.ListingId, context.CancellationToken));
        if (listing is null)
        {
            throw new RpcException(new Status(
                StatusCode.NotFound,
                notLive is null ? $"No listing with id '{request.ListingId}'." : $"Listing '{request.ListingId}' is not on a live map: {notLive}."));
        }

        return ListingsMapping.ToProto(listing, ListingView.Full);
    }

    /// <summary>The campaign's live listings as one GeoJSON FeatureCollection in chunks of 64 KiB; NOT_FOUND for an unknown campaign.</summary>
    [EnableRateLimiting(RateLimitPolicies.Streams)]
    public override async Task ExportCampaign(ExportCampaignRequest request, IServerStreamWriter<GeoJsonChunk> responseStream, ServerCallContext context)
    {
        var violations = new FieldViolations();
        violations.RequireId(request.CampaignId, "campaign_id");
        violations.ThrowIfAny();

        var plan = await WhenIndexReady(export.PrepareAsync(request.CampaignId, context.CancellationToken))
            ?? throw new RpcException(new Status(StatusCode.NotFound, $"No campaign with id '{request.CampaignId}'."));
        await export.WriteAsync(
            plan,
            (chunk, _) => new ValueTask(responseStream.WriteAsync(new GeoJsonChunk { Data = UnsafeByteOperations.UnsafeWrap(chunk) })),
            context.CancellationToken);
    }

    private static async Task<T> WhenIndexReady<T>(Task<T> work)
    {
        try
        {
            return await work;
        }
        catch (TimeoutException)
        {
            throw new RpcException(new Status(StatusCode.Unavailable, "The listing index is still being built from the database; retry shortly."));
        }
    }
}
