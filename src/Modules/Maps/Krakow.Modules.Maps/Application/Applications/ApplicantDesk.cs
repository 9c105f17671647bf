using Krakow.BuildingBlocks.Validation;
using Krakow.Modules.Maps.Application.Images;
using Krakow.Modules.Maps.Application.Seasons;
using Krakow.Modules.Maps.Domain.Applications;
using Krakow.Modules.Maps.Domain.Applications.Survey;
using Krakow.Modules.Maps.Domain.Listings;
using Krakow.Modules.Maps.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace Krakow.Modules.Maps.Application.Applications;

/// <summary>
/// What an applicant does with the edit token: check the application, edit it (after "changes requested" this
/// resubmits it; an approved entry stays approved and every listing follows), withdraw it (every listing goes),
/// opt out of cross-listings. Each change and the listings it moves are saved in one transaction.
/// </summary>
internal sealed class ApplicantDesk(MapsDbContext db, ApplicationAccess access, CampaignGate campaigns, ListingSync listings, ReplacedImages replacedImages, TimeProvider clock)
{
    public async Task<ApplicationView> GetAsync(string applicationId, string editToken, CancellationToken cancellationToken)
    {
        var application = await access.FindAsync(applicationId, editToken, cancellationToken);
        return await ApplicationView.LoadAsync(db, application, cancellationToken);
    }

    public async Task<ApplicationView> UpdateAsync(string applicationId, string editToken, IReadOnlyDictionary<string, Answer?> answers, CancellationToken cancellationToken)
    {
        string? released = null;
        var view = await ChangeAsync(applicationId, editToken, async application =>
        {
            StateTransitions.Apply(() => application.EnsureNotFinal("updated"));
            var campaign = campaigns.RequireLoaded(application.CampaignId);
            var uploaded = await db.ApplicationImages
                .Where(i => i.ApplicationId == application.Id)
                .Select(i => i.ImageId)
                .ToListAsync(cancellationToken);
            var survey = SurveyValidator.Validate(campaign.Definition.Survey, answers, new AnswerContext(uploaded.ToHashSet(StringComparer.Ordinal)));
            var violations = new FieldViolations();
            foreach (var violation in survey.Violations)
            {
                violations.Add(violation.Field, violation.Description);
            }

            violations.ThrowIfAny();
            CampaignGate.EnsureInArea(campaign, survey.Answers);
            var previousImage = application.OfferImageId;
            StateTransitions.Apply(() => application.Update(survey.Answers, clock.GetUtcNow().UtcDateTime));
            released = await replacedImages.StageAsync(application.Id, previousImage, application.OfferImageId, cancellationToken);
        }, cancellationToken);
        await replacedImages.DeleteFileAsync(released);
        return view;
    }

    public Task<ApplicationView> WithdrawAsync(string applicationId, string editToken, CancellationToken cancellationToken) =>
        ChangeAsync(applicationId, editToken, application =>
        {
            StateTransitions.Apply(() => application.Withdraw(clock.GetUtcNow().UtcDateTime));
            return Task.CompletedTask;
        }, cancellationToken);

    public Task<ApplicationView> SetCrossListingOptOutAsync(string applicationId, string editToken, string campaignId, bool optOut, CancellationToken cancellationToken) =>
        ChangeAsync(applicationId, editToken, application =>
        {
            StateTransitions.Apply(() => application.EnsureNotFinal("changed"));
            var source = campaigns.RequireLoaded(application.CampaignId);
            var possible = CrossListingPolicy.PossibleTargets(source);
            var violations = new FieldViolations();
            violations.Require(
                possible.Contains(campaignId),
                "campaign_id",
                possible.Count == 0
                    ? $"entries of '{source.Id}' are not cross-listed anywhere"
                    : $"must be a map entries of '{source.Id}' can be cross-listed on: {string.Join(", ", possible)}");
            violations.ThrowIfAny();
            StateTransitions.Apply(() => application.SetCrossListingOptOut(campaignId, optOut, clock.GetUtcNow().UtcDateTime));
            return Task.CompletedTask;
        }, cancellationToken);

    /// <summary>Authenticates, applies <paramref name="change"/>, re-aligns the listings and saves it all at once (again, if someone else changed the application meanwhile).</summary>
    private Task<ApplicationView> ChangeAsync(string applicationId, string editToken, Func<MapApplication, Task> change, CancellationToken cancellationToken) =>
        ConcurrentChanges.RetryAsync(db, async () =>
        {
            var application = await access.FindAsync(applicationId, editToken, cancellationToken);
            await change(application);
            var listedOn = await listings.SyncAsync(application, cancellationToken);
            await db.SaveChangesAsync(cancellationToken);
            return ApplicationView.Of(application, listedOn) with { Reconfirmation = await ReconfirmationLinks.ForAsync(db, application.Id, cancellationToken) };
        }, cancellationToken);
}
