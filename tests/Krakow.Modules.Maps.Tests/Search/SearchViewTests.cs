using Google.Protobuf.WellKnownTypes;
using Krakow.Maps.V1;
using Shouldly;
using static Krakow.Modules.Maps.Tests.Search.SearchFixture;
using ListingRow = Krakow.Modules.Maps.Domain.Listings.Listing;

namespace Krakow.Modules.Maps.Tests.Search;

/// <summary>
/// Partial responses (AIP-157) over gRPC against the running host: a search hit carries the basic view of its listing
/// unless the request asks for the full one; the view shapes the hits only, so it may change between pages.
/// </summary>
public sealed class SearchViewTests(SearchFixture fixture) : IClassFixture<SearchFixture>
{
    private const double Lat = 50.0614;
    private const double Lon = 19.9372; // Rynek Główny

    private SearchHost Host => fixture.Host;

    [Fact]
    public async Task By_default_a_hit_carries_only_what_a_map_pin_needs()
    {
        var campaign = fixture.NewCampaign();
        var seeded = EveryFieldSet(campaign, fixture.NewCampaign(), "view-default", 120);
        await ListingSeeder.AddAsync(Host, seeded);

        var hit = (await Host.Listings.SearchNearbyAsync(Nearby(campaign))).Hits.ShouldHaveSingleItem();

        hit.Listing.ShouldBe(BasicOf(seeded));
        hit.DistanceMeters.ShouldBe(120, 0.5);

        // What the basic view leaves out, spelled out (the seeded listing has every one of them).
        hit.Listing.Address.ShouldBeNull();
        hit.Listing.Description.ShouldBeEmpty();
        hit.Listing.Phone.ShouldBeEmpty();
        hit.Listing.Website.ShouldBeEmpty();
        hit.Listing.SourceCampaignId.ShouldBeEmpty();
        hit.Listing.ApplicationId.ShouldBeEmpty();
        hit.Listing.UpdatedAt.ShouldBeNull();
    }

    [Fact]
    public async Task The_full_view_carries_the_listing_as_GetListing_returns_it_and_neither_view_changes_the_other()
    {
        var campaign = fixture.NewCampaign();
        var seeded = new[]
        {
            EveryFieldSet(campaign, fixture.NewCampaign(), "view-full-a", 100),
            ListingSeeder.Listing(campaign, Lat, Lon + 0.003, applicationId: "view-full-b"), // no description, no image
        };
        await ListingSeeder.AddAsync(Host, seeded);
        var request = Nearby(campaign);

        // Each entry's views are built on first use, so the order matters: b's full listing is built before its basic
        // view, a's basic view before its full listing. Neither may be made by changing the other.
        var fetchedB = await Host.Listings.GetListingAsync(new GetListingRequest { ListingId = seeded[1].Id });
        var basic = await Host.Listings.SearchNearbyAsync(request);
        var full = await Host.Listings.SearchNearbyAsync(new SearchNearbyRequest(request) { View = ListingView.Full });

        full.Hits.Select(h => h.Listing).ShouldBe(seeded.Select(FullOf));
        foreach (var hit in full.Hits)
        {
            hit.Listing.ShouldBe(await Host.Listings.GetListingAsync(new GetListingRequest { ListingId = hit.Listing.Id }));
        }

        full.Hits.Select(h => h.DistanceMeters).ShouldBe(basic.Hits.Select(h => h.DistanceMeters));
        basic.Hits.Select(h => h.Listing).ShouldBe(seeded.Select(BasicOf));
        (await Host.Listings.SearchNearbyAsync(request)).ShouldBe(basic);
        (await Host.Listings.SearchNearbyAsync(new SearchNearbyRequest(request) { View = ListingView.Full })).ShouldBe(full);
        (await Host.Listings.GetListingAsync(new GetListingRequest { ListingId = seeded[1].Id })).ShouldBe(fetchedB);
    }

    [Fact]
    public async Task Asking_for_the_basic_view_is_asking_for_the_default()
    {
        var campaign = fixture.NewCampaign();
        await ListingSeeder.AddAsync(Host, [.. Enumerable.Range(0, 3).Select(i => EveryFieldSet(campaign, campaign, $"view-basic-{i}", 100 * (i + 1)))]);
        var request = new SearchNearbyRequest(Nearby(campaign)) { PageSize = 2 };

        var unspecified = await Host.Listings.SearchNearbyAsync(request);
        var basic = await Host.Listings.SearchNearbyAsync(new SearchNearbyRequest(request) { View = ListingView.Basic });

        unspecified.Hits.Count.ShouldBe(2);
        unspecified.NextPageToken.ShouldNotBeEmpty();
        basic.ShouldBe(unspecified); // the page token too
    }

    [Fact]
    public async Task A_page_token_from_a_basic_search_continues_in_the_full_view_and_back()
    {
        var campaign = fixture.NewCampaign();
        var seeded = Enumerable.Range(0, 5).Select(i => EveryFieldSet(campaign, campaign, $"view-page-{i}", 100 * (i + 1))).ToArray();
        await ListingSeeder.AddAsync(Host, seeded);
        var request = new SearchNearbyRequest(Nearby(campaign)) { PageSize = 2 };

        var page1 = await Host.Listings.SearchNearbyAsync(request);
        var basicPage2 = await Host.Listings.SearchNearbyAsync(new SearchNearbyRequest(request) { PageToken = page1.NextPageToken });
        var fullPage2 = await Host.Listings.SearchNearbyAsync(new SearchNearbyRequest(request) { PageToken = page1.NextPageToken, View = ListingView.Full });

        page1.Hits.Select(h => h.Listing).ShouldBe(seeded[..2].Select(BasicOf));
        basicPage2.Hits.Select(h => h.Listing).ShouldBe(seeded[2..4].Select(BasicOf));
        fullPage2.Hits.Select(h => h.Listing).ShouldBe(seeded[2..4].Select(FullOf));
        fullPage2.Hits.Select(h => h.DistanceMeters).ShouldBe(basicPage2.Hits.Select(h => h.DistanceMeters));
        fullPage2.NextPageToken.ShouldBe(basicPage2.NextPageToken);

        // And a token from a full search continues in the basic view.
        var page3 = await Host.Listings.SearchNearbyAsync(new SearchNearbyRequest(request) { PageToken = fullPage2.NextPageToken });
        page3.Hits.Select(h => h.Listing).ShouldBe([BasicOf(seeded[4])]);
        page3.NextPageToken.ShouldBeEmpty();
    }

    [Fact]
    public async Task Viewport_hits_come_in_the_view_asked_for()
    {
        var campaign = fixture.NewCampaign();
        var seeded = new[]
        {
            EveryFieldSet(campaign, fixture.NewCampaign(), "view-box-a", 200),
            EveryFieldSet(campaign, campaign, "view-box-b", 400),
        };
        await ListingSeeder.AddAsync(Host, seeded);
        var request = new SearchViewportRequest
        {
            Viewport = new BoundingBox { SouthWest = Point(Lat - 0.1, Lon - 0.1), NorthEast = Point(Lat + 0.1, Lon + 0.1) },
            Filter = Only(campaign),
            PageSize = 1,
        };

        var unspecified = await Host.Listings.SearchViewportAsync(request);
        var basic = await Host.Listings.SearchViewportAsync(new SearchViewportRequest(request) { View = ListingView.Basic });
        var full = await Host.Listings.SearchViewportAsync(new SearchViewportRequest(request) { View = ListingView.Full });

        unspecified.Hits.ShouldHaveSingleItem().Listing.ShouldBe(BasicOf(seeded[0]));
        basic.ShouldBe(unspecified);
        var fullHit = full.Hits.ShouldHaveSingleItem();
        fullHit.Listing.ShouldBe(FullOf(seeded[0]));
        fullHit.Listing.ShouldBe(await Host.Listings.GetListingAsync(new GetListingRequest { ListingId = seeded[0].Id }));
        fullHit.DistanceMeters.ShouldBe(0);

        // Viewport tokens leave the view out of the query too.
        full.NextPageToken.ShouldBe(unspecified.NextPageToken);
        var page2 = await Host.Listings.SearchViewportAsync(new SearchViewportRequest(request) { PageToken = unspecified.NextPageToken, View = ListingView.Full });
        page2.Hits.ShouldHaveSingleItem().Listing.ShouldBe(FullOf(seeded[1]));
    }

    private static SearchNearbyRequest Nearby(string campaign) =>
        new() { Center = Point(Lat, Lon), RadiusMeters = 2000, Filter = Only(campaign) };

    /// <summary>A listing with every field of the API set, <paramref name="meters"/> east of the centre.</summary>
    private static ListingRow EveryFieldSet(string campaign, string sourceCampaign, string applicationId, double meters)
    {
        var (lat, lon) = GreatCircle.Destination(Lat, Lon, 90, meters);
        return ListingSeeder.Listing(
            campaign,
            lat,
            lon,
            applicationId: applicationId,
            name: "Cukiernia " + applicationId,
            category: "restaurant",
            description: "Torty i ciasta",
            ordersOnline: true,
            delivers: true,
            sourceCampaignId: sourceCampaign,
            offerImageId: new string('b', 64));
    }

    /// <summary>The basic view as listings.proto defines it: id, campaign_id, name, category_id, location, orders_online, delivers, offer_image_url.</summary>
    private static Listing BasicOf(ListingRow row) => new()
    {
        Id = row.Id,
        CampaignId = row.CampaignId,
        Name = row.Name,
        CategoryId = row.CategoryId,
        Location = Point(row.Latitude, row.Longitude),
        OrdersOnline = row.OrdersOnline,
        Delivers = row.Delivers,
        OfferImageUrl = row.OfferImageId.Length == 0 ? "" : "/maps/images/" + row.OfferImageId,
    };

    private static Listing FullOf(ListingRow row)
    {
        var full = BasicOf(row);
        full.SourceCampaignId = row.SourceCampaignId;
        full.ApplicationId = row.ApplicationId;
        full.Address = new Address { Street = row.Street, BuildingNumber = row.BuildingNumber, PostalCode = row.PostalCode, City = row.City };
        full.Website = row.Website;
        full.Phone = row.Phone;
        full.Description = row.Description;
        full.UpdatedAt = Timestamp.FromDateTimeOffset(row.UpdatedAt);
        return full;
    }
}
