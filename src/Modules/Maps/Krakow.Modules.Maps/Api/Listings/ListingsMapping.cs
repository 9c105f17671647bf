using Google.Protobuf.WellKnownTypes;
using Krakow.Maps.V1;
using Krakow.Modules.Maps.Application.Search;
using ProtoListing = Krakow.Maps.V1.Listing;

namespace Krakow.Modules.Maps.Api.Listings;

internal static class ListingsMapping
{
    /// <summary>
    /// The listing as the API shows it. Built once per index entry and shared by every response that carries it
    /// (responses only read it: serialization never changes a message).
    /// </summary>
    public static ProtoListing ToProto(IndexedListing listing)
    {
        if (listing.ApiView is ProtoListing built)
        {
            return built;
        }

        var proto = Build(listing);
        listing.ApiView = proto;
        return proto;
    }

    private static ProtoListing Build(IndexedListing listing)
    {
        var row = listing.Row;
        return new ProtoListing
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
    }

    public static SearchListingsResponse ToResponse(List<SearchHit> hits, int pageSize, Func<SearchHit, string> nextToken)
    {
        var response = new SearchListingsResponse();
        var count = Math.Min(pageSize, hits.Count);
        response.Hits.Capacity = count;
        for (var i = 0; i < count; i++)
        {
            response.Hits.Add(new ListingHit { Listing = ToProto(hits[i].Listing), DistanceMeters = hits[i].DistanceMeters });
        }

        if (hits.Count > pageSize)
        {
            response.NextPageToken = nextToken(hits[pageSize - 1]);
        }

        return response;
    }
}
