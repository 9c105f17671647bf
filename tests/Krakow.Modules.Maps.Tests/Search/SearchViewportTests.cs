using Grpc.Core;
using Krakow.Maps.V1;
using Shouldly;
using static Krakow.Modules.Maps.Tests.Search.SearchFixture;

namespace Krakow.Modules.Maps.Tests.Search;

/// <summary>SearchViewport and GetListing over gRPC against the running host.</summary>
public sealed class SearchViewportTests(SearchFixture fixture) : IClassFixture<SearchFixture>
{
    private SearchHost Host => fixture.Host;

    [Fact]
    public async Task A_viewport_holds_what_lies_inside_its_edges_in_id_order()
    {
        var campaign = fixture.NewCampaign();
        await ListingSeeder.AddAsync(
            Host,
            ListingSeeder.Listing(campaign, 50.05, 19.90, applicationId: "v-inside-b"),
            ListingSeeder.Listing(campaign, 50.07, 19.95, applicationId: "v-inside-a"),
            ListingSeeder.Listing(campaign, 50.00, 19.92, applicationId: "v-south-edge"),
            ListingSeeder.Listing(campaign, 50.10, 20.00, applicationId: "v-north-east-corner"),
            ListingSeeder.Listing(campaign, 49.99999, 19.92, applicationId: "v-just-south"),
            ListingSeeder.Listing(campaign, 50.05, 20.00001, applicationId: "v-just-east"),
            ListingSeeder.Listing(campaign, 50.05, 19.70, applicationId: "v-far-west"));

        var response = await Host.Listings.SearchViewportAsync(new SearchViewportRequest
        {
            Viewport = new BoundingBox { SouthWest = Point(50.00, 19.80), NorthEast = Point(50.10, 20.00) },
            Filter = Only(campaign),
        });

        response.Hits.Select(ApplicationIdOf).ShouldBe(["v-inside-a", "v-inside-b", "v-north-east-corner", "v-south-edge"]);
        response.Hits.ShouldAllBe(h => h.DistanceMeters == 0);
        response.NextPageToken.ShouldBeEmpty();
    }

    [Fact]
    public async Task Viewport_pages_continue_after_the_last_id_even_when_listings_come_and_go()
    {
        var campaign = fixture.NewCampaign();
        var (lat, lon) = NewPlace();
        var listings = Enumerable.Range(0, 30)
            .Select(i => ListingSeeder.Listing(campaign, lat + (i * 0.001), lon + (i * 0.001), applicationId: $"vp-{i * 2:D2}"))
            .ToArray();
        await ListingSeeder.AddAsync(Host, listings);
        var request = new SearchViewportRequest
        {
            Viewport = new BoundingBox { SouthWest = Point(lat - 0.01, lon - 0.01), NorthEast = Point(lat + 0.1, lon + 0.1) },
            PageSize = 12,
        };

        var page1 = await Host.Listings.SearchViewportAsync(request);
        page1.Hits.Select(ApplicationIdOf).ShouldBe(Enumerable.Range(0, 12).Select(i => $"vp-{i * 2:D2}"));

        // An id before the cursor, one after it, and one removed after it.
        await ListingSeeder.AddAsync(
            Host,
            ListingSeeder.Listing(campaign, lat, lon, applicationId: "vp-01"),
            ListingSeeder.Listing(campaign, lat, lon, applicationId: "vp-25"));
        await ListingSeeder.RemoveAsync(Host, listings[14].Id);

        var page2 = await Host.Listings.SearchViewportAsync(new SearchViewportRequest(request) { PageToken = page1.NextPageToken });
        var page3 = await Host.Listings.SearchViewportAsync(new SearchViewportRequest(request) { PageToken = page2.NextPageToken });

        page2.Hits.Select(ApplicationIdOf).ShouldBe(["vp-24", "vp-25", "vp-26", "vp-30", "vp-32", "vp-34", "vp-36", "vp-38", "vp-40", "vp-42", "vp-44", "vp-46"]);
        page3.Hits.Select(ApplicationIdOf).ShouldBe(["vp-48", "vp-50", "vp-52", "vp-54", "vp-56", "vp-58"]);
        page3.NextPageToken.ShouldBeEmpty();

        // Another viewport's token is refused.
        var moved = new SearchViewportRequest(request) { PageToken = page1.NextPageToken };
        moved.Viewport.NorthEast.Latitude += 0.001;
        ViolationsOf(await Should.ThrowAsync<RpcException>(() => Host.Listings.SearchViewportAsync(moved).ResponseAsync)).ShouldHaveSingleItem().Field.ShouldBe("page_token");
    }

    [Fact]
    public async Task Viewport_filters_work_as_for_nearby()
    {
        var campaign = fixture.NewCampaign();
        var (lat, lon) = NewPlace();
        await ListingSeeder.AddAsync(
            Host,
            ListingSeeder.Listing(campaign, lat, lon, applicationId: "vf-a", name: "Kawiarnia Złota", category: "restaurant", ordersOnline: true),
            ListingSeeder.Listing(campaign, lat, lon, applicationId: "vf-b", name: "Sklep", category: "shop", delivers: true));
        var filter = Only(campaign);
        filter.Text = "zlota kawiarnia";
        filter.OnlyOrdersOnline = true;
        filter.CategoryIds.Add("restaurant");

        var response = await Host.Listings.SearchViewportAsync(new SearchViewportRequest
        {
            Viewport = new BoundingBox { SouthWest = Point(lat - 1, lon - 1), NorthEast = Point(lat + 1, lon + 1) },
            Filter = filter,
        });

        response.Hits.Select(ApplicationIdOf).ShouldBe(["vf-a"]);
    }

    [Fact]
    public async Task A_listing_is_fetched_by_id_while_it_is_on_a_live_map()
    {
        var campaign = fixture.NewCampaign();
        var source = fixture.NewCampaign();
        var listing = ListingSeeder.Listing(campaign, 50.0647, 19.9450, applicationId: "get-1", name: "Cukiernia Wawel", category: "restaurant",
            description: "Torty i ciasta", ordersOnline: true, sourceCampaignId: source, offerImageId: new string('a', 64));
        await ListingSeeder.AddAsync(Host, listing);

        var fetched = await Host.Listings.GetListingAsync(new GetListingRequest { ListingId = listing.Id });

        fetched.Id.ShouldBe($"get-1@{campaign}");
        fetched.CampaignId.ShouldBe(campaign);
        fetched.SourceCampaignId.ShouldBe(source);
        fetched.ApplicationId.ShouldBe("get-1");
        fetched.Name.ShouldBe("Cukiernia Wawel");
        fetched.CategoryId.ShouldBe("restaurant");
        fetched.Location.ShouldBe(Point(50.0647, 19.9450));
        fetched.Address.ShouldBe(new Address { Street = "Rynek Główny", BuildingNumber = "1", PostalCode = "31-042", City = "Kraków" });
        fetched.OrdersOnline.ShouldBeTrue();
        fetched.Delivers.ShouldBeFalse();
        fetched.Website.ShouldBe("https://example.pl/get-1");
        fetched.Phone.ShouldBe("+48 12 000 00 00");
        fetched.Description.ShouldBe("Torty i ciasta");
        fetched.OfferImageUrl.ShouldBe("/maps/images/" + new string('a', 64));

        // Changes show at once; when the campaign closes the listing is off the live map.
        await ListingSeeder.UpdateAsync(Host, listing.Id, l => l.Name = "Cukiernia Wawelska");
        (await Host.Listings.GetListingAsync(new GetListingRequest { ListingId = listing.Id })).Name.ShouldBe("Cukiernia Wawelska");

        Host.Catalog.Add(campaign, ["restaurant"], SearchCatalog.Ended);
        var closed = await Should.ThrowAsync<RpcException>(() => Host.Listings.GetListingAsync(new GetListingRequest { ListingId = listing.Id }).ResponseAsync);
        closed.StatusCode.ShouldBe(StatusCode.NotFound);
        closed.Status.Detail.ShouldContain("is not on a live map");
        closed.Status.Detail.ShouldContain("closed");

        await ListingSeeder.RemoveAsync(Host, listing.Id);
        var removed = await Should.ThrowAsync<RpcException>(() => Host.Listings.GetListingAsync(new GetListingRequest { ListingId = listing.Id }).ResponseAsync);
        removed.Status.Detail.ShouldBe($"No listing with id '{listing.Id}'.");
    }
}
