using Krakow.Modules.Maps.Application.Campaigns;
using Krakow.Modules.Maps.Domain.Applications;
using Krakow.Modules.Maps.Domain.Listings;
using Krakow.Modules.Maps.Infrastructure;
using Krakow.Plugins.Sdk;
using Microsoft.EntityFrameworkCore;

namespace Krakow.Modules.Maps.Application.Applications;

/// <summary>
/// Brings an application's listings in line with it: listed on every map <see cref="CrossListingPolicy"/> names
/// while approved, on none otherwise. Every insert, update and delete of a listing is paired with a
/// <see cref="ListingChange"/>; both are only staged, so they commit in the caller's SaveChanges together with the
/// application's own change: approving, editing, withdrawing and opting out change every map at once, or none.
/// </summary>
internal sealed class ListingSync(MapsDbContext db, ICampaignCatalog catalog, TimeProvider clock)
{
    /// <summary>Stages the changes; returns the campaigns the entry is listed on afterwards, its own first.</summary>
    public async Task<IReadOnlyList<string>> SyncAsync(MapApplication application, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        var existing = await db.Listings.Where(l => l.ApplicationId == application.Id).ToListAsync(cancellationToken);
        var targets = application.Status == ApplicationStatus.Approved ? TargetsOf(application, existing, now) : [];
        var content = ListingContent.From(application);

        foreach (var target in targets)
        {
            var listing = existing.FirstOrDefault(l => l.CampaignId == target.CampaignId);
            if (listing is null)
            {
                listing = new Listing
                {
                    Id = Listing.IdFor(application.Id, target.CampaignId),
                    CampaignId = target.CampaignId,
                    SourceCampaignId = application.CampaignId,
                    ApplicationId = application.Id,
                    Season = target.Season,
                    UpdatedAt = now,
                };
                content.ApplyTo(listing);
                db.Listings.Add(listing);
                Record(listing, ListingChangeKind.Added, now);
            }
            else if (!content.IsShownBy(listing))
            {
                content.ApplyTo(listing);
                listing.UpdatedAt = now;
                Record(listing, ListingChangeKind.Updated, now);
            }
        }

        foreach (var listing in existing.Where(l => !targets.Any(t => t.CampaignId == l.CampaignId)))
        {
            db.Listings.Remove(listing);
            Record(listing, ListingChangeKind.Removed, now);
        }

        return targets.Select(t => t.CampaignId).ToList();
    }

    private IReadOnlyList<ListingTarget> TargetsOf(MapApplication application, List<Listing> existing, DateTimeOffset now) =>
        CrossListingPolicy.MapsFor(
            application.CampaignId,
            application.Season,
            catalog.Find(application.CampaignId),
            application.Answers.GetValueOrDefault(StandardFields.Category)?.Text ?? string.Empty,
            application.CrossListingOptOuts,
            existing.ToDictionary(l => l.CampaignId, l => l.Season),
            catalog.Find,
            now);

    private void Record(Listing listing, ListingChangeKind kind, DateTimeOffset now) =>
        db.ListingChanges.Add(new ListingChange { ListingId = listing.Id, CampaignId = listing.CampaignId, Kind = kind, ChangedAt = now });
}
