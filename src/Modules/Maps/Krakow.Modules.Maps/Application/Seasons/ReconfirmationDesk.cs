using System.Security.Cryptography;
using System.Text;
using Google.Rpc;
using Grpc.Core;
using Krakow.BuildingBlocks.Persistence;
using Krakow.Modules.Maps.Application.Applications;
using Krakow.Modules.Maps.Domain.Applications;
using Krakow.Modules.Maps.Domain.Applications.Survey;
using Krakow.Modules.Maps.Domain.Images;
using Krakow.Modules.Maps.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace Krakow.Modules.Maps.Application.Seasons;

/// <summary>
/// Re-confirmation: last season's participant, invited when the next season opened, carries the application into
/// the new season with the edit token they already hold, instead of applying from scratch.
/// </summary>
/// <remarks>
/// <para>In order: the application id and edit token match (NOT_FOUND otherwise, as every applicant call); the
/// campaign is loaded; the application has an invitation into the campaign's current season (FAILED_PRECONDITION
/// otherwise: only applications APPROVED in the season before it are invited, and opening yet another season lapses
/// the invitation); it was not re-confirmed already (ALREADY_EXISTS naming the application that did, with a
/// google.rpc.ErrorInfo whose metadata <c>application_id</c> is it); it is still approved (not withdrawn since:
/// FAILED_PRECONDITION); the new season is open (FAILED_PRECONDITION
/// naming its dates); last season's answers still fit the survey and the area (FAILED_PRECONDITION: apply anew).</para>
/// <para>The new application belongs to the new season, has the same answers (and offer image), and is SUBMITTED:
/// it goes through moderation like any application, because a year-old entry may no longer be true (the business
/// moved, closed, changed its offer) and moderation is what keeps the map honest; a moderator approves it in one
/// call. It keeps the applicant's edit token (the same secret now opens both applications), so there is nothing new
/// to keep. Invitation and new application are saved together; of two simultaneous re-confirmations one wins and
/// the other is ALREADY_EXISTS.</para>
/// </remarks>
internal sealed class ReconfirmationDesk(MapsDbContext db, ApplicationAccess access, CampaignGate campaigns, TimeProvider clock)
{
    public const string ErrorDomain = "maps.krakow.pl";
    public const string AlreadyReconfirmedReason = "ALREADY_RECONFIRMED";

    public async Task<ApplicationView> ReconfirmAsync(string applicationId, string editToken, CancellationToken cancellationToken)
    {
        var previous = await access.FindAsync(applicationId, editToken, cancellationToken);
        var campaign = campaigns.RequireLoaded(previous.CampaignId);
        var invitation = await db.Set<ReconfirmationInvitation>()
            .FirstOrDefaultAsync(i => i.ApplicationId == previous.Id && i.Season == campaign.Season, cancellationToken)
            ?? throw new RpcException(new Grpc.Core.Status(
                StatusCode.FailedPrecondition,
                $"Application '{previous.Id}' has no invitation to re-confirm in season {campaign.Season} of campaign '{campaign.Id}': "
                + "only applications approved in the season before it are invited. Apply with SubmitApplication instead."));
        if (invitation.ReconfirmedApplicationId is { } done)
        {
            throw AlreadyReconfirmed(previous.Id, campaign.Season, done);
        }

        if (previous.Status != ApplicationStatus.Approved)
        {
            throw new RpcException(new Grpc.Core.Status(
                StatusCode.FailedPrecondition,
                $"Application '{previous.Id}' is {previous.Status.Describe()}: only an approved entry can be re-confirmed. Apply with SubmitApplication instead."));
        }

        var now = clock.GetUtcNow();
        CampaignGate.EnsureOpen(campaign, now);

        var uploaded = await db.ApplicationImages.AsNoTracking()
            .Where(i => i.ApplicationId == previous.Id)
            .Select(i => i.ImageId)
            .ToListAsync(cancellationToken);
        var answers = previous.Answers.ToDictionary(a => a.Key, a => (Answer?)a.Value, StringComparer.Ordinal);
        var survey = SurveyValidator.Validate(campaign.Definition.Survey, answers, new AnswerContext(uploaded.ToHashSet(StringComparer.Ordinal)));
        if (!survey.IsValid)
        {
            var failure = new PreconditionFailure();
            failure.Violations.Add(survey.Violations.Select(v => new PreconditionFailure.Types.Violation { Type = "SURVEY_CHANGED", Subject = v.Field, Description = v.Description }));
            var message = $"Last season's answers of application '{previous.Id}' no longer fit the survey of season {campaign.Season} of campaign '{campaign.Id}' "
                + $"({string.Join("; ", survey.Violations.Select(v => $"{v.Field}: {v.Description}"))}): apply with SubmitApplication instead.";
            throw RpcStatusExtensions.CreateRpcStatus(StatusCode.FailedPrecondition, message, failure).ToRpcException();
        }

        CampaignGate.EnsureInArea(campaign, survey.Answers);

        var id = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));
        var key = "reconfirm:" + previous.Id; // ':' is not allowed in clients' idempotency keys, so no submission can take it
        var application = MapApplication.Submit(
            id, campaign.Id, campaign.Season, survey.Answers, key, Fingerprint(key), previous.EditTokenHash, now.UtcDateTime);
        db.Applications.Add(application);
        var images = survey.Answers.Values.Where(a => a.Kind == AnswerKind.Image && a.ImageId is not null).Select(a => a.ImageId!).Distinct();
        db.ApplicationImages.AddRange(images.Select(image => ApplicationImage.Link(id, image, now.UtcDateTime)));
        invitation.ReconfirmedApplicationId = id;
        invitation.ReconfirmedAt = now.UtcDateTime;
        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateException ex) when (ex is DbUpdateConcurrencyException || ex.IsUniqueViolation())
        {
            // A simultaneous re-confirmation of the same application got there first.
            db.ChangeTracker.Clear();
            var winner = await db.Set<ReconfirmationInvitation>().AsNoTracking()
                .Where(i => i.ApplicationId == previous.Id && i.Season == campaign.Season)
                .Select(i => i.ReconfirmedApplicationId)
                .FirstOrDefaultAsync(cancellationToken);
            throw winner is null
                ? new RpcException(new Grpc.Core.Status(StatusCode.Aborted, "The re-confirmation collided with another change; try again."))
                : AlreadyReconfirmed(previous.Id, campaign.Season, winner);
        }

        return new ApplicationView(application, []) { Reconfirmation = ReconfirmationLinks.None with { ReconfirmedFrom = previous.Id } };
    }

    private static RpcException AlreadyReconfirmed(string applicationId, int season, string reconfirmedAs)
    {
        var info = new ErrorInfo { Type = AlreadyReconfirmedReason, Domain = ErrorDomain };
        info.Metadata["application_id"] = reconfirmedAs;
        return RpcStatusExtensions.CreateRpcStatus(
                StatusCode.AlreadyExists,
                $"Application '{applicationId}' was already re-confirmed for season {season} as application '{reconfirmedAs}': use that one (with the same edit token).",
                info)
            .ToRpcException();
    }

    private static string Fingerprint(string key) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(key)));
}
