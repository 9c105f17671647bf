using Grpc.Core;
using Krakow.Maps.V1;
using Krakow.Modules.Maps.Tests.Infrastructure;
using Shouldly;
using static Krakow.Modules.Maps.Tests.Infrastructure.Survey;

namespace Krakow.Modules.Maps.Tests.Applications;

/// <summary>What an applicant does with the edit token, and what the token protects.</summary>
public sealed class ApplicantTests : IAsyncLifetime
{
    private MapsHost host = null!;

    public async Task InitializeAsync() => host = await MapsHost.StartAsync();

    public async Task DisposeAsync() => await host.DisposeAsync();

    [Fact]
    public async Task A_wrong_missing_or_foreign_token_and_an_unknown_id_all_answer_the_same_not_found()
    {
        var mine = await host.Applications.SubmitApplicationAsync(Submission(TestCampaigns.ImActive, "retail"));
        var theirs = await host.Applications.SubmitApplicationAsync(Submission(TestCampaigns.ImActive, "crafts"));

        ApplicationRef[] attempts =
        [
            new() { ApplicationId = mine.Application.Id, EditToken = "guessed" },
            new() { ApplicationId = mine.Application.Id, EditToken = "" },
            new() { ApplicationId = mine.Application.Id, EditToken = theirs.EditToken },
            new() { ApplicationId = "00000000000000000000000000000000", EditToken = mine.EditToken },
            new() { ApplicationId = "", EditToken = "" },
        ];
        foreach (var attempt in attempts)
        {
            var error = await Should.ThrowAsync<RpcException>(() => host.Applications.GetApplicationAsync(attempt).ResponseAsync);
            error.StatusCode.ShouldBe(StatusCode.NotFound);
            error.Status.Detail.ShouldBe("No application matches this application_id and edit_token.");
        }

        var withdraw = await Should.ThrowAsync<RpcException>(() =>
            host.Applications.WithdrawApplicationAsync(new ApplicationRef { ApplicationId = mine.Application.Id, EditToken = theirs.EditToken }).ResponseAsync);
        withdraw.StatusCode.ShouldBe(StatusCode.NotFound);
        (await host.Applications.GetApplicationAsync(new ApplicationRef { ApplicationId = mine.Application.Id, EditToken = mine.EditToken }))
            .Status.ShouldBe(ApplicationStatus.Submitted);
    }

    [Fact]
    public async Task Only_the_tokens_hash_is_stored()
    {
        var submitted = await host.Applications.SubmitApplicationAsync(Submission(TestCampaigns.ImActive, "retail"));

        var stored = await host.ReadAsync(db => Task.FromResult(db.Applications.Single().EditTokenHash));

        stored.ShouldBe(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(submitted.EditToken)));
        (await host.ReadAsync(db => Task.FromResult(db.Applications.Single().Answers.Count))).ShouldBeGreaterThan(0);
    }

    [Fact]
    public async Task Changes_requested_then_an_edit_resubmits_the_application_to_the_queue()
    {
        var submitted = await host.Applications.SubmitApplicationAsync(Submission(TestCampaigns.ImActive, "retail", "Sklep"));
        var id = submitted.Application.Id;
        await host.Moderation.RequestChangesAsync(new RequestChangesRequest { ApplicationId = id, Comment = "Proszę podać pełną nazwę firmy." }, TestApiKeys.As(TestApiKeys.Moderator));

        var returned = await host.Applications.GetApplicationAsync(new ApplicationRef { ApplicationId = id, EditToken = submitted.EditToken });
        returned.Status.ShouldBe(ApplicationStatus.ChangesRequested);
        returned.ModeratorNote.ShouldBe("Proszę podać pełną nazwę firmy.");

        var update = new UpdateApplicationRequest { ApplicationId = id, EditToken = submitted.EditToken };
        update.Answers.Add(StandardAnswers("retail", "Sklep Kolonialny Pod Arkadami"));
        var resubmitted = await host.Applications.UpdateApplicationAsync(update);

        resubmitted.Status.ShouldBe(ApplicationStatus.Submitted);
        resubmitted.Answers["business_name"].Text.ShouldBe("Sklep Kolonialny Pod Arkadami");
        (await host.Moderation.ListQueueAsync(new ListQueueRequest(), TestApiKeys.As(TestApiKeys.Moderator))).Applications.Select(a => a.Id).ShouldBe([id]);
    }

    [Fact]
    public async Task An_update_is_validated_like_a_submission()
    {
        var submitted = await host.Applications.SubmitApplicationAsync(Submission(TestCampaigns.ImActive, "retail"));
        var update = new UpdateApplicationRequest { ApplicationId = submitted.Application.Id, EditToken = submitted.EditToken };
        update.Answers.Add(StandardAnswers("retail"));
        update.Answers["email"] = Text("not an address");
        update.Answers["location"] = Point(Warsaw.Latitude, Warsaw.Longitude);

        var invalid = await Should.ThrowAsync<RpcException>(() => host.Applications.UpdateApplicationAsync(update).ResponseAsync);
        update.Answers["email"] = Text("biuro@example.pl");
        var outside = await Should.ThrowAsync<RpcException>(() => host.Applications.UpdateApplicationAsync(update).ResponseAsync);

        RpcErrors.FieldsOf(invalid).ShouldBe(["answers.email"]);
        outside.StatusCode.ShouldBe(StatusCode.FailedPrecondition);
    }

    [Fact]
    public async Task Rejected_and_withdrawn_applications_are_final()
    {
        var rejected = await host.Applications.SubmitApplicationAsync(Submission(TestCampaigns.ImActive, "retail"));
        await host.Moderation.RejectAsync(new RejectRequest { ApplicationId = rejected.Application.Id, Reason = RejectionReason.Duplicate }, TestApiKeys.As(TestApiKeys.Moderator));
        var withdrawn = await host.Applications.SubmitApplicationAsync(Submission(TestCampaigns.ImActive, "crafts"));
        await host.Applications.WithdrawApplicationAsync(new ApplicationRef { ApplicationId = withdrawn.Application.Id, EditToken = withdrawn.EditToken });

        var update = new UpdateApplicationRequest { ApplicationId = rejected.Application.Id, EditToken = rejected.EditToken };
        update.Answers.Add(StandardAnswers("retail"));
        var editRejected = await Should.ThrowAsync<RpcException>(() => host.Applications.UpdateApplicationAsync(update).ResponseAsync);
        var withdrawAgain = await Should.ThrowAsync<RpcException>(() =>
            host.Applications.WithdrawApplicationAsync(new ApplicationRef { ApplicationId = withdrawn.Application.Id, EditToken = withdrawn.EditToken }).ResponseAsync);

        editRejected.StatusCode.ShouldBe(StatusCode.FailedPrecondition);
        editRejected.Status.Detail.ShouldBe($"Application '{rejected.Application.Id}' is REJECTED and cannot be updated.");
        withdrawAgain.StatusCode.ShouldBe(StatusCode.FailedPrecondition);
        withdrawAgain.Status.Detail.ShouldContain("WITHDRAWN");
        (await host.Applications.GetApplicationAsync(new ApplicationRef { ApplicationId = rejected.Application.Id, EditToken = rejected.EditToken }))
            .ModeratorNote.ShouldBe("Rejected: a duplicate of another entry");
    }

    [Fact]
    public async Task The_token_key_is_kept_in_the_database_so_tokens_and_retries_survive_a_restart()
    {
        var request = Submission(TestCampaigns.ImActive, "retail");
        var first = await host.Applications.SubmitApplicationAsync(request);

        host = await host.RestartAsync();
        var again = await host.Applications.SubmitApplicationAsync(request);
        var read = await host.Applications.GetApplicationAsync(new ApplicationRef { ApplicationId = first.Application.Id, EditToken = first.EditToken });

        again.EditToken.ShouldBe(first.EditToken);
        read.Id.ShouldBe(first.Application.Id);
    }
}
