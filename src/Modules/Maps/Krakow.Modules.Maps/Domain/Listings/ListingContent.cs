using Krakow.Modules.Maps.Domain.Applications;
using Krakow.Plugins.Sdk;

namespace Krakow.Modules.Maps.Domain.Listings;

/// <summary>What a listing shows, read from an application's answers to the standard survey fields.</summary>
internal sealed record ListingContent(
    string Name,
    string CategoryId,
    double Latitude,
    double Longitude,
    string Street,
    string BuildingNumber,
    string PostalCode,
    string City,
    bool OrdersOnline,
    bool Delivers,
    string Website,
    string Phone,
    string Description,
    string OfferImageId)
{
    public static ListingContent From(MapApplication application)
    {
        var answers = application.Answers;
        string Text(string id) => answers.GetValueOrDefault(id)?.Text ?? string.Empty;
        bool Flag(string id) => answers.GetValueOrDefault(id)?.Boolean ?? false;
        var point = answers.GetValueOrDefault(StandardFields.Location)?.Point ?? default;
        var address = answers.GetValueOrDefault(StandardFields.Address)?.Address ?? new PostalAddress("", "", "", "");
        return new ListingContent(
            Text(StandardFields.BusinessName),
            Text(StandardFields.Category),
            point.Latitude,
            point.Longitude,
            address.Street,
            address.BuildingNumber,
            address.PostalCode,
            address.City,
            Flag(StandardFields.OrdersOnline),
            Flag(StandardFields.Delivers),
            Text(StandardFields.Website),
            Text(StandardFields.Phone),
            Text(StandardFields.Description),
            application.OfferImageId);
    }

    /// <summary>Whether <paramref name="listing"/> already shows exactly this.</summary>
    public bool IsShownBy(Listing listing) => this == Of(listing);

    public void ApplyTo(Listing listing)
    {
        listing.Name = Name;
        listing.CategoryId = CategoryId;
        listing.Latitude = Latitude;
        listing.Longitude = Longitude;
        listing.Street = Street;
        listing.BuildingNumber = BuildingNumber;
        listing.PostalCode = PostalCode;
        listing.City = City;
        listing.OrdersOnline = OrdersOnline;
        listing.Delivers = Delivers;
        listing.Website = Website;
        listing.Phone = Phone;
        listing.Description = Description;
        listing.OfferImageId = OfferImageId;
    }

    private static ListingContent Of(Listing l) =>
        new(l.Name, l.CategoryId, l.Latitude, l.Longitude, l.Street, l.BuildingNumber, l.PostalCode, l.City, l.OrdersOnline, l.Delivers, l.Website, l.Phone, l.Description, l.OfferImageId);
}
