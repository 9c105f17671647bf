using Grpc.Core;
using Krakow.Maps.V1;
using Krakow.Modules.Maps.Tests.Infrastructure;
using Shouldly;

namespace Krakow.Modules.Maps.Tests.Applications;

/// <summary>The Campaigns service: statuses from the clock, the archive on request, surveys as data, a cache that follows the catalogue.</summary>
public sealed class CampaignsServiceTests : IAsyncLifetime
{
    private MapsHost host = null!;

    public async Task InitializeAsync() => host = await MapsHost.StartAsync();

    public async Task DisposeAsync() => await host.DisposeAsync();

    [Fact]
    public async Task Open_and_upcoming_campaigns_are_listed_by_default_and_the_archive_on_request()
    {
        host.Clock.Set(new DateTimeOffset(2026, 10, 1, 12, 0, 0, TimeSpan.Zero));
        var beforeChristmas = await host.Campaigns.ListCampaignsAsync(new ListCampaignsRequest());
        host.Clock.Set(new DateTimeOffset(2027, 2, 1, 12, 0, 0, TimeSpan.Zero));
        var afterChristmas = await host.Campaigns.ListCampaignsAsync(new ListCampaignsRequest());
        var archive = await host.Campaigns.ListCampaignsAsync(new ListCampaignsRequest { IncludeArchive = true });

        beforeChristmas.Campaigns.Select(c => (c.Id, c.Status)).ShouldBe(
        [
            (TestCampaigns.Christmas, CampaignStatus.Upcoming), (TestCampaigns.Gastronomy, CampaignStatus.Open),
            (TestCampaigns.ImActive, CampaignStatus.Open), (TestCampaigns.SurveyLab, CampaignStatus.Open),
        ]);
        afterChristmas.Campaigns.Select(c => c.Id).ShouldNotContain(TestCampaigns.Christmas);
        archive.Campaigns.Single(c => c.Id == TestCampaigns.Christmas).Status.ShouldBe(CampaignStatus.Closed);
    }

    [Fact]
    public async Task A_campaign_carries_its_window_categories_survey_area_and_cross_listing_rules()
    {
        var christmas = await host.Campaigns.GetCampaignAsync(new GetCampaignRequest { CampaignId = TestCampaigns.Christmas });
        var imActive = await host.Campaigns.GetCampaignAsync(new GetCampaignRequest { CampaignId = TestCampaigns.ImActive });
        var lab = await host.Campaigns.GetCampaignAsync(new GetCampaignRequest { CampaignId = TestCampaigns.SurveyLab });

        christmas.Name.En.ShouldBe("This Christmas I order online!");
        christmas.Status.ShouldBe(CampaignStatus.Open);
        christmas.Window.EndsAt.ToDateTimeOffset().ShouldBe(TestCampaigns.ChristmasCloses);
        christmas.AcceptsOfferImage.ShouldBeTrue();
        christmas.Survey.Fields.Single(f => f.Id == "offer_image").Type.ShouldBe(FieldType.Image);
        christmas.EligibleArea.En.ShouldStartWith("Kraków and the surrounding area");
        imActive.Window.EndsAt.ShouldBeNull();
        imActive.Categories.Single(c => c.Id == "restaurant").Catering.ShouldBeTrue();
        imActive.CrossListings.ShouldHaveSingleItem().ShouldBe(new CrossListingRule { TargetCampaignId = TestCampaigns.Gastronomy, OnlyCatering = true });
        imActive.Survey.Fields.Single(f => f.Id == "category").Options.Select(o => o.Id).ShouldBe(["restaurant", "cafe", "retail", "crafts", "services"]);
        var employees = lab.Survey.Fields.Single(f => f.Id == "employees");
        (employees.HasMin, employees.Min, employees.HasMax, employees.Max).ShouldBe((true, 0, true, 10_000));
        lab.Survey.Fields.Single(f => f.Id == "history").MaxLength.ShouldBe(2000); // the platform caps every text
        lab.Survey.Fields.Single(f => f.Id == "motto").MaxLength.ShouldBe(50);
    }

    [Fact]
    public async Task An_unknown_campaign_is_not_found()
    {
        var error = await Should.ThrowAsync<RpcException>(() => host.Campaigns.GetCampaignAsync(new GetCampaignRequest { CampaignId = "easter" }).ResponseAsync);

        error.StatusCode.ShouldBe(StatusCode.NotFound);
    }

    [Fact]
    public async Task The_cached_list_is_served_until_the_catalogue_changes_and_never_after()
    {
        var catalogue = host.Catalogue!;
        (await host.Campaigns.ListCampaignsAsync(new ListCampaignsRequest())).Campaigns.Single(c => c.Id == TestCampaigns.ImActive).Name.En.ShouldBe("I'm ACTIVE");

        catalogue.ReplaceSilently(TestCampaigns.ImActiveCampaign(nameEn: "I'm ACTIVE (renamed, version unchanged)"));
        var fromCache = await host.Campaigns.ListCampaignsAsync(new ListCampaignsRequest());
        catalogue.Replace(TestCampaigns.ImActiveCampaign(nameEn: "I'm ACTIVE — season 2027"));
        var afterChange = await host.Campaigns.ListCampaignsAsync(new ListCampaignsRequest());
        var single = await host.Campaigns.GetCampaignAsync(new GetCampaignRequest { CampaignId = TestCampaigns.ImActive });

        fromCache.Campaigns.Single(c => c.Id == TestCampaigns.ImActive).Name.En.ShouldBe("I'm ACTIVE");
        afterChange.Campaigns.Single(c => c.Id == TestCampaigns.ImActive).Name.En.ShouldBe("I'm ACTIVE — season 2027");
        single.Name.En.ShouldBe("I'm ACTIVE — season 2027");
    }

    [Fact]
    public async Task Campaigns_are_served_over_grpc_web()
    {
        var client = new Krakow.Maps.V1.Campaigns.CampaignsClient(host.WebChannel);

        var response = await client.ListCampaignsAsync(new ListCampaignsRequest { IncludeArchive = true });

        response.Campaigns.Count.ShouldBe(4);
    }
}
