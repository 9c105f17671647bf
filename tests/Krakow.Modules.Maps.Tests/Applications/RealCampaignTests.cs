using Grpc.Core;
using Krakow.Maps.V1;
using Krakow.Modules.Maps.Tests.Images;
using Krakow.Modules.Maps.Tests.Infrastructure;
using Shouldly;
using static Krakow.Modules.Maps.Tests.Infrastructure.Survey;

namespace Krakow.Modules.Maps.Tests.Applications;

/// <summary>The three campaigns as their plugins ship them ("im-active", "gastronomy", "christmas-online").</summary>
public sealed class RealCampaignTests : IAsyncLifetime
{
    private MapsHost host = null!;

    public async Task InitializeAsync() => host = await MapsHost.StartAsync(new MapsHostOptions { Catalogue = null });

    public async Task DisposeAsync() => await host.DisposeAsync();

    [Fact]
    public async Task The_plugins_campaigns_are_listed_with_statuses_from_the_clock()
    {
        var during = await host.Campaigns.ListCampaignsAsync(new ListCampaignsRequest());
        host.Clock.Set(new DateTimeOffset(2027, 1, 7, 0, 0, 0, TimeSpan.FromHours(1)));
        var after = await host.Campaigns.ListCampaignsAsync(new ListCampaignsRequest());
        var archive = await host.Campaigns.ListCampaignsAsync(new ListCampaignsRequest { IncludeArchive = true });

        during.Campaigns.Select(c => (c.Id, c.Status)).ShouldBe(
            [("christmas-online", CampaignStatus.Open), ("gastronomy", CampaignStatus.Open), ("im-active", CampaignStatus.Open), ("renovation-pact", CampaignStatus.Open)]);
        after.Campaigns.Select(c => c.Id).ShouldBe(["gastronomy", "im-active", "renovation-pact"]);
        archive.Campaigns.Single(c => c.Id == "christmas-online").Status.ShouldBe(CampaignStatus.Closed);
        archive.Campaigns.Single(c => c.Id == "gastronomy").CrossListings.ShouldHaveSingleItem().TargetCampaignId.ShouldBe("im-active");
    }

    [Fact]
    public async Task Christmas_closes_after_the_sixth_of_january()
    {
        host.Clock.Set(new DateTimeOffset(2027, 1, 7, 0, 0, 0, TimeSpan.FromHours(1)));

        var error = await Should.ThrowAsync<RpcException>(() => host.Applications.SubmitApplicationAsync(Submission("christmas-online", "gifts")).ResponseAsync);

        error.StatusCode.ShouldBe(StatusCode.FailedPrecondition);
        error.Status.Detail.ShouldStartWith("Campaign 'christmas-online' closed on 2027-01-06");
    }

    [Fact]
    public async Task A_business_outside_krakow_and_its_surroundings_is_refused_with_the_reason()
    {
        var request = Submission("christmas-online", "gifts");
        request.Answers["location"] = Point(Warsaw.Latitude, Warsaw.Longitude);
        var imActive = Submission("im-active", "retail");
        imActive.Answers["location"] = Point(49.9870, 20.0650); // Wieliczka: around Kraków, not in it

        var christmas = await Should.ThrowAsync<RpcException>(() => host.Applications.SubmitApplicationAsync(request).ResponseAsync);
        var city = await Should.ThrowAsync<RpcException>(() => host.Applications.SubmitApplicationAsync(imActive).ResponseAsync);
        var wieliczkaAtChristmas = Submission("christmas-online", "gifts");
        wieliczkaAtChristmas.Answers["location"] = Point(49.9870, 20.0650);
        var accepted = await host.Applications.SubmitApplicationAsync(wieliczkaAtChristmas);

        christmas.StatusCode.ShouldBe(StatusCode.FailedPrecondition);
        christmas.Status.Detail.ShouldEndWith("is outside the campaign's area: Kraków and the surrounding area (the metropolitan municipalities).");
        city.Status.Detail.ShouldEndWith("is outside the campaign's area: Kraków (within the city limits).");
        accepted.Application.Status.ShouldBe(ApplicationStatus.Submitted);
    }

    [Fact]
    public async Task Only_the_christmas_map_takes_an_offer_image()
    {
        var christmas = await host.Applications.SubmitApplicationAsync(Submission("christmas-online", "delicacies", "Pierniki Babuni"));
        var gastronomy = await host.Applications.SubmitApplicationAsync(Submission("gastronomy", "confectionery", "Cukiernia"));

        var image = await ImageUploads.UploadAsync(host, christmas.Application.Id, christmas.EditToken, TestImages.Jpeg(1200, 800));
        var refused = await Should.ThrowAsync<RpcException>(() =>
            ImageUploads.UploadAsync(host, gastronomy.Application.Id, gastronomy.EditToken, TestImages.Jpeg(1200, 800)));

        image.ContentType.ShouldBe("image/jpeg");
        refused.Status.Detail.ShouldBe("Campaign 'gastronomy' does not accept offer images.");
    }

    [Fact]
    public async Task The_campaigns_own_questions_are_validated_too()
    {
        var request = Submission("gastronomy", "restaurant");
        request.Answers["cuisine"] = Choices("polish", "italian", "asian", "other");
        request.Answers["menu_url"] = Text("javascript:alert(1)");

        var error = await Should.ThrowAsync<RpcException>(() => host.Applications.SubmitApplicationAsync(request).ResponseAsync);

        RpcErrors.FieldsOf(error).ShouldBe(["answers.cuisine", "answers.menu_url"]);
    }
}
