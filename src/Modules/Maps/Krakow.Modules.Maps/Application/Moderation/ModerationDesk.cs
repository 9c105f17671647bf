using Grpc.Core;
using Krakow.Modules.Maps.Application.Applications;
using Krakow.Modules.Maps.Application.Seasons;
using Krakow.Modules.Maps.Contracts;
using Krakow.Modules.Maps.Domain.Applications;
using Krakow.Modules.Maps.Domain.Moderation;
using Krakow.Modules.Maps.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace Krakow.Modules.Maps.Application.Moderation;

/// <summary>Where the queue continues: after this application (queue order is time of (re)submission, then id).</summary>
internal sealed record QueueCursor(DateTime QueuedAt, string ApplicationId);

internal sealed record QueuePage(IReadOnlyList<ApplicationView> Applications, QueueCursor? Next);

/// <summary>The outcome of one application of a bulk approval: OK (0) or the status code and message it failed with.</summary>
internal sealed record BulkOutcome(string ApplicationId, StatusCode Code, string Message);

/// <summary>
/// Moderators' work: the queue of submitted applications, and decisions. A decision is recorded with who made it,
/// when and why, in the same transaction as the application's new status, its listings (with their change feed)
/// and, for an approval, the <see cref="ApplicationApproved"/> event in the outbox (and an invitation to re-confirm,
/// when the next season has opened meanwhile).
/// </summary>
internal sealed class ModerationDesk(MapsDbContext db, ListingSync listings, TimeProvider clock)
{
    public async Task<QueuePage> ListQueueAsync(string? campaignId, int pageSize, QueueCursor? after, CancellationToken cancellationToken)
    {
        var query = db.Applications.AsNoTracking().Where(a => a.Status == ApplicationStatus.Submitted);
        if (!string.IsNullOrEmpty(campaignId))
        {
            query = query.Where(a => a.CampaignId == campaignId);
        }

        if (after is not null)
        {
            query = query.Where(a => a.QueuedAt > after.QueuedAt || (a.QueuedAt == after.QueuedAt && string.Compare(a.Id, after.ApplicationId) > 0));
        }

        var page = await query.OrderBy(a => a.QueuedAt).ThenBy(a => a.Id).Take(pageSize + 1).ToListAsync(cancellationToken);
        var shown = page.Take(pageSize).ToList();
        var next = page.Count > pageSize ? new QueueCursor(shown[^1].QueuedAt, shown[^1].Id) : null;
        return new QueuePage(await ApplicationView.LoadAsync(db, shown, cancellationToken), next);
    }

    public Task<ModerationDecision> ApproveAsync(string applicationId, string comment, string moderator, CancellationToken cancellationToken) =>
        DecideAsync(applicationId, DecisionKind.Approved, RejectionReason.None, comment, moderator, cancellationToken);

    public Task<ModerationDecision> RejectAsync(string applicationId, RejectionReason reason, string comment, string moderator, CancellationToken cancellationToken) =>
        DecideAsync(applicationId, DecisionKind.Rejected, reason, comment, moderator, cancellationToken);

    public Task<ModerationDecision> RequestChangesAsync(string applicationId, string comment, string moderator, CancellationToken cancellationToken) =>
        DecideAsync(applicationId, DecisionKind.ChangesRequested, RejectionReason.None, comment, moderator, cancellationToken);

    /// <summary>Approves each application on its own: one failing does not stop or undo the others.</summary>
    public async Task<IReadOnlyList<BulkOutcome>> BulkApproveAsync(IReadOnlyList<string> applicationIds, string comment, string moderator, CancellationToken cancellationToken)
    {
        var outcomes = new List<BulkOutcome>(applicationIds.Count);
        foreach (var id in applicationIds)
        {
            try
            {
                await ApproveAsync(id, comment, moderator, cancellationToken);
                outcomes.Add(new BulkOutcome(id, StatusCode.OK, string.Empty));
            }
            catch (RpcException ex)
            {
                outcomes.Add(new BulkOutcome(id, ex.StatusCode, ex.Status.Detail));
            }
            finally
            {
                db.ChangeTracker.Clear();
            }
        }

        return outcomes;
    }

    public async Task<IReadOnlyList<ModerationDecision>> ListDecisionsAsync(string applicationId, CancellationToken cancellationToken)
    {
        if (!await db.Applications.AnyAsync(a => a.Id == applicationId, cancellationToken))
        {
            throw NotFound(applicationId);
        }

        return await db.Decisions.AsNoTracking().Where(d => d.ApplicationId == applicationId).OrderBy(d => d.Id).ToListAsync(cancellationToken);
    }

    private Task<ModerationDecision> DecideAsync(
        string applicationId, DecisionKind kind, RejectionReason reason, string comment, string moderator, CancellationToken cancellationToken) =>
        ConcurrentChanges.RetryAsync(db, async () =>
        {
            var application = await db.Applications.FirstOrDefaultAsync(a => a.Id == applicationId, cancellationToken) ?? throw NotFound(applicationId);
            var now = clock.GetUtcNow().UtcDateTime;
            var decision = ModerationDecision.Record(applicationId, kind, reason, comment, moderator, now);
            StateTransitions.Apply(() =>
            {
                switch (kind)
                {
                    case DecisionKind.Approved:
                        application.Approve(decision.NoteForApplicant, now);
                        break;
                    case DecisionKind.Rejected:
                        application.Reject(decision.NoteForApplicant, now);
                        break;
                    default:
                        application.RequestChanges(decision.NoteForApplicant, now);
                        break;
                }
            });
            db.Decisions.Add(decision);
            var listedOn = await listings.SyncAsync(application, cancellationToken);
            if (kind == DecisionKind.Approved)
            {
                db.Publish(new ApplicationApproved(application.Id, application.CampaignId, listedOn));
                await InviteIfApprovedLateAsync(application, now, cancellationToken);
            }

            await db.SaveChangesAsync(cancellationToken);
            return decision;
        }, cancellationToken);

    /// <summary>
    /// An application approved after the next season opened (it waited in the queue meanwhile) is invited to
    /// re-confirm like those approved before the opening, as long as that season is the campaign's latest.
    /// </summary>
    private async Task InviteIfApprovedLateAsync(MapApplication application, DateTime now, CancellationToken cancellationToken)
    {
        var next = application.Season + 1;
        var latest = await db.Set<CampaignSeasonRecord>().Where(s => s.CampaignId == application.CampaignId).MaxAsync(s => (int?)s.Season, cancellationToken);
        var invitations = db.Set<ReconfirmationInvitation>();
        if (latest == next && !await invitations.AnyAsync(i => i.ApplicationId == application.Id && i.Season == next, cancellationToken))
        {
            invitations.Add(new ReconfirmationInvitation { ApplicationId = application.Id, Season = next, CampaignId = application.CampaignId, InvitedAt = now });
        }
    }

    private static RpcException NotFound(string applicationId) =>
        new(new Status(StatusCode.NotFound, $"Application '{applicationId}' does not exist."));
}
