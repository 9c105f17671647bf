using Grpc.Core;
using Krakow.Maps.V1;
using Shouldly;
using static Krakow.Modules.Maps.Tests.Search.SearchFixture;

namespace Krakow.Modules.Maps.Tests.Search;

/// <summary>Bad input is INVALID_ARGUMENT with every problem named at once (google.rpc.BadRequest); unknown ids are NOT_FOUND where they are what is fetched.</summary>
public sealed class SearchValidationTests(SearchFixture fixture) : IClassFixture<SearchFixture>
{
    private SearchHost Host => fixture.Host;

    public static TheoryData<double, double, string> BadCenters => new()
    {
        { double.NaN, 19.9, "center.latitude" },
        { 50, double.NaN, "center.longitude" },
        { double.PositiveInfinity, 19.9, "center.latitude" },
        { 50, double.NegativeInfinity, "center.longitude" },
        { 90.0001, 19.9, "center.latitude" },
        { -91, 19.9, "center.latitude" },
        { 50, 180.5, "center.longitude" },
        { 50, -181, "center.longitude" },
    };

    public static TheoryData<double> BadRadii => new() { 0, -1, 0.999, 50_000.001, 10_000_000, double.NaN, double.PositiveInfinity, double.NegativeInfinity };

    [Theory]
    [MemberData(nameof(BadCenters))]
    public async Task A_centre_that_is_not_a_position_is_refused(double latitude, double longitude, string field)
    {
        var error = await Should.ThrowAsync<RpcException>(() => Host.Listings.SearchNearbyAsync(
            new SearchNearbyRequest { Center = Point(latitude, longitude), RadiusMeters = 100 }).ResponseAsync);

        ViolationsOf(error).ShouldHaveSingleItem().Field.ShouldBe(field);
    }

    [Theory]
    [MemberData(nameof(BadRadii))]
    public async Task A_radius_outside_1_m_to_50_km_is_refused(double radius)
    {
        var error = await Should.ThrowAsync<RpcException>(() => Host.Listings.SearchNearbyAsync(
            new SearchNearbyRequest { Center = Point(50, 19.9), RadiusMeters = radius }).ResponseAsync);

        var (field, description) = ViolationsOf(error).ShouldHaveSingleItem();
        field.ShouldBe("radius_meters");
        description.ShouldContain("between 1 and 50000 metres");
    }

    [Fact]
    public async Task Every_problem_is_reported_in_one_answer()
    {
        var campaign = fixture.NewCampaign();
        var filter = new ListingFilter { Text = new string('x', 201) };
        filter.CampaignIds.Add([campaign, "atlantis", ""]);
        filter.CategoryIds.Add(["shop", "unicorns", "dragons"]);

        var error = await Should.ThrowAsync<RpcException>(() => Host.Listings.SearchNearbyAsync(new SearchNearbyRequest
        {
            Center = Point(double.NaN, 200),
            RadiusMeters = 0,
            PageSize = 101,
            PageToken = "forged",
            Filter = filter,
            View = (ListingView)7,
        }).ResponseAsync);

        var violations = ViolationsOf(error);
        violations.Select(v => v.Field).ShouldBe(
            ["center.latitude", "center.longitude", "radius_meters", "page_size", "filter.campaign_ids[1]", "filter.campaign_ids[2]",
             "filter.category_ids[1]", "filter.category_ids[2]", "filter.text", "page_token", "view"],
            ignoreOrder: true);
        violations.Single(v => v.Field == "filter.campaign_ids[1]").Description.ShouldContain("'atlantis' is not a campaign");
        violations.Single(v => v.Field == "filter.category_ids[1]").Description.ShouldContain("'unicorns'");
        violations.Single(v => v.Field == "filter.category_ids[2]").Description.ShouldContain("'dragons'");
        violations.Single(v => v.Field == "filter.text").Description.ShouldContain("at most 200 characters");
        error.Status.Detail.ShouldContain("11 fields are invalid");
    }

    [Fact]
    public async Task The_refusal_of_a_filter_stays_small_however_large_the_filter()
    {
        // Past 50 ids a list is refused as a whole, echoing nothing.
        var crowded = new ListingFilter();
        crowded.CampaignIds.Add(Enumerable.Repeat("x", 51));
        crowded.CategoryIds.Add(Enumerable.Repeat(new string('y', 100), 5000));
        var tooMany = await SearchWithAsync(crowded);
        ViolationsOf(tooMany).ShouldBe([
            ("filter.campaign_ids", "must list at most 50 ids (got 51)"),
            ("filter.category_ids", "must list at most 50 ids (got 5000)")]);

        // Fifty unknown ids: the details list the first 20, the message the first 5 and how many there are.
        var unknown = new ListingFilter();
        unknown.CategoryIds.Add(Enumerable.Range(0, 50).Select(i => $"unknown-{i}"));
        var manyUnknown = await SearchWithAsync(unknown);
        ViolationsOf(manyUnknown).Select(v => v.Field).ShouldBe(Enumerable.Range(0, 20).Select(i => $"filter.category_ids[{i}]"));
        manyUnknown.Status.Detail.ShouldStartWith("50 fields are invalid: filter.category_ids[0]: 'unknown-0' is not a category of any campaign; ");
        manyUnknown.Status.Detail.ShouldEndWith("filter.category_ids[4]: 'unknown-4' is not a category of any campaign; … (the first 20 in the google.rpc.BadRequest details)");

        // An id past 64 characters is refused without being quoted back.
        var longId = new ListingFilter();
        longId.CampaignIds.Add(new string('z', 100_000));
        var tooLong = await SearchWithAsync(longId);
        ViolationsOf(tooLong).ShouldBe([("filter.campaign_ids[0]", "is required, at most 64 characters")]);
        tooLong.Status.Detail.Length.ShouldBeLessThan(200);
    }

    [Fact]
    public async Task A_view_the_api_does_not_define_is_refused_along_with_the_other_problems()
    {
        var nearby = ViolationsOf(await Should.ThrowAsync<RpcException>(() => Host.Listings.SearchNearbyAsync(
            new SearchNearbyRequest { Center = Point(50, 19.9), RadiusMeters = 0, View = (ListingView)7 }).ResponseAsync));

        nearby.Select(v => v.Field).ShouldBe(["radius_meters", "view"], ignoreOrder: true);
        nearby.Single(v => v.Field == "view").Description.ShouldBe("must be LISTING_VIEW_BASIC (1) or LISTING_VIEW_FULL (2), or 0 for the basic view (got 7)");

        var viewport = ViolationsOf(await Should.ThrowAsync<RpcException>(() => Host.Listings.SearchViewportAsync(new SearchViewportRequest
        {
            Viewport = new BoundingBox { SouthWest = Point(50.0, 19.8), NorthEast = Point(50.1, 20.0) },
            PageSize = 101,
            View = (ListingView)(-1),
        }).ResponseAsync));

        viewport.Select(v => v.Field).ShouldBe(["page_size", "view"], ignoreOrder: true);
        viewport.Single(v => v.Field == "view").Description.ShouldContain("(got -1)");
    }

    private Task<RpcException> SearchWithAsync(ListingFilter filter) =>
        Should.ThrowAsync<RpcException>(() => Host.Listings.SearchNearbyAsync(
            new SearchNearbyRequest { Center = Point(50, 19.9), RadiusMeters = 100, Filter = filter }).ResponseAsync);

    [Fact]
    public async Task Limits_themselves_are_accepted()
    {
        var filter = new ListingFilter { Text = new string('ż', 200) };
        var response = await Host.Listings.SearchNearbyAsync(new SearchNearbyRequest
        {
            Center = Point(-90, 180), RadiusMeters = 50_000, PageSize = 100, Filter = filter,
        });
        response.Hits.ShouldBeEmpty();

        (await Host.Listings.SearchNearbyAsync(new SearchNearbyRequest { Center = Point(90, -180), RadiusMeters = 1 })).Hits.ShouldBeEmpty();
    }

    [Fact]
    public async Task A_category_must_belong_to_the_named_campaigns()
    {
        var campaign = fixture.NewCampaign();
        Host.Catalog.Add("bakeries-" + campaign, ["bread"]);
        var filter = Only(campaign);
        filter.CategoryIds.Add("bread");

        var error = await Should.ThrowAsync<RpcException>(() => Host.Listings.SearchNearbyAsync(
            new SearchNearbyRequest { Center = Point(50, 19.9), RadiusMeters = 100, Filter = filter }).ResponseAsync);

        var (field, description) = ViolationsOf(error).ShouldHaveSingleItem();
        field.ShouldBe("filter.category_ids[0]");
        description.ShouldBe($"'bread' is not a category of '{campaign}'");

        // Without a campaign filter, any campaign's category will do.
        var unfiltered = new ListingFilter();
        unfiltered.CategoryIds.Add("bread");
        await Host.Listings.SearchNearbyAsync(new SearchNearbyRequest { Center = Point(50, 19.9), RadiusMeters = 100, Filter = unfiltered });
    }

    [Fact]
    public async Task A_missing_centre_or_viewport_is_reported()
    {
        var nearby = await Should.ThrowAsync<RpcException>(() => Host.Listings.SearchNearbyAsync(new SearchNearbyRequest { RadiusMeters = 10 }).ResponseAsync);
        ViolationsOf(nearby).ShouldHaveSingleItem().Field.ShouldBe("center");

        var viewport = await Should.ThrowAsync<RpcException>(() => Host.Listings.SearchViewportAsync(new SearchViewportRequest()).ResponseAsync);
        ViolationsOf(viewport).ShouldHaveSingleItem().Field.ShouldBe("viewport");

        var corners = await Should.ThrowAsync<RpcException>(() => Host.Listings.SearchViewportAsync(new SearchViewportRequest { Viewport = new BoundingBox() }).ResponseAsync);
        ViolationsOf(corners).Select(v => v.Field).ShouldBe(["viewport.south_west", "viewport.north_east"], ignoreOrder: true);
    }

    [Fact]
    public async Task A_viewport_upside_down_across_the_antimeridian_or_off_the_globe_is_refused()
    {
        async Task<IReadOnlyList<(string Field, string Description)>> Refused(double south, double west, double north, double east) =>
            ViolationsOf(await Should.ThrowAsync<RpcException>(() => Host.Listings.SearchViewportAsync(new SearchViewportRequest
            {
                Viewport = new BoundingBox { SouthWest = Point(south, west), NorthEast = Point(north, east) },
            }).ResponseAsync));

        var upsideDown = (await Refused(50.1, 19.8, 50.0, 20.0)).ShouldHaveSingleItem();
        upsideDown.Field.ShouldBe("viewport.south_west.latitude");
        upsideDown.Description.ShouldContain("north of the north edge");

        var antimeridian = (await Refused(-20, 179, -15, -179)).ShouldHaveSingleItem();
        antimeridian.Field.ShouldBe("viewport.south_west.longitude");
        antimeridian.Description.ShouldContain("antimeridian");
        antimeridian.Description.ShouldContain("two viewports");

        (await Refused(-91, 0, 10, double.NaN)).Select(v => v.Field).ShouldBe(["viewport.south_west.latitude", "viewport.north_east.longitude"], ignoreOrder: true);
        (await Refused(0, -180.1, double.PositiveInfinity, 10)).Select(v => v.Field).ShouldBe(["viewport.south_west.longitude", "viewport.north_east.latitude"], ignoreOrder: true);

        // Both problems of an upside-down box across the antimeridian, at once.
        (await Refused(10, 170, 5, -170)).Select(v => v.Field).ShouldBe(["viewport.south_west.latitude", "viewport.south_west.longitude"], ignoreOrder: true);
    }

    [Fact]
    public async Task Get_listing_and_export_name_what_is_missing()
    {
        var emptyId = await Should.ThrowAsync<RpcException>(() => Host.Listings.GetListingAsync(new GetListingRequest()).ResponseAsync);
        ViolationsOf(emptyId).ShouldHaveSingleItem().Field.ShouldBe("listing_id");

        var unknown = await Should.ThrowAsync<RpcException>(() => Host.Listings.GetListingAsync(new GetListingRequest { ListingId = "nobody@nowhere" }).ResponseAsync);
        unknown.StatusCode.ShouldBe(StatusCode.NotFound);
        unknown.Status.Detail.ShouldBe("No listing with id 'nobody@nowhere'.");

        foreach (var id in new[] { "", new string('c', 65) })
        {
            var notAnId = await Should.ThrowAsync<RpcException>(async () =>
            {
                using var call = Host.Listings.ExportCampaign(new ExportCampaignRequest { CampaignId = id });
                await call.ResponseStream.MoveNext(CancellationToken.None);
            });
            ViolationsOf(notAnId).ShouldBe([("campaign_id", "is required, at most 64 characters")]);
        }

        var unknownCampaign = await Should.ThrowAsync<RpcException>(async () =>
        {
            using var call = Host.Listings.ExportCampaign(new ExportCampaignRequest { CampaignId = "atlantis" });
            await call.ResponseStream.MoveNext(CancellationToken.None);
        });
        unknownCampaign.StatusCode.ShouldBe(StatusCode.NotFound);
        unknownCampaign.Status.Detail.ShouldBe("No campaign with id 'atlantis'.");

        using var http = await Host.Web.GetAsync("/maps/campaigns/atlantis/listings.geojson");
        ((int)http.StatusCode).ShouldBe(404);
    }
}
