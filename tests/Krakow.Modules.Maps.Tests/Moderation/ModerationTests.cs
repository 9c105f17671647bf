using Grpc.Core;
using Krakow.Maps.V1;
using Krakow.Modules.Maps.Tests.Infrastructure;
using Shouldly;
using static Krakow.Modules.Maps.Tests.Infrastructure.Survey;

namespace Krakow.Modules.Maps.Tests.Moderation;

/// <summary>Moderators' work over gRPC: who may, the queue, decisions with who/when/why, bulk approval, transitions.</summary>
public sealed class ModerationTests : IAsyncLifetime
{
    private static readonly CallOptions AsModerator = TestApiKeys.As(TestApiKeys.Moderator);
    private readonly Dictionary<string, string> tokens = [];
    private MapsHost host = null!;

    public async Task InitializeAsync() => host = await MapsHost.StartAsync();

    public async Task DisposeAsync() => await host.DisposeAsync();

    [Fact]
    public async Task Only_moderators_and_administrators_may_moderate()
    {
        var id = await SubmitAsync("retail");

        var anonymous = await Should.ThrowAsync<RpcException>(() => host.Moderation.ApproveAsync(new ApproveRequest { ApplicationId = id }).ResponseAsync);
        var partner = await Should.ThrowAsync<RpcException>(() => host.Moderation.ListQueueAsync(new ListQueueRequest(), TestApiKeys.As(TestApiKeys.Partner)).ResponseAsync);
        var forged = await Should.ThrowAsync<RpcException>(() => host.Moderation.ListQueueAsync(new ListQueueRequest(), TestApiKeys.As("forged-key")).ResponseAsync);
        var administrator = await host.Moderation.ApproveAsync(new ApproveRequest { ApplicationId = id }, TestApiKeys.As(TestApiKeys.Administrator));

        anonymous.StatusCode.ShouldBe(StatusCode.Unauthenticated);
        partner.StatusCode.ShouldBe(StatusCode.PermissionDenied);
        forged.StatusCode.ShouldBe(StatusCode.Unauthenticated);
        administrator.DecidedBy.ShouldBe(TestApiKeys.AdministratorName);
    }

    [Fact]
    public async Task The_queue_lists_submitted_applications_oldest_first_in_pages()
    {
        var ids = new List<string>();
        for (var i = 0; i < 5; i++)
        {
            host.Clock.Set(new DateTimeOffset(2026, 12, 1, 10, i, 0, TimeSpan.Zero));
            ids.Add(await SubmitAsync("retail", TestCampaigns.ImActive));
        }

        var gastronomy = await SubmitAsync("cafe", TestCampaigns.Gastronomy);
        await host.Moderation.ApproveAsync(new ApproveRequest { ApplicationId = ids[2] }, AsModerator);

        var first = await host.Moderation.ListQueueAsync(new ListQueueRequest { CampaignId = TestCampaigns.ImActive, PageSize = 2 }, AsModerator);
        var second = await host.Moderation.ListQueueAsync(new ListQueueRequest { CampaignId = TestCampaigns.ImActive, PageSize = 2, PageToken = first.NextPageToken }, AsModerator);
        var all = await host.Moderation.ListQueueAsync(new ListQueueRequest(), AsModerator);
        var tampered = await Should.ThrowAsync<RpcException>(() =>
            host.Moderation.ListQueueAsync(new ListQueueRequest { PageToken = "bm9wZQ", PageSize = 500 }, AsModerator).ResponseAsync);

        first.Applications.Concat(second.Applications).Select(a => a.Id).ShouldBe([ids[0], ids[1], ids[3], ids[4]]);
        second.NextPageToken.ShouldBeEmpty();
        all.Applications.Select(a => a.Id).ShouldBe([ids[0], ids[1], ids[3], ids[4], gastronomy]);
        RpcErrors.FieldsOf(tampered).ShouldBe(["page_size", "page_token"], ignoreOrder: true);
    }

    [Fact]
    public async Task Each_decision_is_recorded_with_who_when_and_why()
    {
        var id = await SubmitAsync("retail");
        host.Clock.Set(new DateTimeOffset(2026, 12, 2, 9, 30, 0, TimeSpan.Zero));
        await host.Moderation.RequestChangesAsync(new RequestChangesRequest { ApplicationId = id, Comment = "Brak numeru budynku." }, AsModerator);
        host.Clock.Set(new DateTimeOffset(2026, 12, 3, 14, 0, 0, TimeSpan.Zero));
        await ResubmitAsync(id);
        await host.Moderation.RejectAsync(new RejectRequest { ApplicationId = id, Reason = RejectionReason.OutsideArea, Comment = "Siedziba poza Krakowem." }, TestApiKeys.As(TestApiKeys.Administrator));

        var decisions = (await host.Moderation.ListDecisionsAsync(new ListDecisionsRequest { ApplicationId = id }, AsModerator)).Decisions;

        decisions.Select(d => (d.ApplicationId, d.Kind, d.Reason, d.Comment, d.DecidedBy)).ShouldBe(
        [
            (id, DecisionKind.ChangesRequested, RejectionReason.Unspecified, "Brak numeru budynku.", TestApiKeys.ModeratorName),
            (id, DecisionKind.Rejected, RejectionReason.OutsideArea, "Siedziba poza Krakowem.", TestApiKeys.AdministratorName),
        ]);
        (decisions[0].DecidedAt.ToDateTimeOffset() - new DateTimeOffset(2026, 12, 2, 9, 30, 0, TimeSpan.Zero)).ShouldBeLessThan(TimeSpan.FromSeconds(10));
        (decisions[1].DecidedAt.ToDateTimeOffset() - new DateTimeOffset(2026, 12, 3, 14, 0, 0, TimeSpan.Zero)).ShouldBeLessThan(TimeSpan.FromSeconds(10));
        var unknown = await Should.ThrowAsync<RpcException>(() => host.Moderation.ListDecisionsAsync(new ListDecisionsRequest { ApplicationId = "nope" }, AsModerator).ResponseAsync);
        unknown.StatusCode.ShouldBe(StatusCode.NotFound);
    }

    [Fact]
    public async Task A_rejection_needs_a_reason_and_a_request_for_changes_needs_a_comment()
    {
        var id = await SubmitAsync("retail");

        var noReason = await Should.ThrowAsync<RpcException>(() => host.Moderation.RejectAsync(new RejectRequest { ApplicationId = id }, AsModerator).ResponseAsync);
        var noComment = await Should.ThrowAsync<RpcException>(() => host.Moderation.RequestChangesAsync(new RequestChangesRequest { ApplicationId = id, Comment = "   " }, AsModerator).ResponseAsync);
        var unknown = await Should.ThrowAsync<RpcException>(() => host.Moderation.ApproveAsync(new ApproveRequest { ApplicationId = "nope" }, AsModerator).ResponseAsync);

        RpcErrors.FieldsOf(noReason).ShouldBe(["reason"]);
        RpcErrors.FieldsOf(noComment).ShouldBe(["comment"]);
        unknown.StatusCode.ShouldBe(StatusCode.NotFound);
    }

    [Fact]
    public async Task An_invalid_transition_is_a_failed_precondition_naming_the_current_status()
    {
        var id = await SubmitAsync("retail");
        await host.Moderation.ApproveAsync(new ApproveRequest { ApplicationId = id }, AsModerator);

        var again = await Should.ThrowAsync<RpcException>(() => host.Moderation.ApproveAsync(new ApproveRequest { ApplicationId = id }, AsModerator).ResponseAsync);
        var reject = await Should.ThrowAsync<RpcException>(() =>
            host.Moderation.RejectAsync(new RejectRequest { ApplicationId = id, Reason = RejectionReason.Other }, AsModerator).ResponseAsync);

        again.StatusCode.ShouldBe(StatusCode.FailedPrecondition);
        again.Status.Detail.ShouldBe($"Application '{id}' is APPROVED; only SUBMITTED applications can be approved.");
        reject.Status.Detail.ShouldBe($"Application '{id}' is APPROVED; only SUBMITTED applications can be rejected.");
        (await host.Moderation.ListDecisionsAsync(new ListDecisionsRequest { ApplicationId = id }, AsModerator)).Decisions.Count.ShouldBe(1);
    }

    [Fact]
    public async Task Two_moderators_approving_at_once_make_one_approval()
    {
        var id = await SubmitAsync("restaurant");

        var attempts = await Task.WhenAll(Enumerable.Range(0, 4).Select(async _ =>
        {
            try
            {
                await host.Moderation.ApproveAsync(new ApproveRequest { ApplicationId = id }, AsModerator);
                return StatusCode.OK;
            }
            catch (RpcException ex)
            {
                return ex.StatusCode;
            }
        }));

        attempts.Count(a => a == StatusCode.OK).ShouldBe(1);
        attempts.Where(a => a != StatusCode.OK).ShouldAllBe(a => a == StatusCode.FailedPrecondition);
        (await host.ListingsOfAsync(id)).Count.ShouldBe(2);
        (await host.ListingChangesOfAsync(id)).Count.ShouldBe(2);
        (await host.OutboxPayloadsAsync("ApplicationApproved")).Count.ShouldBe(1);
    }

    [Fact]
    public async Task Bulk_approval_approves_each_application_on_its_own()
    {
        var first = await SubmitAsync("retail");
        var second = await SubmitAsync("cafe");
        var alreadyApproved = await SubmitAsync("crafts");
        await host.Moderation.ApproveAsync(new ApproveRequest { ApplicationId = alreadyApproved }, AsModerator);

        var response = await host.Moderation.BulkApproveAsync(
            new BulkApproveRequest { ApplicationIds = { first, "missing", alreadyApproved, second }, Comment = "Zatwierdzone zbiorczo" }, AsModerator);

        response.Results.Select(r => (r.ApplicationId, (StatusCode)r.Code)).ShouldBe(
        [
            (first, StatusCode.OK), ("missing", StatusCode.NotFound), (alreadyApproved, StatusCode.FailedPrecondition), (second, StatusCode.OK),
        ]);
        response.Results[2].Message.ShouldContain("APPROVED");
        (await host.ListingsOfAsync(second)).Select(l => l.CampaignId).ShouldBe([TestCampaigns.Gastronomy, TestCampaigns.ImActive]);
    }

    [Fact]
    public async Task Bulk_approval_takes_one_to_five_hundred_ids()
    {
        var none = await Should.ThrowAsync<RpcException>(() => host.Moderation.BulkApproveAsync(new BulkApproveRequest(), AsModerator).ResponseAsync);
        var tooMany = new BulkApproveRequest();
        tooMany.ApplicationIds.Add(Enumerable.Range(0, 501).Select(i => "id" + i));
        var overLimit = await Should.ThrowAsync<RpcException>(() => host.Moderation.BulkApproveAsync(tooMany, AsModerator).ResponseAsync);

        RpcErrors.FieldsOf(none).ShouldBe(["application_ids"]);
        RpcErrors.FieldsOf(overLimit).ShouldBe(["application_ids"]);
    }

    private async Task<string> SubmitAsync(string category, string campaign = TestCampaigns.ImActive)
    {
        var submitted = await host.Applications.SubmitApplicationAsync(Submission(campaign, category));
        tokens[submitted.Application.Id] = submitted.EditToken;
        return submitted.Application.Id;
    }

    /// <summary>The applicant edits after "changes requested", which resubmits.</summary>
    private async Task ResubmitAsync(string id)
    {
        var update = new UpdateApplicationRequest { ApplicationId = id, EditToken = tokens[id] };
        update.Answers.Add(StandardAnswers("retail"));
        await host.Applications.UpdateApplicationAsync(update);
    }
}
