namespace Krakow.Modules.Maps.Application.ListingFeed;

/// <summary>Something that follows the listing change feed (the search index, campaign watches) and can be told to look now.</summary>
internal interface IListingFeedListener
{
    /// <summary>Asks for a feed poll now instead of at the next tick. Cheap; calls coalesce.</summary>
    void Nudge();
}
