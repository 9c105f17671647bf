using System.Data.Common;
using Krakow.Modules.Maps.Application.Search;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace Krakow.Modules.Maps.Infrastructure.Search;

/// <summary>
/// Nudges the listing index after every save and every commit on the Maps DbContext, so a listing written on this
/// instance reaches its index in milliseconds rather than at the next poll. A nudge only asks for a feed poll
/// (calls coalesce), so nudging for saves that touched no listing costs one cheap query.
/// </summary>
internal sealed class ListingFeedNudger(IListingIndex index) : SaveChangesInterceptor, IDbTransactionInterceptor
{
    public override int SavedChanges(SaveChangesCompletedEventData eventData, int result)
    {
        NudgeUnlessInTransaction(eventData);
        return result;
    }

    public override ValueTask<int> SavedChangesAsync(SaveChangesCompletedEventData eventData, int result, CancellationToken cancellationToken = default)
    {
        NudgeUnlessInTransaction(eventData);
        return ValueTask.FromResult(result);
    }

    public void TransactionCommitted(DbTransaction transaction, TransactionEndEventData eventData) => index.Nudge();

    public Task TransactionCommittedAsync(DbTransaction transaction, TransactionEndEventData eventData, CancellationToken cancellationToken = default)
    {
        index.Nudge();
        return Task.CompletedTask;
    }

    // Inside an explicit transaction the rows are not visible to the index's own connection until the commit.
    private void NudgeUnlessInTransaction(SaveChangesCompletedEventData eventData)
    {
        if (eventData.Context?.Database.CurrentTransaction is null)
        {
            index.Nudge();
        }
    }
}
