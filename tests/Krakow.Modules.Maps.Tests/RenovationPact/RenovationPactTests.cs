using Google.Rpc;
using Grpc.Core;
using Krakow.Maps.V1;
using Krakow.Modules.Maps.Tests.Infrastructure;
using Krakow.Modules.Maps.Tests.Plugins;
using Shouldly;
using static Krakow.Modules.Maps.Tests.Infrastructure.Survey;

namespace Krakow.Modules.Maps.Tests.RenovationPact;

/// <summary>
/// The fourth campaign, "Renovation Pact" (Pakt remontowy, seed 001), shipped as a plugin and dropped into a host
/// that is already running: it appears, takes applications from businesses on the two streets under renovation
/// only, lists them, and when the works end its listings leave the live map for the archive.
/// </summary>
public sealed class RenovationPactTests : IAsyncLifetime
{
    private readonly PluginDirectory plugins = new();
    private MapsHost host = null!;

    public async Task InitializeAsync() => host = await Pact.StartAsync(plugins, withPact: false);

    public async Task DisposeAsync()
    {
        await host.DisposeAsync();
        plugins.Dispose();
    }

    [Fact]
    public async Task It_ships_with_the_host_but_loads_only_where_its_folder_is()
    {
        File.Exists(Path.Combine(PluginDirectory.Shipped, Pact.Id, "Krakow.Plugins.RenovationPact.dll")).ShouldBeTrue();
        File.Exists(Path.Combine(PluginDirectory.Shipped, Pact.Id, "Krakow.Plugins.Sdk.dll")).ShouldBeFalse("the host supplies the SDK");
        PluginDirectory.ReadManifest(Path.Combine(PluginDirectory.Shipped, Pact.Id))["notes"]!.GetValue<string>().ShouldContain("is ours");

        // This host's plugins directory has I'm ACTIVE only.
        (await Pact.FindAsync(host)).ShouldBeNull();
        var missing = await Should.ThrowAsync<RpcException>(() => host.Campaigns.GetCampaignAsync(new GetCampaignRequest { CampaignId = Pact.Id }).ResponseAsync);
        missing.StatusCode.ShouldBe(StatusCode.NotFound);
    }

    [Fact]
    public async Task Dropped_into_the_running_host_it_appears_and_takes_applications_from_the_streets_under_renovation()
    {
        await Pact.DropAsync(host, plugins);

        var campaign = await host.Campaigns.GetCampaignAsync(new GetCampaignRequest { CampaignId = Pact.Id });
        campaign.Name.Pl.ShouldBe("Pakt remontowy");
        campaign.Name.En.ShouldBe("Renovation Pact");
        campaign.Description.Pl.ShouldContain("przedłużających się remontów");
        campaign.Description.En.ShouldContain("ul. Straszewskiego and ul. Piłsudskiego");
        campaign.Status.ShouldBe(CampaignStatus.Open);
        campaign.Season.ShouldBe(1);
        campaign.PluginId.ShouldBe(Pact.Id);
        campaign.Window.StartsAt.ToDateTimeOffset().ShouldBe(Pact.StartsAt);
        campaign.Window.EndsAt.ToDateTimeOffset().ShouldBe(Pact.EndsAt);
        campaign.EligibleArea.En.ShouldContain("ul. Straszewskiego and ul. Piłsudskiego");
        campaign.Categories.Select(c => c.Id).ShouldBe(["retail", "services", "catering", "crafts", "health-beauty", "culture-tourism", "other"]);
        campaign.Categories.Single(c => c.Catering).Id.ShouldBe("catering");
        var loss = campaign.Survey.Fields.Single(f => f.Id == "loss_of_revenue_percent");
        (loss.Type, loss.Required, loss.HasMin, loss.Min, loss.HasMax, loss.Max).ShouldBe((FieldType.Number, true, true, 0d, true, 100d));
        campaign.Survey.Fields.Single(f => f.Id == "support_needed").Options.Select(o => o.Id).ShouldContain("wayfinding");

        var onStraszewskiego = await host.Applications.SubmitApplicationAsync(Pact.Submission(Pact.Straszewskiego, "Antykwariat przy Filharmonii"));
        onStraszewskiego.Application.Status.ShouldBe(ApplicationStatus.Submitted);
        onStraszewskiego.Application.Season.ShouldBe(1);
        var onPilsudskiego = await host.Applications.SubmitApplicationAsync(Pact.Submission(Pact.Pilsudskiego, "Kawiarnia Sokół", "catering"));
        onPilsudskiego.Application.Status.ShouldBe(ApplicationStatus.Submitted);

        // The Main Square is a few hundred metres from both streets: not under renovation.
        var outside = await Should.ThrowAsync<RpcException>(() => host.Applications.SubmitApplicationAsync(Pact.Submission(MainSquare, "Sukiennice")).ResponseAsync);
        outside.StatusCode.ShouldBe(StatusCode.FailedPrecondition);
        outside.Status.Detail.ShouldContain("outside the campaign's area: ul. Straszewskiego and ul. Piłsudskiego in Kraków");
        outside.GetRpcStatus()!.GetDetail<PreconditionFailure>()!.Violations.ShouldHaveSingleItem().Subject.ShouldBe("answers.location");

        var tooMuch = Pact.Submission(Pact.Straszewskiego, "Za dużo");
        tooMuch.Answers["loss_of_revenue_percent"] = Number(150);
        var invalid = await Should.ThrowAsync<RpcException>(() => host.Applications.SubmitApplicationAsync(tooMuch).ResponseAsync);
        invalid.StatusCode.ShouldBe(StatusCode.InvalidArgument);
        RpcErrors.FieldsOf(invalid).ShouldBe(["answers.loss_of_revenue_percent"]);

        await host.Moderation.ApproveAsync(new ApproveRequest { ApplicationId = onStraszewskiego.Application.Id }, Pact.AsModerator);
        var listed = await Pact.LiveNearAsync(host, Pact.Straszewskiego);
        listed.ShouldHaveSingleItem().Id.ShouldBe($"{onStraszewskiego.Application.Id}@{Pact.Id}");
        listed[0].Name.ShouldBe("Antykwariat przy Filharmonii");
    }

    [Fact]
    public async Task Its_area_is_the_two_streets_and_nothing_around_them()
    {
        await Pact.DropAsync(host, plugins);

        (double, double)[] inside =
        [
            Pact.Straszewskiego,
            (50.06030, 19.93190), // the Piłsudskiego / Straszewskiego / Podwale junction
            (50.05560, 19.93460), // Straszewskiego's southern end, towards Podzamcze
            (50.05790, 19.93270), // the western frontage of Straszewskiego, ~35 m off its axis
            Pact.Pilsudskiego,
            (50.05800, 19.92300), // Piłsudskiego at al. Krasińskiego
            (50.05765, 19.92020), // Piłsudskiego's western end, by the Błonia
        ];
        (double, double)[] outside =
        [
            MainSquare,
            (50.06080, 19.93370), // Collegium Novum, across the Planty
            (50.05400, 19.93540), // Wawel
            (50.06000, 19.91500), // the middle of the Błonia
            (50.06150, 19.92550), // al. Mickiewicza, north of Piłsudskiego
            (50.05770, 19.93500), // ul. Franciszkańska, ~130 m east of Straszewskiego
        ];

        foreach (var place in inside)
        {
            var accepted = await host.Applications.SubmitApplicationAsync(Pact.Submission(place, "Sklep"));
            accepted.Application.Status.ShouldBe(ApplicationStatus.Submitted, $"{place} is on a street under renovation");
        }

        foreach (var place in outside)
        {
            var refused = await Should.ThrowAsync<RpcException>(() => host.Applications.SubmitApplicationAsync(Pact.Submission(place, "Sklep")).ResponseAsync);
            refused.StatusCode.ShouldBe(StatusCode.FailedPrecondition, $"{place} is not on a street under renovation");
        }
    }

    [Fact]
    public async Task When_the_works_end_its_listings_leave_the_live_map_and_stay_in_the_archive()
    {
        await Pact.DropAsync(host, plugins);
        var (id, _) = await Pact.ApprovedAsync(host, Pact.Straszewskiego, "Zakład szewski");
        (await Pact.LiveNearAsync(host, Pact.Straszewskiego)).ShouldHaveSingleItem();

        host.Clock.Set(Pact.EndsAt.AddDays(1));

        (await Pact.LiveNearAsync(host, Pact.Straszewskiego)).ShouldBeEmpty();
        (await host.Campaigns.ListCampaignsAsync(new ListCampaignsRequest())).Campaigns.ShouldNotContain(c => c.Id == Pact.Id);
        (await host.Campaigns.GetCampaignAsync(new GetCampaignRequest { CampaignId = Pact.Id })).Status.ShouldBe(CampaignStatus.Closed);

        var seasons = new Krakow.Maps.V1.Seasons.SeasonsClient(host.Channel);
        var archive = await seasons.ListArchivedListingsAsync(new ListArchivedListingsRequest { CampaignId = Pact.Id, Season = 1 });
        archive.Listings.ShouldHaveSingleItem().Id.ShouldBe($"{id}@{Pact.Id}");
        archive.Listings[0].Name.ShouldBe("Zakład szewski");
        archive.NextPageToken.ShouldBeEmpty();

        var late = await Should.ThrowAsync<RpcException>(() => host.Applications.SubmitApplicationAsync(Pact.Submission(Pact.Straszewskiego, "Spóźniony")).ResponseAsync);
        late.StatusCode.ShouldBe(StatusCode.FailedPrecondition);
        late.Status.Detail.ShouldContain("closed on 2027-10-31");
    }
}
