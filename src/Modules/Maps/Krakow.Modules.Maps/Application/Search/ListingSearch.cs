using Krakow.Modules.Maps.Application.Campaigns;
using Krakow.Modules.Maps.Domain.Campaigns;

namespace Krakow.Modules.Maps.Application.Search;

/// <summary>
/// Finding things nearby (domain.md §1): searches over the index snapshot of this instance, restricted to the live
/// maps: listings of campaigns that are open now (catalogue and clock) and of the campaign's current season.
/// </summary>
internal sealed class ListingSearch(IListingIndex index, ICampaignCatalog catalog, TimeProvider clock)
{
    /// <summary>Campaign id → the season on its live map, for every campaign open now.</summary>
    public IReadOnlyDictionary<string, int> LiveSeasons()
    {
        var now = clock.GetUtcNow();
        var live = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var campaign in catalog.Campaigns)
        {
            if (campaign.StatusAt(now) == CampaignStatus.Open)
            {
                live[campaign.Id] = campaign.Season;
            }
        }

        return live;
    }

    public async Task<List<SearchHit>> NearbyAsync(
        double latitude, double longitude, double radiusMeters, ListingFilterSpec filter, NearbyCursor? after, int take, CancellationToken cancellationToken)
    {
        var snapshot = await index.GetSnapshotAsync(cancellationToken);
        var matcher = ListingMatcher.Create(LiveSeasons(), filter, snapshot.Campaigns, snapshot.Categories);
        return snapshot.Nearby(latitude, longitude, radiusMeters, matcher, after, take);
    }

    public async Task<List<SearchHit>> ViewportAsync(
        double south, double west, double north, double east, ListingFilterSpec filter, string? afterId, int take, CancellationToken cancellationToken)
    {
        var snapshot = await index.GetSnapshotAsync(cancellationToken);
        var matcher = ListingMatcher.Create(LiveSeasons(), filter, snapshot.Campaigns, snapshot.Categories);
        return snapshot.Viewport(south, west, north, east, matcher, afterId, take);
    }

    /// <summary>The listing when it is on a live map; otherwise null, with the reason when it exists off the live map.</summary>
    public async Task<(IndexedListing? Listing, string? NotLiveReason)> FindLiveAsync(string listingId, CancellationToken cancellationToken)
    {
        var snapshot = await index.GetSnapshotAsync(cancellationToken);
        if (snapshot.Find(listingId) is not { } entry)
        {
            return (null, null);
        }

        var campaign = catalog.Find(entry.Row.CampaignId);
        if (campaign is null)
        {
            return (null, $"its campaign '{entry.Row.CampaignId}' is not served (its plugin is not loaded)");
        }

        var status = campaign.StatusAt(clock.GetUtcNow());
        if (status != CampaignStatus.Open)
        {
            return (null, $"its campaign '{campaign.Id}' is {status.ToString().ToLowerInvariant()}: the listing is off the live map, in the archive");
        }

        return campaign.Season == entry.Season
            ? (entry, null)
            : (null, $"it belongs to season {entry.Season} of campaign '{campaign.Id}', whose live map shows season {campaign.Season}");
    }
}
