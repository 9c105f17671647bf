namespace Krakow.Modules.Maps.Application.Search;

/// <summary>
/// Decides, for one request, whether an indexed listing is on a live map and passes the filter. Built once per
/// request from the campaign catalogue as it is at that moment, so a campaign that closes leaves the results at
/// once, whatever the index holds.
/// </summary>
internal sealed class ListingMatcher
{
    private readonly int[] liveSeasonBySlot;
    private readonly bool[]? campaignAllowed;
    private readonly bool[]? categoryAllowed;
    private readonly ListingFlags requiredFlags;
    private readonly string[] words;

    public ListingMatcher(int[] liveSeasonBySlot, bool[]? campaignAllowed, bool[]? categoryAllowed, ListingFlags requiredFlags, string[] words)
    {
        this.liveSeasonBySlot = liveSeasonBySlot;
        this.campaignAllowed = campaignAllowed;
        this.categoryAllowed = categoryAllowed;
        this.requiredFlags = requiredFlags;
        this.words = words;
    }

    /// <summary>
    /// A matcher for <paramref name="filter"/> over the listings of <paramref name="liveSeasons"/> (campaign id →
    /// the season on its live map).
    /// </summary>
    public static ListingMatcher Create(IReadOnlyDictionary<string, int> liveSeasons, ListingFilterSpec filter, SlotTable campaigns, SlotTable categories)
    {
        var live = new int[campaigns.Count];
        Array.Fill(live, -1);
        foreach (var (campaignId, season) in liveSeasons)
        {
            var slot = campaigns.Find(campaignId);
            if (slot >= 0 && slot < live.Length)
            {
                live[slot] = season;
            }
        }

        bool[]? campaignAllowed = null;
        if (filter.CampaignIds.Count > 0)
        {
            campaignAllowed = new bool[live.Length];
            foreach (var id in filter.CampaignIds)
            {
                var slot = campaigns.Find(id);
                if (slot >= 0 && slot < campaignAllowed.Length)
                {
                    campaignAllowed[slot] = true;
                }
            }
        }

        bool[]? categoryAllowed = null;
        if (filter.CategoryIds.Count > 0)
        {
            categoryAllowed = new bool[categories.Count];
            foreach (var id in filter.CategoryIds)
            {
                var slot = categories.Find(id);
                if (slot >= 0 && slot < categoryAllowed.Length)
                {
                    categoryAllowed[slot] = true;
                }
            }
        }

        var flags = (filter.OnlyOrdersOnline ? ListingFlags.OrdersOnline : ListingFlags.None) | (filter.OnlyDelivers ? ListingFlags.Delivers : ListingFlags.None);
        return new ListingMatcher(live, campaignAllowed, categoryAllowed, flags, filter.Words);
    }

    /// <summary>Whether the listing is on its campaign's live map (open now, current season).</summary>
    public bool IsLive(IndexedListing listing)
    {
        var slot = listing.CampaignSlot;
        return (uint)slot < (uint)liveSeasonBySlot.Length && liveSeasonBySlot[slot] == listing.Season;
    }

    public bool Matches(IndexedListing listing) =>
        MatchesFields(listing.CampaignSlot, listing.Season, listing.CategorySlot, listing.Flags) && MatchesText(listing);

    /// <summary>Every test but the text's, on the fields packed in the grid cell.</summary>
    public bool MatchesPoint(in ListingPoint point) => MatchesFields(point.CampaignSlot, point.Season, point.CategorySlot, point.Flags);

    /// <summary>Whether every word of the text appears in the name or description.</summary>
    public bool MatchesText(IndexedListing listing)
    {
        foreach (var word in words)
        {
            if (!listing.FoldedText.Contains(word, StringComparison.Ordinal))
            {
                return false;
            }
        }

        return true;
    }

    private bool MatchesFields(int campaignSlot, int season, int categorySlot, ListingFlags flags) =>
        (uint)campaignSlot < (uint)liveSeasonBySlot.Length
        && liveSeasonBySlot[campaignSlot] == season
        && (campaignAllowed is null || campaignAllowed[campaignSlot])
        && (categoryAllowed is null || ((uint)categorySlot < (uint)categoryAllowed.Length && categoryAllowed[categorySlot]))
        && (flags & requiredFlags) == requiredFlags;
}

/// <summary>A validated filter: campaign and category ids, the folded words of the text, and the flags.</summary>
internal sealed record ListingFilterSpec(
    IReadOnlyList<string> CampaignIds,
    IReadOnlyList<string> CategoryIds,
    string[] Words,
    bool OnlyOrdersOnline,
    bool OnlyDelivers)
{
    public static readonly ListingFilterSpec None = new([], [], [], false, false);
}

/// <summary>
/// A listing found by a search, with its distance from the centre in metres and the exact key it was ordered by
/// (the squared chord; both 0 for viewport searches).
/// </summary>
internal readonly record struct SearchHit(IndexedListing Listing, double DistanceMeters, double SortKey);
