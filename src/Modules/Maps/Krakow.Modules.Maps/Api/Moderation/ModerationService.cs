using Grpc.AspNetCore.Server;
using Grpc.Core;
using Krakow.BuildingBlocks.Security;
using Krakow.BuildingBlocks.Validation;
using Krakow.Modules.Maps.Api.Applications;
using Krakow.Modules.Maps.Application.Moderation;
using Krakow.Modules.Maps.Domain.Applications.Survey;
using Microsoft.AspNetCore.Authorization;
using V1 = Krakow.Maps.V1;

namespace Krakow.Modules.Maps.Api.Moderation;

/// <summary>
/// krakow.maps.v1.Moderation, for moderators and administrators only (the API-key handler answers anonymous callers
/// UNAUTHENTICATED and other roles PERMISSION_DENIED). Decisions are recorded under the API key holder's name.
/// </summary>
[Authorize(Policy = PlatformRoles.ModeratorPolicy)]
internal sealed class ModerationService(ModerationDesk desk) : V1.Moderation.ModerationBase
{
    private const int DefaultPageSize = 50;
    private const int MaxPageSize = 200;
    private const int MaxBulk = 500;

    public override async Task<V1.ListQueueResponse> ListQueue(V1.ListQueueRequest request, ServerCallContext context)
    {
        var violations = new FieldViolations();
        violations.Require(request.PageSize is >= 0 and <= MaxPageSize, "page_size", $"must be between 0 and {MaxPageSize}");
        violations.Require(request.CampaignId.Length <= 64, "campaign_id", "is at most 64 characters");
        var after = QueuePageToken.Decode(request.PageToken, violations);
        violations.ThrowIfAny();

        var page = await desk.ListQueueAsync(request.CampaignId, request.PageSize == 0 ? DefaultPageSize : request.PageSize, after, context.CancellationToken);
        var response = new V1.ListQueueResponse { NextPageToken = page.Next is { } next ? QueuePageToken.Encode(next) : string.Empty };
        response.Applications.Add(page.Applications.Select(a => a.ToProto()));
        return response;
    }

    public override async Task<V1.Decision> Approve(V1.ApproveRequest request, ServerCallContext context)
    {
        var comment = Comment(request.ApplicationId, request.Comment, required: false);
        return (await desk.ApproveAsync(request.ApplicationId, comment, Moderator(context), context.CancellationToken)).ToProto();
    }

    public override async Task<V1.Decision> Reject(V1.RejectRequest request, ServerCallContext context)
    {
        var violations = new FieldViolations();
        violations.Require(request.Reason != V1.RejectionReason.Unspecified && Enum.IsDefined(request.Reason), "reason", "is required: one of the REJECTION_REASON_* codes");
        var comment = Comment(request.ApplicationId, request.Comment, required: false, violations);
        return (await desk.RejectAsync(request.ApplicationId, request.Reason.ToDomain(), comment, Moderator(context), context.CancellationToken)).ToProto();
    }

    public override async Task<V1.Decision> RequestChanges(V1.RequestChangesRequest request, ServerCallContext context)
    {
        var comment = Comment(request.ApplicationId, request.Comment, required: true);
        return (await desk.RequestChangesAsync(request.ApplicationId, comment, Moderator(context), context.CancellationToken)).ToProto();
    }

    public override async Task<V1.BulkApproveResponse> BulkApprove(V1.BulkApproveRequest request, ServerCallContext context)
    {
        var violations = new FieldViolations();
        violations.Require(request.ApplicationIds.Count is >= 1 and <= MaxBulk, "application_ids", $"must name 1 to {MaxBulk} applications (it names {request.ApplicationIds.Count})");
        violations.Require(request.ApplicationIds.All(id => id.Length is > 0 and <= 64), "application_ids", "must not contain empty ids or ids over 64 characters");
        var comment = Comment(null, request.Comment, required: false, violations);

        var outcomes = await desk.BulkApproveAsync(request.ApplicationIds, comment, Moderator(context), context.CancellationToken);
        var response = new V1.BulkApproveResponse();
        response.Results.Add(outcomes.Select(o => new V1.BulkApproveResult { ApplicationId = o.ApplicationId, Code = (int)o.Code, Message = o.Message }));
        return response;
    }

    public override async Task<V1.ListDecisionsResponse> ListDecisions(V1.ListDecisionsRequest request, ServerCallContext context)
    {
        var violations = new FieldViolations();
        violations.RequireId(request.ApplicationId, "application_id");
        violations.ThrowIfAny();
        var response = new V1.ListDecisionsResponse();
        response.Decisions.Add((await desk.ListDecisionsAsync(request.ApplicationId, context.CancellationToken)).Select(d => d.ToProto()));
        return response;
    }

    private static string Moderator(ServerCallContext context) => context.GetHttpContext().User.Identity?.Name ?? "unknown";

    /// <summary>Checks the application id (when given) and the comment, throwing every violation at once; returns the cleaned comment.</summary>
    private static string Comment(string? applicationId, string raw, bool required, FieldViolations? violations = null)
    {
        violations ??= new FieldViolations();
        if (applicationId is not null)
        {
            violations.RequireId(applicationId, "application_id");
        }

        var comment = TextPolicy.Clean(raw, multiline: true, TextPolicy.DefaultMaxLength, out var problem);
        if (problem is not null)
        {
            violations.Add("comment", problem);
        }
        else if (required && string.IsNullOrEmpty(comment))
        {
            violations.Add("comment", "is required: say what the applicant must change");
        }

        violations.ThrowIfAny();
        return comment ?? string.Empty;
    }
}
