using Krakow.Modules.Maps.Domain.Applications;
using Krakow.Modules.Maps.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace Krakow.Modules.Maps.Application.Seasons;

/// <summary>
/// An application's place in the re-confirmation chain, as its applicant sees it: the season it is invited to
/// re-confirm in (0: no pending invitation), the application it re-confirms (last season's), and the application
/// that re-confirmed it (next season's). Empty strings when there is none.
/// </summary>
internal sealed record ReconfirmationLinks(int PendingSeason, string ReconfirmedFrom, string ReconfirmedAs)
{
    public static readonly ReconfirmationLinks None = new(0, string.Empty, string.Empty);

    public static async Task<ReconfirmationLinks> ForAsync(MapsDbContext db, string applicationId, CancellationToken cancellationToken) =>
        (await ForAsync(db, [applicationId], cancellationToken)).GetValueOrDefault(applicationId, None);

    /// <summary>The links of each of <paramref name="applicationIds"/> that has any (three indexed queries, whatever their count).</summary>
    public static async Task<IReadOnlyDictionary<string, ReconfirmationLinks>> ForAsync(
        MapsDbContext db, IReadOnlyCollection<string> applicationIds, CancellationToken cancellationToken)
    {
        if (applicationIds.Count == 0)
        {
            return new Dictionary<string, ReconfirmationLinks>();
        }

        var invitations = db.Set<ReconfirmationInvitation>().AsNoTracking();
        var invited = await invitations
            .Where(i => applicationIds.Contains(i.ApplicationId))
            .Join(db.Applications, i => i.ApplicationId, a => a.Id, (i, a) => new { Invitation = i, a.Status })
            .ToListAsync(cancellationToken);
        var reconfirming = await invitations
            .Where(i => i.ReconfirmedApplicationId != null && applicationIds.Contains(i.ReconfirmedApplicationId))
            .Select(i => new { i.ReconfirmedApplicationId, i.ApplicationId })
            .ToListAsync(cancellationToken);
        if (invited.Count == 0 && reconfirming.Count == 0)
        {
            return new Dictionary<string, ReconfirmationLinks>();
        }

        // An invitation is pending only into the campaign's latest season: opening yet another season lapses it.
        var campaignIds = invited.Select(i => i.Invitation.CampaignId).Distinct().ToList();
        var latestSeasons = await db.Set<CampaignSeasonRecord>().AsNoTracking()
            .Where(s => campaignIds.Contains(s.CampaignId))
            .GroupBy(s => s.CampaignId)
            .Select(g => new { CampaignId = g.Key, Season = g.Max(s => s.Season) })
            .ToDictionaryAsync(s => s.CampaignId, s => s.Season, cancellationToken);

        var links = new Dictionary<string, ReconfirmationLinks>(StringComparer.Ordinal);
        foreach (var id in applicationIds)
        {
            var own = invited.Where(i => i.Invitation.ApplicationId == id).MaxBy(i => i.Invitation.Season);
            var latest = own?.Invitation;

            // Pending: into the campaign's latest season, not answered, and the entry still approved (not withdrawn since).
            var pending = latest is { ReconfirmedApplicationId: null }
                && own!.Status == ApplicationStatus.Approved
                && latestSeasons.GetValueOrDefault(latest.CampaignId) == latest.Season
                    ? latest.Season
                    : 0;
            var from = reconfirming.FirstOrDefault(r => r.ReconfirmedApplicationId == id)?.ApplicationId ?? string.Empty;
            var reconfirmedAs = latest?.ReconfirmedApplicationId ?? string.Empty;
            if (pending != 0 || from.Length > 0 || reconfirmedAs.Length > 0)
            {
                links[id] = new ReconfirmationLinks(pending, from, reconfirmedAs);
            }
        }

        return links;
    }
}
