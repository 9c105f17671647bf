using System.Text.Json;
using Grpc.Core;
using Krakow.Maps.V1;
using Krakow.Modules.Maps.Application.Search;
using Krakow.Modules.Maps.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Shouldly;
using static Krakow.Modules.Maps.Tests.Infrastructure.Survey;

namespace Krakow.Modules.Maps.Tests.Search;

/// <summary>
/// The whole path as users take it, with the campaigns the plugins ship: a business applies, a moderator approves,
/// residents find it nearby (on its own map and on the map it is cross-listed to), partners export it; edits,
/// withdrawal and the end of a campaign show on the live map.
/// </summary>
public sealed class SearchEndToEndTests : IAsyncLifetime
{
    private static readonly CallOptions AsModerator = TestApiKeys.As(TestApiKeys.Moderator);
    private MapsHost host = null!;

    private Listings.ListingsClient ListingsApi => new(host.Channel);

    public async Task InitializeAsync() => host = await MapsHost.StartAsync(new MapsHostOptions { Catalogue = null });

    public async Task DisposeAsync() => await host.DisposeAsync();

    [Fact]
    public async Task An_approved_application_is_found_nearby_on_every_map_it_is_listed_on()
    {
        var submitted = await host.Applications.SubmitApplicationAsync(Submission("gastronomy", "cafe", "Kawiarnia Pod Złotą Różą"));
        var id = submitted.Application.Id;
        // The full view: the hits are checked for their application and source campaign too.
        var near = new SearchNearbyRequest
        {
            Center = new GeoPoint { Latitude = MainSquare.Latitude, Longitude = MainSquare.Longitude + 0.001 }, RadiusMeters = 500, View = ListingView.Full,
        };

        // Submitted is not approved: nothing on the map yet.
        await CatchUpAsync();
        (await ListingsApi.SearchNearbyAsync(near)).Hits.ShouldNotContain(h => h.Listing.ApplicationId == id);

        var decision = await host.Moderation.ApproveAsync(new ApproveRequest { ApplicationId = id }, AsModerator);
        await CatchUpAsync();

        var hits = (await ListingsApi.SearchNearbyAsync(near)).Hits.Where(h => h.Listing.ApplicationId == id).ToList();
        hits.Select(h => h.Listing.CampaignId).Order().ShouldBe(["gastronomy", "im-active"]); // catering is cross-listed
        hits.ShouldAllBe(h => h.Listing.SourceCampaignId == "gastronomy" && h.Listing.Name == "Kawiarnia Pod Złotą Różą");
        hits[0].DistanceMeters.ShouldBe(GreatCircle.Meters(near.Center.Latitude, near.Center.Longitude, MainSquare.Latitude, MainSquare.Longitude), 0.001);
        decision.ShouldNotBeNull();

        // Text without accents, the orders-online flag, one map only.
        var filter = new ListingFilter { Text = "zlota roza", OnlyOrdersOnline = true };
        filter.CampaignIds.Add("im-active");
        var filtered = await ListingsApi.SearchNearbyAsync(new SearchNearbyRequest(near) { Filter = filter });
        filtered.Hits.ShouldHaveSingleItem().Listing.Id.ShouldBe($"{id}@im-active");

        var listing = await ListingsApi.GetListingAsync(new GetListingRequest { ListingId = $"{id}@gastronomy" });
        listing.Address.Street.ShouldBe("Rynek Główny");
        listing.Website.ShouldBe("https://pracownia-smaku.example.pl/");

        using (var export = await host.Web.GetAsync("/maps/campaigns/gastronomy/listings.geojson"))
        {
            export.Content.Headers.ContentType!.MediaType.ShouldBe("application/geo+json");
            using var json = JsonDocument.Parse(await export.Content.ReadAsStreamAsync());
            json.RootElement.GetProperty("features").EnumerateArray()
                .Select(f => f.GetProperty("id").GetString()).ShouldContain($"{id}@gastronomy");
        }

        // An edit shows at once on every map; a withdrawal takes the entry off all of them.
        var answers = StandardAnswers("cafe", "Kawiarnia Pod Srebrną Różą");
        var update = new UpdateApplicationRequest { ApplicationId = id, EditToken = submitted.EditToken };
        update.Answers.Add(answers);
        await host.Applications.UpdateApplicationAsync(update);
        await CatchUpAsync();
        (await ListingsApi.SearchNearbyAsync(near)).Hits.Where(h => h.Listing.ApplicationId == id)
            .ShouldAllBe(h => h.Listing.Name == "Kawiarnia Pod Srebrną Różą");

        await host.Applications.WithdrawApplicationAsync(new ApplicationRef { ApplicationId = id, EditToken = submitted.EditToken });
        await CatchUpAsync();
        (await ListingsApi.SearchNearbyAsync(near)).Hits.ShouldNotContain(h => h.Listing.ApplicationId == id);
        var gone = await Should.ThrowAsync<RpcException>(() => ListingsApi.GetListingAsync(new GetListingRequest { ListingId = $"{id}@gastronomy" }).ResponseAsync);
        gone.StatusCode.ShouldBe(StatusCode.NotFound);
    }

    [Fact]
    public async Task When_a_campaign_closes_its_listings_leave_the_live_map()
    {
        var submitted = await host.Applications.SubmitApplicationAsync(Submission("christmas-online", "gifts", "Pracownia Bombek"));
        await host.Moderation.ApproveAsync(new ApproveRequest { ApplicationId = submitted.Application.Id }, AsModerator);
        await CatchUpAsync();
        var near = new SearchNearbyRequest { Center = new GeoPoint { Latitude = MainSquare.Latitude, Longitude = MainSquare.Longitude }, RadiusMeters = 100 };
        near.Filter = new ListingFilter { Text = "bombek" };

        (await ListingsApi.SearchNearbyAsync(near)).Hits.Select(h => h.Listing.CampaignId).ShouldContain("christmas-online");

        host.Clock.Set(new DateTimeOffset(2027, 1, 7, 0, 0, 0, TimeSpan.FromHours(1)));

        (await ListingsApi.SearchNearbyAsync(near)).Hits.Select(h => h.Listing.CampaignId).ShouldNotContain("christmas-online");
        var closed = await Should.ThrowAsync<RpcException>(() =>
            ListingsApi.GetListingAsync(new GetListingRequest { ListingId = $"{submitted.Application.Id}@christmas-online" }).ResponseAsync);
        closed.Status.Detail.ShouldContain("closed");
    }

    private async Task CatchUpAsync()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await host.Services.GetRequiredService<IListingIndex>().CatchUpAsync(timeout.Token);
    }
}
