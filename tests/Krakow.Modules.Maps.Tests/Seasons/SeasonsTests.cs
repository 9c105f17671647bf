using Google.Protobuf.WellKnownTypes;
using Google.Rpc;
using Grpc.Core;
using Krakow.Maps.V1;
using Krakow.Modules.Maps.Application.Campaigns;
using Krakow.Modules.Maps.Application.Seasons;
using Krakow.Modules.Maps.Tests.Infrastructure;
using Krakow.Modules.Maps.Tests.Plugins;
using Krakow.Modules.Maps.Tests.RenovationPact;
using Microsoft.Extensions.DependencyInjection;
using Shouldly;
using SeasonsClient = Krakow.Maps.V1.Seasons.SeasonsClient;

namespace Krakow.Modules.Maps.Tests.Seasons;

/// <summary>
/// Seasons of a campaign (the Renovation Pact here): when the window closes the listings go to the archive; an
/// administrator opens the next season, which archives the last one and invites its approved participants to
/// re-confirm with the edit token they hold.
/// </summary>
public abstract class SeasonsTests(DatabaseKind database) : IAsyncLifetime
{
    private static readonly DateTimeOffset AfterTheWorks = Pact.EndsAt.AddDays(5);
    private readonly PluginDirectory plugins = new();
    private MapsHost host = null!;

    private SeasonsClient SeasonsApi => new(host.Channel);

    public async Task InitializeAsync() => host = await Pact.StartAsync(plugins, withPact: true, database: database);

    public async Task DisposeAsync()
    {
        await host.DisposeAsync();
        plugins.Dispose();
    }

    [Fact]
    public async Task Only_an_administrator_opens_a_season()
    {
        host.Clock.Set(AfterTheWorks);
        var request = Next(AfterTheWorks, AfterTheWorks.AddMonths(6));

        var anonymous = await Should.ThrowAsync<RpcException>(() => SeasonsApi.OpenNextSeasonAsync(request).ResponseAsync);
        anonymous.StatusCode.ShouldBe(StatusCode.Unauthenticated);
        var moderator = await Should.ThrowAsync<RpcException>(() => SeasonsApi.OpenNextSeasonAsync(request, Pact.AsModerator).ResponseAsync);
        moderator.StatusCode.ShouldBe(StatusCode.PermissionDenied);
        var partner = await Should.ThrowAsync<RpcException>(() => SeasonsApi.OpenNextSeasonAsync(request, TestApiKeys.As(TestApiKeys.Partner)).ResponseAsync);
        partner.StatusCode.ShouldBe(StatusCode.PermissionDenied);
        (await host.Campaigns.GetCampaignAsync(new GetCampaignRequest { CampaignId = Pact.Id })).Season.ShouldBe(1);

        var opened = await SeasonsApi.OpenNextSeasonAsync(request, Pact.AsAdministrator);
        (opened.CampaignId, opened.Number, opened.Status, opened.OpenedBy).ShouldBe((Pact.Id, 2, CampaignStatus.Open, TestApiKeys.AdministratorName));
    }

    [Fact]
    public async Task A_season_that_has_not_ended_is_replaced_only_when_the_administrator_ends_it()
    {
        var now = host.Clock.GetUtcNow();
        var running = await Should.ThrowAsync<RpcException>(() => SeasonsApi.OpenNextSeasonAsync(Next(now, now.AddMonths(6)), Pact.AsAdministrator).ResponseAsync);
        running.StatusCode.ShouldBe(StatusCode.FailedPrecondition);
        running.Status.Detail.ShouldContain("Season 1 of campaign 'renovation-pact' is open");
        running.Status.Detail.ShouldContain("2027-10-31");
        running.Status.Detail.ShouldContain("close_current_season");

        var past = await Should.ThrowAsync<RpcException>(() => SeasonsApi.OpenNextSeasonAsync(Next(now.AddDays(-2), now.AddMonths(6), close: true), Pact.AsAdministrator).ResponseAsync);
        past.StatusCode.ShouldBe(StatusCode.InvalidArgument);
        RpcErrors.FieldsOf(past).ShouldBe(["window.starts_at"]);
        var backwards = await Should.ThrowAsync<RpcException>(() => SeasonsApi.OpenNextSeasonAsync(Next(now.AddDays(2), now.AddDays(1), close: true), Pact.AsAdministrator).ResponseAsync);
        RpcErrors.FieldsOf(backwards).ShouldBe(["window.ends_at"]);
        var unknown = await Should.ThrowAsync<RpcException>(() => SeasonsApi.OpenNextSeasonAsync(
            new OpenNextSeasonRequest(Next(now, null, close: true)) { CampaignId = "no-such-campaign" }, Pact.AsAdministrator).ResponseAsync);
        unknown.StatusCode.ShouldBe(StatusCode.NotFound);
        var notTimestamps = new OpenNextSeasonRequest(Next(now.AddDays(7), null, close: true));
        notTimestamps.Window.StartsAt.Nanos = 1_000_000_000;
        notTimestamps.Window.EndsAt = new Timestamp { Seconds = -70_000_000_000 };
        var invalid = await Should.ThrowAsync<RpcException>(() => SeasonsApi.OpenNextSeasonAsync(notTimestamps, Pact.AsAdministrator).ResponseAsync);
        invalid.StatusCode.ShouldBe(StatusCode.InvalidArgument);
        RpcErrors.FieldsOf(invalid).ShouldBe(["window.starts_at", "window.ends_at"]);

        // Ended now, by the administrator: the new season starts next week, so until then there is no live map.
        var catalog = host.Services.GetRequiredService<ICampaignCatalog>();
        catalog.ShouldBeOfType<SeasonalCampaignCatalog>();
        var versionBefore = catalog.Version;
        var opened = await SeasonsApi.OpenNextSeasonAsync(Next(now.AddDays(7), null, close: true, season: 2), Pact.AsAdministrator);
        (opened.Number, opened.Status, opened.Window.EndsAt).ShouldBe((2, CampaignStatus.Upcoming, null));
        catalog.Version.ShouldBeGreaterThan(versionBefore);

        var campaigns = (await host.Campaigns.ListCampaignsAsync(new ListCampaignsRequest { IncludeArchive = true })).Campaigns.Where(c => c.Id == Pact.Id).ToList();
        campaigns.Select(c => (c.Season, c.Status)).ShouldBe([(2, CampaignStatus.Upcoming), (1, CampaignStatus.Archived)]);
        (await host.Campaigns.GetCampaignAsync(new GetCampaignRequest { CampaignId = Pact.Id })).Season.ShouldBe(2);

        // A retry of the same call opens nothing more, even one that comes after the new season has started.
        var retried = await Should.ThrowAsync<RpcException>(() => SeasonsApi.OpenNextSeasonAsync(Next(now.AddDays(7), null, close: true, season: 2), Pact.AsAdministrator).ResponseAsync);
        retried.StatusCode.ShouldBe(StatusCode.AlreadyExists);
        host.Clock.Set(now.AddDays(8));
        var late = await Should.ThrowAsync<RpcException>(() => SeasonsApi.OpenNextSeasonAsync(Next(now.AddDays(7), null, close: true, season: 2), Pact.AsAdministrator).ResponseAsync);
        late.StatusCode.ShouldBe(StatusCode.AlreadyExists);
    }

    [Fact]
    public async Task The_next_season_archives_the_last_and_its_participants_reconfirm_with_their_edit_token()
    {
        var (shoemaker, shoemakerToken) = await Pact.ApprovedAsync(host, Pact.Straszewskiego, "Zakład szewski");
        var (bakery, bakeryToken) = await Pact.ApprovedAsync(host, Pact.Pilsudskiego, "Piekarnia");
        var waiting = await host.Applications.SubmitApplicationAsync(Pact.Submission(Pact.Straszewskiego, "Jeszcze czeka"));

        host.Clock.Set(AfterTheWorks);
        (await Pact.LiveNearAsync(host, Pact.Straszewskiego)).ShouldBeEmpty();

        var opened = await SeasonsApi.OpenNextSeasonAsync(Next(AfterTheWorks, AfterTheWorks.AddMonths(8)), Pact.AsAdministrator);
        (opened.Number, opened.Status, opened.Invited).ShouldBe((2, CampaignStatus.Open, 2));
        var seasons = (await SeasonsApi.ListSeasonsAsync(new ListSeasonsRequest { CampaignId = Pact.Id })).Seasons;
        seasons.Select(s => (s.Number, s.Status, s.OpenedBy, s.Invited)).ShouldBe(
            [(2, CampaignStatus.Open, TestApiKeys.AdministratorName, 2), (1, CampaignStatus.Archived, "", 0)]);
        seasons[1].Window.EndsAt.ToDateTimeOffset().ShouldBe(Pact.EndsAt);

        // Season 1 stays in the archive; the live map shows season 2, empty so far.
        (await SeasonsApi.ListArchivedListingsAsync(new ListArchivedListingsRequest { CampaignId = Pact.Id, Season = 1 })).Listings
            .Select(l => l.ApplicationId).Order().ShouldBe(new[] { shoemaker, bakery }.Order());
        var live = await Should.ThrowAsync<RpcException>(() => SeasonsApi.ListArchivedListingsAsync(new ListArchivedListingsRequest { CampaignId = Pact.Id, Season = 2 }).ResponseAsync);
        live.StatusCode.ShouldBe(StatusCode.FailedPrecondition);
        var none = await Should.ThrowAsync<RpcException>(() => SeasonsApi.ListArchivedListingsAsync(new ListArchivedListingsRequest { CampaignId = Pact.Id, Season = 3 }).ResponseAsync);
        none.StatusCode.ShouldBe(StatusCode.NotFound);
        (await Pact.LiveNearAsync(host, Pact.Straszewskiego)).ShouldBeEmpty();

        // The approved participant sees the invitation; the one not approved (yet) has none.
        var invited = await host.Applications.GetApplicationAsync(new ApplicationRef { ApplicationId = shoemaker, EditToken = shoemakerToken });
        (invited.Season, invited.ReconfirmationSeason, invited.Status).ShouldBe((1, 2, ApplicationStatus.Approved));
        (await host.Applications.GetApplicationAsync(new ApplicationRef { ApplicationId = waiting.Application.Id, EditToken = waiting.EditToken })).ReconfirmationSeason.ShouldBe(0);
        var notInvited = await Should.ThrowAsync<RpcException>(() => SeasonsApi.ReconfirmApplicationAsync(
            new ReconfirmApplicationRequest { ApplicationId = waiting.Application.Id, EditToken = waiting.EditToken }).ResponseAsync);
        notInvited.StatusCode.ShouldBe(StatusCode.FailedPrecondition);
        notInvited.Status.Detail.ShouldContain("no invitation to re-confirm in season 2");
        var wrongToken = await Should.ThrowAsync<RpcException>(() => SeasonsApi.ReconfirmApplicationAsync(
            new ReconfirmApplicationRequest { ApplicationId = shoemaker, EditToken = waiting.EditToken }).ResponseAsync);
        wrongToken.StatusCode.ShouldBe(StatusCode.NotFound);

        // Re-confirmed with the old token: a new application in season 2, same answers, waiting for moderation.
        var reconfirmed = await SeasonsApi.ReconfirmApplicationAsync(new ReconfirmApplicationRequest { ApplicationId = shoemaker, EditToken = shoemakerToken });
        reconfirmed.Id.ShouldNotBe(shoemaker);
        (reconfirmed.CampaignId, reconfirmed.Season, reconfirmed.Status, reconfirmed.ReconfirmedFrom).ShouldBe((Pact.Id, 2, ApplicationStatus.Submitted, shoemaker));
        reconfirmed.Answers["business_name"].Text.ShouldBe("Zakład szewski");
        reconfirmed.Answers["loss_of_revenue_percent"].Number.ShouldBe(35);
        reconfirmed.Answers.Keys.Order().ShouldBe(invited.Answers.Keys.Order());

        var again = await Should.ThrowAsync<RpcException>(() => SeasonsApi.ReconfirmApplicationAsync(
            new ReconfirmApplicationRequest { ApplicationId = shoemaker, EditToken = shoemakerToken }).ResponseAsync);
        again.StatusCode.ShouldBe(StatusCode.AlreadyExists);
        var info = again.GetRpcStatus()!.GetDetail<ErrorInfo>()!;
        (info.Type, info.Metadata["application_id"]).ShouldBe(("ALREADY_RECONFIRMED", reconfirmed.Id));

        // The same token opens both applications; each names the other.
        var previous = await host.Applications.GetApplicationAsync(new ApplicationRef { ApplicationId = shoemaker, EditToken = shoemakerToken });
        (previous.ReconfirmationSeason, previous.ReconfirmedAs).ShouldBe((0, reconfirmed.Id));
        var next = await host.Applications.GetApplicationAsync(new ApplicationRef { ApplicationId = reconfirmed.Id, EditToken = shoemakerToken });
        (next.Season, next.ReconfirmedFrom).ShouldBe((2, shoemaker));
        var queue = await host.Moderation.ListQueueAsync(new ListQueueRequest { CampaignId = Pact.Id }, Pact.AsModerator);
        queue.Applications.Single(a => a.Id == reconfirmed.Id).ReconfirmedFrom.ShouldBe(shoemaker);

        // An invited entry withdrawn since is no longer a participant.
        await host.Applications.WithdrawApplicationAsync(new ApplicationRef { ApplicationId = bakery, EditToken = bakeryToken });
        (await host.Applications.GetApplicationAsync(new ApplicationRef { ApplicationId = bakery, EditToken = bakeryToken })).ReconfirmationSeason.ShouldBe(0);
        var withdrawn = await Should.ThrowAsync<RpcException>(() => SeasonsApi.ReconfirmApplicationAsync(
            new ReconfirmApplicationRequest { ApplicationId = bakery, EditToken = bakeryToken }).ResponseAsync);
        withdrawn.StatusCode.ShouldBe(StatusCode.FailedPrecondition);
        withdrawn.Status.Detail.ShouldContain("WITHDRAWN");

        // Last season's application that waited in the queue is invited once approved, like the others.
        await host.Moderation.ApproveAsync(new ApproveRequest { ApplicationId = waiting.Application.Id }, Pact.AsModerator);
        (await host.Applications.GetApplicationAsync(new ApplicationRef { ApplicationId = waiting.Application.Id, EditToken = waiting.EditToken })).ReconfirmationSeason.ShouldBe(2);
        (await SeasonsApi.ReconfirmApplicationAsync(new ReconfirmApplicationRequest { ApplicationId = waiting.Application.Id, EditToken = waiting.EditToken }))
            .Season.ShouldBe(2);

        // Approved, it is on season 2's live map; last season's listing stays in the archive only.
        await host.Moderation.ApproveAsync(new ApproveRequest { ApplicationId = reconfirmed.Id }, Pact.AsModerator);
        (await Pact.LiveNearAsync(host, Pact.Straszewskiego)).ShouldHaveSingleItem().Id.ShouldBe($"{reconfirmed.Id}@{Pact.Id}");
        (await SeasonsApi.ListArchivedListingsAsync(new ListArchivedListingsRequest { CampaignId = Pact.Id, Season = 1 })).Listings
            .ShouldContain(l => l.ApplicationId == shoemaker);
    }

    [Fact]
    public async Task An_invitation_needs_the_new_season_open_and_lapses_when_another_opens()
    {
        var (shoemaker, token) = await Pact.ApprovedAsync(host, Pact.Straszewskiego, "Zakład szewski");
        host.Clock.Set(AfterTheWorks);
        await SeasonsApi.OpenNextSeasonAsync(Next(AfterTheWorks.AddDays(10), AfterTheWorks.AddMonths(8)), Pact.AsAdministrator);

        var early = await Should.ThrowAsync<RpcException>(() => SeasonsApi.ReconfirmApplicationAsync(new ReconfirmApplicationRequest { ApplicationId = shoemaker, EditToken = token }).ResponseAsync);
        early.StatusCode.ShouldBe(StatusCode.FailedPrecondition);
        early.Status.Detail.ShouldContain("does not accept applications yet");

        await SeasonsApi.OpenNextSeasonAsync(Next(AfterTheWorks.AddDays(1), null, close: true), Pact.AsAdministrator);
        (await host.Applications.GetApplicationAsync(new ApplicationRef { ApplicationId = shoemaker, EditToken = token })).ReconfirmationSeason.ShouldBe(0);
        var lapsed = await Should.ThrowAsync<RpcException>(() => SeasonsApi.ReconfirmApplicationAsync(new ReconfirmApplicationRequest { ApplicationId = shoemaker, EditToken = token }).ResponseAsync);
        lapsed.StatusCode.ShouldBe(StatusCode.FailedPrecondition);
        lapsed.Status.Detail.ShouldContain("season 3");
    }

    [Fact]
    public async Task The_archive_is_paged_by_listing_id()
    {
        var ids = new List<string>();
        for (var i = 0; i < 5; i++)
        {
            ids.Add((await Pact.ApprovedAsync(host, Pact.Pilsudskiego, $"Sklep {i}")).Id);
        }

        host.Clock.Set(AfterTheWorks);
        var seen = new List<string>();
        var request = new ListArchivedListingsRequest { CampaignId = Pact.Id, Season = 1, PageSize = 2 };
        var pages = 0;
        do
        {
            var page = await SeasonsApi.ListArchivedListingsAsync(request);
            page.Listings.Count.ShouldBeLessThanOrEqualTo(2);
            seen.AddRange(page.Listings.Select(l => l.Id));
            request.PageToken = page.NextPageToken;
            pages++;
        }
        while (request.PageToken.Length > 0);

        pages.ShouldBe(3);
        seen.ShouldBe(ids.Select(id => $"{id}@{Pact.Id}").Order(StringComparer.Ordinal));

        var foreign = await Should.ThrowAsync<RpcException>(() => SeasonsApi.ListArchivedListingsAsync(
            new ListArchivedListingsRequest { CampaignId = "im-active", Season = 1, PageToken = ArchiveToken(request, seen[1]) }).ResponseAsync);
        foreign.StatusCode.ShouldBe(StatusCode.InvalidArgument);
        RpcErrors.FieldsOf(foreign).ShouldBe(["page_token"]);
    }

    [Fact]
    public async Task Seasons_outlive_a_restart()
    {
        host.Clock.Set(AfterTheWorks);
        await SeasonsApi.OpenNextSeasonAsync(Next(AfterTheWorks, AfterTheWorks.AddMonths(8)), Pact.AsAdministrator);

        host = await host.RestartAsync();

        var campaign = await host.Campaigns.GetCampaignAsync(new GetCampaignRequest { CampaignId = Pact.Id });
        (campaign.Season, campaign.Status).ShouldBe((2, CampaignStatus.Open));
        campaign.Window.EndsAt.ToDateTimeOffset().ShouldBe(AfterTheWorks.AddMonths(8));
    }

    private static OpenNextSeasonRequest Next(DateTimeOffset startsAt, DateTimeOffset? endsAt, bool close = false, int season = 0)
    {
        var request = new OpenNextSeasonRequest
        {
            CampaignId = Pact.Id,
            Window = new CampaignWindow { StartsAt = Timestamp.FromDateTimeOffset(startsAt) },
            CloseCurrentSeason = close,
            Season = season,
        };
        if (endsAt is { } end)
        {
            request.Window.EndsAt = Timestamp.FromDateTimeOffset(end);
        }

        return request;
    }

    /// <summary>A page token as the server makes them, for the pact's season 1 (to present it with another campaign).</summary>
    private static string ArchiveToken(ListArchivedListingsRequest request, string afterId) =>
        Krakow.Modules.Maps.Api.Seasons.ArchivePageToken.Encode(request.CampaignId, request.Season, afterId);
}

public sealed class SeasonsOnSqliteTests() : SeasonsTests(DatabaseKind.Sqlite);

public sealed class SeasonsOnPostgreSqlTests() : SeasonsTests(DatabaseKind.PostgreSql);
