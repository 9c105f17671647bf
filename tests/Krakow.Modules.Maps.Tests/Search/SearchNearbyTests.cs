using System.Buffers.Text;
using Grpc.Core;
using Krakow.Maps.V1;
using Shouldly;
using static Krakow.Modules.Maps.Tests.Search.SearchFixture;

namespace Krakow.Modules.Maps.Tests.Search;

/// <summary>SearchNearby over gRPC against the running host: order, distances, radius, filters and paging.</summary>
public sealed class SearchNearbyTests(SearchFixture fixture) : IClassFixture<SearchFixture>
{
    private const double Lat = 50.0614;
    private const double Lon = 19.9372; // Rynek Główny

    private SearchHost Host => fixture.Host;

    [Fact]
    public async Task Results_come_nearest_first_with_great_circle_distances()
    {
        var campaign = fixture.NewCampaign();
        var random = new Random(42);
        var listings = Enumerable.Range(0, 40).Select(i =>
        {
            var (lat, lon) = GreatCircle.Destination(Lat, Lon, random.NextDouble() * 360, 50 + (random.NextDouble() * 4000));
            return ListingSeeder.Listing(campaign, lat, lon, name: $"Sklep {i}");
        }).ToArray();
        await ListingSeeder.AddAsync(Host, listings);

        var response = await Host.Listings.SearchNearbyAsync(new SearchNearbyRequest
        {
            Center = Point(Lat, Lon), RadiusMeters = 5000, PageSize = 100, Filter = Only(campaign), View = ListingView.Full, // address and time are checked too
        });

        var expected = listings
            .Select(l => (l.Id, Distance: GreatCircle.Meters(Lat, Lon, l.Latitude, l.Longitude)))
            .OrderBy(x => x.Distance).ThenBy(x => x.Id, StringComparer.Ordinal)
            .ToList();
        response.Hits.Select(h => h.Listing.Id).ShouldBe(expected.Select(x => x.Id));
        for (var i = 0; i < expected.Count; i++)
        {
            response.Hits[i].DistanceMeters.ShouldBe(expected[i].Distance, 0.001); // a millimetre
        }

        response.NextPageToken.ShouldBeEmpty();
        var first = response.Hits[0].Listing;
        var seeded = listings.Single(l => l.Id == first.Id);
        first.CampaignId.ShouldBe(campaign);
        first.Location.Latitude.ShouldBe(seeded.Latitude);
        first.Location.Longitude.ShouldBe(seeded.Longitude);
        first.Address.Street.ShouldBe("Rynek Główny");
        first.Name.ShouldBe(seeded.Name);
        first.UpdatedAt.ToDateTimeOffset().ShouldBe(seeded.UpdatedAt);
    }

    [Fact]
    public async Task Listings_at_the_same_distance_are_ordered_by_id()
    {
        var campaign = fixture.NewCampaign();
        var (lat, lon) = GreatCircle.Destination(Lat, Lon, 90, 300);
        await ListingSeeder.AddAsync(
            Host,
            ListingSeeder.Listing(campaign, lat, lon, applicationId: "tie-c"),
            ListingSeeder.Listing(campaign, lat, lon, applicationId: "tie-a"),
            ListingSeeder.Listing(campaign, lat, lon, applicationId: "tie-b"));

        var response = await Host.Listings.SearchNearbyAsync(new SearchNearbyRequest { Center = Point(Lat, Lon), RadiusMeters = 1000, Filter = Only(campaign) });

        response.Hits.Select(ApplicationIdOf).ShouldBe(["tie-a", "tie-b", "tie-c"]);
        response.Hits.Select(h => h.DistanceMeters).Distinct().Count().ShouldBe(1);
    }

    [Fact]
    public async Task The_radius_includes_its_boundary_and_nothing_beyond()
    {
        var campaign = fixture.NewCampaign();
        var listings = new[] { 0.4, 999.0, 1001.0, 49_990.0, 50_010.0 }.Select((d, i) =>
        {
            var (lat, lon) = GreatCircle.Destination(Lat, Lon, i * 70, d);
            return ListingSeeder.Listing(campaign, lat, lon, applicationId: $"r-{d:F1}");
        }).ToArray();
        await ListingSeeder.AddAsync(Host, listings);

        async Task<string[]> Within(double radius) =>
            [.. (await Host.Listings.SearchNearbyAsync(new SearchNearbyRequest { Center = Point(Lat, Lon), RadiusMeters = radius, Filter = Only(campaign) }))
                .Hits.Select(ApplicationIdOf)];

        (await Within(1)).ShouldBe(["r-0.4"]);
        (await Within(1000)).ShouldBe(["r-0.4", "r-999.0"]);
        (await Within(1002)).ShouldBe(["r-0.4", "r-999.0", "r-1001.0"]);
        (await Within(50_000)).ShouldBe(["r-0.4", "r-999.0", "r-1001.0", "r-49990.0"]);

        // Exactly on the boundary: the radius is the listing's own distance as the service computes it.
        var boundary = (await Host.Listings.SearchNearbyAsync(new SearchNearbyRequest { Center = Point(Lat, Lon), RadiusMeters = 2000, Filter = Only(campaign) }))
            .Hits.Single(h => ApplicationIdOf(h) == "r-1001.0").DistanceMeters;
        (await Within(boundary)).ShouldContain("r-1001.0");
        (await Within(Math.BitDecrement(boundary))).ShouldNotContain("r-1001.0");
    }

    [Fact]
    public async Task Every_filter_narrows_the_results()
    {
        var campaign = fixture.NewCampaign();
        var other = fixture.NewCampaign();
        (double Lat, double Lon) Near(int i) => GreatCircle.Destination(Lat, Lon, i * 36, 100 + (i * 10));
        await ListingSeeder.AddAsync(
            Host,
            ListingSeeder.Listing(campaign, Near(0).Lat, Near(0).Lon, applicationId: "f-zlota", name: "Złota Rączka", category: "crafts", description: "Naprawy domowe"),
            ListingSeeder.Listing(campaign, Near(1).Lat, Near(1).Lon, applicationId: "f-online", name: "Pierogarnia", category: "restaurant", ordersOnline: true, description: "Pierogi ruskie i z mięsem"),
            ListingSeeder.Listing(campaign, Near(2).Lat, Near(2).Lon, applicationId: "f-delivers", name: "Kwiaciarnia", category: "shop", delivers: true),
            ListingSeeder.Listing(campaign, Near(3).Lat, Near(3).Lon, applicationId: "f-both", name: "Piekarnia ZŁOTY Kłos", category: "shop", ordersOnline: true, delivers: true, description: "Chleb na zakwasie"),
            ListingSeeder.Listing(other, Near(4).Lat, Near(4).Lon, applicationId: "f-other", name: "Złota kawa", category: "restaurant"));

        async Task<string[]> Find(Action<ListingFilter> configure, params string[] campaigns)
        {
            var filter = Only(campaigns.Length == 0 ? [campaign] : campaigns);
            configure(filter);
            var response = await Host.Listings.SearchNearbyAsync(new SearchNearbyRequest { Center = Point(Lat, Lon), RadiusMeters = 2000, Filter = filter });
            return [.. response.Hits.Select(ApplicationIdOf).Order(StringComparer.Ordinal)];
        }

        (await Find(_ => { })).ShouldBe(["f-both", "f-delivers", "f-online", "f-zlota"]);
        (await Find(_ => { }, campaign, other)).ShouldBe(["f-both", "f-delivers", "f-online", "f-other", "f-zlota"]);
        (await Find(_ => { }, other)).ShouldBe(["f-other"]);
        (await Find(f => f.CategoryIds.Add("shop"))).ShouldBe(["f-both", "f-delivers"]);
        (await Find(f => f.CategoryIds.Add(["shop", "crafts"]))).ShouldBe(["f-both", "f-delivers", "f-zlota"]);
        (await Find(f => f.OnlyOrdersOnline = true)).ShouldBe(["f-both", "f-online"]);
        (await Find(f => f.OnlyDelivers = true)).ShouldBe(["f-both", "f-delivers"]);
        (await Find(f => { f.OnlyDelivers = true; f.OnlyOrdersOnline = true; })).ShouldBe(["f-both"]);

        // Text: every word must appear in the name or the description, whatever the case and the accents.
        (await Find(f => f.Text = "zlota")).ShouldBe(["f-zlota"]);
        (await Find(f => f.Text = "ZŁOT")).ShouldBe(["f-both", "f-zlota"]);
        (await Find(f => f.Text = "zlot", campaign, other)).ShouldBe(["f-both", "f-other", "f-zlota"]);
        (await Find(f => f.Text = "pierogi mieso")).ShouldBe([]); // "mięsem" holds "miesem", not "mieso"
        (await Find(f => f.Text = "PIEROGI  mięs")).ShouldBe(["f-online"]);
        (await Find(f => f.Text = "chleb klos")).ShouldBe(["f-both"]);
        (await Find(f => f.Text = "chleb pierogi")).ShouldBe([]);
        (await Find(f => { f.Text = "zlot"; f.CategoryIds.Add("shop"); f.OnlyDelivers = true; })).ShouldBe(["f-both"]);
    }

    [Fact]
    public async Task Without_a_campaign_filter_every_open_campaign_is_searched_and_only_live_listings_show()
    {
        var open = fixture.NewCampaign();
        var closed = Host.Catalog.Add("closed-" + fixture.NewCampaign(), ["shop"], SearchCatalog.Ended).Id;
        var upcoming = Host.Catalog.Add("upcoming-" + fixture.NewCampaign(), ["shop"], SearchCatalog.NotYetStarted).Id;
        var seasonal = Host.Catalog.Add("seasonal-" + fixture.NewCampaign(), ["shop"], season: 2).Id;
        var (lat, lon) = NewPlace();
        await ListingSeeder.AddAsync(
            Host,
            ListingSeeder.Listing(open, lat, lon + 0.001, applicationId: "live-open"),
            ListingSeeder.Listing(closed, lat, lon + 0.002, applicationId: "live-closed"),
            ListingSeeder.Listing(upcoming, lat, lon + 0.003, applicationId: "live-upcoming"),
            ListingSeeder.Listing(seasonal, lat, lon + 0.004, applicationId: "live-last-season", season: 1),
            ListingSeeder.Listing(seasonal, lat, lon + 0.005, applicationId: "live-this-season", season: 2),
            ListingSeeder.Listing("not-in-catalogue", lat, lon + 0.006, applicationId: "live-unknown"));

        var all = await Host.Listings.SearchNearbyAsync(new SearchNearbyRequest { Center = Point(lat, lon), RadiusMeters = 2000 });
        all.Hits.Select(ApplicationIdOf).ShouldBe(["live-open", "live-this-season"]);

        // A closed campaign may be named in the filter (it is a campaign); it just has nothing on the live map.
        var onlyClosed = await Host.Listings.SearchNearbyAsync(new SearchNearbyRequest { Center = Point(lat, lon), RadiusMeters = 2000, Filter = Only(closed) });
        onlyClosed.Hits.ShouldBeEmpty();

        // When the campaign closes, its listings leave the live map at once.
        Host.Catalog.Add(open, ["shop"], SearchCatalog.Ended);
        var afterClosing = await Host.Listings.SearchNearbyAsync(new SearchNearbyRequest { Center = Point(lat, lon), RadiusMeters = 2000 });
        afterClosing.Hits.Select(ApplicationIdOf).ShouldBe(["live-this-season"]);
    }

    [Fact]
    public async Task Pages_are_stable_when_listings_are_added_between_them()
    {
        var campaign = fixture.NewCampaign();
        var listings = Enumerable.Range(0, 25).Select(i =>
        {
            var (lat, lon) = GreatCircle.Destination(Lat, Lon, (i * 137) % 360, 100 * (i + 1));
            return ListingSeeder.Listing(campaign, lat, lon, applicationId: $"p-{i:D2}");
        }).ToArray();
        await ListingSeeder.AddAsync(Host, listings);
        var request = new SearchNearbyRequest { Center = Point(Lat, Lon), RadiusMeters = 5000, PageSize = 10, Filter = Only(campaign) };

        var page1 = await Host.Listings.SearchNearbyAsync(request);
        page1.Hits.Select(ApplicationIdOf).ShouldBe(Enumerable.Range(0, 10).Select(i => $"p-{i:D2}"));
        page1.NextPageToken.ShouldNotBeEmpty();

        // Between pages: one listing nearer than the cursor (page 1 is served already), one farther, one removed.
        var (nearLat, nearLon) = GreatCircle.Destination(Lat, Lon, 10, 150);
        var (farLat, farLon) = GreatCircle.Destination(Lat, Lon, 20, 1250);
        await ListingSeeder.AddAsync(
            Host,
            ListingSeeder.Listing(campaign, nearLat, nearLon, applicationId: "p-new-near"),
            ListingSeeder.Listing(campaign, farLat, farLon, applicationId: "p-new-far"));
        await ListingSeeder.RemoveAsync(Host, listings[15].Id);

        var page2 = await Host.Listings.SearchNearbyAsync(new SearchNearbyRequest(request) { PageToken = page1.NextPageToken });
        var page3 = await Host.Listings.SearchNearbyAsync(new SearchNearbyRequest(request) { PageToken = page2.NextPageToken });

        page2.Hits.Select(ApplicationIdOf).ShouldBe(["p-10", "p-11", "p-new-far", "p-12", "p-13", "p-14", "p-16", "p-17", "p-18", "p-19"]);
        page3.Hits.Select(ApplicationIdOf).ShouldBe(["p-20", "p-21", "p-22", "p-23", "p-24"]);
        page3.NextPageToken.ShouldBeEmpty();
        var distances = page1.Hits.Concat(page2.Hits).Concat(page3.Hits).Select(h => h.DistanceMeters).ToList();
        distances.ShouldBe(distances.Order().ToList());

        // A fresh search sees the nearer newcomer on the first page.
        (await Host.Listings.SearchNearbyAsync(request)).Hits.Select(ApplicationIdOf).ShouldContain("p-new-near");
    }

    [Fact]
    public async Task Page_size_defaults_to_20_and_may_change_between_pages()
    {
        var campaign = fixture.NewCampaign();
        await ListingSeeder.AddAsync(Host, [.. Enumerable.Range(0, 45).Select(i => ListingSeeder.Listing(campaign, Lat + (i * 0.0001), Lon, applicationId: $"s-{i:D2}"))]);
        var request = new SearchNearbyRequest { Center = Point(Lat, Lon), RadiusMeters = 10_000, Filter = Only(campaign) };

        var first = await Host.Listings.SearchNearbyAsync(request);
        var second = await Host.Listings.SearchNearbyAsync(new SearchNearbyRequest(request) { PageToken = first.NextPageToken, PageSize = 100 });

        first.Hits.Count.ShouldBe(20);
        second.Hits.Count.ShouldBe(25);
        second.NextPageToken.ShouldBeEmpty();
        first.Hits.Concat(second.Hits).Select(ApplicationIdOf).ShouldBe(Enumerable.Range(0, 45).Select(i => $"s-{i:D2}"));
    }

    [Fact]
    public async Task A_tampered_token_or_a_token_of_another_query_is_refused()
    {
        var campaign = fixture.NewCampaign();
        await ListingSeeder.AddAsync(Host, [.. Enumerable.Range(0, 5).Select(i => ListingSeeder.Listing(campaign, Lat + (i * 0.001), Lon))]);
        var request = new SearchNearbyRequest { Center = Point(Lat, Lon), RadiusMeters = 3000, PageSize = 2, Filter = Only(campaign) };
        var token = (await Host.Listings.SearchNearbyAsync(request)).NextPageToken;
        token.ShouldNotBeEmpty();

        async Task<RpcException> Refused(SearchNearbyRequest r) =>
            await Should.ThrowAsync<RpcException>(() => Host.Listings.SearchNearbyAsync(r).ResponseAsync);

        // Every change of a single bit of the token is refused, and so are a shortened and a lengthened token.
        var bytes = Base64Url.DecodeFromChars(token);
        var tampered = new List<string> { Base64Url.EncodeToString(bytes[..^1]), Base64Url.EncodeToString([.. bytes, 0]) };
        for (var i = 0; i < bytes.Length; i++)
        {
            var copy = bytes.ToArray();
            copy[i] ^= (byte)(1 << (i % 8));
            tampered.Add(Base64Url.EncodeToString(copy));
        }

        foreach (var bad in tampered)
        {
            var (field, description) = ViolationsOf(await Refused(new SearchNearbyRequest(request) { PageToken = bad })).ShouldHaveSingleItem();
            field.ShouldBe("page_token");
            description.ShouldContain("not a page token this service issued");
        }

        ViolationsOf(await Refused(new SearchNearbyRequest(request) { PageToken = "not a token" })).ShouldHaveSingleItem().Field.ShouldBe("page_token");

        // Genuine, but for another search: other radius, centre, filter text.
        foreach (var other in new[]
        {
            new SearchNearbyRequest(request) { PageToken = token, RadiusMeters = 3001 },
            new SearchNearbyRequest(request) { PageToken = token, Center = Point(Lat, Lon + 0.0001) },
            new SearchNearbyRequest(request) { PageToken = token, Filter = new ListingFilter(request.Filter) { Text = "sklep" } },
            new SearchNearbyRequest(request) { PageToken = token, Filter = new ListingFilter(request.Filter) { OnlyDelivers = true } },
        })
        {
            var (field, description) = ViolationsOf(await Refused(other)).ShouldHaveSingleItem();
            field.ShouldBe("page_token");
            description.ShouldContain("different search");
        }

        // A nearby token is no viewport token.
        var viewport = new SearchViewportRequest
        {
            Viewport = new BoundingBox { SouthWest = Point(Lat - 1, Lon - 1), NorthEast = Point(Lat + 1, Lon + 1) },
            PageToken = token,
        };
        var viewportError = await Should.ThrowAsync<RpcException>(() => Host.Listings.SearchViewportAsync(viewport).ResponseAsync);
        ViolationsOf(viewportError).ShouldHaveSingleItem().Field.ShouldBe("page_token");

        // The same query with the accents of the text changed is the same query.
        var textRequest = new SearchNearbyRequest(request) { Filter = new ListingFilter(request.Filter) { Text = "Sklep" } };
        var textToken = (await Host.Listings.SearchNearbyAsync(textRequest)).NextPageToken;
        var folded = await Host.Listings.SearchNearbyAsync(new SearchNearbyRequest(textRequest) { PageToken = textToken, Filter = new ListingFilter(request.Filter) { Text = "SKLEP" } });
        folded.Hits.Count.ShouldBe(2);
    }
}
