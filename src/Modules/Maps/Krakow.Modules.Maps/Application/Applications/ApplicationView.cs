using Krakow.Modules.Maps.Application.Seasons;
using Krakow.Modules.Maps.Domain.Applications;
using Krakow.Modules.Maps.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace Krakow.Modules.Maps.Application.Applications;

/// <summary>An application as its applicant and moderators see it: with the maps it is listed on (its own campaign first).</summary>
internal sealed record ApplicationView(MapApplication Application, IReadOnlyList<string> ListedOn)
{
    /// <summary>Re-confirmation across seasons: a pending invitation, the application re-confirmed, the one that re-confirmed it.</summary>
    public ReconfirmationLinks Reconfirmation { get; init; } = ReconfirmationLinks.None;

    public static async Task<ApplicationView> LoadAsync(MapsDbContext db, MapApplication application, CancellationToken cancellationToken)
    {
        var campaigns = await db.Listings.AsNoTracking()
            .Where(l => l.ApplicationId == application.Id)
            .Select(l => l.CampaignId)
            .ToListAsync(cancellationToken);
        return Of(application, campaigns) with { Reconfirmation = await ReconfirmationLinks.ForAsync(db, application.Id, cancellationToken) };
    }

    public static async Task<IReadOnlyList<ApplicationView>> LoadAsync(MapsDbContext db, IReadOnlyList<MapApplication> applications, CancellationToken cancellationToken)
    {
        var ids = applications.Select(a => a.Id).ToList();
        var listings = await db.Listings.AsNoTracking()
            .Where(l => ids.Contains(l.ApplicationId))
            .Select(l => new { l.ApplicationId, l.CampaignId })
            .ToListAsync(cancellationToken);
        var reconfirmations = await ReconfirmationLinks.ForAsync(db, ids, cancellationToken);
        return applications
            .Select(a => Of(a, listings.Where(l => l.ApplicationId == a.Id).Select(l => l.CampaignId))
                with { Reconfirmation = reconfirmations.GetValueOrDefault(a.Id, ReconfirmationLinks.None) })
            .ToList();
    }

    public static ApplicationView Of(MapApplication application, IEnumerable<string> listedOn) => new(application, Order(application, listedOn));

    private static IReadOnlyList<string> Order(MapApplication application, IEnumerable<string> campaigns) =>
        campaigns.OrderBy(c => c == application.CampaignId ? 0 : 1).ThenBy(c => c, StringComparer.Ordinal).ToList();
}
