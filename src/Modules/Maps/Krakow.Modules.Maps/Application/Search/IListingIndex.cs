using Krakow.Modules.Maps.Application.ListingFeed;

namespace Krakow.Modules.Maps.Application.Search;

/// <summary>
/// The search index of this host instance: every listing row, kept current by following the listing feed
/// (<c>ListingChange</c>, polled about every 500 ms). Every instance follows the same feed, so instances behind a
/// load balancer converge on the same content.
/// </summary>
/// <remarks>
/// Code that writes listings on this instance need not call anything: a SaveChanges on the Maps DbContext that
/// adds <c>ListingChange</c> rows nudges the index once it commits. <see cref="Nudge"/> is there for other writers,
/// and <see cref="CatchUpAsync"/> for a caller that must read its own write (an approval that answers with the
/// listing as searches will show it, a test).
/// </remarks>
internal interface IListingIndex : IListingFeedListener
{
    /// <summary>The current snapshot, or null until the first build from the database has finished.</summary>
    ListingIndexSnapshot? Current { get; }

    /// <summary>The current snapshot, waiting for the first build if need be.</summary>
    ValueTask<ListingIndexSnapshot> GetSnapshotAsync(CancellationToken cancellationToken);

    /// <summary>Returns once a feed poll that started after this call has been applied (every change committed before the call is then in the index).</summary>
    Task CatchUpAsync(CancellationToken cancellationToken);
}
