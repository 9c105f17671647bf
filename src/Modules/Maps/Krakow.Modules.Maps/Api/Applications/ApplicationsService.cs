using Grpc.Core;
using Krakow.BuildingBlocks.Security;
using Krakow.Modules.Maps.Application.Applications;
using Krakow.Modules.Maps.Application.Images;
using Microsoft.AspNetCore.RateLimiting;
using V1 = Krakow.Maps.V1;

namespace Krakow.Modules.Maps.Api.Applications;

/// <summary>
/// krakow.maps.v1.Applications: anonymous applicants apply, then use the edit token they receive to check, edit,
/// withdraw and opt out of cross-listings (offer images: ApplicationsService.Images.cs). Any application id and
/// token that do not match answer NOT_FOUND, whichever of the two is wrong. What writes or checks an edit token draws
/// from the caller's write allowance (<see cref="RateLimitPolicies.Writes"/>); the public image read does not.
/// </summary>
internal sealed partial class ApplicationsService(
    ApplicationSubmission submission,
    ApplicantDesk desk,
    OfferImageUpload upload,
    OfferImageLibrary images) : V1.Applications.ApplicationsBase
{
    [EnableRateLimiting(RateLimitPolicies.Writes)]
    public override async Task<V1.SubmitApplicationResponse> SubmitApplication(V1.SubmitApplicationRequest request, ServerCallContext context)
    {
        var command = new SubmitCommand(request.CampaignId, request.IdempotencyKey, request.Answers.ToDomain(), SubmissionFingerprint.Of(request));
        var submitted = await submission.SubmitAsync(command, context.CancellationToken);
        return new V1.SubmitApplicationResponse { Application = submitted.Application.ToProto(), EditToken = submitted.EditToken };
    }

    [EnableRateLimiting(RateLimitPolicies.Writes)]
    public override async Task<V1.Application> GetApplication(V1.ApplicationRef request, ServerCallContext context) =>
        (await desk.GetAsync(request.ApplicationId, request.EditToken, context.CancellationToken)).ToProto();

    [EnableRateLimiting(RateLimitPolicies.Writes)]
    public override async Task<V1.Application> UpdateApplication(V1.UpdateApplicationRequest request, ServerCallContext context) =>
        (await desk.UpdateAsync(request.ApplicationId, request.EditToken, request.Answers.ToDomain(), context.CancellationToken)).ToProto();

    [EnableRateLimiting(RateLimitPolicies.Writes)]
    public override async Task<V1.Application> WithdrawApplication(V1.ApplicationRef request, ServerCallContext context) =>
        (await desk.WithdrawAsync(request.ApplicationId, request.EditToken, context.CancellationToken)).ToProto();

    [EnableRateLimiting(RateLimitPolicies.Writes)]
    public override async Task<V1.Application> SetCrossListingOptOut(V1.SetCrossListingOptOutRequest request, ServerCallContext context) =>
        (await desk.SetCrossListingOptOutAsync(request.ApplicationId, request.EditToken, request.CampaignId, request.OptOut, context.CancellationToken)).ToProto();
}
