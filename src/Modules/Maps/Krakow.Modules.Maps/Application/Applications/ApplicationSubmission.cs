using System.Security.Cryptography;
using Grpc.Core;
using Krakow.BuildingBlocks.Persistence;
using Krakow.BuildingBlocks.Validation;
using Krakow.Modules.Maps.Domain.Applications;
using Krakow.Modules.Maps.Domain.Applications.Survey;
using Krakow.Modules.Maps.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace Krakow.Modules.Maps.Application.Applications;

/// <summary>A submission as the applicant sent it; <paramref name="Fingerprint"/> identifies its content, to tell a retry from a reuse of the key.</summary>
internal sealed record SubmitCommand(string CampaignId, string IdempotencyKey, IReadOnlyDictionary<string, Answer?> Answers, string Fingerprint);

/// <summary>The application and its edit token, handed out once (and again, identically, to a retry).</summary>
internal sealed record SubmittedApplication(ApplicationView Application, string EditToken);

/// <summary>
/// Applying to a campaign. In order: the request names a campaign (INVALID_ARGUMENT), the campaign exists
/// (NOT_FOUND), a retry with a used idempotency key gets the first response (or ALREADY_EXISTS when the request
/// differs), the window is open (FAILED_PRECONDITION naming the date), every answer is valid (INVALID_ARGUMENT,
/// all violations at once), the location is in the campaign's area (FAILED_PRECONDITION). The unique index on
/// (campaign, idempotency key) settles racing retries: the loser answers with the winner's application.
/// </summary>
internal sealed class ApplicationSubmission(MapsDbContext db, CampaignGate campaigns, EditTokens tokens, TimeProvider clock)
{
    public async Task<SubmittedApplication> SubmitAsync(SubmitCommand command, CancellationToken cancellationToken)
    {
        var violations = new FieldViolations();
        var keyValid = violations.Require(IdempotencyKey.IsValid(command.IdempotencyKey), "idempotency_key", IdempotencyKey.Rule);
        if (!violations.RequireId(command.CampaignId, "campaign_id"))
        {
            violations.ThrowIfAny();
        }

        var campaign = campaigns.Require(command.CampaignId);
        if (keyValid && await ReplayAsync(command, cancellationToken) is { } replay)
        {
            return replay;
        }

        var now = clock.GetUtcNow();
        CampaignGate.EnsureOpen(campaign, now);
        var survey = SurveyValidator.Validate(campaign.Definition.Survey, command.Answers, AnswerContext.NewApplication);
        foreach (var violation in survey.Violations)
        {
            violations.Add(violation.Field, violation.Description);
        }

        violations.ThrowIfAny();
        CampaignGate.EnsureInArea(campaign, survey.Answers);

        var id = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));
        var token = await tokens.IssueAsync(id, cancellationToken);
        var application = MapApplication.Submit(
            id, campaign.Id, campaign.Season, survey.Answers, command.IdempotencyKey, command.Fingerprint, EditTokens.Hash(token), now.UtcDateTime);
        db.Applications.Add(application);
        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateException ex) when (ex.IsUniqueViolation())
        {
            // A simultaneous attempt with the same key got there first: answer as its retry.
            db.ChangeTracker.Clear();
            return await ReplayAsync(command, cancellationToken)
                ?? throw new RpcException(new Status(StatusCode.Aborted, "The submission collided with another; try again."));
        }

        return new SubmittedApplication(new ApplicationView(application, []), token);
    }

    private async Task<SubmittedApplication?> ReplayAsync(SubmitCommand command, CancellationToken cancellationToken)
    {
        var first = await db.Applications.AsNoTracking()
            .FirstOrDefaultAsync(a => a.CampaignId == command.CampaignId && a.IdempotencyKey == command.IdempotencyKey, cancellationToken);
        if (first is null)
        {
            return null;
        }

        if (first.RequestFingerprint != command.Fingerprint)
        {
            throw new RpcException(new Status(
                StatusCode.AlreadyExists,
                $"The idempotency key '{command.IdempotencyKey}' was already used for a different submission to campaign '{command.CampaignId}'; use a new key for a new submission."));
        }

        var token = await tokens.IssueAsync(first.Id, cancellationToken);
        if (!EditTokens.Matches(token, first.EditTokenHash))
        {
            throw new RpcException(new Status(
                StatusCode.FailedPrecondition,
                "This submission was made before, but its edit token can no longer be issued again (the server's token key has changed)."));
        }

        return new SubmittedApplication(await ApplicationView.LoadAsync(db, first, cancellationToken), token);
    }
}
