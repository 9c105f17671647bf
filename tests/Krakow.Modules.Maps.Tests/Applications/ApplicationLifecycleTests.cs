using Grpc.Core;
using Krakow.Maps.V1;
using Krakow.Modules.Maps.Domain.Listings;
using Krakow.Modules.Maps.Tests.Infrastructure;
using Shouldly;
using static Krakow.Modules.Maps.Tests.Infrastructure.Survey;

namespace Krakow.Modules.Maps.Tests.Applications;

/// <summary>
/// The core flow over gRPC, on each database, with the real campaign plugins: apply → moderate → listed on its own
/// map and cross-listed (source recorded) → an edit updates every listing → withdrawal removes them all; each step
/// in the listing change feed.
/// </summary>
public abstract class ApplicationLifecycleTests(DatabaseKind database) : IAsyncLifetime
{
    private MapsHost host = null!;

    public async Task InitializeAsync() => host = await MapsHost.StartAsync(new MapsHostOptions { Database = database, Catalogue = null });

    public async Task DisposeAsync() => await host.DisposeAsync();

    [Fact]
    public async Task A_catering_entry_of_im_active_is_listed_on_both_maps_follows_edits_and_leaves_on_withdrawal()
    {
        var submitted = await host.Applications.SubmitApplicationAsync(Submission(TestCampaigns.ImActive, "restaurant", "Pod Wawelem"));
        var id = submitted.Application.Id;
        var token = submitted.EditToken;
        submitted.Application.Status.ShouldBe(ApplicationStatus.Submitted);
        token.Length.ShouldBe(43); // 256 bits, base64url
        (await host.ListingsOfAsync(id)).ShouldBeEmpty();

        var decision = await host.Moderation.ApproveAsync(new ApproveRequest { ApplicationId = id, Comment = "Witamy!" }, TestApiKeys.As(TestApiKeys.Moderator));
        decision.Kind.ShouldBe(DecisionKind.Approved);
        decision.DecidedBy.ShouldBe(TestApiKeys.ModeratorName);

        var approved = await host.Applications.GetApplicationAsync(new ApplicationRef { ApplicationId = id, EditToken = token });
        approved.Status.ShouldBe(ApplicationStatus.Approved);
        approved.ListedOn.ShouldBe([TestCampaigns.ImActive, TestCampaigns.Gastronomy]);
        var listings = await host.ListingsOfAsync(id);
        listings.Select(l => (l.Id, l.CampaignId, l.SourceCampaignId, l.Name)).ShouldBe(
        [
            (id + "@" + TestCampaigns.Gastronomy, TestCampaigns.Gastronomy, TestCampaigns.ImActive, "Pod Wawelem"),
            (id + "@" + TestCampaigns.ImActive, TestCampaigns.ImActive, TestCampaigns.ImActive, "Pod Wawelem"),
        ]);
        listings.ShouldAllBe(l => l.CategoryId == "restaurant" && l.PostalCode == "31-042" && l.OrdersOnline && l.Latitude == MainSquare.Latitude);
        (await host.OutboxPayloadsAsync("ApplicationApproved")).ShouldHaveSingleItem().ShouldContain(id);

        var update = new UpdateApplicationRequest { ApplicationId = id, EditToken = token };
        update.Answers.Add(StandardAnswers("cafe", "Pod Wawelem — kawiarnia"));
        var updated = await host.Applications.UpdateApplicationAsync(update);
        updated.Status.ShouldBe(ApplicationStatus.Approved);
        (await host.ListingsOfAsync(id)).ShouldAllBe(l => l.Name == "Pod Wawelem — kawiarnia" && l.CategoryId == "cafe");

        var withdrawn = await host.Applications.WithdrawApplicationAsync(new ApplicationRef { ApplicationId = id, EditToken = token });
        withdrawn.Status.ShouldBe(ApplicationStatus.Withdrawn);
        withdrawn.ListedOn.ShouldBeEmpty();
        (await host.ListingsOfAsync(id)).ShouldBeEmpty();

        var feed = await host.ListingChangesOfAsync(id);
        feed.Select(c => (c.CampaignId, c.Kind)).ShouldBe(
        [
            (TestCampaigns.ImActive, ListingChangeKind.Added), (TestCampaigns.Gastronomy, ListingChangeKind.Added),
            (TestCampaigns.ImActive, ListingChangeKind.Updated), (TestCampaigns.Gastronomy, ListingChangeKind.Updated),
            (TestCampaigns.ImActive, ListingChangeKind.Removed), (TestCampaigns.Gastronomy, ListingChangeKind.Removed),
        ], ignoreOrder: true);
        feed.Select(c => c.Kind).ShouldBe([ListingChangeKind.Added, ListingChangeKind.Added, ListingChangeKind.Updated, ListingChangeKind.Updated, ListingChangeKind.Removed, ListingChangeKind.Removed]);
    }

    [Fact]
    public async Task Every_gastronomy_entry_is_also_on_im_active_and_a_non_catering_im_active_entry_is_not_on_gastronomy()
    {
        var cafe = await ApplyAndApproveAsync(Submission(TestCampaigns.Gastronomy, "cafe", "Kawiarnia Noworolski"));
        var shop = await ApplyAndApproveAsync(Submission(TestCampaigns.ImActive, "retail", "Sklep Pod Arkadami"));

        (await host.ListingsOfAsync(cafe)).Select(l => (l.CampaignId, l.SourceCampaignId)).ShouldBe(
            [(TestCampaigns.Gastronomy, TestCampaigns.Gastronomy), (TestCampaigns.ImActive, TestCampaigns.Gastronomy)]);
        (await host.ListingsOfAsync(shop)).Select(l => l.CampaignId).ShouldBe([TestCampaigns.ImActive]);
    }

    [Fact]
    public async Task Opting_out_of_a_cross_listing_removes_that_listing_only_and_opting_back_in_restores_it()
    {
        var submitted = await host.Applications.SubmitApplicationAsync(Submission(TestCampaigns.Gastronomy, "restaurant"));
        var reference = new ApplicationRef { ApplicationId = submitted.Application.Id, EditToken = submitted.EditToken };
        await host.Moderation.ApproveAsync(new ApproveRequest { ApplicationId = reference.ApplicationId }, TestApiKeys.As(TestApiKeys.Moderator));

        var optedOut = await host.Applications.SetCrossListingOptOutAsync(new SetCrossListingOptOutRequest
        {
            ApplicationId = reference.ApplicationId, EditToken = reference.EditToken, CampaignId = TestCampaigns.ImActive, OptOut = true,
        });
        optedOut.ListedOn.ShouldBe([TestCampaigns.Gastronomy]);
        optedOut.CrossListingOptOuts.ShouldBe([TestCampaigns.ImActive]);
        (await host.ListingsOfAsync(reference.ApplicationId)).Select(l => l.CampaignId).ShouldBe([TestCampaigns.Gastronomy]);

        var optedIn = await host.Applications.SetCrossListingOptOutAsync(new SetCrossListingOptOutRequest
        {
            ApplicationId = reference.ApplicationId, EditToken = reference.EditToken, CampaignId = TestCampaigns.ImActive, OptOut = false,
        });
        optedIn.ListedOn.ShouldBe([TestCampaigns.Gastronomy, TestCampaigns.ImActive]);

        var notATarget = await Should.ThrowAsync<RpcException>(() => host.Applications.SetCrossListingOptOutAsync(new SetCrossListingOptOutRequest
        {
            ApplicationId = reference.ApplicationId, EditToken = reference.EditToken, CampaignId = TestCampaigns.Christmas, OptOut = true,
        }).ResponseAsync);
        notATarget.StatusCode.ShouldBe(StatusCode.InvalidArgument);
        RpcErrors.FieldsOf(notATarget).ShouldBe(["campaign_id"]);
    }

    [Fact]
    public async Task An_entry_opted_out_before_approval_is_never_cross_listed()
    {
        var submitted = await host.Applications.SubmitApplicationAsync(Submission(TestCampaigns.ImActive, "cafe"));
        await host.Applications.SetCrossListingOptOutAsync(new SetCrossListingOptOutRequest
        {
            ApplicationId = submitted.Application.Id, EditToken = submitted.EditToken, CampaignId = TestCampaigns.Gastronomy, OptOut = true,
        });

        await host.Moderation.ApproveAsync(new ApproveRequest { ApplicationId = submitted.Application.Id }, TestApiKeys.As(TestApiKeys.Moderator));

        (await host.ListingsOfAsync(submitted.Application.Id)).Select(l => l.CampaignId).ShouldBe([TestCampaigns.ImActive]);
    }

    private async Task<string> ApplyAndApproveAsync(SubmitApplicationRequest request)
    {
        var submitted = await host.Applications.SubmitApplicationAsync(request);
        await host.Moderation.ApproveAsync(new ApproveRequest { ApplicationId = submitted.Application.Id }, TestApiKeys.As(TestApiKeys.Moderator));
        return submitted.Application.Id;
    }
}

public sealed class ApplicationLifecycleOnSqliteTests() : ApplicationLifecycleTests(DatabaseKind.Sqlite);

public sealed class ApplicationLifecycleOnPostgreSqlTests() : ApplicationLifecycleTests(DatabaseKind.PostgreSql);
