using Google.Protobuf.WellKnownTypes;
using Krakow.Maps.V1;
using Krakow.Modules.Maps.Application.Search;
using ListingRow = Krakow.Modules.Maps.Domain.Listings.Listing;
using ProtoListing = Krakow.Maps.V1.Listing;

namespace Krakow.Modules.Maps.Api.Listings;

internal static class ListingsMapping
{
    /// <summary>
    /// The listing in <paramref name="view"/>: <see cref="ListingView.Full"/>, or the basic view for anything else.
    /// Each view is built once per index entry, on first use, and shared by every response that carries it
    /// (responses only read it: serialization never changes a message).
    /// </summary>
    public static ProtoListing ToProto(IndexedListing listing, ListingView view)
    {
        if (view == ListingView.Full)
        {
            return listing.FullView as ProtoListing ?? (ProtoListing)(listing.FullView = BuildFull(listing.Row));
        }

        return listing.BasicView as ProtoListing ?? (ProtoListing)(listing.BasicView = BuildBasic(listing.Row));
    }

    private static ProtoListing BuildFull(ListingRow row) => new()
    {
        Id = row.Id,
        CampaignId = row.CampaignId,
        SourceCampaignId = row.SourceCampaignId,
        ApplicationId = row.ApplicationId,
        Name = row.Name,
        CategoryId = row.CategoryId,
        Location = new GeoPoint { Latitude = row.Latitude, Longitude = row.Longitude },
        Address = new Address { Street = row.Street, BuildingNumber = row.BuildingNumber, PostalCode = row.PostalCode, City = row.City },
        OrdersOnline = row.OrdersOnline,
        Delivers = row.Delivers,
        Website = row.Website,
        Phone = row.Phone,
        Description = row.Description,
        OfferImageUrl = ListingsImagePaths.OfferImageUrl(row.OfferImageId),
        UpdatedAt = Timestamp.FromDateTimeOffset(row.UpdatedAt),
    };

    /// <summary>
    /// Its own message, never a trimmed copy of the full one (that one may be in a response being written right
    /// now). Searches serialize twenty of these per call from all over the index, so each is laid out to cost few
    /// cache misses: its id and name are copied to sit right next to it in memory instead of wherever the row's
    /// strings were read, and the campaign and category ids, shared by many listings, are one instance each.
    /// </summary>
    private static ProtoListing BuildBasic(ListingRow row) => new()
    {
        Id = new string(row.Id.AsSpan()),
        Name = new string(row.Name.AsSpan()),
        Location = new GeoPoint { Latitude = row.Latitude, Longitude = row.Longitude },
        CampaignId = string.Intern(row.CampaignId),
        CategoryId = string.Intern(row.CategoryId),
        OrdersOnline = row.OrdersOnline,
        Delivers = row.Delivers,
        OfferImageUrl = ListingsImagePaths.OfferImageUrl(row.OfferImageId),
    };

    public static SearchListingsResponse ToResponse(List<SearchHit> hits, int pageSize, ListingView view, Func<SearchHit, string> nextToken)
    {
        var response = new SearchListingsResponse();
        var count = Math.Min(pageSize, hits.Count);
        response.Hits.Capacity = count;
        for (var i = 0; i < count; i++)
        {
            response.Hits.Add(new ListingHit { Listing = ToProto(hits[i].Listing, view), DistanceMeters = hits[i].DistanceMeters });
        }

        if (hits.Count > pageSize)
        {
            response.NextPageToken = nextToken(hits[pageSize - 1]);
        }

        return response;
    }
}
